from __future__ import annotations

import json
from urllib.parse import quote

import pytest
from chalice.test import Client
from support.trash import (
    ADMIN,
    COORGANIZER,
    ORGANIZER,
    OWNER,
    STRANGER,
    actor,
    child_id,
    frozen_clock,
    put_user,
    seed_event,
    token_for,
)

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def client():
    from app import app

    with Client(app) as test_client:
        yield test_client


@pytest.fixture
def call(client, clock):
    """Requests as a user: accounts made as identity stores them, tokens minted at the test's clock."""
    for user_id in (OWNER, ORGANIZER, COORGANIZER, STRANGER):
        put_user(user_id)
    put_user(ADMIN, "admin")

    def send(method: str, path: str, who: str | None = OWNER, body: dict | None = None):
        headers = {"Content-Type": "application/json"}
        if who:
            headers["Authorization"] = f"Bearer {token_for(who)}"
        response = getattr(client.http, method.lower())(path, body=json.dumps(body or {}), headers=headers)
        return response.status_code, json.loads(response.body)

    return send


@pytest.fixture
def clock(stack):
    with frozen_clock() as moving:
        yield moving


@pytest.fixture
def trashed_event(clock):
    from chalicelib.db.content import Event
    from chalicelib.db.keys import event_pk
    from chalicelib.domain.trash import trash_event

    seed_event()
    trash_event(event=Event.get(event_pk("ev1"), "EVENT"), actor=actor(OWNER))
    return "ev1"


def test_get_trash_lists_the_event_and_what_went_with_it(call, trashed_event):
    status, body = call("GET", "/v1/trash?kind=event")
    _, children = call("GET", "/v1/trash?kind=session")

    assert status == 200
    assert [(i["kind"], i["id"], i["trashed_with"]) for i in body["items"]] == [("event", "ev1", None)]
    assert body["items"][0]["expires_at"] == "2026-02-09T12:00:00+00:00"
    assert [i["trashed_with"] for i in children["items"]] == [{"kind": "event", "id": "ev1"}]
    assert body["items"][0]["actions"] == ["restore", "delete"]  # the owner's; children come back with it
    assert {tuple(i["actions"]) for i in children["items"]} == {()}


def test_restore_answers_the_new_version_and_the_event_is_back(call, trashed_event, clock):
    clock.advance(days=29)

    status, body = call("POST", "/v1/trash/event/ev1/restore")
    _, after = call("GET", "/v1/trash")

    assert (status, body) == (200, {"kind": "event", "id": "ev1", "event_id": "ev1", "version": 3})
    assert after["items"] == []


def test_restore_after_expiry_is_404(call, trashed_event, clock):
    clock.advance(days=30, seconds=1)

    status, body = call("POST", "/v1/trash/event/ev1/restore")

    assert status == 404
    assert body["error"]["code"] == "not_found"


def test_restore_with_a_taken_slug_answers_409_with_a_suggestion(call, trashed_event):
    seed_event("ev2", "conf")

    status, body = call("POST", "/v1/trash/event/ev1/restore")
    retried, _ = call("POST", "/v1/trash/event/ev1/restore", body={"slug": body["error"]["suggestion"]})

    assert (status, body["error"]["suggestion"], retried) == (409, "conf-2", 200)


def test_restore_child_by_id_alone(call, clock):
    from chalicelib.db.content import Event, Post
    from chalicelib.db.keys import child_sk, event_pk
    from chalicelib.domain.content import trash_child

    seed_event()
    post_id = child_id("ev1", "post")
    event = Event.get(event_pk("ev1"), "EVENT")
    trash_child(event=event, item=Post.get(event_pk("ev1"), child_sk("post", post_id)), actor=actor(OWNER))

    status, body = call("POST", f"/v1/trash/post/{post_id}/restore", who=ORGANIZER)

    assert (status, body["event_id"]) == (200, "ev1")


def test_coorganizer_may_list_but_not_purge(call, trashed_event):
    listed, page = call("GET", "/v1/trash?event_id=ev1", who=COORGANIZER)
    status, body = call("DELETE", "/v1/trash/event/ev1", who=COORGANIZER)

    assert (listed, status, body["error"]["code"]) == (200, 403, "forbidden")
    assert page["items"] and all(item["actions"] == [] for item in page["items"])  # so the page offers none


def test_stranger_sees_nothing_and_cannot_restore(call, trashed_event):
    _, listed = call("GET", "/v1/trash", who=STRANGER)
    status, _ = call("POST", "/v1/trash/event/ev1/restore", who=STRANGER)
    narrowed, _ = call("GET", "/v1/trash?event_id=ev1", who=STRANGER)

    assert (listed["items"], status, narrowed) == ([], 403, 403)  # the event was public: no secret


def test_anonymous_gets_401(call, trashed_event):
    status, _ = call("GET", "/v1/trash", who=None)

    assert status == 401


def test_owner_purges_now(call, trashed_event):
    status, body = call("DELETE", "/v1/trash/event/ev1")
    again, _ = call("DELETE", "/v1/trash/event/ev1")

    assert (status, body, again) == (200, {"deleted": 11}, 404)


def test_unknown_kind_is_404(call):
    status, _ = call("GET", "/v1/trash?kind=planet", who=ADMIN)

    assert status == 404


def test_audit_lists_the_months_acts_for_admins(call, trashed_event, clock):
    clock.advance(seconds=1)
    call("DELETE", "/v1/trash/event/ev1")

    status, body = call("GET", "/v1/audit?month=2026-01", who=ADMIN)
    denied, _ = call("GET", "/v1/audit", who=OWNER)

    assert status == 200
    assert [(r["action"], r["kind"], r["item_id"], r["count"]) for r in body["items"]] == [
        ("trash", "event", "ev1", 8),
        ("purge", "event", "ev1", 11),
    ]
    assert denied == 403


@pytest.mark.parametrize("month", ["2026-1x", "\u0662\u0660\u0662\u0666-01"])  # the second in Arabic-Indic digits
def test_audit_month_must_be_a_month(call, month):
    status, body = call("GET", f"/v1/audit?month={quote(month)}", who=ADMIN)

    assert (status, list(body["error"]["fields"])) == (400, ["month"])


def test_delete_event_moves_it_to_the_trash(call, clock):
    seed_event()

    status, body = call("DELETE", "/v1/events/ev1")
    gone, _ = call("GET", "/v1/events/ev1")
    _, listed = call("GET", "/v1/trash?kind=event")

    assert (status, body["trashed"]["items"], gone) == (200, 8, 404)
    assert [(i["id"], i["expires_at"]) for i in listed["items"]] == [("ev1", "2026-02-09T12:00:00+00:00")]


def test_coorganizer_may_not_delete_the_event(call, clock):
    seed_event()

    status, _ = call("DELETE", "/v1/events/ev1", who=COORGANIZER)

    assert status == 403


def test_delete_user_owning_a_shared_event_is_409_listing_it(call, clock):
    seed_event()  # OWNER owns it; ORGANIZER organizes it too

    status, body = call("DELETE", f"/v1/users/{OWNER}", who=ADMIN)

    assert status == 409
    assert body["error"]["events"] == [{"id": "ev1", "name": "Conf", "organizers": [ORGANIZER]}]


def test_deleted_user_is_in_the_admins_trash_only_and_signs_in_no_more(call, clock):
    status, _ = call("DELETE", f"/v1/users/{STRANGER}", who=ADMIN)
    _, admins = call("GET", "/v1/trash?kind=user", who=ADMIN)
    _, others = call("GET", "/v1/trash?kind=user", who=OWNER)
    refused, _ = call("GET", "/v1/me", who=STRANGER)
    restored, _ = call("POST", f"/v1/trash/user/{STRANGER}/restore", who=ADMIN)
    back, _ = call("GET", "/v1/me", who=STRANGER)

    assert status == 200
    assert [i["id"] for i in admins["items"]] == [STRANGER]
    assert others["items"] == []
    assert (refused, restored, back) == (401, 200, 200)


def test_only_admins_restore_users(call, clock):
    call("DELETE", f"/v1/users/{STRANGER}", who=ADMIN)

    status, _ = call("POST", f"/v1/trash/user/{STRANGER}/restore", who=OWNER)

    assert status == 403


def test_delete_event_of_many_items_answers_202_naming_the_job(call, clock, monkeypatch):
    from chalicelib.db.jobs import get_job
    from chalicelib.domain import trash

    monkeypatch.setattr(trash, "BACKGROUND_ITEMS", 3)  # the seeded event holds 8
    seed_event()

    status, body = call("DELETE", "/v1/events/ev1")

    assert (status, body["items"], body["status_url"]) == (202, 8, f"/v1/jobs/{body['job_id']}")
    assert (get_job(body["job_id"]).name, get_job(body["job_id"]).event_id) == ("trash_event", "ev1")


def test_restore_of_many_items_answers_202_and_a_taken_slug_409_before_any_job(call, clock, monkeypatch):
    from chalicelib.domain import trash

    seed_event()
    call("DELETE", "/v1/events/ev1")
    monkeypatch.setattr(trash, "BACKGROUND_ITEMS", 3)
    seed_event("ev2", "conf")  # takes the trashed event's address meanwhile

    taken, refusal = call("POST", "/v1/trash/event/ev1/restore")
    status, body = call("POST", "/v1/trash/event/ev1/restore", body={"slug": "conf-again"})

    assert (taken, refusal["error"]["suggestion"]) == (409, "conf-2")
    assert (status, body["items"]) == (202, 8)


def test_removal_preview_names_the_events_and_items_a_user_takes(call, clock):
    seed_event(organizers=False)

    status, body = call("GET", f"/v1/users/{OWNER}/removal", who=ADMIN)
    denied, _ = call("GET", f"/v1/users/{OWNER}/removal", who=ORGANIZER)

    assert (status, body) == (200, {"events": [{"id": "ev1", "name": "Conf"}], "items": 9})
    assert denied == 404  # accounts stay out of sight for non-admins


def test_trash_list_names_who_trashed_each_item(call, clock):
    seed_event()
    call("DELETE", "/v1/events/ev1")

    _, body = call("GET", "/v1/trash?kind=event")

    assert [(i["trashed_by"], i["trashed_by_name"]) for i in body["items"]] == [(OWNER, OWNER.title())]


def test_audit_filters_by_event_and_by_actor(call, clock):
    seed_event()
    seed_event("ev2", "conf2", owner=ORGANIZER, organizers=False)
    call("DELETE", "/v1/events/ev1")
    call("DELETE", "/v1/events/ev2", who=ORGANIZER)

    _, by_event = call("GET", "/v1/audit?month=2026-01&event_id=ev2", who=ADMIN)
    _, by_actor = call("GET", f"/v1/audit?month=2026-01&actor_id={OWNER}", who=ADMIN)
    bad, refusal = call("GET", "/v1/audit?event_id=" + quote("ev 1;"), who=ADMIN)

    assert [(r["event_id"], r["actor"]["id"]) for r in by_event["items"]] == [("ev2", ORGANIZER)]
    assert [(r["event_id"], r["actor"]["id"]) for r in by_actor["items"]] == [("ev1", OWNER)]
    assert (bad, list(refusal["error"]["fields"])) == (400, ["event_id"])


def test_event_removal_preview_counts_what_the_trash_would_take_and_changes_nothing(call, clock):
    seed_event("ev-removal", "removal-conf")

    status, preview = call("GET", "/v1/events/ev-removal/removal")
    refused, _ = call("GET", "/v1/events/ev-removal/removal", who=COORGANIZER)
    stranger, _ = call("GET", "/v1/events/ev-removal/removal", who=STRANGER)
    still, event = call("GET", "/v1/events/ev-removal")

    assert status == 200, preview
    assert preview == {
        "items": 8,
        "kinds": {"post": 1, "room": 1, "session": 1, "session_type": 1, "speaker": 1, "sponsor": 1, "track": 1},
    }
    assert (refused, stranger) == (403, 403)
    assert (still, event["state"]) == (200, "published")
