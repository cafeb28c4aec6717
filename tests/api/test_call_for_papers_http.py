"""The call for papers over HTTP (chalice test client, real tokens): organizers open it, users
submit proposals while it is open, speakers keep to their own, organizers review, and only
accepted or confirmed talks reach anonymous readers of the published event."""

from __future__ import annotations

import pytest
from support.api import days_from_now

pytestmark = pytest.mark.integration


@pytest.fixture
def api(writing_api):
    return writing_api


@pytest.fixture
def event(api, owner):
    return api.dated_event(owner, "Proposal Conf", year=2030)



def open_cfp(api, owner, event, **extra) -> dict:
    body = {"opens_at": days_from_now(-1), "closes_at": days_from_now(30), "announcement": "Talk to us", **extra}
    return api.json("PUT", f"/v1/events/{event['id']}/call-for-papers", body, token=owner["token"], expect=200)


def publish(api, owner, event) -> None:
    api.json("POST", f"/v1/events/{event['id']}/publish", token=owner["token"], expect=200)


def submit(api, user, event, title: str = "Serverless all the way", expect: int = 201, query: str = "") -> dict:
    path = f"/v1/events/{event['id']}/call-for-papers/proposals{query}"
    return api.json("POST", path, {"title": title, "short_abstract": "Why"}, token=user["token"], expect=expect)


def set_state(api, who, event, session: dict, state: str, expect: int = 200) -> dict:
    path = f"/v1/events/{event['id']}/sessions/{session['id']}"
    return api.json("PATCH", path, {"state": state, "version": session["version"]}, token=who["token"], expect=expect)


def test_cfp_flow_submit_accept_confirm_reaches_anonymous_readers(api, owner, event):
    # GIVEN an open CFP on a published event and a signed-in user
    base = f"/v1/events/{event['id']}"
    open_cfp(api, owner, event)
    publish(api, owner, event)
    user = api.user("speaker")

    # WHEN they submit, the organizer accepts and the speaker confirms
    proposal = submit(api, user, event)
    hidden_while_pending = api.json("GET", f"{base}/sessions", expect=200)["items"]
    accepted = set_state(api, owner, event, proposal, "accepted")
    confirmed = set_state(api, user, event, accepted, "confirmed")

    # THEN the anonymous reader sees the confirmed talk and its speaker, without private fields
    public = api.json("GET", f"{base}/sessions", expect=200)["items"]
    speakers = api.json("GET", f"{base}/speakers", expect=200)["items"]
    assert (proposal["state"], confirmed["state"]) == ("pending", "confirmed")
    assert hidden_while_pending == []
    assert [s["title"] for s in public] == ["Serverless all the way"]
    assert [(s["name"], "email" in s) for s in speakers] == [("Speaker", False)]
    assert public[0]["speaker_ids"] == [speakers[0]["id"]]


def subjects_mailed_to(email: str) -> list[str]:
    """Subjects of the send_email jobs enqueued for `email`, oldest first (a test-only Scan)."""
    import json

    from chalicelib.db.jobs import Job

    jobs = sorted(Job.scan(Job.name == "send_email"), key=lambda job: job.created_at)
    return [json.loads(job.args)["subject"] for job in jobs if json.loads(job.args)["to"] == email]


def test_each_state_change_mails_the_speaker(api, owner, event):
    open_cfp(api, owner, event)
    publish(api, owner, event)
    user = api.user("mailed")
    proposal = submit(api, user, event, title="Mail me")

    accepted = set_state(api, owner, event, proposal, "accepted")
    set_state(api, user, event, accepted, "confirmed")

    assert [s for s in subjects_mailed_to(user["email"]) if s.startswith("Your session")] == [
        "Your session “Mail me” is received and pending review",
        "Your session “Mail me” is now accepted",
        "Your session “Mail me” is now confirmed",
    ]


def test_rejected_and_pending_proposals_stay_invisible_to_anonymous_readers(api, owner, event):
    base = f"/v1/events/{event['id']}"
    open_cfp(api, owner, event)
    publish(api, owner, event)
    user = api.user("hopeful")
    pending = submit(api, user, event, title="Still pending")
    rejected = set_state(api, owner, event, submit(api, user, event, title="Rejected"), "rejected")

    listed = api.json("GET", f"{base}/sessions", expect=200)["items"]
    answers = [api.call("GET", f"{base}/sessions/{s['id']}").status_code for s in (pending, rejected)]

    assert (listed, answers) == ([], [404, 404])


def test_speaker_lists_reads_edits_and_withdraws_only_their_own(api, owner, event):
    base = f"/v1/events/{event['id']}"
    open_cfp(api, owner, event)
    publish(api, owner, event)
    ada, bob = api.user("ada"), api.user("bob")
    mine = submit(api, ada, event, title="Ada's talk")
    submit(api, bob, event, title="Bob's talk")

    own = api.json("GET", f"{base}/call-for-papers/proposals", token=ada["token"], expect=200)["items"]
    read = api.json("GET", f"{base}/sessions/{mine['id']}", token=ada["token"], expect=200)
    edited = api.json(
        "PATCH", f"{base}/sessions/{mine['id']}", {"title": "Ada's better talk", "version": read["version"]},
        token=ada["token"], expect=200,
    )  # fmt: skip
    withdrawn = set_state(api, ada, event, edited, "withdrawn")
    by_bob = api.call("GET", f"{base}/sessions/{mine['id']}", token=bob["token"]).status_code
    edit_by_bob = api.call(
        "PATCH", f"{base}/sessions/{mine['id']}", {"title": "Mine now", "version": withdrawn["version"]},
        token=bob["token"],
    ).status_code  # fmt: skip

    assert [p["title"] for p in own] == ["Ada's talk"]
    assert (edited["title"], withdrawn["state"]) == ("Ada's better talk", "withdrawn")
    assert "comments" not in read and "speaker_user_ids" not in read
    assert (by_bob, edit_by_bob) == (404, 403)


def test_own_proposals_page_through_others_and_the_last_page_ends_the_list(api, owner, event):
    base = f"/v1/events/{event['id']}/call-for-papers/proposals"
    open_cfp(api, owner, event)
    publish(api, owner, event)
    ada, bob = api.user("ada"), api.user("bob")
    for n in range(3):
        submit(api, ada, event, title=f"Ada {n}")
        submit(api, bob, event, title=f"Bob {n}")

    first = api.json("GET", f"{base}?limit=2", token=ada["token"], expect=200)
    second = api.json("GET", f"{base}?limit=2&next={first['next']}", token=ada["token"], expect=200)
    whole = api.json("GET", f"{base}?limit=3", token=ada["token"], expect=200)

    assert len(first["items"]) == 2 and first["next"]
    assert len(second["items"]) == 1 and second["next"] is None
    titles = sorted(p["title"] for p in first["items"] + second["items"])
    assert titles == ["Ada 0", "Ada 1", "Ada 2"]
    assert (sorted(p["title"] for p in whole["items"]), whole["next"]) == (titles, None)


def test_speaker_cannot_accept_or_schedule_their_proposal_nor_edit_it_once_accepted(api, owner, event):
    base = f"/v1/events/{event['id']}"
    open_cfp(api, owner, event)
    publish(api, owner, event)
    user = api.user("eager")
    proposal = submit(api, user, event)

    self_accept = set_state(api, user, event, proposal, "accepted", expect=409)
    schedule = api.json(
        "PATCH", f"{base}/sessions/{proposal['id']}", {"room_id": "r1", "version": proposal["version"]},
        token=user["token"], expect=422,
    )  # fmt: skip
    accepted = set_state(api, owner, event, proposal, "accepted")
    late_edit = api.json(
        "PATCH", f"{base}/sessions/{proposal['id']}", {"title": "Changed", "version": accepted["version"]},
        token=user["token"], expect=409,
    )  # fmt: skip

    assert self_accept["error"]["fields"] == {"state": "pending → accepted is not allowed"}
    assert schedule["error"]["fields"] == {"room_id": "is set by the organizers"}
    assert late_edit["error"]["fields"] == {"title": "cannot be changed on a accepted session"}


def test_submitting_outside_the_cfp_dates_is_refused_naming_them(api, owner, event):
    publish(api, owner, event)
    cfp = api.json(
        "PUT", f"/v1/events/{event['id']}/call-for-papers", {"opens_at": days_from_now(-10), "closes_at": days_from_now(-1)},
        token=owner["token"], expect=200,
    )  # fmt: skip
    user = api.user("late")

    closed = submit(api, user, event, expect=409)
    api.json(
        "PATCH", f"/v1/events/{event['id']}/call-for-papers", {"opens_at": days_from_now(5), "closes_at": days_from_now(9), "version": cfp["version"]},
        token=owner["token"], expect=200,
    )  # fmt: skip
    early = submit(api, user, event, expect=409)

    assert closed["error"]["message"].startswith("The call for papers closed at ")
    assert early["error"]["message"].startswith("The call for papers opens at ")
    assert "+08:00" in early["error"]["message"]  # in the event's time zone


def test_private_cfp_needs_its_secret_link(api, owner, event):
    base = f"/v1/events/{event['id']}/call-for-papers"
    saved = open_cfp(api, owner, event, privacy="private")
    publish(api, owner, event)
    user = api.user("invited")
    token = saved["secret_token"]

    without = api.call("GET", base).status_code
    wrong = api.call("GET", f"{base}?token=nope").status_code
    read = api.json("GET", f"{base}?token={token}", expect=200)
    refused = submit(api, user, event, expect=404)
    accepted = submit(api, user, event, query=f"?token={token}")

    assert (without, wrong) == (404, 404)
    assert read["privacy"] == "private" and "secret_token" not in read
    assert refused["error"]["code"] == "not_found" and accepted["state"] == "pending"


def test_public_cfp_is_readable_by_anyone_once_the_event_is_published(api, owner, event):
    base = f"/v1/events/{event['id']}/call-for-papers"
    open_cfp(api, owner, event)

    before = api.call("GET", base).status_code
    publish(api, owner, event)
    after = api.json("GET", base, expect=200)

    assert before == 404  # a draft answers anonymous callers as a missing event does
    assert (after["state"], after["announcement"], after["privacy"]) == ("open", "Talk to us", "public")


def test_cfp_edit_with_a_stale_version_gets_409(api, owner, event):
    base = f"/v1/events/{event['id']}/call-for-papers"
    saved = open_cfp(api, owner, event)
    api.json("PATCH", base, {"announcement": "v2", "version": saved["version"]}, token=owner["token"], expect=200)

    stale = api.json(
        "PATCH", base, {"announcement": "v3", "version": saved["version"]}, token=owner["token"], expect=409
    )

    assert stale["error"]["code"] == "version_conflict"


def test_cfp_must_close_after_it_opens(api, owner, event):
    answer = api.json(
        "PUT", f"/v1/events/{event['id']}/call-for-papers", {"opens_at": days_from_now(3), "closes_at": days_from_now(1)},
        token=owner["token"], expect=422,
    )  # fmt: skip

    assert answer["error"]["fields"] == {"closes_at": "must be after opens_at"}


def test_two_proposals_share_one_speaker_profile(api, owner, event):
    open_cfp(api, owner, event)
    publish(api, owner, event)
    user = api.user("prolific")

    first, second = submit(api, user, event, title="One"), submit(api, user, event, title="Two")
    speakers = api.json("GET", f"/v1/events/{event['id']}/speakers", token=owner["token"], expect=200)["items"]

    assert first["speaker_ids"] == second["speaker_ids"] == [speakers[0]["id"]]
    assert [(s["name"], s["email"], sorted(s["session_ids"])) for s in speakers] == [
        ("Prolific", user["email"], sorted([first["id"], second["id"]]))
    ]
