"""The schedule's conflicts over HTTP: the event's list (every rule, counted), the conflicts a
session write answers with, and concurrent moves of one session (one wins, the others get 409
with the session as it is now, and the session exists once)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest

pytestmark = pytest.mark.integration


@pytest.fixture
def api(writing_api):
    return writing_api


@pytest.fixture
def event(api, owner):
    return api.dated_event(owner, "Conflict Conf", year=2026)  # 22-24 March 2026 in Singapore


def at(day: int, hour: float) -> str:
    """A moment on 22 + `day` March 2026, Singapore time."""
    minutes = round(hour * 60)
    return f"2026-03-{22 + day:02d}T{minutes // 60:02d}:{minutes % 60:02d}:00+08:00"


def slot(day: int, start: float, end: float) -> dict[str, str]:
    return {"starts_at": at(day, start), "ends_at": at(day, end)}


def test_schedule_conflicts_list_names_every_rule_and_counts_them(api, owner, event):
    base = f"/v1/events/{event['id']}"
    token = owner["token"]
    hall = api.json("POST", f"{base}/rooms", {"name": "Hall"}, token=token, expect=201)
    lab = api.json("POST", f"{base}/rooms", {"name": "Lab"}, token=token, expect=201)
    ada = api.json("POST", f"{base}/speakers", {"name": "Ada"}, token=token, expect=201)
    bob = api.json("POST", f"{base}/speakers", {"name": "Bob"}, token=token, expect=201)
    api.json("PUT", f"{base}/speakers/{bob['id']}/availability", {"availability": [slot(0, 9, 12)], "version": bob["version"]}, token=token,
             expect=200)  # fmt: skip
    api.json("POST", f"{base}/schedule-blocks", {"title": "Lunch", "block_type": "break", **slot(0, 12, 13)},
             token=token, expect=201)  # fmt: skip

    def talk(title: str, room: dict, when: dict, speakers=(), state: str = "accepted") -> dict:
        body = {"title": title, "room_id": room["id"], "speaker_ids": [s["id"] for s in speakers], "state": state, **when}
        return api.json("POST", f"{base}/sessions", body, token=token, expect=201)

    keynote = talk("Keynote", hall, slot(0, 9, 10), [ada])
    clash = talk("Clash", hall, slot(0, 9.5, 10.5))
    workshop = talk("Workshop", lab, slot(0, 9.5, 11), [ada])
    afternoon = talk("Afternoon", lab, slot(0, 14, 15), [bob])
    lunch_talk = talk("Lunch talk", lab, slot(0, 12.5, 13.5))
    day_after = talk("Day after", hall, slot(3, 10, 11))
    talk("Rejected", hall, slot(0, 9, 10), [ada], state="rejected")

    listed = api.json("GET", f"{base}/schedule/conflicts", token=token, expect=200)

    found = sorted((c["rule"], sorted(c["session_ids"])) for c in listed["items"])
    assert found == sorted([
        ("room_overlap", sorted([keynote["id"], clash["id"]])),
        ("speaker_overlap", sorted([keynote["id"], workshop["id"]])),
        ("speaker_unavailable", [afternoon["id"]]),
        ("outside_event", [day_after["id"]]),
        ("block_overlap", [lunch_talk["id"]]),
    ])  # fmt: skip
    assert listed["count"] == 5
    by_rule = {c["rule"]: c for c in listed["items"]}
    assert by_rule["speaker_overlap"]["speaker_ids"] == [ada["id"]]
    assert by_rule["speaker_unavailable"]["message"] == "Bob is not available during “Afternoon”."
    assert by_rule["room_overlap"]["room_id"] == hall["id"]
    assert set(by_rule["block_overlap"]) == {"rule", "message", "session_ids", "room_id", "block_id"}


def test_session_move_answers_with_its_conflicts_and_a_move_away_clears_them(api, owner, event):
    base = f"/v1/events/{event['id']}"
    token = owner["token"]
    hall = api.json("POST", f"{base}/rooms", {"name": "Hall"}, token=token, expect=201)
    lunch = api.json("POST", f"{base}/schedule-blocks", {"title": "Lunch", "block_type": "break", **slot(1, 12, 13)},
                     token=token, expect=201)  # fmt: skip
    created = api.json("POST", f"{base}/sessions", {"title": "Talk", "room_id": hall["id"], **slot(1, 10, 11)},
                       token=token, expect=201)  # fmt: skip

    into_lunch = api.json("PATCH", f"{base}/sessions/{created['id']}", {**slot(1, 12.5, 13.5), "version": 1},
                          token=token, expect=200)  # fmt: skip
    away = api.json("PATCH", f"{base}/sessions/{created['id']}", {**slot(1, 14, 15), "version": 2},
                    token=token, expect=200)  # fmt: skip

    assert (created["conflicts"], created["warnings"]) == ([], [])
    assert into_lunch["conflicts"] == [
        {
            "rule": "block_overlap",
            "message": "“Talk” overlaps the break “Lunch” (all rooms).",
            "session_ids": [created["id"]],
            "room_id": hall["id"],
            "block_id": lunch["id"],
        }
    ]
    assert into_lunch["warnings"] == ["“Talk” overlaps the break “Lunch” (all rooms)."]
    assert (away["conflicts"], away["warnings"]) == ([], [])


def test_schedule_conflicts_of_an_empty_schedule_are_none(api, owner, event):
    listed = api.json("GET", f"/v1/events/{event['id']}/schedule/conflicts", token=owner["token"], expect=200)

    assert listed == {"items": [], "count": 0}


def test_concurrent_moves_of_one_session_one_wins_the_rest_get_409_with_where_it_is_now(api, owner, event):
    base = f"/v1/events/{event['id']}"
    token = owner["token"]
    rooms = [api.json("POST", f"{base}/rooms", {"name": f"Room {n}"}, token=token, expect=201) for n in range(6)]
    talk = api.json("POST", f"{base}/sessions", {"title": "Talk", "room_id": rooms[0]["id"], **slot(0, 10, 11)},
                    token=token, expect=201)  # fmt: skip

    def move(n: int):
        body = {"room_id": rooms[n]["id"], **slot(0, 10 + n, 11 + n), "version": talk["version"]}
        return api.call("PATCH", f"{base}/sessions/{talk['id']}", body, token=token)

    with ThreadPoolExecutor(max_workers=5) as pool:
        answers = list(pool.map(move, range(1, 6)))
    stored = api.json("GET", f"{base}/sessions/{talk['id']}", token=token, expect=200)
    listed = api.json("GET", f"{base}/sessions", token=token, expect=200)["items"]

    assert sorted(a.status_code for a in answers) == [200, 409, 409, 409, 409]
    won = next(a.json_body for a in answers if a.status_code == 200)
    assert (stored["room_id"], stored["version"]) == (won["room_id"], 2)
    for lost in (a.json_body["error"] for a in answers if a.status_code == 409):
        assert lost["current"]["room_id"] == stored["room_id"]
        assert lost["current"]["version"] == 2
        assert lost["current"]["starts_at"] is not None
    assert [s["id"] for s in listed].count(talk["id"]) == 1


def test_speaker_editing_their_talk_gets_no_conflicts_naming_other_talks(api, owner, event):
    from chalicelib.db import content
    from chalicelib.db.keys import child_key

    base = f"/v1/events/{event['id']}"
    token = owner["token"]
    speaker = api.user("speaker")
    hall = api.json("POST", f"{base}/rooms", {"name": "Hall"}, token=token, expect=201)
    api.json("POST", f"{base}/sessions", {"title": "Secret pending talk", "room_id": hall["id"], "state": "pending",
                                          **slot(0, 10, 11)}, token=token, expect=201)  # fmt: skip
    theirs = api.json("POST", f"{base}/sessions", {"title": "Theirs", "room_id": hall["id"], **slot(0, 10, 11)},
                      token=token, expect=201)  # fmt: skip
    stored = content.Session.get(*child_key(event["id"], "session", theirs["id"]))
    stored.update(actions=[content.Session.speaker_user_ids.set([speaker["id"]])])  # the talk is the speaker's

    as_organizer = api.json("GET", f"{base}/schedule/conflicts", token=token, expect=200)
    edited = api.json("PATCH", f"{base}/sessions/{theirs['id']}", {"title": "Their talk", "version": stored.version},
                      token=speaker["token"], expect=200)  # fmt: skip
    api.json("GET", f"{base}/schedule/conflicts", token=speaker["token"], expect=404)  # a draft event: as missing

    assert as_organizer["count"] == 1
    assert (edited["warnings"], edited["conflicts"]) == ([], [])


def test_schedule_conflicts_list_holds_at_most_its_limit_and_counts_them_all(api, owner, event, monkeypatch):
    from chalicelib.api import content as content_routes

    base = f"/v1/events/{event['id']}"
    hall = api.json("POST", f"{base}/rooms", {"name": "Hall"}, token=owner["token"], expect=201)
    for n in range(3):  # three talks at once in one room: three pairs
        api.json("POST", f"{base}/sessions", {"title": f"Talk {n}", "room_id": hall["id"], **slot(0, 10, 11)},
                 token=owner["token"], expect=201)  # fmt: skip
    monkeypatch.setattr(content_routes, "MAX_LISTED_CONFLICTS", 2)

    listed = api.json("GET", f"{base}/schedule/conflicts", token=owner["token"], expect=200)

    assert (len(listed["items"]), listed["count"]) == (2, 3)
