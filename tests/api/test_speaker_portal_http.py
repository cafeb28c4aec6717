"""The speaker portal over HTTP: a profile reused across events, drafts only their speakers see,
editing until the call closes or is locked, withdrawing, co-speakers through a mailed one-time
link, the dashboard across events, availability, and mails that link to the speaker's pages."""

from __future__ import annotations

import re

import pytest
from support.api import days_from_now, mails_to

pytestmark = pytest.mark.integration


@pytest.fixture
def api(writing_api):
    return writing_api



@pytest.fixture
def event(api, owner):
    created = api.dated_event(owner, "Portal Conf", year=2030)
    body = {"opens_at": days_from_now(-1), "closes_at": days_from_now(30)}
    api.json("PUT", f"/v1/events/{created['id']}/call-for-papers", body, token=owner["token"], expect=200)
    api.json("POST", f"/v1/events/{created['id']}/publish", token=owner["token"], expect=200)
    return created


def propose(api, user, event, *, state: str = "pending", title: str = "Serverless", expect: int = 201) -> dict:
    path = f"/v1/events/{event['id']}/call-for-papers/proposals"
    body = {"title": title, "short_abstract": "Why", "state": state}
    return api.json("POST", path, body, token=user["token"], expect=expect)


def patch_session(api, who, event, session: dict, fields: dict, expect: int = 200) -> dict:
    path = f"/v1/events/{event['id']}/sessions/{session['id']}"
    return api.json("PATCH", path, fields | {"version": session["version"]}, token=who["token"], expect=expect)


def edit_cfp(api, owner, event, fields: dict) -> dict:
    path = f"/v1/events/{event['id']}/call-for-papers"
    current = api.json("GET", path, token=owner["token"], expect=200)
    return api.json("PATCH", path, fields | {"version": current["version"]}, token=owner["token"], expect=200)


def close_cfp(api, owner, event) -> None:
    edit_cfp(api, owner, event, {"opens_at": days_from_now(-3), "closes_at": days_from_now(-1)})


PROFILE = {
    "name": "Ada Speaker",
    "biography": "Builds <b>things</b><script>alert(1)</script>",
    "organisation": "ACME",
    "position": "Engineer",
    "links": [{"name": "Blog", "url": "https://ada.example.org"}],
}


# -- the profile ------------------------------------------------------------------------------


def test_profile_saved_is_read_back_with_its_biography_sanitized(api):
    user = api.user("profiled")

    api.json("PUT", "/v1/me/speaker-profile", PROFILE, token=user["token"], expect=200)
    read = api.json("GET", "/v1/me/speaker-profile", token=user["token"], expect=200)

    assert (read["name"], read["organisation"], read["links"]) == ("Ada Speaker", "ACME", PROFILE["links"])
    assert "<script" not in read["biography"] and "things" in read["biography"]


def test_profile_link_that_is_not_http_is_refused_naming_the_field(api):
    user = api.user("badlink")
    body = PROFILE | {"links": [{"name": "x", "url": "javascript:alert(1)"}]}

    answer = api.json("PUT", "/v1/me/speaker-profile", body, token=user["token"], expect=422)

    assert list(answer["error"]["fields"]) == ["links"]


def test_profile_is_copied_into_a_new_events_speaker_record(api, owner, event):
    user = api.user("copied")
    api.json("PUT", "/v1/me/speaker-profile", PROFILE, token=user["token"], expect=200)

    proposal = propose(api, user, event)
    speaker = api.json(
        "GET", f"/v1/events/{event['id']}/speakers/{proposal['speaker_ids'][0]}", token=owner["token"], expect=200
    )

    assert (speaker["name"], speaker["organisation"], speaker["position"]) == ("Ada Speaker", "ACME", "Engineer")
    assert speaker["links"] == PROFILE["links"] and "<script" not in speaker["long_biography"]


# -- drafts, submitting, the deadline ---------------------------------------------------------------


def test_draft_is_hidden_from_organizers_until_submitted(api, owner, event):
    user = api.user("drafter")
    draft = propose(api, user, event, state="draft")
    base = f"/v1/events/{event['id']}/sessions"

    listed_as_draft = api.json("GET", base, token=owner["token"], expect=200)["items"]
    read_by_owner = api.call("GET", f"{base}/{draft['id']}", token=owner["token"]).status_code
    touched_by_owner = patch_session(api, owner, event, draft, {"state": "accepted"}, expect=404)
    submitted = patch_session(api, user, event, draft, {"state": "pending"})
    listed_after = api.json("GET", base, token=owner["token"], expect=200)["items"]

    assert (listed_as_draft, read_by_owner, touched_by_owner["error"]["code"]) == ([], 404, "not_found")
    assert submitted["state"] == "pending"
    assert [s["id"] for s in listed_after] == [draft["id"]]


def test_editing_after_the_deadline_is_refused(api, owner, event):
    user = api.user("late")
    proposal = propose(api, user, event)
    close_cfp(api, owner, event)

    refused = patch_session(api, user, event, proposal, {"title": "Too late"}, expect=409)
    withdrawn = patch_session(api, user, event, proposal, {"state": "withdrawn"})
    resubmitted = patch_session(api, user, event, withdrawn, {"state": "pending"}, expect=409)

    assert list(refused["error"]["fields"]) == ["title"]
    assert withdrawn["state"] == "withdrawn"
    assert resubmitted["error"]["fields"] == {"state": "cannot be changed after the call for papers closed"}


def test_draft_cannot_be_submitted_after_the_deadline(api, owner, event):
    user = api.user("lazy")
    draft = propose(api, user, event, state="draft")
    close_cfp(api, owner, event)

    refused = patch_session(api, user, event, draft, {"state": "pending"}, expect=409)

    assert refused["error"]["fields"] == {"state": "cannot be changed after the call for papers closed"}


def test_organizers_lock_editing_before_the_deadline(api, owner, event):
    user = api.user("locked")
    proposal = propose(api, user, event)

    cfp = edit_cfp(api, owner, event, {"editing_locked": True})
    refused = patch_session(api, user, event, proposal, {"title": "Changed"}, expect=409)
    new_one = propose(api, user, event, expect=409)

    assert (cfp["editing_locked"], cfp["proposals_editable"], cfp["state"]) == (True, False, "open")
    assert list(refused["error"]["fields"]) == ["title"]
    assert new_one["error"]["fields"] == {"call_for_papers": "locked"}


def test_speaker_edits_their_proposal_while_the_call_is_open(api, owner, event):
    user = api.user("editor")
    proposal = propose(api, user, event)

    edited = patch_session(api, user, event, proposal, {"title": "Better title"})

    assert (edited["title"], edited["state"]) == ("Better title", "pending")


# -- co-speakers -------------------------------------------------------------------------------------


def invite_token(email: str) -> str:
    mail = [m for m in mails_to(email) if m["subject"].startswith("Join the proposal")][-1]
    return re.search(r"token=(\S+)", mail["text"]).group(1)


def invite(api, user, event, session, email: str, expect: int = 202) -> dict:
    path = f"/v1/events/{event['id']}/sessions/{session['id']}/co-speakers"
    return api.json("POST", path, {"email": email}, token=user["token"], expect=expect)


def test_co_speaker_accepts_and_then_edits_the_shared_draft(api, owner, event):
    user, partner = api.user("lead"), api.user("partner")
    draft = propose(api, user, event, state="draft")
    invite(api, user, event, draft, partner["email"])

    shared = api.json(
        "POST", "/v1/co-speaker-invites/accept", {"token": invite_token(partner["email"])}, token=partner["token"],
        expect=200,
    )  # fmt: skip
    edited = patch_session(api, partner, event, shared, {"title": "Our talk"})
    dashboard = api.json("GET", "/v1/me/proposals", token=partner["token"], expect=200)

    assert len(shared["speaker_ids"]) == 2
    assert edited["title"] == "Our talk"
    assert [(p["session_id"], p["state"], p["next"]) for p in dashboard["items"]] == [(draft["id"], "draft", ["submit"])]


def test_co_speaker_invite_refuses_another_account(api, owner, event):
    user, partner, stranger = api.user("lead2"), api.user("partner2"), api.user("stranger")
    proposal = propose(api, user, event)
    invite(api, user, event, proposal, partner["email"])

    answer = api.json(
        "POST", "/v1/co-speaker-invites/accept", {"token": invite_token(partner["email"])}, token=stranger["token"],
        expect=403,
    )  # fmt: skip

    assert answer["error"]["code"] == "forbidden"


def test_co_speaker_link_works_once(api, owner, event):
    user, partner = api.user("lead3"), api.user("partner3")
    proposal = propose(api, user, event)
    invite(api, user, event, proposal, partner["email"])
    token = invite_token(partner["email"])
    api.json("POST", "/v1/co-speaker-invites/accept", {"token": token}, token=partner["token"], expect=200)

    again = api.call("POST", "/v1/co-speaker-invites/accept", {"token": token}, token=partner["token"])

    assert again.status_code == 410


def test_co_speaker_link_expires(api, owner, event, monkeypatch):
    from chalicelib.domain import call_for_papers

    user, partner = api.user("lead4"), api.user("partner4")
    proposal = propose(api, user, event)
    monkeypatch.setattr(call_for_papers, "CO_SPEAKER_SECONDS", -1)  # issued already expired
    invite(api, user, event, proposal, partner["email"])

    expired = api.call("POST", "/v1/co-speaker-invites/accept", {"token": invite_token(partner["email"])},
                       token=partner["token"])  # fmt: skip

    assert expired.status_code == 410


def test_co_speaker_invite_after_the_close_is_refused(api, owner, event):
    user = api.user("lead5")
    proposal = propose(api, user, event)
    close_cfp(api, owner, event)

    refused = invite(api, user, event, proposal, "late@example.org", expect=409)

    assert list(refused["error"]["fields"]) == ["email"]


def test_only_a_speaker_of_the_proposal_invites(api, owner, event):
    user, stranger = api.user("lead6"), api.user("stranger6")
    proposal = propose(api, user, event)

    status = api.call(
        "POST", f"/v1/events/{event['id']}/sessions/{proposal['id']}/co-speakers", {"email": "x@example.org"},
        token=stranger["token"],
    ).status_code  # fmt: skip

    assert status == 403


# -- the dashboard, availability, mails ----------------------------------------------------------------


def test_dashboard_lists_proposals_across_events_with_what_is_next(api, owner, event):
    other = api.dated_event(owner, "Second Conf", year=2031)
    body = {"opens_at": days_from_now(-1), "closes_at": days_from_now(30)}
    api.json("PUT", f"/v1/events/{other['id']}/call-for-papers", body, token=owner["token"], expect=200)
    api.json("POST", f"/v1/events/{other['id']}/publish", token=owner["token"], expect=200)
    user = api.user("dash")
    first = propose(api, user, event, title="First")
    second = propose(api, user, other, title="Second")
    accepted = patch_session(api, owner, other, second, {"state": "accepted"})

    page = api.json("GET", "/v1/me/proposals", token=user["token"], expect=200)

    rows = sorted((p["title"], p["event"]["id"], p["state"], p["next"]) for p in page["items"])
    assert rows == [("First", event["id"], "pending", []), ("Second", other["id"], "accepted", ["confirm", "upload_slides"])]
    assert (page["next"], accepted["state"], first["state"]) == (None, "accepted", "pending")


def test_availability_within_the_event_is_stored_and_read_by_organizers(api, owner, event):
    user = api.user("avail")
    proposal = propose(api, user, event)
    speaker_id = proposal["speaker_ids"][0]
    path = f"/v1/events/{event['id']}/speakers/{speaker_id}"
    speaker = api.json("GET", path, token=user["token"], expect=200)
    ranges = [{"starts_at": "2030-03-22T09:00:00+08:00", "ends_at": "2030-03-22T12:00:00+08:00"}]

    saved = api.json("PUT", f"{path}/availability", {"availability": ranges, "version": speaker["version"]},
                     token=user["token"], expect=200)  # fmt: skip
    seen = api.json("GET", path, token=owner["token"], expect=200)

    assert [r["starts_at"] for r in saved["availability"]] == ["2030-03-22T01:00:00+00:00"]
    assert [r["ends_at"] for r in seen["availability"]] == ["2030-03-22T04:00:00+00:00"]


def test_availability_outside_the_event_is_refused(api, owner, event):
    user = api.user("avail2")
    proposal = propose(api, user, event)
    path = f"/v1/events/{event['id']}/speakers/{proposal['speaker_ids'][0]}"
    speaker = api.json("GET", path, token=user["token"], expect=200)
    ranges = [{"starts_at": "2030-03-25T09:00:00+08:00", "ends_at": "2030-03-25T12:00:00+08:00"}]

    refused = api.json("PUT", f"{path}/availability", {"availability": ranges, "version": speaker["version"]},
                       token=user["token"], expect=422)  # fmt: skip

    assert refused["error"]["fields"] == {"availability": "outside the event's dates"}


def test_mails_to_speakers_link_to_the_speaker_pages(api, owner, event):
    user, partner = api.user("mailed"), api.user("partner7")
    proposal = propose(api, user, event)
    patch_session(api, owner, event, proposal, {"state": "accepted"})
    invite(api, user, event, proposal, partner["email"])

    links = [link for m in mails_to(user["email"]) + mails_to(partner["email"]) for link in re.findall(r"http\S+", m["text"])]
    session_mails = [link for link in links if "/sessions/" in link or "#/events/" in link]

    assert len(links) >= 3 and session_mails == []
    assert all(re.search(r"/admin/#/speaker(/|$)", link) for link in links if "verify" not in link and "Confirm" not in link)


def test_availability_is_hidden_from_moderators_and_visitors(api, owner, event):
    from chalicelib.domain.roles import grant_role

    user, moderator = api.user("avail3"), api.user("moderator")
    grant_role(event_id=event["id"], user_id=moderator["id"], role="moderator", track_ids=[])
    proposal = propose(api, user, event)
    path = f"/v1/events/{event['id']}/speakers/{proposal['speaker_ids'][0]}"
    speaker = api.json("GET", path, token=user["token"], expect=200)
    ranges = [{"starts_at": "2030-03-22T09:00:00+08:00", "ends_at": "2030-03-22T12:00:00+08:00"}]
    api.json("PUT", f"{path}/availability", {"availability": ranges, "version": speaker["version"]},
             token=user["token"], expect=200)  # fmt: skip
    patch_session(api, owner, event, proposal, {"state": "accepted"})  # the speaker becomes public

    seen = {
        who: "availability" in api.json("GET", path, token=token, expect=200)
        for who, token in {"speaker": user["token"], "owner": owner["token"], "moderator": moderator["token"],
                           "anonymous": None}.items()
    }  # fmt: skip

    assert seen == {"speaker": True, "owner": True, "moderator": False, "anonymous": False}


def test_co_speaker_invites_are_capped_per_hour(api, owner, event, monkeypatch):
    from chalicelib.domain import call_for_papers

    monkeypatch.setattr(call_for_papers, "CO_SPEAKER_INVITES_PER_HOUR", 2)
    user = api.user("inviter")
    proposal = propose(api, user, event)
    for n in range(2):
        invite(api, user, event, proposal, f"guest{n}@example.org")

    refused = api.call(
        "POST", f"/v1/events/{event['id']}/sessions/{proposal['id']}/co-speakers", {"email": "guest3@example.org"},
        token=user["token"],
    )  # fmt: skip

    assert refused.status_code == 429 and refused.headers.get("Retry-After")


def test_speaker_of_drafts_only_is_hidden_from_organizers_until_a_proposal_is_submitted(api, owner, event):
    user = api.user("quiet")
    draft = propose(api, user, event, state="draft", title="Draft one")
    base = f"/v1/events/{event['id']}/speakers"
    speaker_id = draft["speaker_ids"][0]

    listed_before = [s["id"] for s in api.json("GET", base, token=owner["token"], expect=200)["items"]]
    read_before = api.call("GET", f"{base}/{speaker_id}", token=owner["token"]).status_code
    sent = propose(api, user, event, title="Sent one")
    listed_after = api.json("GET", base, token=owner["token"], expect=200)["items"]
    own_view = api.json("GET", f"{base}/{speaker_id}", token=user["token"], expect=200)

    assert (listed_before, read_before) == ([], 404)
    assert [(s["id"], s["session_ids"]) for s in listed_after] == [(speaker_id, [sent["id"]])]
    assert sorted(own_view["session_ids"]) == sorted([draft["id"], sent["id"]])


def test_dashboard_pages_with_the_signed_cursor(api, owner, event):
    user = api.user("pager")
    made = [propose(api, user, event, title=f"Talk {n}")["id"] for n in range(3)]

    first = api.json("GET", "/v1/me/proposals?limit=2", token=user["token"], expect=200)
    second = api.json("GET", f"/v1/me/proposals?limit=2&next={first['next']}", token=user["token"], expect=200)
    forged = api.call("GET", "/v1/me/proposals?next=2", token=user["token"]).status_code

    assert sorted(p["session_id"] for p in first["items"] + second["items"]) == sorted(made)
    assert (len(first["items"]), second["next"], forged) == (2, None, 400)
