"""Who sees what through the API: conflict bodies, speaker lists, event roles and existence
answers all follow domain/projections.py."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

pytestmark = pytest.mark.integration

PRIVATE_SPEAKER = {"email": "private-email-marker@x.test", "phone": "PRIVATE-phone-marker"}
IMPORTED_ANSWERS = {
    "gender": "PRIVATE-gender-marker",
    "heard_from": "PRIVATE-heard-from-marker",
    "speaking_experience": "PRIVATE-experience-marker",
    "sponsorship_required": "PRIVATE-sponsorship-marker",
}


@pytest.fixture
def api(writing_api):
    return writing_api


@pytest.fixture
def event(api, owner):
    return api.dated_event(owner, "Projection Conf", year=2030)


def _publish(api, owner, event) -> None:
    api.json("POST", f"/v1/events/{event['id']}/publish", token=owner["token"], expect=200)


def _as_imported(event_id: str, speaker_id: str) -> None:
    """Give the speaker the answers only imports write (the API takes none of them)."""
    from chalicelib.db.content import Speaker
    from chalicelib.db.keys import child_key

    speaker = Speaker.get(*child_key(event_id, "speaker", speaker_id))
    speaker.update(actions=[getattr(Speaker, name).set(value) for name, value in IMPORTED_ANSWERS.items()])


def _member(api, event, role: str, track_ids: list[str] | None = None) -> dict:
    from chalicelib.domain.roles import grant_role

    user = api.user(role)
    grant_role(event_id=event["id"], user_id=user["id"], role=role, track_ids=track_ids)
    return user


def _speaker_with_talk(api, owner, event, *, state: str, name: str) -> tuple[dict, dict]:
    base = f"/v1/events/{event['id']}"
    speaker = api.json("POST", f"{base}/speakers", {"name": name, **PRIVATE_SPEAKER}, token=owner["token"], expect=201)
    _as_imported(event["id"], speaker["id"])
    talk = {"title": f"{name}'s talk", "speaker_ids": [speaker["id"]], "comments": "PRIVATE-comment-marker"}
    session = api.json("POST", f"{base}/sessions", talk, token=owner["token"], expect=201)
    if state != "draft":
        session = api.json(
            "PATCH", f"{base}/sessions/{session['id']}", {"state": state, "version": session["version"]},
            token=owner["token"], expect=200,
        )  # fmt: skip
    return speaker, session


def test_stale_edit_by_a_speaker_answers_409_without_organizer_fields(api, owner, event):
    base = f"/v1/events/{event['id']}/call-for-papers"
    window = {"opens_at": (datetime.now(UTC) - timedelta(days=1)).isoformat()}
    window["closes_at"] = (datetime.now(UTC) + timedelta(days=30)).isoformat()
    api.json("PUT", base, window, token=owner["token"], expect=200)
    _publish(api, owner, event)
    speaker = api.user("speaker")
    proposal = api.json("POST", f"{base}/proposals", {"title": "Mine"}, token=speaker["token"], expect=201)
    path = f"/v1/events/{event['id']}/sessions/{proposal['id']}"
    api.json("PATCH", path, {"comments": "PRIVATE-comment-marker", "version": proposal["version"]},
             token=owner["token"], expect=200)  # fmt: skip

    stale = api.json("PATCH", path, {"title": "Mine, better", "version": proposal["version"]},
                     token=speaker["token"], expect=409)  # fmt: skip
    organizers = api.json("PATCH", path, {"title": "Theirs", "version": proposal["version"]},
                          token=owner["token"], expect=409)  # fmt: skip

    current = stale["error"]["current"]
    assert (current["id"], current["title"]) == (proposal["id"], "Mine")
    assert "comments" not in current and "speaker_user_ids" not in current
    assert organizers["error"]["current"]["comments"] == "PRIVATE-comment-marker"


def test_anonymous_speaker_list_shows_only_speakers_of_public_talks_with_public_fields(api, owner, event):
    shown, _ = _speaker_with_talk(api, owner, event, state="accepted", name="Shown")
    for state in ("rejected", "pending", "draft"):
        _speaker_with_talk(api, owner, event, state=state, name=f"Hidden {state}")
    _publish(api, owner, event)
    base = f"/v1/events/{event['id']}/speakers"

    listed = api.json("GET", base, expect=200)["items"]
    hidden = [s for s in api.json("GET", base, token=owner["token"], expect=200)["items"] if s["id"] != shown["id"]]
    read_hidden = api.call("GET", f"{base}/{hidden[0]['id']}")
    read_shown = api.json("GET", f"{base}/{shown['id']}", expect=200)

    assert [s["name"] for s in listed] == ["Shown"]
    assert read_hidden.status_code == 404
    for answer in (listed[0], read_shown):
        assert not set(answer) & {*PRIVATE_SPEAKER, *IMPORTED_ANSWERS, "user_id", "source_id"}


@pytest.mark.parametrize("role", ["moderator", "track_organizer"])
def test_moderators_and_track_organizers_see_no_contact_data_nor_comments(api, owner, event, role):
    speaker, session = _speaker_with_talk(api, owner, event, state="pending", name="Ada")
    base = f"/v1/events/{event['id']}"
    track = api.json("POST", f"{base}/tracks", {"name": "Web"}, token=owner["token"], expect=201)
    api.json("PATCH", f"{base}/sessions/{session['id']}", {"track_id": track["id"], "version": session["version"]},
             token=owner["token"], expect=200)  # fmt: skip
    member = _member(api, event, role, track_ids=[track["id"]])

    answers = [
        api.json("GET", f"{base}/speakers", token=member["token"], expect=200)["items"][0],
        api.json("GET", f"{base}/speakers/{speaker['id']}", token=member["token"], expect=200),
        api.json("GET", f"{base}/sessions", token=member["token"], expect=200)["items"][0],
        api.json("GET", f"{base}/sessions/{session['id']}", token=member["token"], expect=200),
    ]
    organizers = api.json("GET", f"{base}/speakers/{speaker['id']}", token=owner["token"], expect=200)

    assert [a["id"] for a in answers] == [speaker["id"], speaker["id"], session["id"], session["id"]]
    assert all("private-" not in str(a).lower() for a in answers)
    assert {name: organizers[name] for name in PRIVATE_SPEAKER} == PRIVATE_SPEAKER


def test_anonymous_reads_of_a_draft_event_and_its_children_answer_as_missing_ones(api, event):
    for suffix in ("", "/speakers", "/sessions/nosuchitem0"):
        draft = api.call("GET", f"/v1/events/{event['id']}{suffix}")
        missing = api.call("GET", f"/v1/events/nosuchevent0{suffix}")

        assert (draft.status_code, draft.body) == (404, missing.body)


def test_user_lookups_answer_404_alike_for_existing_and_missing_users_to_non_admins(api, owner):
    other = api.user("other")

    for method in ("GET", "DELETE"):
        existing = api.call(method, f"/v1/users/{other['id']}", token=owner["token"])
        missing = api.call(method, "/v1/users/nosuchuser00", token=owner["token"])

        assert (existing.status_code, existing.body) == (404, missing.body)
    assert api.json("GET", f"/v1/users/{owner['id']}", token=owner["token"], expect=200)["id"] == owner["id"]


def test_anonymous_readers_see_only_the_public_talks_of_a_speaker(api, owner, event):
    speaker, accepted = _speaker_with_talk(api, owner, event, state="accepted", name="Ada")
    base = f"/v1/events/{event['id']}"
    rejected = api.json("POST", f"{base}/sessions", {"title": "Refused", "speaker_ids": [speaker["id"]]},
                        token=owner["token"], expect=201)  # fmt: skip
    _publish(api, owner, event)

    listed = api.json("GET", f"{base}/speakers", expect=200)["items"]
    read = api.json("GET", f"{base}/speakers/{speaker['id']}", expect=200)
    organizers = api.json("GET", f"{base}/speakers/{speaker['id']}", token=owner["token"], expect=200)

    assert [s["session_ids"] for s in listed] == [[accepted["id"]]]
    assert read["session_ids"] == [accepted["id"]]
    assert sorted(organizers["session_ids"]) == sorted([accepted["id"], rejected["id"]])
