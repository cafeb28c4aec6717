"""The content API over HTTP (chalice test client, real tokens): every resource's create, read,
update, trash and list; the call-for-papers-free review flow; versions and privacy."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor

import pytest

pytestmark = pytest.mark.integration

SEGMENTS = {
    "tracks": {"name": "Web"},
    "rooms": {"name": "Hall", "floor": 1},
    "session-types": {"name": "Talk", "length_minutes": 30},
    "sessions": {"title": "Static sites"},
    "speakers": {"name": "Ada", "email": "ada@example.org"},
    "sponsors": {"name": "ACME", "tier": "gold"},
    "posts": {"title": "Welcome", "body": "Hello", "published": True},
}
EDITS = {
    "tracks": "name",
    "rooms": "name",
    "session-types": "name",
    "sessions": "title",
    "speakers": "name",
    "sponsors": "name",
    "posts": "title",
}


@pytest.fixture
def api(writing_api):
    return writing_api


@pytest.fixture
def event(api, owner):
    return api.dated_event(owner, "Content Conf", year=2026)


@pytest.mark.parametrize("segment", sorted(SEGMENTS))
def test_each_resource_creates_reads_updates_lists_and_trashes(api, owner, event, segment):
    base = f"/v1/events/{event['id']}/{segment}"
    field = EDITS[segment]

    created = api.json("POST", base, SEGMENTS[segment], token=owner["token"], expect=201)
    read = api.json("GET", f"{base}/{created['id']}", token=owner["token"], expect=200)
    updated = api.json(
        "PATCH",
        f"{base}/{created['id']}",
        {field: "Renamed", "version": read["version"]},
        token=owner["token"],
        expect=200,
    )
    listed = api.json("GET", base, token=owner["token"], expect=200)
    api.json("DELETE", f"{base}/{created['id']}", token=owner["token"], expect=200)
    after = api.json("GET", base, token=owner["token"], expect=200)

    assert (updated[field], updated["version"]) == ("Renamed", read["version"] + 1)
    assert [i["id"] for i in listed["items"]] == [created["id"]]
    assert after["items"] == []
    api.json("GET", f"{base}/{created['id']}", token=owner["token"], expect=404)


def test_stale_version_gets_409_with_the_current_item(api, owner, event):
    base = f"/v1/events/{event['id']}/tracks"
    track = api.json("POST", base, {"name": "Web"}, token=owner["token"], expect=201)
    api.json("PATCH", f"{base}/{track['id']}", {"name": "Web 2", "version": 1}, token=owner["token"], expect=200)

    answer = api.json(
        "PATCH", f"{base}/{track['id']}", {"name": "Web 3", "version": 1}, token=owner["token"], expect=409
    )

    assert answer["error"]["current"]["name"] == "Web 2" and answer["error"]["current_version"] == 2


def test_twenty_concurrent_updates_with_one_version_let_one_win(api, owner, event):
    base = f"/v1/events/{event['id']}/rooms"
    room = api.json("POST", base, {"name": "Hall"}, token=owner["token"], expect=201)

    def attempt(n: int) -> int:
        return api.call(
            "PATCH", f"{base}/{room['id']}", {"name": f"Hall {n}", "version": 1}, token=owner["token"]
        ).status_code

    with ThreadPoolExecutor(max_workers=8) as pool:
        answers = list(pool.map(attempt, range(20)))
    stored = api.json("GET", f"{base}/{room['id']}", token=owner["token"], expect=200)

    assert sorted(answers) == [200] + [409] * 19
    assert stored["version"] == 2


def test_unknown_and_read_only_fields_are_refused_by_name(api, owner, event):
    answer = api.json(
        "POST", f"/v1/events/{event['id']}/sessions", {"title": "T", "owner_id": "me"}, token=owner["token"], expect=422
    )

    assert answer["error"]["fields"] == {"owner_id": "is not a field of session"}


def test_body_over_one_megabyte_gets_413(api, owner, event):
    response = api.call(
        "POST", f"/v1/events/{event['id']}/posts", {"title": "T", "body": "x" * 1_100_000}, token=owner["token"]
    )

    assert response.status_code == 413


def test_review_flow_makes_a_session_public_only_once_accepted(api, owner, event):
    base = f"/v1/events/{event['id']}"
    speaker = api.json(
        "POST",
        f"{base}/speakers",
        {"name": "Ada", "email": "ada@example.org", "phone": "+65 1"},
        token=owner["token"],
        expect=201,
    )
    session = api.json(
        "POST",
        f"{base}/sessions",
        {"title": "Proposal", "state": "pending", "speaker_ids": [speaker["id"]]},
        token=owner["token"],
        expect=201,
    )
    api.json("POST", f"{base}/publish", token=owner["token"], expect=200)

    before = api.json("GET", f"{base}/sessions", expect=200)
    accepted = api.json(
        "PATCH",
        f"{base}/sessions/{session['id']}",
        {"state": "accepted", "version": session["version"]},
        token=owner["token"],
        expect=200,
    )
    confirmed = api.json(
        "PATCH",
        f"{base}/sessions/{session['id']}",
        {"state": "confirmed", "version": accepted["version"]},
        token=owner["token"],
        expect=200,
    )
    after = api.json("GET", f"{base}/sessions", expect=200)
    speakers = api.json("GET", f"{base}/speakers", expect=200)

    assert before["items"] == []
    assert [s["title"] for s in after["items"]] == ["Proposal"] and confirmed["state"] == "confirmed"
    assert "email" not in json.dumps(speakers) and "+65 1" not in json.dumps(speakers)


def test_rejected_session_stays_invisible_to_anonymous_readers(api, owner, event):
    base = f"/v1/events/{event['id']}"
    session = api.json(
        "POST", f"{base}/sessions", {"title": "Nope", "state": "pending"}, token=owner["token"], expect=201
    )
    api.json(
        "PATCH",
        f"{base}/sessions/{session['id']}",
        {"state": "rejected", "version": 1},
        token=owner["token"],
        expect=200,
    )
    api.json("POST", f"{base}/publish", token=owner["token"], expect=200)

    assert api.json("GET", f"{base}/sessions", expect=200)["items"] == []
    api.json("GET", f"{base}/sessions/{session['id']}", expect=404)


def test_publishing_needs_dates_and_a_time_zone(api, owner):
    created = api.json("POST", "/v1/events", {"name": "Dateless"}, token=owner["token"], expect=201)

    answer = api.json("POST", f"/v1/events/{created['id']}/publish", token=owner["token"], expect=422)

    assert set(answer["error"]["fields"]) == {"starts_at", "ends_at", "timezone"}


def test_trashing_a_track_in_use_answers_409_listing_sessions(api, owner, event):
    base = f"/v1/events/{event['id']}"
    track = api.json("POST", f"{base}/tracks", {"name": "Web"}, token=owner["token"], expect=201)
    api.json(
        "POST", f"{base}/sessions", {"title": "Uses it", "track_id": track["id"]}, token=owner["token"], expect=201
    )

    answer = api.json("DELETE", f"{base}/tracks/{track['id']}", token=owner["token"], expect=409)
    api.json("DELETE", f"{base}/tracks/{track['id']}?detach=true", token=owner["token"], expect=200)

    assert [s["title"] for s in answer["error"]["sessions"]] == ["Uses it"]


def test_published_event_keeps_its_contact_email_from_outsiders(api, owner, event):
    from chalicelib.db.content import Event
    from chalicelib.db.keys import event_pk

    base = f"/v1/events/{event['id']}"
    stored = Event.get(event_pk(event["id"]), "EVENT")
    stored.update(actions=[Event.email.set("team@example.org")])  # as an Open Event import sets it
    api.json("POST", f"{base}/publish", token=owner["token"], expect=200)
    outsider = api.user("outsider")

    as_owner = api.json("GET", base, token=owner["token"], expect=200)
    as_anonymous = api.json("GET", base, expect=200)
    as_outsider = api.json("GET", base, token=outsider["token"], expect=200)
    listed = api.json("GET", "/v1/events", expect=200)["items"]

    assert as_owner["email"] == "team@example.org" and as_owner["owner_id"] == owner["id"]
    for public in (as_anonymous, as_outsider, *listed):
        assert not {"email", "owner_id", "source_key"} & set(public), public
    assert "team@example.org" not in json.dumps([as_anonymous, as_outsider, listed])


def test_session_saves_answer_with_schedule_clashes(api, owner, event):
    base = f"/v1/events/{event['id']}"
    hall = api.json("POST", f"{base}/rooms", {"name": "Hall"}, token=owner["token"], expect=201)
    ada = api.json("POST", f"{base}/speakers", {"name": "Ada"}, token=owner["token"], expect=201)
    slot = {"starts_at": "2026-03-22T10:00:00+08:00", "ends_at": "2026-03-22T11:00:00+08:00"}
    first = api.json(
        "POST",
        f"{base}/sessions",
        {"title": "Keynote", "room_id": hall["id"], **slot},
        token=owner["token"],
        expect=201,
    )
    later = {"title": "Later", "room_id": hall["id"], "speaker_ids": [ada["id"]],
             "starts_at": "2026-03-22T11:00:00+08:00", "ends_at": "2026-03-22T12:00:00+08:00"}  # fmt: skip
    later = api.json("POST", f"{base}/sessions", later, token=owner["token"], expect=201)

    clash = api.json(
        "POST", f"{base}/sessions", {"title": "Clash", "room_id": hall["id"], "speaker_ids": [ada["id"]],
                                     "starts_at": "2026-03-22T10:30:00+08:00", "ends_at": "2026-03-22T11:30:00+08:00"},
        token=owner["token"], expect=201,
    )  # fmt: skip
    renamed = api.json(
        "PATCH", f"{base}/sessions/{first['id']}", {"title": "Opening keynote", "version": first["version"]},
        token=owner["token"], expect=200,
    )  # fmt: skip

    def pairs(answer):
        return sorted((c["rule"], sorted(c["session_ids"])) for c in answer["conflicts"])

    assert (first["warnings"], first["conflicts"]) == ([], [])
    assert pairs(clash) == sorted([
        ("room_overlap", sorted([first["id"], clash["id"]])),
        ("room_overlap", sorted([later["id"], clash["id"]])),
        ("speaker_overlap", sorted([later["id"], clash["id"]])),
    ])  # fmt: skip
    assert clash["warnings"] == [c["message"] for c in clash["conflicts"]]
    assert pairs(renamed) == [("room_overlap", sorted([first["id"], clash["id"]]))]
    assert "“Opening keynote”" in renamed["warnings"][0] and "Hall" in renamed["warnings"][0]


def test_session_list_names_each_sessions_speakers(api, owner, event):
    base = f"/v1/events/{event['id']}"
    ada = api.json("POST", f"{base}/speakers", {"name": "Ada"}, token=owner["token"], expect=201)
    bob = api.json("POST", f"{base}/speakers", {"name": "Bob"}, token=owner["token"], expect=201)
    for title, speakers in (("Duet", [ada["id"], bob["id"]]), ("Solo", [bob["id"]]), ("Panel tbd", [])):
        body = {"title": title, "state": "accepted", "speaker_ids": speakers}
        api.json("POST", f"{base}/sessions", body, token=owner["token"], expect=201)
    api.json("POST", f"{base}/publish", token=owner["token"], expect=200)

    listed = api.json("GET", f"{base}/sessions", expect=200)["items"]

    names = {s["title"]: [speaker["name"] for speaker in s["speakers"]] for s in listed}
    assert names == {"Duet": ["Ada", "Bob"], "Solo": ["Bob"], "Panel tbd": []}


def test_session_list_shows_a_renamed_speaker_and_hides_a_trashed_one_until_restored(api, owner, event):
    base = f"/v1/events/{event['id']}"
    ada = api.json("POST", f"{base}/speakers", {"name": "Ada"}, token=owner["token"], expect=201)
    body = {"title": "Solo", "speaker_ids": [ada["id"]]}
    session = api.json("POST", f"{base}/sessions", body, token=owner["token"], expect=201)

    def listed_names() -> list[str]:
        items = api.json("GET", f"{base}/sessions", token=owner["token"], expect=200)["items"]
        return [speaker["name"] for speaker in items[0]["speakers"]]

    # WHEN the speaker is renamed
    ada = api.json("GET", f"{base}/speakers/{ada['id']}", token=owner["token"], expect=200)  # linking moved it
    rename = {"name": "Ada Lovelace", "version": ada["version"]}
    api.json("PATCH", f"{base}/speakers/{ada['id']}", rename, token=owner["token"], expect=200)
    # THEN lists show the new name, and an edit made from the session's older copy is refused
    # (it would otherwise write the old name back)
    assert listed_names() == ["Ada Lovelace"]
    stale = {"title": "Solo!", "version": session["version"]}
    api.json("PATCH", f"{base}/sessions/{session['id']}", stale, token=owner["token"], expect=409)

    # WHEN the speaker goes to the trash, and comes back
    api.json("DELETE", f"{base}/speakers/{ada['id']}", token=owner["token"], expect=200)
    trashed = listed_names()
    api.json("POST", f"/v1/trash/speaker/{ada['id']}/restore", token=owner["token"], expect=200)

    # THEN the name leaves the list with it and returns with it
    assert (trashed, listed_names()) == ([], ["Ada Lovelace"])


def test_session_stored_without_speaker_names_still_lists_them(api, owner, event):
    from chalicelib.db import content, keys

    # GIVEN a session written before sessions kept their speakers' names
    base = f"/v1/events/{event['id']}"
    ada = api.json("POST", f"{base}/speakers", {"name": "Ada"}, token=owner["token"], expect=201)
    body = {"title": "Older", "speaker_ids": [ada["id"]]}
    session = api.json("POST", f"{base}/sessions", body, token=owner["token"], expect=201)
    stored = content.Session.get(keys.event_pk(event["id"]), keys.child_sk("session", session["id"]))
    stored.update(actions=[content.Session.speaker_names.remove()])

    # WHEN it is listed, and its speaker renamed (which must not fail on the older item)
    first = api.json("GET", f"{base}/sessions", token=owner["token"], expect=200)["items"]
    ada = api.json("GET", f"{base}/speakers/{ada['id']}", token=owner["token"], expect=200)
    rename = {"name": "Ada L.", "version": ada["version"]}
    api.json("PATCH", f"{base}/speakers/{ada['id']}", rename, token=owner["token"], expect=200)
    second = api.json("GET", f"{base}/sessions", token=owner["token"], expect=200)["items"]

    # THEN the list reads the names from the speakers, and the session's next edit keeps them
    assert [s["speakers"] for s in (*first, *second)] == [
        [{"id": ada["id"], "name": "Ada"}],
        [{"id": ada["id"], "name": "Ada L."}],
    ]
    edit = {"title": "Older, edited", "version": second[0]["version"]}
    api.json("PATCH", f"{base}/sessions/{session['id']}", edit, token=owner["token"], expect=200)
    stored.refresh()
    assert stored.speaker_names.as_dict() == {ada["id"]: "Ada L."}


def test_a_published_event_with_social_links_reads_back_anonymously_without_its_call_for_papers(stack):
    from datetime import UTC, datetime

    from app import app
    from chalice.test import Client
    from chalicelib.db import content, keys
    from chalicelib.db.keys import PUBLISHED

    # GIVEN a published event whose links and call for papers are nested records (as imports write them)
    starts = datetime(2030, 3, 1, 9, tzinfo=UTC)
    event = content.Event(
        keys.event_pk("linked-1"), "EVENT", id="linked-1", slug="linked", name="Linked", state="published",
        starts_at=starts, gsi2pk=PUBLISHED, gsi2sk=starts.isoformat(),
        social_links=[content.Link(name="Twitter", url="https://twitter.com/linked")],
        call_for_papers=content.CallForPapers(announcement="Send talks", privacy="private", secret="s3cret"),
    )  # fmt: skip
    event.save()

    # WHEN an anonymous visitor lists published events and reads this one
    with Client(app) as client:
        listed = client.http.get("/v1/events")
        one = client.http.get("/v1/events/linked-1")

    # THEN both answer with the links as plain JSON; the call for papers has its own route
    assert (listed.status_code, one.status_code) == (200, 200)
    [seen] = [e for e in json.loads(listed.body)["items"] if e["id"] == "linked-1"]
    for body in (seen, json.loads(one.body)):
        assert body["social_links"] == [{"name": "Twitter", "url": "https://twitter.com/linked"}]
        assert "call_for_papers" not in body and "s3cret" not in json.dumps(body)
