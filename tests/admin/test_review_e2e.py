"""End-to-end in chromium against `podium dev`: an organizer sets up anonymised review with weighted
criteria, two reviewers score a proposal in the Review view without ever seeing its speaker, and the
organizer reads the weighted mean on the dashboard and accepts it in bulk (the speaker is mailed)."""

from __future__ import annotations

import json
import re
import time
import urllib.request
import uuid

import pytest
from playwright.sync_api import expect
from support.admin import screenshot
from support.dev_stack import POLL_SECONDS

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("review-stack")]

PASSWORD = "correct horse battery staple"
SPEAKER_NAME = "Zebediah Markerson"


def call_api(stack, method: str, path: str, body: dict | None = None, token: str | None = None) -> dict:
    request = urllib.request.Request(
        stack.urls["API"] + "/v1" + path,
        method=method,
        data=None if body is None else json.dumps(body).encode(),
        headers={"Content-Type": "application/json", **({"Authorization": f"Bearer {token}"} if token else {})},
    )
    with urllib.request.urlopen(request, timeout=30) as answer:
        return json.loads(answer.read() or b"{}")


def mailed(stack, email: str, pattern: str, wait: float = 30.0) -> str:
    """The first match of `pattern` in the newest mail to `email` that has one; waits for the worker."""
    from podium.localstack.outbox import read_outbox

    deadline = time.monotonic() + wait
    while True:
        for mail in reversed(read_outbox(stack.urls["AWS"], to=email)):
            found = re.search(pattern, mail.text)
            if found:
                return found.group(1)
        assert time.monotonic() < deadline, f"no mail to {email} matching {pattern}"
        time.sleep(POLL_SECONDS)


def account(stack, who: str, name: str) -> dict:
    email = f"{who}-{uuid.uuid4().hex[:8]}@example.org"
    call_api(stack, "POST", "/auth/signup", {"email": email, "password": PASSWORD, "name": name})
    token = call_api(stack, "POST", "/auth/login", {"email": email, "password": PASSWORD})["access_token"]
    return {"email": email, "token": token}


def sign_in(page, email: str) -> None:
    page.goto("/admin/#/signin")
    page.get_by_label("Email (required)").fill(email)
    page.get_by_label("Password (required)").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("heading", level=1, name="My events").wait_for()


@pytest.fixture
def scene(dev_stack) -> dict:
    """A published event with an open call for papers, a proposal by a speaker named SPEAKER_NAME
    and two reviewers who accepted their invites (all through the API and the mailed links)."""
    owner = account(dev_stack, "owner", "Olga Organizer")
    code = mailed(dev_stack, owner["email"], r"#/verify\?token=(\S+)")
    call_api(dev_stack, "POST", "/auth/verify", {"token": code})
    event = call_api(dev_stack, "POST", "/events", {"name": f"Review Camp {uuid.uuid4().hex[:4]}"}, owner["token"])
    base = f"/events/{event['id']}"
    dates = {"version": event["version"], "timezone": "Europe/Berlin",
             "starts_at": "2030-06-01T09:00:00+02:00", "ends_at": "2030-06-02T18:00:00+02:00"}  # fmt: skip
    call_api(dev_stack, "PATCH", base, dates, owner["token"])
    call_api(dev_stack, "POST", f"{base}/publish", None, owner["token"])
    cfp = {"opens_at": "2020-01-01T09:00:00+00:00", "closes_at": "2099-01-01T09:00:00+00:00"}
    call_api(dev_stack, "PUT", f"{base}/call-for-papers", cfp, owner["token"])
    speaker = account(dev_stack, "speaker", SPEAKER_NAME)
    proposal = {"title": "Weaving with Free Software", "short_abstract": "Looms, patterns and code."}
    session = call_api(dev_stack, "POST", f"{base}/call-for-papers/proposals", proposal, speaker["token"])
    reviewers = []
    for who in ("rita", "ravi"):
        reviewer = account(dev_stack, who, who.title())
        call_api(dev_stack, "POST", f"{base}/roles", {"email": reviewer["email"], "role": "reviewer"}, owner["token"])
        secret = mailed(dev_stack, reviewer["email"], r"invite code: (\S+)")
        call_api(dev_stack, "POST", "/invites/accept", {"token": secret}, reviewer["token"])
        reviewers.append(reviewer)
    return {"owner": owner, "event": event, "base": base, "speaker": speaker, "session": session, "reviewers": reviewers}


def test_review_two_reviewers_score_an_anonymised_proposal_and_the_organizer_accepts_it(pages, dev_stack, scene):
    # GIVEN the organizer opens review with two weighted criteria in the admin page
    event_id = scene["event"]["id"]
    organizer = pages.open()
    sign_in(organizer, scene["owner"]["email"])
    organizer.goto(f"/admin/#/events/{event_id}/review")
    settings = organizer.get_by_role("form", name="Review settings")
    settings.get_by_label("Phase").select_option("open")
    for name, weight in (("Content", "2"), ("Delivery", "1")):
        settings.get_by_role("button", name="Add a criterion").click()
        row = settings.locator("table.criteria tbody tr").last
        row.get_by_label("Criterion name").fill(name)
        row.get_by_label("Weight").fill(weight)
    settings.get_by_role("button", name="Save review settings").click()
    organizer.get_by_text("Review settings saved.").wait_for()
    expect(organizer.locator("dl.facts")).to_contain_text("Content (1–5, ×2), Delivery (1–5, ×1)")
    screenshot(organizer, "review-01-settings")

    # WHEN each reviewer scores the proposal in their Review view
    texts = []
    for reviewer, (content, delivery) in zip(scene["reviewers"], (("5", "2"), ("2", "5")), strict=True):
        page = pages.open(expect_statuses=(403,))  # the team list (roles) is not a reviewer's to read
        sign_in(page, reviewer["email"])
        page.get_by_role("link", name=scene["event"]["name"]).click()  # their events list the one they review
        page.get_by_role("navigation", name="Event sections").get_by_role("link", name="Review", exact=True).click()
        form = page.get_by_role("form", name="Your review of Weaving with Free Software")
        form.get_by_label("Content (1–5)").select_option(content)
        form.get_by_label("Delivery (1–5)").select_option(delivery)
        form.get_by_label("Comment for the review team").fill(f"Scored {content}/{delivery}")
        form.get_by_role("button", name="Save review of Weaving with Free Software").click()
        form.get_by_text("Review saved.").wait_for()
        page.get_by_role("heading", name="The team's reviews").wait_for()
        texts.append(page.locator("main").inner_text())
        screenshot(page, f"review-02-reviewer-{reviewer['email'].split('-')[0]}")

    # THEN neither reviewer saw the speaker; the second saw both reviews after writing theirs
    assert [SPEAKER_NAME in t or scene["speaker"]["email"] in t for t in texts] == [False, False]
    assert "Scored 5/2" in texts[1] and "Scored 2/5" in texts[1]

    # WHEN the organizer reads the dashboard and accepts the proposal in bulk
    organizer.goto(f"/admin/#/events/{event_id}/review?sort=mean&state=")
    organizer.reload()
    row = organizer.locator("table.dashboard tbody tr", has_text="Weaving with Free Software")
    # Weighted: (5×2 + 2)/3 = 4.0 and (2×2 + 5)/3 = 3.0, so the mean is 3.5 over 2 reviews
    expect(row.locator("td.mean")).to_have_text("3.5")
    expect(row.locator("td.count")).to_have_text("2")
    expect(row).to_contain_text(SPEAKER_NAME)  # the organizers know who the speakers are
    screenshot(organizer, "review-03-dashboard")
    row.get_by_label("Select Weaving with Free Software").check()
    organizer.get_by_role("button", name="Accept selected").click()
    expect(organizer.locator("table.dashboard tbody tr", has_text="Weaving with Free Software").locator(".badge")).to_have_text(
        "Accepted"
    )
    screenshot(organizer, "review-04-accepted")

    # THEN the proposal is accepted and its speaker was mailed about it
    session = call_api(dev_stack, "GET", f"{scene['base']}/sessions/{scene['session']['id']}", token=scene["owner"]["token"])
    assert session["state"] == "accepted"
    assert mailed(dev_stack, scene["speaker"]["email"], r"(“Weaving with Free Software” is now accepted)")
