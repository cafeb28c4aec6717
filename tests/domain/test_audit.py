"""The audit log (domain/audit.py): every successful change a signed-in caller makes through the
API is recorded once, in one place (the request pipeline); deletes of what the trash holds once, by
the trash, with counts; other deletes (a role, an invite) by the pipeline."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from support.api import unique_email

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def api(aws_stack):
    from app import app
    from chalice.test import Client
    from support.api import Api

    boto = __import__("boto3").client("ses", region_name="us-east-1")
    boto.verify_domain_identity(Domain="podium.example.org")
    with Client(app) as client:
        yield Api(client)


@pytest.fixture(scope="module")
def admin(api):
    from chalicelib.domain.accounts import make_super_admin

    email = unique_email("auditor")
    make_super_admin(email=email, password="super admin password", name="Auditor")
    return api.login(email, "super admin password")


def _records(api, admin, **filters) -> list[tuple]:
    query = "&".join(f"{k}={v}" for k, v in {"month": datetime.now(UTC).strftime("%Y-%m"), **filters}.items())
    body = api.json("GET", f"/v1/audit?{query}&limit=100", token=admin, expect=200)
    return [(r["action"], r["kind"], r["item_name"], r["event_id"], r["actor"]["name"], r["count"]) for r in body["items"]]


def test_audit_records_each_change_once_with_who_what_and_which_item(api, admin):
    owner = api.user("recorded")
    event = api.json("POST", "/v1/events", {"name": "Recorded Conf"}, token=owner["token"], expect=201)
    base = f"/v1/events/{event['id']}"
    track = api.json("POST", f"{base}/tracks", {"name": "Web"}, token=owner["token"], expect=201)
    api.json("PATCH", base, {"version": event["version"], "timezone": "UTC"}, token=owner["token"], expect=200)
    api.json("GET", base, token=owner["token"], expect=200)  # reads are not recorded
    api.call("DELETE", f"{base}/tracks/{track['id']}", token=owner["token"])  # the trash records it

    recorded = _records(api, admin, event_id=event["id"])

    assert recorded == [
        ("create", "event", "Recorded Conf", event["id"], "Recorded", 1),
        ("create", "track", "Web", event["id"], "Recorded", 1),
        ("update", "event", "Recorded Conf", event["id"], "Recorded", 1),
        ("trash", "track", "Web", event["id"], "Recorded", 1),
    ]
    assert [r["item_id"] for r in api.json("GET", f"/v1/audit?event_id={event['id']}", token=admin)["items"]] == [
        event["id"], track["id"], event["id"], track["id"],
    ]  # fmt: skip


def test_audit_files_an_event_create_under_the_id_it_answers(api, admin):
    owner = api.user("creator")
    event = api.json("POST", "/v1/events", {"name": "Created Conf"}, token=owner["token"], expect=201)
    me = api.json("GET", "/v1/me", token=owner["token"], expect=200)

    recorded = api.json("GET", f"/v1/audit?actor_id={me['id']}", token=admin, expect=200)["items"]

    assert [(r["action"], r["kind"], r["item_id"], r["item_name"], r["event_id"]) for r in recorded] == [
        ("create", "event", event["id"], "Created Conf", event["id"]),
    ]


def test_audit_records_no_denied_request(api, admin):
    owner, stranger = api.user("owning"), api.user("outsider")
    event = api.json("POST", "/v1/events", {"name": "Guarded Conf"}, token=owner["token"], expect=201)
    denied = api.call("PATCH", f"/v1/events/{event['id']}", {"version": event["version"], "timezone": "UTC"},
                      token=stranger["token"])  # fmt: skip

    recorded = _records(api, admin, event_id=event["id"])

    assert denied.status_code in (403, 404)
    assert recorded == [("create", "event", "Guarded Conf", event["id"], "Owning", 1)]


def test_audit_write_failing_leaves_the_change_answered_as_done(api, admin, monkeypatch):
    from chalicelib.db.audit import AuditRecord

    owner = api.user("unaudited")

    def fail(*args, **kwargs):
        raise RuntimeError("audit storage down")

    monkeypatch.setattr(AuditRecord, "save", fail)
    created = api.call("POST", "/v1/events", {"name": "Still Made"}, token=owner["token"])

    assert created.status_code == 201
    assert api.json("GET", f"/v1/events/{created.json_body['id']}", token=owner["token"])["name"] == "Still Made"


def test_audit_records_deletes_the_trash_does_not_hold_a_member_removed_an_invite_withdrawn(api, admin):
    # GIVEN an event with a member who accepted an invite, and an invite still pending
    from support.api import mailed_code

    owner, member = api.user("remover"), api.user("removed")
    event = api.json("POST", "/v1/events", {"name": "Team Conf"}, token=owner["token"], expect=201)
    base = f"/v1/events/{event['id']}"
    api.json("POST", f"{base}/roles", {"email": member["email"], "role": "organizer"}, token=owner["token"], expect=201)
    api.json("POST", "/v1/invites/accept", {"token": mailed_code(member["email"], "You are invited")},
             token=member["token"], expect=200)  # fmt: skip
    member_id = api.json("GET", "/v1/me", token=member["token"], expect=200)["id"]
    pending = api.json("POST", f"{base}/roles", {"email": unique_email("never"), "role": "moderator"},
                       token=owner["token"], expect=201)  # fmt: skip

    # WHEN the owner takes the member's role away and withdraws the invite (no trash: gone at once)
    api.json("DELETE", f"{base}/roles/{member_id}", token=owner["token"], expect=200)
    api.json("DELETE", f"{base}/invites/{pending['id']}", token=owner["token"], expect=200)

    # THEN the log says so: who lost access to the event, and who removed them
    recorded = [(r["action"], r["kind"], r["item_id"], r["actor"]["name"])
                for r in api.json("GET", f"/v1/audit?event_id={event['id']}&limit=100", token=admin)["items"]]  # fmt: skip
    assert [r for r in recorded if r[0] == "delete"] == [
        ("delete", "role", member_id, "Remover"), ("delete", "role", pending["id"], "Remover"),
    ]  # fmt: skip
