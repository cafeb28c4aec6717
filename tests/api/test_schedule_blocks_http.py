"""Breaks and blockers over HTTP (/v1/events/{event_id}/schedule-blocks): the organizers' create,
read, edit, list and trash; hostile values refused naming the field; visitors see breaks only."""

from __future__ import annotations

from datetime import datetime

import pytest

pytestmark = pytest.mark.integration

LUNCH = {"title": "Lunch", "block_type": "break", "starts_at": "2026-03-22T12:00:00+08:00",
         "ends_at": "2026-03-22T13:00:00+08:00"}  # fmt: skip


@pytest.fixture
def api(writing_api):
    return writing_api


@pytest.fixture
def event(api, owner):
    return api.dated_event(owner, "Blocks Conf", year=2026)


def test_schedule_blocks_created_edited_listed_trashed_and_restored_by_the_organizers(api, owner, event):
    base = f"/v1/events/{event['id']}/schedule-blocks"
    hall = api.json("POST", f"/v1/events/{event['id']}/rooms", {"name": "Hall"}, token=owner["token"], expect=201)
    lunch = api.json("POST", base, LUNCH, token=owner["token"], expect=201)
    setup = api.json(
        "POST", base, {**LUNCH, "title": "Stage set-up", "block_type": "blocker", "room_ids": [hall["id"]]},
        token=owner["token"], expect=201,
    )  # fmt: skip

    moved = api.json(
        "PATCH", f"{base}/{lunch['id']}", {"starts_at": "2026-03-22T12:30:00+08:00", "ends_at": "2026-03-22T13:30:00+08:00",
                                           "version": lunch["version"]},
        token=owner["token"], expect=200,
    )  # fmt: skip
    stale = api.json("PATCH", f"{base}/{lunch['id']}", {"title": "Late lunch", "version": lunch["version"]},
                     token=owner["token"], expect=409)  # fmt: skip
    listed = api.json("GET", base, token=owner["token"], expect=200)
    api.json("DELETE", f"{base}/{setup['id']}", token=owner["token"], expect=200)
    after_trash = api.json("GET", base, token=owner["token"], expect=200)
    api.json("POST", f"/v1/trash/schedule_block/{setup['id']}/restore", {}, token=owner["token"], expect=200)
    restored = api.json("GET", f"{base}/{setup['id']}", token=owner["token"], expect=200)

    assert (lunch["room_ids"], setup["room_ids"], setup["block_type"]) == ([], [hall["id"]], "blocker")
    assert (moved["starts_at"], moved["version"]) == ("2026-03-22T12:30:00+08:00", 2)
    assert datetime.fromisoformat(stale["error"]["current"]["starts_at"]) == datetime.fromisoformat(moved["starts_at"])
    assert sorted(b["title"] for b in listed["items"]) == ["Lunch", "Stage set-up"]
    assert [b["title"] for b in after_trash["items"]] == ["Lunch"]
    assert restored["title"] == "Stage set-up"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"title": ""}, "title"),
        ({"title": "x" * 201}, "title"),
        ({"title": "Lunch\nbreak"}, "title"),
        ({"block_type": "lunch"}, "block_type"),
        ({"room_ids": "hall"}, "room_ids"),
        ({"room_ids": ["x" * 65]}, "room_ids"),
        ({"room_ids": ["no-such-room"]}, "room_ids"),
        ({"room_ids": [None]}, "room_ids"),
        ({"starts_at": "tomorrow"}, "starts_at"),
        ({"starts_at": "2026-03-22T12:00:00"}, "starts_at"),  # no offset
        ({"ends_at": "2200-01-01T00:00:00+00:00"}, "ends_at"),
        ({"ends_at": "2026-03-22T11:00:00+08:00"}, "ends_at"),  # before it starts
        ({"starts_at": None}, "starts_at"),
        ({"owner_id": "me"}, "owner_id"),
        ({"version": "1"}, "version"),
    ],
)
def test_schedule_block_hostile_values_are_refused_naming_the_field(api, owner, event, body, field):
    answer = api.call("POST", f"/v1/events/{event['id']}/schedule-blocks", {**LUNCH, **body}, token=owner["token"])

    assert answer.status_code in (400, 422), answer.body
    assert field in answer.json_body["error"]["fields"]


def test_schedule_block_missing_fields_are_refused_by_name(api, owner, event):
    answer = api.json(
        "POST", f"/v1/events/{event['id']}/schedule-blocks", {"title": "Lunch"}, token=owner["token"], expect=422
    )

    assert set(answer["error"]["fields"]) == {"block_type", "starts_at", "ends_at"}


def test_schedule_blocks_visitors_see_breaks_with_public_fields_and_never_blockers(api, owner, event):
    base = f"/v1/events/{event['id']}"
    lunch = api.json("POST", f"{base}/schedule-blocks", LUNCH, token=owner["token"], expect=201)
    hidden = api.json(
        "POST", f"{base}/schedule-blocks", {**LUNCH, "title": "Sound check", "block_type": "blocker"},
        token=owner["token"], expect=201,
    )  # fmt: skip
    api.json("POST", f"{base}/publish", token=owner["token"], expect=200)

    listed = api.json("GET", f"{base}/schedule-blocks", expect=200)
    one = api.json("GET", f"{base}/schedule-blocks/{lunch['id']}", expect=200)
    api.json("GET", f"{base}/schedule-blocks/{hidden['id']}", expect=404)

    assert [b["id"] for b in listed["items"]] == [lunch["id"]]
    assert set(one) == {
        "id", "version", "created_at", "updated_at", "event_id", "title", "block_type", "room_ids", "starts_at",
        "ends_at",
    }  # fmt: skip


def test_schedule_blocks_stay_out_of_the_open_event_export(api, owner, event):
    from chalicelib.domain.exports import export_files
    from chalicelib.domain.projections import ORGANIZERS_AUDIENCE

    base = f"/v1/events/{event['id']}"
    api.json("POST", f"{base}/schedule-blocks", LUNCH, token=owner["token"], expect=201)
    api.json("POST", f"{base}/rooms", {"name": "Hall"}, token=owner["token"], expect=201)

    files = export_files(event_id=event["id"], audience=ORGANIZERS_AUDIENCE)

    assert "Lunch" not in repr(files)
    assert "Hall" in repr(files)


def test_schedule_block_and_session_repeated_references_are_kept_once(api, owner, event):
    # GIVEN two rooms and a speaker, each named twice in a body (a client's double click)
    hall = api.json("POST", f"/v1/events/{event['id']}/rooms", {"name": "Hall"}, token=owner["token"], expect=201)
    loft = api.json("POST", f"/v1/events/{event['id']}/rooms", {"name": "Loft"}, token=owner["token"], expect=201)
    ada = api.json("POST", f"/v1/events/{event['id']}/speakers", {"name": "Ada"}, token=owner["token"], expect=201)

    # WHEN a break over both rooms and a session of that speaker are created
    block = api.json("POST", f"/v1/events/{event['id']}/schedule-blocks",
                     {**LUNCH, "room_ids": [hall["id"], loft["id"], hall["id"]]}, token=owner["token"], expect=201)  # fmt: skip
    talk = api.json("POST", f"/v1/events/{event['id']}/sessions", {"title": "Engines", "speaker_ids": [ada["id"], ada["id"]]},
                    token=owner["token"], expect=201)  # fmt: skip

    # THEN each reference is stored once, in the order first given
    assert block["room_ids"] == [hall["id"], loft["id"]]
    assert talk["speaker_ids"] == [ada["id"]]
