"""Issue #23's acceptance, end to end in chromium against `podium dev`, across the five views it
added: a speaker fills a profile, drafts a proposal answering a custom question, invites a
co-speaker who accepts, submits; two reviewers score it without ever seeing its speakers
(anonymised); the organizer reads the weighted mean, edits the acceptance template and accepts in
bulk; both speakers' mails come from that template and link to the speaker's dashboard.

Only the set-up the issue does not name goes through the API: the accounts, the event, its dates,
publishing it and opening its call for papers."""

from __future__ import annotations

import re
import time
from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import expect
from support.admin import screenshot
from support.dev_stack import POLL_SECONDS
from test_admin_e2e import (
    PASSWORD,
    call_api,
    mailed_link,
    organizer_with_event,
    publish_with_dates,
    settled,
    unique_email,
)

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("cfp-review-stack")]

TITLE = "Weaving with Free Software"
LEAD_NAME = "Leonora Lindqvist"
PARTNER_NAME = "Pavel Partnerov"
BIOGRAPHY = "Writes compilers for jacquard looms."
ORGANISATION = "Loomworks Cooperative"
HANDLE = "@leonora@looms.example"  # the answer to an identifying question
FIRST_HANDLE = "@leonora@typo.example"  # the draft's first answer, corrected on the proposal page


def account(stack, who: str, name: str) -> dict:
    """A signed-up account named `name` (through the API: accounts are not what the issue tests)."""
    email = unique_email(who)
    status, answer = call_api(stack, "POST", "/auth/signup", {"email": email, "password": PASSWORD, "name": name})
    assert status in (200, 201), answer
    status, answer = call_api(stack, "POST", "/auth/login", {"email": email, "password": PASSWORD})
    assert status == 200, answer
    return {"email": email, "token": answer["access_token"], "name": name}


def mails_to(stack, email: str) -> list:
    from podium.localstack.outbox import read_outbox  # at call time, as the other e2e tests: a dev-stack helper

    return read_outbox(stack.urls["AWS"], to=email)


def mail_with_subject(stack, email: str, subject: str, wait: float = 30.0):
    """The newest mail to `email` with exactly `subject`; waits for the worker that sends it."""
    deadline = time.monotonic() + wait
    while True:
        found = [mail for mail in mails_to(stack, email) if mail.subject == subject]
        if found:
            return found[-1]
        assert time.monotonic() < deadline, f"no mail to {email} titled {subject!r}: {[m.subject for m in mails_to(stack, email)]}"
        time.sleep(POLL_SECONDS)


def sign_in(page, email: str) -> None:
    page.goto("/admin/#/signin")
    page.get_by_label("Email (required)").fill(email)
    page.get_by_label("Password (required)").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("button", name="Sign out").wait_for()


def open_mailed_link(page, link: str) -> None:
    """Follow a mailed admin-page link in this page's own session (the link's origin is the site's)."""
    page.goto("/admin/#" + link.split("#", 1)[1])


def record_api_answers(page, api_url: str) -> list:
    """Every API answer this page receives, for checking what reached the browser at all."""
    answers: list = []
    page.on("response", lambda response: answers.append(response) if response.url.startswith(api_url) else None)
    return answers


def test_cfp_review_speaker_to_anonymised_review_to_templated_bulk_acceptance(pages, dev_stack):
    # GIVEN a published event whose call for papers is open (API set-up) and four accounts
    owner = organizer_with_event(dev_stack, verified=True)
    event_id, event_name = owner["event"]["id"], owner["event"]["name"]
    publish_with_dates(dev_stack, owner)
    now = datetime.now(UTC)
    cfp = {"opens_at": (now - timedelta(days=1)).isoformat(), "closes_at": (now + timedelta(days=30)).isoformat()}
    assert call_api(dev_stack, "PUT", f"/events/{event_id}/call-for-papers", cfp, owner["token"])[0] == 200
    lead, partner = account(dev_stack, "lead", LEAD_NAME), account(dev_stack, "partner", PARTNER_NAME)
    reviewers = [account(dev_stack, "rita", "Rita Reviewer"), account(dev_stack, "ravi", "Ravi Reviewer")]

    # AND the organizer, in the admin page, asks an identifying question, opens anonymised review
    # with two weighted criteria and invites the two reviewers from the Team view
    organizer = pages.open()
    sign_in(organizer, owner["email"])
    organizer.goto(f"/admin/#/events/{event_id}/questions")
    question = organizer.get_by_role("form", name="New question")
    question.get_by_label("Label (required)", exact=True).fill("Mastodon handle")
    question.get_by_label("Kind (required)", exact=True).select_option("short_text")
    question.get_by_label("Identifying", exact=True).check()
    question.get_by_role("button", name="Add the question").click()
    listed = organizer.get_by_role("list", name="Questions")
    expect(listed.locator("li.question", has_text="Mastodon handle")).to_contain_text("identifying")
    screenshot(organizer, "cfp-01-question")

    organizer.goto(f"/admin/#/events/{event_id}/review")
    settings = organizer.get_by_role("form", name="Review settings")
    settings.get_by_label("Phase").select_option("open")
    settings.get_by_label("Anonymised review: reviewers never see who the speakers are").check()
    for name, weight in (("Content", "2"), ("Delivery", "1")):
        settings.get_by_role("button", name="Add a criterion").click()
        row = settings.locator("table.criteria tbody tr").last
        row.get_by_label("Criterion name").fill(name)
        row.get_by_label("Weight").fill(weight)
    settings.get_by_role("button", name="Save review settings").click()
    organizer.get_by_text("Review settings saved.").first.wait_for()
    facts = organizer.locator("dl.facts")
    expect(facts).to_contain_text("Content (1–5, ×2), Delivery (1–5, ×1)")
    expect(facts).to_contain_text("hidden from reviewers (anonymised)")
    screenshot(organizer, "cfp-02-review-settings")

    organizer.goto(f"/admin/#/events/{event_id}/roles")
    invited = organizer.get_by_role("table", name="Invites not accepted yet").get_by_role("row").filter(has_text="Reviewer")
    # a reviewer's tracks are picked from the event's (it has none here), not typed as JSON;
    # the picker shows for the roles limited to tracks
    organizer.get_by_role("form", name="Invite someone").get_by_label("Role (required)").select_option("reviewer")
    expect(organizer.get_by_role("group", name="Tracks")).to_contain_text("No tracks yet.")
    for count, reviewer in enumerate(reviewers, start=1):
        invite = organizer.get_by_role("form", name="Invite someone")
        invite.get_by_label("Email (required)").fill(reviewer["email"])
        invite.get_by_label("Role (required)").select_option("reviewer")
        invite.get_by_role("button", name="Send the invite").click()
        organizer.get_by_text(f"Invite sent to {reviewer['email']}.").first.wait_for()
        # the view redraws after the announcement: wait for it before filling the next invite
        # (the pending list shortens each address, ri…@example.org, for the invitees' privacy)
        expect(invited).to_have_count(count)
    screenshot(organizer, "cfp-03-team-invites")

    # WHEN the speaker fills their profile (their account's name is already in it)
    speaker = pages.open(expect_statuses=(404,))  # no profile yet: the profile view reads a 404 first
    sign_in(speaker, lead["email"])
    speaker.get_by_role("link", name="My proposals").click()
    speaker.get_by_role("link", name="My speaker profile").click()
    settled(speaker)
    profile = speaker.get_by_role("form", name="Speaker profile")
    profile.get_by_label("Name (required)").fill(LEAD_NAME)
    profile.get_by_label("Biography", exact=True).fill(BIOGRAPHY)
    profile.get_by_label("Organisation", exact=True).fill(ORGANISATION)
    profile.get_by_role("button", name="Save my profile").click()
    speaker.get_by_text("Profile saved.").first.wait_for()
    # a second edit of one field keeps the others (the profile is replaced whole on each save)
    speaker.reload()
    settled(speaker)
    profile.get_by_label("Position", exact=True).fill("Chief weaver")
    profile.get_by_role("button", name="Save my profile").click()
    expect(speaker.get_by_text("Profile saved.")).to_have_count(1)
    screenshot(speaker, "cfp-04-speaker-profile")
    _, kept = call_api(dev_stack, "GET", "/me/speaker-profile", token=lead["token"])
    assert [kept[f] for f in ("name", "biography", "organisation", "position")] == [
        LEAD_NAME, f"<p>{BIOGRAPHY}</p>", ORGANISATION, "Chief weaver"
    ]  # the biography is kept as sanitized HTML

    # AND drafts a proposal answering the custom question
    speaker.goto(f"/admin/#/events/{event_id}/submit")
    proposal = speaker.get_by_role("form", name="Your proposal")
    proposal.get_by_label("Title (required)", exact=True).fill(TITLE)
    proposal.get_by_label("Mastodon handle", exact=True).fill(FIRST_HANDLE)
    proposal.get_by_label("State", exact=True).select_option("draft")
    screenshot(speaker, "cfp-05-proposal-form")
    proposal.get_by_role("button", name="Submit the proposal").click()
    speaker.get_by_role("link", name=TITLE).click()
    speaker.get_by_role("heading", level=1, name=TITLE).wait_for()
    expect(speaker.locator("dl.facts .badge")).to_have_text("Draft")
    # the proposal page asks the question with its own control, holding the answer given so far
    editing = speaker.get_by_role("form", name="Your proposal")
    expect(editing.get_by_label("Mastodon handle", exact=True)).to_have_value(FIRST_HANDLE)
    editing.get_by_label("Mastodon handle", exact=True).fill(HANDLE)
    editing.get_by_role("button", name="Save the proposal").click()
    speaker.get_by_text("Proposal saved.").first.wait_for()

    # AND invites a co-speaker, who accepts through the mailed link
    invite = speaker.get_by_role("form", name="Invite a co-speaker")
    invite.get_by_label("Email (required)").fill(partner["email"])
    invite.get_by_role("button", name="Invite the co-speaker").click()
    speaker.get_by_text(f"Invite mailed to {partner['email']}").wait_for()
    screenshot(speaker, "cfp-06-draft-with-invite")
    co_speaker = pages.open()
    sign_in(co_speaker, partner["email"])
    open_mailed_link(co_speaker, mailed_link(dev_stack, partner["email"], "#/speaker/invite?token="))
    co_speaker.get_by_role("button", name="Accept the invite").click()
    co_speaker.get_by_role("heading", level=1, name=TITLE).wait_for()
    screenshot(co_speaker, "cfp-07-co-speaker-joined")

    # AND submits it
    speaker.reload()
    speaker.get_by_role("button", name="Submit", exact=True).click()
    expect(speaker.locator("dl.facts .badge")).to_have_text("Submitted")
    screenshot(speaker, "cfp-08-submitted")

    # WHEN each reviewer accepts the mailed team invite and scores the proposal in the Review view
    api_url = dev_stack.urls["API"]
    seen_by_reviewers: list[tuple[str, str]] = []  # (where, text) of everything each reviewer's browser got
    for reviewer, (content, delivery) in zip(reviewers, (("5", "2"), ("2", "5")), strict=True):
        page = pages.open(expect_statuses=(403,))  # the team list (roles) is not a reviewer's to read
        answers = record_api_answers(page, api_url)
        sign_in(page, reviewer["email"])
        open_mailed_link(page, mailed_link(dev_stack, reviewer["email"], "#/invites/accept?token="))
        page.get_by_role("button", name="Accept the invite").click()
        page.get_by_role("heading", level=1, name=event_name).wait_for()
        seen_by_reviewers.append(("event page", page.locator("main").inner_text()))
        page.get_by_role("navigation", name="Event sections").get_by_role("link", name="Review", exact=True).click()
        form = page.get_by_role("form", name=f"Your review of {TITLE}")
        form.get_by_label("Content (1–5)").select_option(content)
        form.get_by_label("Delivery (1–5)").select_option(delivery)
        form.get_by_label("Comment for the review team").fill(f"Scored {content}/{delivery}")
        form.get_by_role("button", name=f"Save review of {TITLE}").click()
        form.get_by_text("Review saved.").wait_for()
        page.get_by_role("heading", name="The team's reviews").wait_for()
        seen_by_reviewers.append(("review page", page.locator("main").inner_text()))
        screenshot(page, f"cfp-09-reviewer-{reviewer['name'].split()[0].lower()}")
        # every other section the reviewer's page links to (sessions, speakers, proposals, …)
        sections = page.get_by_role("navigation", name="Event sections").get_by_role("link")
        for href in [link.get_attribute("href") for link in sections.all()]:
            page.goto("/admin/" + href)
            settled(page)
            seen_by_reviewers.append((f"section {href}", page.locator("main").inner_text()))
        seen_by_reviewers += [(f"{a.request.method} {a.url}", a.text()) for a in answers if a.request.method != "OPTIONS"]
        seen_by_reviewers += [(f"mail {m.subject}", m.subject + m.text) for m in mails_to(dev_stack, reviewer["email"])]

    # THEN neither reviewer saw the speakers anywhere: not on a page, in an API answer or a mail;
    # and the second saw both reviews once theirs was written
    secrets = (LEAD_NAME, PARTNER_NAME, lead["email"], partner["email"], BIOGRAPHY, ORGANISATION, HANDLE, FIRST_HANDLE)
    leaks = [(where, s) for where, text in seen_by_reviewers for s in secrets if s.lower() in text.lower()]
    assert leaks == []
    walked = {where for where, _ in seen_by_reviewers}
    assert {f"section #/events/{event_id}/{name}" for name in ("sessions", "speakers", "proposals")} <= walked
    assert any(where.startswith("GET ") and "/review/proposals" in where for where in walked)
    second_review_page = [text for where, text in seen_by_reviewers if where == "review page"][1]
    assert "Scored 5/2" in second_review_page and "Scored 2/5" in second_review_page

    # WHEN the organizer edits the acceptance template (previewed with the real proposal)
    organizer.goto(f"/admin/#/events/{event_id}/mail")
    template = organizer.get_by_role("form", name="Mail template")
    template.get_by_label("Template").select_option("proposal_accepted")
    template.get_by_label("Subject").fill("Welcome to {event_name}, {speaker_name}: {proposal_title}")
    template.get_by_label("Text", exact=True).fill(
        "Dear {speaker_name},\n\nthe programme committee took “{proposal_title}”.\n"
        "Confirm it on your speaker dashboard: {dashboard_url}\n"
    )
    template.get_by_role("button", name="Preview").click()
    expect(organizer.locator(".preview-subject")).to_have_text(re.compile(rf"^Welcome to {re.escape(event_name)}, .+: {TITLE}$"))
    expect(organizer.locator(".preview-text")).to_contain_text("#/speaker")
    screenshot(organizer, "cfp-10-template-preview")
    template.get_by_role("button", name="Save the template").click()
    organizer.get_by_text("Template “Proposal accepted” saved.").first.wait_for()

    # AND reads the weighted mean on the dashboard and accepts the proposal in bulk
    organizer.goto(f"/admin/#/events/{event_id}/review?sort=mean&state=")
    row = organizer.locator("table.dashboard tbody tr", has_text=TITLE)
    # weighted per review: (5×2 + 2)/3 = 4.0 and (2×2 + 5)/3 = 3.0, so the mean is 3.5 over 2 reviews
    expect(row.locator("td.mean")).to_have_text("3.5")
    expect(row.locator("td.count")).to_have_text("2")
    expect(row).to_contain_text(LEAD_NAME)  # organizers know who the speakers are
    expect(row).to_contain_text(PARTNER_NAME)
    screenshot(organizer, "cfp-11-dashboard")
    row.get_by_label(f"Select {TITLE}").check()
    organizer.get_by_role("button", name="Accept selected").click()
    expect(organizer.locator("table.dashboard tbody tr", has_text=TITLE).locator(".badge")).to_have_text("Accepted")
    screenshot(organizer, "cfp-12-accepted")
    _, questions = call_api(dev_stack, "GET", f"/events/{event_id}/questions", token=owner["token"])
    _, sessions = call_api(dev_stack, "GET", f"/events/{event_id}/sessions", token=owner["token"])
    assert [(s["title"], s["state"], len(s["speaker_ids"]), s["answers"]) for s in sessions["items"]] == [
        (TITLE, "accepted", 2, {questions["items"][0]["id"]: HANDLE})
    ]

    # THEN each speaker got the edited template's mail, which links to the speaker's dashboard
    # (and to no organizer form); the link opens the dashboard listing the accepted proposal
    site = dev_stack.urls["Site"].rstrip("/")
    for person in (lead, partner):
        mail = mail_with_subject(dev_stack, person["email"], f"Welcome to {event_name}, {person['name']}: {TITLE}")
        assert mail.text.startswith(f"Dear {person['name']},\n\nthe programme committee took “{TITLE}”.")
        links = re.findall(r"https?://\S+", mail.text)
        assert links == [f"{site}/admin/#/speaker"], mail.text
    open_mailed_link(speaker, re.findall(r"https?://\S+", mail.text)[0])
    card = speaker.locator("li.proposal", has_text=TITLE)
    expect(card.locator(".badge")).to_have_text("Accepted")
    screenshot(speaker, "cfp-13-speaker-dashboard")
