"""End-to-end: the speaker portal in chromium against `podium dev` — profile, a drafted proposal,
a co-speaker who accepts through the mailed link, submitting, the dashboard and availability."""

from __future__ import annotations

import io
import re
import time
import urllib.parse
import urllib.request
import uuid

import pytest
from playwright.sync_api import expect
from support.admin import call_api, screenshot
from support.dev_stack import POLL_SECONDS

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("speaker-portal-stack")]

PASSWORD = "correct horse battery staple"


def mails(stack, email: str) -> list:
    from podium.localstack.outbox import read_outbox

    return read_outbox(stack.urls["AWS"], to=email)


def mailed_link(stack, email: str, fragment: str, wait: float = 30.0) -> str:
    """The link holding `fragment` in the newest mail to `email`; waits for the worker that sends it."""
    deadline = time.monotonic() + wait
    while True:
        for mail in reversed(mails(stack, email)):
            found = re.search(r"https?://\S*" + re.escape(fragment) + r"\S*", mail.text)
            if found:
                return found.group(0)
        if time.monotonic() > deadline:
            raise AssertionError(f"no mail to {email} with {fragment}")
        time.sleep(POLL_SECONDS)


def account(stack, who: str) -> dict:
    email = f"{who}-{uuid.uuid4().hex[:8]}@example.org"
    call_api(stack, "POST", "/auth/signup", {"email": email, "password": PASSWORD, "name": who.title()})
    status, answer = call_api(stack, "POST", "/auth/login", {"email": email, "password": PASSWORD})
    assert status == 200, answer
    return {"email": email, "token": answer["access_token"]}


def event_with_open_call(stack) -> tuple[dict, str]:
    """A verified organizer's published event (1-2 June 2030, Berlin) with an open call for papers."""
    owner = account(stack, "organizer")
    secret = mailed_link(stack, owner["email"], "#/verify?token=").split("token=", 1)[1]
    assert call_api(stack, "POST", "/auth/verify", {"token": secret})[0] == 200
    _, event = call_api(stack, "POST", "/events", {"name": f"Portal Camp {uuid.uuid4().hex[:4]}"}, owner["token"])
    body = {
        "version": event["version"], "timezone": "Europe/Berlin",
        "starts_at": "2030-06-01T09:00:00+02:00", "ends_at": "2030-06-02T18:00:00+02:00",
    }  # fmt: skip
    assert call_api(stack, "PATCH", f"/events/{event['id']}", body, owner["token"])[0] == 200
    assert call_api(stack, "POST", f"/events/{event['id']}/publish", None, owner["token"])[0] == 200
    cfp = {"opens_at": "2020-01-01T00:00:00+00:00", "closes_at": "2099-01-01T00:00:00+00:00"}
    assert call_api(stack, "PUT", f"/events/{event['id']}/call-for-papers", cfp, owner["token"])[0] == 200
    return owner, event["id"]


def png_bytes(size: tuple[int, int] = (300, 300)) -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 80, 20)).save(buffer, format="PNG")
    return buffer.getvalue()


def sign_in(page, email: str, next_hash: str = "") -> None:
    page.goto("/admin/#/signin" + (f"?next={urllib.parse.quote(next_hash, safe='')}" if next_hash else ""))
    page.get_by_label("Email (required)").fill(email)
    page.get_by_label("Password (required)").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("button", name="Sign out").wait_for()


def test_speaker_portal_profile_draft_co_speaker_submit_dashboard_availability(pages, dev_stack):
    owner, event_id = event_with_open_call(dev_stack)
    lead, partner = account(dev_stack, "lead"), account(dev_stack, "partner")
    page = pages.open(expect_statuses=(404,))

    # GIVEN a speaker who fills their profile
    sign_in(page, lead["email"])
    page.get_by_role("link", name="My proposals").click()
    page.get_by_role("link", name="My speaker profile").click()
    profile = page.get_by_role("form", name="Speaker profile")
    profile.get_by_label("Name (required)").fill("Lea Lead")
    profile.get_by_label("Biography", exact=True).fill("Writes *compilers* for looms.")
    profile.get_by_label("Organisation", exact=True).fill("Loomworks")
    profile.get_by_role("button", name="Save my profile").click()
    page.get_by_text("Profile saved.").wait_for()
    page.get_by_label("Avatar", exact=True).set_input_files(
        {"name": "me.png", "mimeType": "image/png", "buffer": png_bytes()}
    )
    page.get_by_role("button", name="Upload avatar").click()
    page.get_by_text("me.png uploaded.").first.wait_for()
    screenshot(page, "speaker-01-profile")

    # WHEN they draft a proposal, invite a co-speaker who accepts, and submit it
    page.goto(f"/admin/#/events/{event_id}/submit")
    form = page.get_by_role("form", name="Your proposal")
    form.get_by_label("Title (required)", exact=True).fill("Looms and Lambdas")
    form.get_by_label("State", exact=True).select_option("draft")
    form.get_by_role("button", name="Submit the proposal").click()
    page.get_by_role("link", name="Looms and Lambdas").click()
    page.get_by_role("heading", level=1, name="Looms and Lambdas").wait_for()
    invite = page.get_by_role("form", name="Invite a co-speaker")
    invite.get_by_label("Email (required)").fill(partner["email"])
    invite.get_by_role("button", name="Invite the co-speaker").click()
    page.get_by_text(f"Invite mailed to {partner['email']}").wait_for()
    screenshot(page, "speaker-02-draft")
    link = mailed_link(dev_stack, partner["email"], "#/speaker/invite?token=")
    other = pages.open()
    sign_in(other, partner["email"], next_hash="#" + link.split("#", 1)[1])
    other.get_by_role("button", name="Accept the invite").click()
    other.get_by_role("heading", level=1, name="Looms and Lambdas").wait_for()
    screenshot(other, "speaker-03-co-speaker-joined")
    page.reload()
    page.get_by_role("button", name="Submit").click()
    expect(page.locator("dl.facts .badge")).to_have_text("Submitted")

    # THEN the dashboard lists it with its state; the speaker gives their availability
    page.get_by_role("link", name="My proposals").first.click()
    card = page.locator("li.proposal", has_text="Looms and Lambdas")
    expect(card.locator(".badge")).to_have_text("Submitted")
    screenshot(page, "speaker-04-dashboard")
    card.get_by_role("link", name="Looms and Lambdas").click()
    page.get_by_role("link", name="When you can attend").click()
    page.get_by_role("button", name="Add a time range").click()
    page.get_by_label("Available from (Europe/Berlin)").fill("2030-06-01T10:00")
    page.get_by_label("Available until (Europe/Berlin)").fill("2030-06-01T13:00")
    page.get_by_role("button", name="Save availability").click()
    page.get_by_text("Availability saved.").wait_for()
    screenshot(page, "speaker-05-availability")

    _, sessions = call_api(dev_stack, "GET", f"/events/{event_id}/sessions", token=owner["token"])
    session = sessions["items"][0]
    _, speakers = call_api(dev_stack, "GET", f"/events/{event_id}/speakers", token=owner["token"])
    by_name = {s["name"]: s for s in speakers["items"]}
    assert [(s["title"], s["state"], len(s["speaker_ids"])) for s in sessions["items"]] == [
        ("Looms and Lambdas", "pending", 2)
    ]
    assert (by_name["Lea Lead"]["organisation"], by_name["Lea Lead"]["availability"]) == (
        "Loomworks", [{"starts_at": "2030-06-01T08:00:00+00:00", "ends_at": "2030-06-01T11:00:00+00:00"}]
    )
    assert sorted(by_name) == ["Lea Lead", "Partner"]
    _, profile_answer = call_api(dev_stack, "GET", "/me/speaker-profile", token=lead["token"])
    assert by_name["Lea Lead"]["photo_url"] == profile_answer["photo_file"]["url"]  # the copy took the photo
    received = mailed_link(dev_stack, lead["email"], "#/speaker/proposals/")
    assert received.endswith(f"/admin/#/speaker/proposals/{event_id}/{session['id']}")
