from __future__ import annotations

import pytest
from support.api import mailed_code, unique_email

pytestmark = pytest.mark.integration


@pytest.fixture
def event(api):
    owner = api.user("owner")
    created = api.json("POST", "/v1/events", {"name": "Roles Conf"}, token=owner["token"], expect=201)
    return {**created, "owner": owner}


def _invite(api, event, email, role="organizer", **extra):
    return api.json(
        "POST",
        f"/v1/events/{event['id']}/roles",
        {"email": email, "role": role, **extra},
        token=event["owner"]["token"],
        expect=201,
    )


def test_invited_user_accepts_once_and_gets_the_role(api, event):
    invitee = api.user("invitee")
    _invite(api, event, invitee["email"], "coorganizer")
    code = mailed_code(invitee["email"], "You are invited")

    accepted = api.json("POST", "/v1/invites/accept", {"token": code}, token=invitee["token"], expect=200)
    again = api.call("POST", "/v1/invites/accept", {"token": code}, token=invitee["token"])
    listing = api.json("GET", f"/v1/events/{event['id']}/roles", token=invitee["token"], expect=200)
    mine = api.json("GET", "/v1/events", token=invitee["token"], expect=200)

    assert accepted == {"event_id": event["id"], "role": "coorganizer", "track_ids": []}
    assert again.status_code == 410
    assert sorted(r["role"] for r in listing["roles"]) == ["coorganizer", "owner"]
    assert listing["invites"] == []
    assert [e["id"] for e in mine["items"]] == [event["id"]]


def test_invite_for_another_email_is_refused_and_stays_usable(api, event):
    invitee = api.user("addressee")
    _invite(api, event, invitee["email"], "moderator")
    stranger = api.user("stranger")
    code = mailed_code(_last_invitee(event), "You are invited")

    answer = api.call("POST", "/v1/invites/accept", {"token": code}, token=stranger["token"])
    rightful = api.call("POST", "/v1/invites/accept", {"token": code}, token=invitee["token"])

    assert (answer.status_code, rightful.status_code) == (403, 200)


def _last_invitee(event):
    from chalicelib.db.base import Item
    from chalicelib.db.keys import event_pk
    from chalicelib.db.users import Invite

    return next(
        i.email for i in Item.query(event_pk(event["id"]), Item.sk.startswith("INVITE#")) if isinstance(i, Invite)
    )


def test_accepting_needs_a_signed_in_user(api, event):
    answer = api.call("POST", "/v1/invites/accept", {"token": "x" * 43})

    assert answer.status_code == 401


def test_invite_token_expires_after_seven_days(api, event):
    from chalicelib.clock import FrozenClock, clock, use_clock

    invitee = api.user("late")
    _invite(api, event, invitee["email"])
    code = mailed_code(invitee["email"], "You are invited")
    previous = use_clock(FrozenClock(clock().now()))
    try:
        clock().advance(days=7, seconds=1)
        answer = api.call("POST", "/v1/invites/accept", {"token": code}, token=invitee["token"])
    finally:
        use_clock(previous)

    assert answer.status_code in (401, 410)  # the access token (1 h) has expired as well


def test_track_organizer_invite_names_existing_tracks(api, event):
    answer = api.json(
        "POST",
        f"/v1/events/{event['id']}/roles",
        {"email": unique_email("tracky"), "role": "track_organizer", "track_ids": ["nope"]},
        token=event["owner"]["token"],
        expect=422,
    )

    assert answer["error"]["fields"] == {"track_ids": "nope is unknown"}


def test_owner_role_cannot_be_invited_or_removed(api, event):
    invited = api.call(
        "POST",
        f"/v1/events/{event['id']}/roles",
        {"email": unique_email("o"), "role": "owner"},
        token=event["owner"]["token"],
    )
    removed = api.call(
        "DELETE", f"/v1/events/{event['id']}/roles/{event['owner']['id']}", token=event["owner"]["token"]
    )

    assert (invited.status_code, removed.status_code) == (422, 409)


def test_ownership_transfer_makes_the_old_owner_an_organizer(api, event):
    from chalicelib.domain.roles import grant_role

    heir = api.user("heir")
    grant_role(event_id=event["id"], user_id=heir["id"], role="organizer")

    api.json(
        "POST", f"/v1/events/{event['id']}/owner", {"user_id": heir["id"]}, token=event["owner"]["token"], expect=200
    )
    roles = api.json("GET", f"/v1/events/{event['id']}/roles", token=heir["token"], expect=200)["roles"]
    old_owner_delete = api.call("DELETE", f"/v1/events/{event['id']}", token=event["owner"]["token"])

    assert {r["user"]["id"]: r["role"] for r in roles} == {heir["id"]: "owner", event["owner"]["id"]: "organizer"}
    assert api.json("GET", f"/v1/events/{event['id']}", token=heir["token"])["owner_id"] == heir["id"]
    assert old_owner_delete.status_code in (403, 405)


def test_removed_member_loses_access(api, event):
    from chalicelib.domain.roles import grant_role

    member = api.user("member")
    grant_role(event_id=event["id"], user_id=member["id"], role="moderator")
    assert api.call("GET", f"/v1/events/{event['id']}", token=member["token"]).status_code == 200

    api.json("DELETE", f"/v1/events/{event['id']}/roles/{member['id']}", token=event["owner"]["token"], expect=200)

    assert api.call("GET", f"/v1/events/{event['id']}", token=member["token"]).status_code == 404


def test_publishing_needs_a_verified_email(api):
    unverified = api.signup(unique_email("unverified"))
    token = api.login(unverified["email"])
    created = api.json("POST", "/v1/events", {"name": "Draft Conf"}, token=token, expect=201)
    dates = {"starts_at": "2026-05-01T09:00:00+00:00", "ends_at": "2026-05-02T17:00:00+00:00", "timezone": "UTC"}
    api.json("PATCH", f"/v1/events/{created['id']}", {**dates, "version": created["version"]}, token=token, expect=200)

    refused = api.json("POST", f"/v1/events/{created['id']}/publish", token=token, expect=403)
    api.verify(unverified["email"])
    published = api.json("POST", f"/v1/events/{created['id']}/publish", token=token, expect=200)
    public = api.json("GET", f"/v1/events/{created['id']}", expect=200)

    assert refused["error"]["code"] == "email_not_verified"
    assert (published["state"], public["id"]) == ("published", created["id"])


def test_anonymous_sees_no_draft_and_lists_only_published(api, event):
    draft = api.call("GET", f"/v1/events/{event['id']}")
    missing = api.call("GET", "/v1/events/nosuchevent0")
    listing = api.json("GET", "/v1/events", expect=200)

    assert (draft.status_code, draft.body) == (404, missing.body)  # no existence oracle
    assert event["id"] not in [e["id"] for e in listing["items"]]


def test_admin_lists_users_by_email_prefix_with_a_cursor(api):
    from chalicelib.domain.accounts import make_super_admin

    email = unique_email("root")
    make_super_admin(email=email, password="root password 1")
    root = api.login(email, "root password 1")
    for n in range(3):
        api.signup(f"prefix-zz{n}@example.org")

    first = api.json("GET", "/v1/users?q=prefix-zz&limit=2", token=root, expect=200)
    second = api.json("GET", f"/v1/users?q=prefix-zz&limit=2&next={first['next']}", token=root, expect=200)
    forged = api.call("GET", "/v1/users?next=eyJnc2kycGsiOnsiUyI6IkVWRU5UUyJ9fQ", token=root)

    assert [u["email"] for u in first["items"] + second["items"]] == [f"prefix-zz{n}@example.org" for n in range(3)]
    assert forged.status_code == 400


def test_only_a_super_admin_grants_admin(api):
    from chalicelib.domain.accounts import make_super_admin

    email = unique_email("root")
    make_super_admin(email=email, password="root password 1")
    root = api.login(email, "root password 1")
    admin, plain = api.user("newadmin"), api.user("plain")
    api.json("PATCH", f"/v1/users/{admin['id']}", {"is_admin": True}, token=root, expect=200)

    by_admin = api.call("PATCH", f"/v1/users/{plain['id']}", {"is_admin": True}, token=admin["token"])
    by_self = api.call("PATCH", f"/v1/users/{plain['id']}", {"is_admin": True}, token=plain["token"])

    assert (by_admin.status_code, by_self.status_code) == (403, 403)
    assert api.json("GET", "/v1/me", token=plain["token"])["is_admin"] is False
    assert api.json("GET", "/v1/me", token=admin["token"])["is_admin"] is True


def test_owner_withdraws_an_invite_and_its_link_stops_working(api, event):
    invitee = api.user("withdrawn")
    sent = _invite(api, event, invitee["email"], "moderator")
    code = mailed_code(invitee["email"], "You are invited")
    moderator = api.user("mod")
    from chalicelib.domain.roles import grant_role

    grant_role(event_id=event["id"], user_id=moderator["id"], role="moderator")
    path = f"/v1/events/{event['id']}/invites/{sent['id']}"

    by_moderator = api.call("DELETE", path, token=moderator["token"])
    withdrawn = api.json("DELETE", path, token=event["owner"]["token"], expect=200)
    accepted = api.call("POST", "/v1/invites/accept", {"token": code}, token=invitee["token"])
    listing = api.json("GET", f"/v1/events/{event['id']}/roles", token=event["owner"]["token"], expect=200)

    assert by_moderator.status_code == 403
    assert withdrawn == {"withdrawn": sent["id"]}
    assert accepted.status_code == 404
    assert listing["invites"] == []


def test_invite_to_a_trashed_event_answers_like_a_missing_one(api, event):
    invitee = api.user("too_late")
    _invite(api, event, invitee["email"], "organizer")
    code = mailed_code(invitee["email"], "You are invited")
    api.json("DELETE", f"/v1/events/{event['id']}", token=event["owner"]["token"], expect=200)

    accepted = api.call("POST", "/v1/invites/accept", {"token": code}, token=invitee["token"])
    restore = api.call("POST", f"/v1/trash/event/{event['id']}/restore", {}, token=invitee["token"])

    assert accepted.status_code == 404
    assert restore.status_code == 404


def test_a_failed_accept_keeps_the_invite_usable(api, event):
    organizer = api.user("co")
    from chalicelib.domain.roles import grant_role

    grant_role(event_id=event["id"], user_id=organizer["id"], role="organizer")
    owner = event["owner"]
    api.json("POST", f"/v1/events/{event['id']}/roles", {"email": owner["email"], "role": "organizer"},
             token=organizer["token"], expect=201)  # fmt: skip
    code = mailed_code(owner["email"], "You are invited")

    as_owner = api.call("POST", "/v1/invites/accept", {"token": code}, token=owner["token"])
    api.json("POST", f"/v1/events/{event['id']}/owner", {"user_id": organizer["id"]}, token=owner["token"], expect=200)
    after_transfer = api.call("POST", "/v1/invites/accept", {"token": code}, token=owner["token"])

    assert (as_owner.status_code, after_transfer.status_code) == (409, 200)
