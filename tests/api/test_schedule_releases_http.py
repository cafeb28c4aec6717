"""Schedule releases over HTTP: release (201 with the changes), list newest first in the list
shape, draft changes, a taken version (409 naming the field), bad input (422 naming the field),
and the event's schedule_mode (auto by default, manual once set, nothing else accepted)."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.integration


@pytest.fixture
def api(writing_api):
    return writing_api


@pytest.fixture
def event(api, owner):
    created = api.json("POST", "/v1/events", {"name": "Release Conf"}, token=owner["token"], expect=201)
    return api.json("PATCH", f"/v1/events/{created['id']}", {
        "version": created["version"], "timezone": "UTC",
        "starts_at": "2026-05-01T08:00:00+00:00", "ends_at": "2026-05-02T18:00:00+00:00",
    }, token=owner["token"], expect=200)  # fmt: skip


def test_schedule_releases_release_list_and_draft_changes(api, owner, event):
    base = f"/v1/events/{event['id']}"
    token = owner["token"]
    room = api.json("POST", base + "/rooms", {"name": "Hall"}, token=token, expect=201)
    session = api.json("POST", base + "/sessions", {
        "title": "Engines", "state": "accepted", "room_id": room["id"],
        "starts_at": "2026-05-01T09:00:00+00:00", "ends_at": "2026-05-01T10:00:00+00:00",
    }, token=token, expect=201)  # fmt: skip

    draft = api.json("GET", base + "/schedule/draft-changes", token=token, expect=200)
    first = api.json("POST", base + "/schedule/releases", {"version": "v1", "comment": "First\nrelease"},
                     token=token, expect=201)  # fmt: skip
    api.json("PATCH", base + f"/sessions/{session['id']}", {
        "version": session["version"], "starts_at": "2026-05-01T11:00:00+00:00", "ends_at": "2026-05-01T12:00:00+00:00",
    }, token=token, expect=200)  # fmt: skip
    second = api.json("POST", base + "/schedule/releases", {"version": "v2"}, token=token, expect=201)
    taken = api.json("POST", base + "/schedule/releases", {"version": "v2"}, token=token, expect=409)
    empty = api.json("POST", base + "/schedule/releases", {"version": ""}, token=token, expect=422)
    page = api.json("GET", base + "/schedule/releases?limit=1", token=token, expect=200)
    rest = api.json("GET", base + f"/schedule/releases?limit=1&next={page['next']}", token=token, expect=200)

    assert (draft["count"], [c["title"] for c in draft["changes"]["new"]]) == (1, ["Engines"])
    assert (first["version"], first["comment"], len(first["changes"]["new"])) == ("v1", "First\nrelease", 1)
    assert [c["session_id"] for c in second["changes"]["moved"]] == [session["id"]]
    assert second["changes"]["moved"][0]["after"]["starts_at"] == "2026-05-01T11:00:00+00:00"
    assert (taken["error"]["fields"], list(empty["error"]["fields"])) == ({"version": "is taken"}, ["version"])
    assert [r["version"] for r in page["items"] + rest["items"]] == ["v2", "v1"]
    assert rest["next"] is None


def test_schedule_mode_is_auto_by_default_and_only_auto_or_manual(api, owner, event):
    base = f"/v1/events/{event['id']}"

    manual = api.json("PATCH", base, {"version": event["version"], "schedule_mode": "manual"},
                      token=owner["token"], expect=200)  # fmt: skip
    refused = api.json("PATCH", base, {"version": manual["version"], "schedule_mode": "weekly"},
                       token=owner["token"], expect=422)  # fmt: skip

    assert event.get("schedule_mode") is None  # stored without it: auto (domain/schedule_releases.schedule_mode)
    assert manual["schedule_mode"] == "manual"
    assert list(refused["error"]["fields"]) == ["schedule_mode"]


def test_schedule_mode_is_switched_only_by_those_who_may_release(api, owner, event):
    # Switching to auto publishes every draft change at once and switching to manual empties the
    # public schedule until a release: both are a release's power, which a coorganizer lacks.
    from chalicelib.domain.roles import grant_role

    base = f"/v1/events/{event['id']}"
    coorganizer = api.user("coorganizer")
    grant_role(event_id=event["id"], user_id=coorganizer["id"], role="coorganizer")

    refused = api.json("PATCH", base, {"version": event["version"], "schedule_mode": "manual"},
                       token=coorganizer["token"], expect=403)  # fmt: skip
    kept = api.json("GET", base, token=owner["token"], expect=200)
    renamed = api.json("PATCH", base, {"version": event["version"], "name": "Renamed Conf"},
                       token=coorganizer["token"], expect=200)  # fmt: skip
    switched = api.json("PATCH", base, {"version": renamed["version"], "schedule_mode": "manual"},
                        token=owner["token"], expect=200)  # fmt: skip

    assert refused["error"]["fields"] == {"schedule_mode": "is set by those who release the schedule"}
    assert (kept.get("schedule_mode"), kept["version"]) == (None, event["version"])
    assert (renamed["name"], switched["schedule_mode"]) == ("Renamed Conf", "manual")


def test_coorganizer_sending_the_schedule_mode_unchanged_edits_the_event(api, owner, event):
    # GIVEN an event in manual mode and a coorganizer whose client sends back what it read
    from chalicelib.domain.roles import grant_role

    base = f"/v1/events/{event['id']}"
    coorganizer = api.user("echoing")
    grant_role(event_id=event["id"], user_id=coorganizer["id"], role="coorganizer")
    manual = api.json("PATCH", base, {"version": event["version"], "schedule_mode": "manual"}, token=owner["token"],
                      expect=200)  # fmt: skip

    # WHEN it renames the event with the mode as it is, then tries to switch it
    renamed = api.json("PATCH", base, {"version": manual["version"], "name": "Echoed Conf", "schedule_mode": "manual"},
                       token=coorganizer["token"], expect=200)  # fmt: skip
    switched = api.call("PATCH", base, {"version": renamed["version"], "schedule_mode": "auto"}, token=coorganizer["token"])

    # THEN the rename is made (sending a value is not changing it); the switch is still refused
    assert (renamed["name"], renamed["schedule_mode"]) == ("Echoed Conf", "manual")
    assert switched.status_code == 403


def test_who_released_is_shown_to_the_organizers_only(api, owner, event):
    # GIVEN a release, and a moderator and a track organizer of the event (both read the releases)
    from chalicelib.domain.roles import grant_role

    base = f"/v1/events/{event['id']}"
    made = api.json("POST", base + "/schedule/releases", {"version": "v1"}, token=owner["token"], expect=201)
    readers = {}
    for role in ("moderator", "track_organizer"):
        member = api.user(role.replace("_", ""))
        grant_role(event_id=event["id"], user_id=member["id"], role=role)
        readers[role] = api.json("GET", base + "/schedule/releases", token=member["token"], expect=200)["items"]
    as_owner = api.json("GET", base + "/schedule/releases", token=owner["token"], expect=200)["items"]

    # THEN `released_by` (a user id, domain/projections.py: organizers) reaches the owner alone
    assert [r["released_by"] for r in as_owner] == [made["released_by"]] and made["released_by"]
    assert {role: [sorted(r) for r in items] for role, items in readers.items()} == {
        role: [["changes", "comment", "id", "number", "released_at", "version"]] for role in readers
    }
