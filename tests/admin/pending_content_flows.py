"""Admin e2e flows waiting for the content API (tracks, rooms, sessions, speakers, sponsors,
trash, PATCH with versions) and for event dates, which publishing needs to render.

Not collected (no test_ prefix): once the content routes are on main, move these functions into
test_admin_e2e.py, which holds the helpers they use.
"""

from __future__ import annotations

import re

from conftest import screenshot
from test_admin_e2e import (
    add_item_in_browser,
    call_api,
    create,
    mailed_link,
    organizer_with_event,
    png_bytes,
    sign_in_in_browser,
    sign_up_in_browser,
    unique_email,
)


def test_admin_signup_to_published_session_shows_on_public_site(pages, dev_stack):
    # GIVEN a new organizer who signs up and confirms their email
    page = pages.open(expect_statuses=(404,))
    email = unique_email("flow")
    page.goto("/admin/")
    screenshot(page, "01-sign-in")
    sign_up_in_browser(page, name="Flo Flow", email=email)
    page.goto(mailed_link(dev_stack, email, "#/verify?token="))
    page.get_by_role("heading", name="Email confirmed").wait_for()

    # WHEN they create an event, add a track, a room, a speaker and an accepted session, and publish
    page.goto("/admin/#/events/new")
    page.get_by_label("Name (required)").fill("Flow Conference")
    page.get_by_role("button", name="Create the event").click()
    page.get_by_role("heading", level=1, name="Flow Conference").wait_for()
    event_id = page.url.split("#/events/")[1]
    screenshot(page, "02-event-details")
    add_item_in_browser(page, event_id, "tracks", "Create track", {"Name (required)": "Open Hardware"})
    add_item_in_browser(page, event_id, "rooms", "Create room", {"Name (required)": "Hall A"})
    add_item_in_browser(page, event_id, "speakers", "Create speaker", {"Name (required)": "Sam Speaker"})
    page.goto(f"/admin/#/events/{event_id}/sessions/new")
    page.get_by_label("Title (required)", exact=True).fill("Soldering for Everyone")
    page.get_by_label("State", exact=True).select_option("accepted")
    page.get_by_label("Track", exact=True).select_option(label="Open Hardware")
    page.get_by_label("Room", exact=True).select_option(label="Hall A")
    page.get_by_label("Sam Speaker").check()
    screenshot(page, "03-session-form")
    page.get_by_role("button", name="Create session").click()
    page.wait_for_url(re.compile(rf"#/events/{event_id}/sessions/(?!new)\w+$"))
    session_id = page.url.rsplit("/", 1)[1]
    page.goto(f"/admin/#/events/{event_id}/sessions")
    page.get_by_role("link", name="Soldering for Everyone").wait_for()
    screenshot(page, "04-sessions-list")
    page.goto(f"/admin/#/events/{event_id}")
    page.get_by_role("button", name="Publish").click()

    # THEN the page says when the public page is updated, links to it, and the session is public
    page.get_by_text("The public page was updated").wait_for(timeout=60_000)
    screenshot(page, "05-published")
    page.locator("a.public-link").click()
    page.wait_for_load_state()
    assert "Flow Conference" in page.content()
    slug_url = page.url
    page.goto(slug_url + f"sessions/{session_id}/")
    assert page.locator("h1").inner_text() == "Soldering for Everyone"


def test_admin_sponsor_logo_upload_shows_progress_and_thumbnail(pages, dev_stack):
    owner = organizer_with_event(dev_stack)
    sponsor = create(dev_stack, owner, "sponsors", {"name": "Blue Widgets"})
    page = pages.open()
    sign_in_in_browser(page, owner["email"])
    page.goto(f"/admin/#/events/{owner['event']['id']}/sponsors/{sponsor['id']}")

    page.get_by_label("Sponsor logo", exact=True).set_input_files(
        {"name": "logo.png", "mimeType": "image/png", "buffer": png_bytes()}
    )
    page.get_by_role("button", name="Upload sponsor logo").click()

    progress = page.get_by_role("progressbar", name="Sponsor logo upload progress")
    progress.wait_for(state="visible")
    page.get_by_text("logo.png uploaded.", exact=True).first.wait_for()
    assert progress.get_attribute("value") == "100"
    thumbnail = page.get_by_role("img", name="Thumbnail of logo.png")
    thumbnail.wait_for(timeout=40_000)
    assert page.evaluate("img => img.complete && img.naturalWidth > 0", thumbnail.element_handle())
    screenshot(page, "06-sponsor-logo")


def test_admin_trashed_session_comes_back_from_the_trash(pages, dev_stack):
    owner = organizer_with_event(dev_stack)
    session = create(dev_stack, owner, "sessions", {"title": "Short-lived Talk"})
    event_id = owner["event"]["id"]
    page = pages.open()
    page.on("dialog", lambda dialog: dialog.accept())
    sign_in_in_browser(page, owner["email"])
    page.goto(f"/admin/#/events/{event_id}/sessions")

    page.get_by_role("button", name="Trash Short-lived Talk").click()
    page.get_by_text("No sessions yet.").wait_for()
    page.goto("/admin/#/trash")
    page.get_by_role("row", name=re.compile("Short-lived Talk")).wait_for()
    screenshot(page, "07-trash")
    page.get_by_role("button", name="Restore Short-lived Talk").click()
    page.get_by_text("The trash is empty.").wait_for()

    page.goto(f"/admin/#/events/{event_id}/sessions")
    page.get_by_role("link", name="Short-lived Talk").wait_for()
    status, restored = call_api(dev_stack, "GET", f"/events/{event_id}/sessions/{session['id']}", token=owner["token"])
    assert (status, restored["title"]) == (200, "Short-lived Talk")


def test_admin_second_save_shows_conflict_and_keeps_input(pages, dev_stack):
    owner = organizer_with_event(dev_stack)
    session = create(dev_stack, owner, "sessions", {"title": "Contested Talk"})
    address = f"/admin/#/events/{owner['event']['id']}/sessions/{session['id']}"
    first, second = pages.open(), pages.open(expect_statuses=(409,))
    for page in (first, second):
        sign_in_in_browser(page, owner["email"], next_hash="")
        page.goto(address)
        page.get_by_label("Title", exact=True).wait_for()

    first.get_by_label("Title", exact=True).fill("Contested Talk, renamed")
    first.get_by_role("button", name="Save", exact=True).click()
    first.get_by_text("“Contested Talk, renamed” saved.").wait_for()
    second.get_by_label("Subtitle", exact=True).fill("My careful subtitle")
    second.get_by_role("button", name="Save", exact=True).click()

    second.get_by_role("heading", name="This item changed meanwhile").wait_for()
    assert second.get_by_label("Subtitle", exact=True).input_value() == "My careful subtitle"
    changes = second.get_by_role("table", name="Changed by someone else")
    assert changes.get_by_role("row", name=re.compile("^Title")).inner_text().split("\t")[1:] == [
        "Contested Talk",
        "Contested Talk, renamed",
    ]
    screenshot(second, "08-conflict")
    second.get_by_role("button", name="Re-apply my edits").click()
    second.get_by_text("saved.").first.wait_for()
    _, stored = call_api(
        dev_stack, "GET", f"/events/{owner['event']['id']}/sessions/{session['id']}", token=owner["token"]
    )
    assert (stored["title"], stored["subtitle"]) == ("Contested Talk, renamed", "My careful subtitle")


def test_admin_coorganizer_sees_no_delete_buttons_and_api_refuses(pages, dev_stack):
    owner = organizer_with_event(dev_stack)
    event_id = owner["event"]["id"]
    session = create(dev_stack, owner, "sessions", {"title": "Keep Me"})
    helper_email = unique_email("coorganizer")
    owner_page = pages.open()
    sign_in_in_browser(owner_page, owner["email"])
    owner_page.goto(f"/admin/#/events/{event_id}/roles")
    owner_page.get_by_label("Email (required)").fill(helper_email)
    owner_page.get_by_label("Role (required)").select_option("coorganizer")
    owner_page.get_by_role("button", name="Send the invite").click()
    owner_page.get_by_text(f"Invite sent to {helper_email}.").wait_for()
    screenshot(owner_page, "09-team")

    helper = pages.open(expect_statuses=(403,))
    sign_up_in_browser(helper, name="Cora Coorganizer", email=helper_email)
    helper.goto(mailed_link(dev_stack, helper_email, "#/invites/accept?token="))
    helper.get_by_role("button", name="Accept the invite").click()
    helper.get_by_text("Your role").wait_for()
    helper.goto(f"/admin/#/events/{event_id}/sessions")
    helper.get_by_role("link", name="Keep Me").wait_for()

    assert helper.get_by_role("button", name=re.compile("^Trash")).count() == 0
    answer = helper.evaluate(
        """async ([api, path]) => {
            const response = await fetch(api + path, { method: "DELETE",
                headers: { Authorization: "Bearer " + sessionStorage.getItem("podium.token") } });
            return response.status;
        }""",
        [dev_stack.urls["API"], f"/v1/events/{event_id}/sessions/{session['id']}"],
    )
    assert answer == 403
    status, kept = call_api(dev_stack, "GET", f"/events/{event_id}/sessions/{session['id']}", token=owner["token"])
    assert (status, kept["title"]) == (200, "Keep Me")
