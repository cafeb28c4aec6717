"""Scoped roles and two-relation requests on event children: each relation gets exactly what it
grants for its own part (domain/permissions.py `check_write`)."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.integration


@pytest.fixture
def scene(api):
    """A draft event with tracks t1 and t2; a track organizer of t1 who also spoke in t2, a
    moderator who is the speaker of a pending proposal, and a speaker."""
    from chalicelib.db import content, keys
    from chalicelib.domain.roles import grant_role

    owner = api.user("owner")
    event_id = api.json("POST", "/v1/events", {"name": "Scope Conf"}, token=owner["token"], expect=201)["id"]
    track_organizer, moderator, speaker = api.user("trackorg"), api.user("moderator"), api.user("speaker")
    pk = keys.event_pk(event_id)
    for track_id in ("t1", "t2"):
        content.Track(pk, keys.child_sk("track", track_id), id=track_id, event_id=event_id, name=track_id).save()
    sessions = {
        "in_t1": ("t1", "draft", speaker),
        "own_proposal_t2": ("t2", "pending", track_organizer),
        "moderators_proposal": ("t1", "pending", moderator),
        "moderators_accepted": ("t1", "accepted", moderator),
        "speakers_talk": ("t1", "pending", speaker),
    }
    for session_id, (track_id, state, person) in sessions.items():
        speaker_id = f"spk_{session_id}"
        content.Speaker(
            pk, keys.child_sk("speaker", speaker_id), id=speaker_id, event_id=event_id, name="S",
            user_id=person["id"], session_ids=[session_id],
        ).save()  # fmt: skip
        content.Session(
            pk, keys.child_sk("session", session_id), id=session_id, event_id=event_id, title="Talk",
            track_id=track_id, state=state, speaker_ids=[speaker_id], speaker_user_ids=[person["id"]],
        ).save()  # fmt: skip
    grant_role(event_id=event_id, user_id=track_organizer["id"], role="track_organizer", track_ids=["t1"])
    grant_role(event_id=event_id, user_id=moderator["id"], role="moderator")
    return {"event_id": event_id, "track_organizer": track_organizer, "moderator": moderator, "speaker": speaker}


def _create(api, scene, who, body):
    return api.call("POST", f"/v1/events/{scene['event_id']}/sessions", body, token=scene[who]["token"])


def _patch(api, scene, who, kind, item_id, body):
    path = f"/v1/events/{scene['event_id']}/{kind}/{item_id}"
    current = api.json("GET", path, token=scene[who]["token"], expect=200)
    return api.call("PATCH", path, body | {"version": current["version"]}, token=scene[who]["token"])


def test_track_organizer_creates_sessions_only_in_their_tracks(api, scene):
    inside = _create(api, scene, "track_organizer", {"title": "In", "track_id": "t1"})
    outside = _create(api, scene, "track_organizer", {"title": "Out", "track_id": "t2"})
    trackless = _create(api, scene, "track_organizer", {"title": "Nowhere"})
    accepted_outside = _create(api, scene, "track_organizer", {"title": "Out", "track_id": "t2", "state": "accepted"})

    assert inside.status_code == 201
    assert [r.status_code for r in (outside, trackless, accepted_outside)] == [403, 403, 403]
    assert outside.json_body["error"]["fields"] == {"track_id": "must name one of your tracks"}


def test_track_organizer_cannot_move_a_session_out_of_their_tracks(api, scene):
    moved = _patch(api, scene, "track_organizer", "sessions", "in_t1", {"track_id": "t2"})
    renamed = _patch(api, scene, "track_organizer", "sessions", "in_t1", {"title": "Better"})

    assert moved.status_code == 403
    assert moved.json_body["error"]["fields"] == {"track_id": "must name one of your tracks"}
    assert renamed.status_code == 200


def test_track_organizer_cannot_accept_their_own_proposal_in_another_track(api, scene):
    accepted = _patch(api, scene, "track_organizer", "sessions", "own_proposal_t2", {"state": "accepted"})
    withdrawn = _patch(api, scene, "track_organizer", "sessions", "own_proposal_t2", {"state": "withdrawn"})

    assert accepted.status_code == 409
    assert withdrawn.status_code == 200


def test_track_organizer_cannot_accept_their_own_proposal_after_moving_it_into_their_track(api, scene):
    moved = _patch(api, scene, "track_organizer", "sessions", "own_proposal_t2", {"track_id": "t1"})
    accepted = _patch(api, scene, "track_organizer", "sessions", "own_proposal_t2", {"state": "accepted"})
    others_accepted = _patch(api, scene, "track_organizer", "sessions", "in_t1", {"state": "accepted"})

    assert moved.status_code == 200  # a speaker may choose their proposal's track
    assert accepted.status_code == 409
    assert accepted.json_body["error"]["fields"] == {"state": "pending → accepted is not allowed"}
    assert others_accepted.status_code == 200


def test_moderator_speaker_edits_only_the_speakers_fields(api, scene):
    organizer_fields = [
        _patch(api, scene, "moderator", "sessions", "moderators_proposal", {field: value})
        for field, value in (("comments", "fine"), ("room_id", "r1"), ("speaker_ids", []))
    ]
    after_acceptance = _patch(api, scene, "moderator", "sessions", "moderators_accepted", {"title": "New"})
    own_title = _patch(api, scene, "moderator", "sessions", "moderators_proposal", {"title": "Mine"})

    assert [r.status_code for r in organizer_fields] == [422, 422, 422]
    assert after_acceptance.status_code == 409
    assert own_title.status_code == 200


def test_speaker_cannot_feature_their_own_profile(api, scene):
    featured = _patch(api, scene, "speaker", "speakers", "spk_speakers_talk", {"featured": True})
    bio = _patch(api, scene, "speaker", "speakers", "spk_speakers_talk", {"short_biography": "Hi"})

    assert featured.status_code == 422
    assert featured.json_body["error"]["fields"] == {"featured": "is set by the organizers"}
    assert bio.status_code == 200
