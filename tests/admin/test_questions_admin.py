"""The admin page's Questions view and the questions on the proposal form, in chromium against
`podium dev`: organizers add, reorder, edit and delete questions; a speaker answers them (a
missing required answer is named beside its control); organizers read the answers."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect
from support.admin import screenshot
from test_admin_e2e import call_api, organizer_with_event, publish_with_dates, sign_in_in_browser, user_account

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("admin-stack")]


def add_question(page, *, label: str, kind: str, choices: str = "", required: bool = False, public: bool = False):
    form = page.get_by_role("form", name="New question")
    form.get_by_label("Label (required)", exact=True).fill(label)
    form.get_by_label("Kind (required)", exact=True).select_option(kind)
    if choices:
        form.get_by_label("Choices", exact=True).fill(choices)
    if required:
        form.get_by_label("Required", exact=True).check()
    if public:
        form.get_by_label("Visibility", exact=True).select_option("public")
    form.get_by_role("button", name="Add the question").click()
    page.get_by_role("list", name="Questions").get_by_role("heading", name=label).wait_for()


def test_admin_questions_are_kept_answered_and_read(pages, dev_stack):
    # GIVEN a published event with an open call for papers
    owner = organizer_with_event(dev_stack, verified=True)
    event_id = owner["event"]["id"]
    publish_with_dates(dev_stack, owner)
    body = {"opens_at": "2020-01-01T09:00:00+00:00", "closes_at": "2099-01-01T09:00:00+00:00"}
    assert call_api(dev_stack, "PUT", f"/events/{event_id}/call-for-papers", body, owner["token"])[0] == 200
    organizer = pages.open()
    sign_in_in_browser(organizer, owner["email"])

    # WHEN the organizer adds three questions, moves the last up, renames one and deletes another
    organizer.goto(f"/admin/#/events/{event_id}/questions")
    add_question(organizer, label="T-shirt size", kind="single_choice", choices="S\nM\nL", required=True)
    add_question(organizer, label="Mastodon handle", kind="short_text", public=True)
    add_question(organizer, label="Anything else?", kind="long_text")
    listed = organizer.get_by_role("list", name="Questions")
    listed.get_by_role("button", name="Move Mastodon handle up").click()
    expect(listed.locator("li.question h2")).to_have_text(["Mastodon handle", "T-shirt size", "Anything else?"])
    listed.get_by_role("button", name="Edit T-shirt size").click()
    editing = organizer.get_by_role("form", name="Edit T-shirt size")
    editing.get_by_label("Label", exact=True).fill("Shirt size")
    editing.get_by_role("button", name="Save the question").click()
    listed.get_by_role("heading", name="Shirt size").wait_for()
    organizer.once("dialog", lambda dialog: dialog.accept())
    listed.get_by_role("button", name="Delete Anything else?").click()
    expect(listed.locator("li.question h2")).to_have_text(["Mastodon handle", "Shirt size"])
    screenshot(organizer, "questions-01-organizer-list")

    # AND a speaker submits a proposal: first without the required answer, then with it
    speaker = user_account(dev_stack, "speaker")
    speaker_page = pages.open(expect_statuses=(422,))
    sign_in_in_browser(speaker_page, speaker["email"])
    speaker_page.goto(f"/admin/#/events/{event_id}/submit")
    speaker_page.get_by_label("Title (required)", exact=True).fill("Looms and Lambdas")
    speaker_page.get_by_label("Mastodon handle", exact=True).fill("@ada@example.social")
    speaker_page.get_by_role("button", name="Submit the proposal").click()
    missing = speaker_page.get_by_text("Shirt size: is required")
    missing.wait_for()
    screenshot(speaker_page, "questions-02-required-answer-missing")
    speaker_page.get_by_label("Shirt size (required)", exact=True).select_option("M")
    speaker_page.get_by_role("button", name="Submit the proposal").click()
    speaker_page.get_by_role("list", name="Your proposals").get_by_role("heading", name="Looms and Lambdas").wait_for()
    screenshot(speaker_page, "questions-03-proposal-submitted")

    # THEN the organizer reads the answers beside their questions, and so does the API
    organizer.goto(f"/admin/#/events/{event_id}/proposals")
    card = organizer.locator("li.proposal", has_text="Looms and Lambdas")
    expect(card.locator("dl.answers")).to_have_text("Mastodon handle@ada@example.socialShirt sizeM")
    screenshot(organizer, "questions-04-proposal-answers")
    _, questions = call_api(dev_stack, "GET", f"/events/{event_id}/questions", token=owner["token"])
    _, sessions = call_api(dev_stack, "GET", f"/events/{event_id}/sessions", token=owner["token"])
    ids = {q["label"]: q["id"] for q in questions["items"]}
    assert [q["label"] for q in questions["items"]] == ["Mastodon handle", "Shirt size"]
    assert sessions["items"][0]["answers"] == {ids["Mastodon handle"]: "@ada@example.social", ids["Shirt size"]: "M"}
