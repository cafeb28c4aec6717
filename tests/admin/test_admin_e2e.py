"""End-to-end: the admin page in Debian's chromium against the real local stack (`podium dev`)."""

from __future__ import annotations

import io
import json
import re
import time
import uuid

import pytest
from playwright.sync_api import expect
from support.admin import call_api, screenshot
from support.dev_stack import POLL_SECONDS

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("admin-stack")]  # one stack, one worker

PASSWORD = "correct horse battery staple"


# -- helpers -------------------------------------------------------------------------------


def unique_email(who: str) -> str:
    return f"{who}-{uuid.uuid4().hex[:8]}@example.org"


def mailed_link(stack, email: str, fragment: str, wait: float = 20.0) -> str:
    """The link in the newest mail to `email`; waits for the worker that sends it."""
    from podium.localstack.outbox import read_outbox

    deadline = time.monotonic() + wait
    while True:
        for mail in reversed(read_outbox(stack.urls["AWS"], to=email)):
            found = re.search(r"https?://\S+" + re.escape(fragment) + r"\S+", mail.text)
            if found:
                return found.group(0)
        if time.monotonic() > deadline:
            raise AssertionError(f"no mail to {email} with {fragment}")
        time.sleep(POLL_SECONDS)


def wait_for_publish_status(page, stack, text: str, timeout_ms: int = 60_000) -> None:
    """Wait for the publish panel to say `text`; on a timeout, fail with what it said instead and
    the stack's last log lines (a rebuild that never came is otherwise hard to tell apart)."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    try:
        page.get_by_text(text).wait_for(timeout=timeout_ms)
    except PlaywrightTimeout:
        said = page.locator(".publish-status").all_inner_texts()
        raise AssertionError(
            f"the publish panel said {said!r}, not {text!r}; the stack's last lines:\n" + "\n".join(stack.output[-60:])
        ) from None


def settled(page) -> None:
    """Wait until no route is loading: a view that an earlier, slower one would replace is not
    the one to click in (app.js marks <body data-routing> while any route loads)."""
    page.locator("body:not([data-routing])").wait_for(state="attached")  # a selector: the CSP forbids eval


def sign_up_in_browser(page, *, name: str, email: str) -> None:
    page.goto("/admin/#/signup")
    page.get_by_label("Name (required)").fill(name)
    page.get_by_label("Email (required)").fill(email)
    page.get_by_label("Password (required)").fill(PASSWORD)
    page.get_by_role("button", name="Sign up").click()
    page.get_by_role("heading", level=1, name="My events").wait_for()


def sign_in_in_browser(page, email: str, next_hash: str = "") -> None:
    page.goto("/admin/#/signin" + (f"?next={next_hash}" if next_hash else ""))
    page.get_by_label("Email (required)").fill(email)
    page.get_by_label("Password (required)").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("button", name="Sign out").wait_for()
    if not next_hash:
        page.get_by_role("heading", level=1, name="My events").wait_for()


def organizer_with_event(stack, *, verified: bool = False) -> dict:
    """An account and an event made through the API, for tests about later screens."""
    email = unique_email("organizer")
    call_api(stack, "POST", "/auth/signup", {"email": email, "password": PASSWORD, "name": "Olga Organizer"})
    status, answer = call_api(stack, "POST", "/auth/login", {"email": email, "password": PASSWORD})
    assert status == 200, answer
    token = answer["access_token"]
    if verified:
        secret = mailed_link(stack, email, "#/verify?token=").split("token=", 1)[1]
        assert call_api(stack, "POST", "/auth/verify", {"token": secret})[0] == 200
    status, event = call_api(stack, "POST", "/events", {"name": f"Test Camp {uuid.uuid4().hex[:4]}"}, token)
    assert status == 201, event
    return {"email": email, "token": token, "event": event}


def user_account(stack, who: str) -> dict:
    """A signed-up, signed-in account made through the API."""
    email = unique_email(who)
    status, _ = call_api(stack, "POST", "/auth/signup", {"email": email, "password": PASSWORD, "name": who.title()})
    assert status in (200, 201)
    status, answer = call_api(stack, "POST", "/auth/login", {"email": email, "password": PASSWORD})
    assert status == 200, answer
    return {"email": email, "token": answer["access_token"]}


def join_as(stack, owner: dict, role: str) -> dict:
    """An account that accepted the owner's invite to `role` (all through the API and the mailed link)."""
    event_id = owner["event"]["id"]
    member = user_account(stack, role)
    status, _ = call_api(
        stack, "POST", f"/events/{event_id}/roles", {"email": member["email"], "role": role}, owner["token"]
    )
    assert status in (200, 201)
    secret = mailed_link(stack, member["email"], "#/invites/accept?token=").split("token=", 1)[1]
    status, answer = call_api(stack, "POST", "/invites/accept", {"token": secret}, member["token"])
    assert status in (200, 201), answer
    return member


def publish_with_dates(stack, owner: dict) -> dict:
    """Give the owner's event dates and a time zone and publish it (the owner must be verified)."""
    event = owner["event"]
    body = {
        "version": event["version"], "timezone": "Europe/Berlin",
        "starts_at": "2030-06-01T09:00:00+02:00", "ends_at": "2030-06-02T18:00:00+02:00",
    }  # fmt: skip
    status, answer = call_api(stack, "PATCH", f"/events/{event['id']}", body, owner["token"])
    assert status == 200, answer
    status, answer = call_api(stack, "POST", f"/events/{event['id']}/publish", None, owner["token"])
    assert status == 200, answer
    return answer


def create(stack, owner: dict, collection: str, body: dict) -> dict:
    status, item = call_api(stack, "POST", f"/events/{owner['event']['id']}/{collection}", body, owner["token"])
    assert status == 201, item
    return item


def add_item_in_browser(page, event_id: str, collection: str, button: str, fields: dict[str, str]) -> str:
    """Fill the create form of `collection`; returns the new item's id (from the page address)."""
    page.goto(f"/admin/#/events/{event_id}/{collection}/new")
    page.get_by_role("button", name=button).wait_for()
    settled(page)  # the previous item's view may still be loading: type only into the form that stays
    for label, value in fields.items():
        page.get_by_label(label, exact=True).fill(value)
    page.get_by_role("button", name=button).click()
    page.wait_for_url(re.compile(rf"#/events/{event_id}/{collection}/(?!new)\w+$"))
    return page.url.rsplit("/", 1)[1]


def png_bytes(size: tuple[int, int] = (400, 300)) -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", size, (0, 80, 235)).save(buffer, format="PNG")
    return buffer.getvalue()


# -- flows -----------------------------------------------------------------------------------


def test_admin_signup_verify_and_create_event(pages, dev_stack):
    # GIVEN a new organizer on the sign-in page
    page = pages.open()
    email = unique_email("flow")
    page.goto("/admin/")
    page.get_by_role("heading", level=1, name="Sign in").wait_for()
    screenshot(page, "01-sign-in")

    # WHEN they sign up, open the mailed confirmation link and create an event
    sign_up_in_browser(page, name="Flo Flow", email=email)
    page.goto(mailed_link(dev_stack, email, "#/verify?token="))
    page.get_by_role("heading", name="Email confirmed").wait_for()
    page.goto("/admin/#/events/new")
    page.get_by_label("Name (required)").fill("Flow Conference")
    page.get_by_role("button", name="Create the event").click()

    # THEN the event page shows them as its owner and the event is in their list
    page.get_by_role("heading", level=1, name="Flow Conference").wait_for()
    expect(page.locator("dl.facts dd").nth(3)).to_have_text("Owner")
    screenshot(page, "02-event-details")
    page.get_by_role("link", name="My events").click()
    page.get_by_label("Search events").fill("flow")
    # the list loads and filters after the page shows: wait for what it settles on
    expect(page.locator("ul.cards a")).to_have_text(["Flow Conference"])
    screenshot(page, "03-my-events")


def test_admin_signup_form_shows_field_errors_next_to_fields(pages):
    page = pages.open(expect_statuses=(422,))
    page.goto("/admin/#/signup")
    page.get_by_label("Name (required)").fill("Short Password")
    page.get_by_label("Email (required)").fill(unique_email("short"))
    page.get_by_label("Password (required)").fill("x")

    page.get_by_role("button", name="Sign up").click()

    password = page.get_by_label("Password (required)")
    page.locator(".field-error:not([hidden])").first.wait_for()
    expect(password).to_have_attribute("aria-invalid", "true")
    error_id = password.get_attribute("aria-describedby").split()[-1]
    assert page.locator(f"#{error_id}").inner_text().startswith("Password must be at least")
    screenshot(page, "04-field-errors")


def test_admin_event_logo_upload_shows_progress(pages, dev_stack):
    owner = organizer_with_event(dev_stack)
    page = pages.open()
    sign_in_in_browser(page, owner["email"])
    page.goto(f"/admin/#/events/{owner['event']['id']}")

    page.get_by_label("Event logo", exact=True).set_input_files(
        {"name": "logo.png", "mimeType": "image/png", "buffer": png_bytes()}
    )
    page.get_by_role("button", name="Upload event logo").click()

    progress = page.get_by_role("progressbar", name="Event logo upload progress")
    progress.wait_for(state="visible")
    page.locator(".upload-status", has_text="logo.png uploaded.").wait_for()
    expect(progress).to_have_attribute("value", "100")
    assert page.get_by_role("link", name="logo.png").get_attribute("href").endswith(".png")
    screenshot(page, "05-event-logo-upload")


def test_admin_coorganizer_sees_no_remove_buttons_and_api_refuses(pages, dev_stack):
    owner = organizer_with_event(dev_stack)
    event_id = owner["event"]["id"]
    helper_email = unique_email("coorganizer")
    owner_page = pages.open()
    sign_in_in_browser(owner_page, owner["email"])
    owner_page.goto(f"/admin/#/events/{event_id}/roles")
    owner_page.get_by_role("heading", level=1, name=re.compile("^Team")).wait_for()
    owner_page.get_by_label("Email (required)").fill(helper_email)
    owner_page.get_by_label("Role (required)").select_option("coorganizer")
    owner_page.get_by_role("button", name="Send the invite").click()
    owner_page.get_by_text(f"Invite sent to {helper_email}.").wait_for()
    screenshot(owner_page, "06-team")

    helper = pages.open(expect_statuses=(403,))
    sign_up_in_browser(helper, name="Cora Coorganizer", email=helper_email)
    helper.goto(mailed_link(dev_stack, helper_email, "#/invites/accept?token="))
    helper.get_by_role("button", name="Accept the invite").click()
    helper.get_by_text("Your role").wait_for()
    expect(helper.locator("dl.facts dd").nth(3)).to_have_text("Co-organizer")
    helper.get_by_role("link", name="Team").click()
    helper.get_by_role("table", name="Members").wait_for()

    assert helper.get_by_role("button", name=re.compile("^Remove")).count() == 0
    owner_id = owner["event"]["owner_id"]
    status = helper.evaluate(
        """async ([api, path]) => {
            const response = await fetch(api + path, { method: "DELETE",
                headers: { Authorization: "Bearer " + sessionStorage.getItem("podium.token") } });
            return response.status;
        }""",
        [dev_stack.urls["API"], f"/v1/events/{event_id}/roles/{owner_id}"],
    )
    assert status == 403


def test_admin_event_page_fits_a_phone_and_starts_with_a_skip_link(pages, dev_stack):
    owner = organizer_with_event(dev_stack)
    phone = pages.open(width=390, height=844)
    sign_in_in_browser(phone, owner["email"])
    phone.goto(f"/admin/#/events/{owner['event']['id']}")
    phone.get_by_role("navigation", name="Event sections").wait_for()
    phone.get_by_role("heading", level=1, name=owner["event"]["name"]).wait_for()  # measured once loaded

    overflow = phone.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")

    wide = phone.evaluate(
        "[...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > innerWidth)"
        ".map(e => e.tagName + '.' + e.className)"
    )
    assert (overflow, wide) == (0, [])
    screenshot(phone, "07-phone-event")
    first_focusable = phone.locator("a[href], button, input, select, textarea").first
    first_focusable.focus()
    assert first_focusable.inner_text() == "Skip to the content"
    assert first_focusable.bounding_box()["x"] >= 0  # visible once focused


def test_admin_signup_to_published_session_shows_on_public_site(pages, dev_stack):
    # GIVEN a new organizer who signs up and confirms their email
    page = pages.open(expect_statuses=(404,))
    email = unique_email("publish")
    sign_up_in_browser(page, name="Pia Publisher", email=email)
    page.goto(mailed_link(dev_stack, email, "#/verify?token="))
    page.get_by_role("heading", name="Email confirmed").wait_for()

    # WHEN they create an event, give it dates and a time zone, add a track, a room, a speaker
    # and an accepted session, and publish
    page.goto("/admin/#/events/new")
    page.get_by_label("Name (required)").fill("Maker Days")
    page.get_by_role("button", name="Create the event").click()
    page.get_by_role("heading", level=1, name="Maker Days").wait_for()
    event_id = page.url.split("#/events/")[1]
    details = page.get_by_role("form", name="Event details")
    details.get_by_label("Time zone", exact=True).select_option("Europe/Berlin")
    details.get_by_label(re.compile(r"^Starts at")).fill("2030-05-04T09:00")
    details.get_by_label(re.compile(r"^Ends at")).fill("2030-05-05T18:00")
    details.get_by_role("button", name="Save the details").click()
    page.get_by_text("Event details saved.").first.wait_for()
    # the dates were typed in the zone picked in the same form, and the form shows them so
    page.locator("dd", has_text="Sat 4 May, 09:00").wait_for()
    assert details.get_by_label(re.compile(r"^Starts at")).input_value() == "2030-05-04T09:00"
    add_item_in_browser(page, event_id, "tracks", "Create track", {"Name (required)": "Open Hardware"})
    add_item_in_browser(page, event_id, "rooms", "Create room", {"Name (required)": "Hall A"})
    add_item_in_browser(page, event_id, "speakers", "Create speaker", {"Name (required)": "Sam Speaker"})
    page.goto(f"/admin/#/events/{event_id}/sessions/new")
    settled(page)
    page.get_by_label("Title (required)", exact=True).fill("Soldering for Everyone")
    page.get_by_label("State", exact=True).select_option("accepted")
    page.get_by_label("Track", exact=True).select_option(label="Open Hardware")
    page.get_by_label("Room", exact=True).select_option(label="Hall A")
    page.get_by_label("Sam Speaker").check()
    screenshot(page, "08-session-form")
    page.get_by_role("button", name="Create session").click()
    page.wait_for_url(re.compile(rf"#/events/{event_id}/sessions/(?!new)\w+$"))
    session_id = page.url.rsplit("/", 1)[1]
    page.goto(f"/admin/#/events/{event_id}/sessions")
    page.get_by_role("link", name="Soldering for Everyone").wait_for()
    page.goto(f"/admin/#/events/{event_id}")
    settled(page)
    page.get_by_role("button", name="Publish").click()

    # THEN the page says when the public page is updated and links to it, and the session is public
    wait_for_publish_status(page, dev_stack, "The public page was updated")
    screenshot(page, "09-published")
    public_url = page.locator("a.public-link").get_attribute("href")
    assert public_url.startswith(dev_stack.urls["Site"])
    page.goto(public_url)
    assert "Maker Days" in page.content()
    page.goto(public_url + f"sessions/{session_id}/")
    expect(page.locator("h1")).to_have_text("Soldering for Everyone")
    assert "Sam Speaker" in page.content()


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
    page.locator(".upload-status", has_text="logo.png uploaded.").wait_for()
    expect(progress).to_have_attribute("value", "100")
    thumbnail = page.get_by_role("img", name="Thumbnail of logo.png")
    thumbnail.wait_for(timeout=40_000)
    # the element is there before its image has loaded: wait for the decoded image itself
    page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=thumbnail.element_handle())
    screenshot(page, "10-sponsor-logo")


def test_admin_second_save_shows_conflict_and_keeps_input(pages, dev_stack):
    owner = organizer_with_event(dev_stack)
    event_id = owner["event"]["id"]
    session = create(dev_stack, owner, "sessions", {"title": "Contested Talk"})
    address = f"/admin/#/events/{event_id}/sessions/{session['id']}"
    first, second = pages.open(), pages.open(expect_statuses=(409,))
    for page in (first, second):
        sign_in_in_browser(page, owner["email"])
        page.goto(address)
        page.get_by_label("Title", exact=True).wait_for()

    first.get_by_label("Title", exact=True).fill("Contested Talk, renamed")
    first.get_by_role("button", name="Save", exact=True).click()
    first.get_by_text("“Contested Talk, renamed” saved.").first.wait_for()
    second.get_by_label("Subtitle", exact=True).fill("My careful subtitle")
    second.get_by_role("button", name="Save", exact=True).click()

    second.get_by_role("heading", name="This item changed meanwhile").wait_for()
    assert second.get_by_label("Subtitle", exact=True).input_value() == "My careful subtitle"
    changes = second.get_by_role("table", name="Changed by someone else")
    expect(changes.get_by_role("row", name=re.compile("^Title")).locator("td")).to_have_text(
        ["Contested Talk", "Contested Talk, renamed"]
    )
    screenshot(second, "11-conflict")
    second.get_by_role("button", name="Re-apply my edits").click()
    second.get_by_text("“Contested Talk, renamed” saved.").first.wait_for()
    _, stored = call_api(dev_stack, "GET", f"/events/{event_id}/sessions/{session['id']}", token=owner["token"])
    assert (stored["title"], stored["subtitle"]) == ("Contested Talk, renamed", "My careful subtitle")


def test_admin_coorganizer_sees_no_trash_buttons_on_sessions_and_api_refuses(pages, dev_stack):
    owner = organizer_with_event(dev_stack)
    event_id = owner["event"]["id"]
    session = create(dev_stack, owner, "sessions", {"title": "Keep Me"})
    helper_email = unique_email("cohelper")
    status, _ = call_api(
        dev_stack, "POST", f"/events/{event_id}/roles", {"email": helper_email, "role": "coorganizer"}, owner["token"]
    )
    assert status in (200, 201)
    helper = pages.open(expect_statuses=(403,))
    sign_up_in_browser(helper, name="Cody Coorganizer", email=helper_email)
    helper.goto(mailed_link(dev_stack, helper_email, "#/invites/accept?token="))
    helper.get_by_role("button", name="Accept the invite").click()
    helper.get_by_text("Your role").wait_for()

    helper.goto(f"/admin/#/events/{event_id}/sessions")
    helper.get_by_role("link", name="Keep Me").wait_for()
    trash_in_list = helper.get_by_role("button", name=re.compile("^Trash")).count()
    helper.get_by_role("link", name="Keep Me").click()
    helper.get_by_label("Title", exact=True).wait_for()
    trash_on_page = helper.get_by_role("button", name=re.compile("^Trash")).count()
    answer = helper.evaluate(
        """async ([api, path]) => {
            const response = await fetch(api + path, { method: "DELETE",
                headers: { Authorization: "Bearer " + sessionStorage.getItem("podium.token") } });
            return response.status;
        }""",
        [dev_stack.urls["API"], f"/v1/events/{event_id}/sessions/{session['id']}"],
    )

    assert (trash_in_list, trash_on_page, answer) == (0, 0, 403)
    status, kept = call_api(dev_stack, "GET", f"/events/{event_id}/sessions/{session['id']}", token=owner["token"])
    assert (status, kept["title"]) == (200, "Keep Me")


def test_admin_trash_a_session_and_restore_it(pages, dev_stack):
    # GIVEN an organizer looking at their event's sessions
    owner = organizer_with_event(dev_stack)
    event_id = owner["event"]["id"]
    session = create(dev_stack, owner, "sessions", {"title": "Second Thoughts"})
    page = pages.open()
    page.on("dialog", lambda dialog: dialog.accept())
    sign_in_in_browser(page, owner["email"])
    page.goto(f"/admin/#/events/{event_id}/sessions")

    # WHEN they trash the session, find it in the trash and restore it (from the keyboard)
    page.get_by_role("button", name="Trash Second Thoughts").click()
    page.get_by_text("“Second Thoughts” moved to the trash.").first.wait_for()
    page.get_by_role("link", name="Second Thoughts").wait_for(state="detached")
    page.get_by_role("link", name="Trash", exact=True).click()
    row = page.get_by_role("row", name=re.compile("Second Thoughts"))
    row.wait_for()
    trashed_row = (row.locator("th").inner_text(), row.locator("td").first.inner_text())
    screenshot(page, "12-trash")
    row.get_by_role("button", name="Restore Second Thoughts").focus()
    page.keyboard.press("Enter")
    page.get_by_text("Restored session “Second Thoughts”.").first.wait_for()
    page.get_by_text("The trash is empty.").wait_for()

    # THEN it was listed as the event's session, and is back in the sessions list as it was
    page.goto(f"/admin/#/events/{event_id}/sessions")
    page.get_by_role("link", name="Second Thoughts").wait_for()
    status, restored = call_api(dev_stack, "GET", f"/events/{event_id}/sessions/{session['id']}", token=owner["token"])
    # one row per deletion: what, where, by whom
    assert trashed_row[0] == f"Session Second Thoughts in {owner['event']['name']}"
    assert trashed_row[1].startswith("Olga Organizer\n")
    assert (status, restored["title"]) == (200, "Second Thoughts")


def test_admin_coorganizer_sees_no_purge_button_in_trash_and_api_refuses(pages, dev_stack):
    owner = organizer_with_event(dev_stack)
    event_id = owner["event"]["id"]
    session = create(dev_stack, owner, "sessions", {"title": "Gone Talk"})
    status, _ = call_api(dev_stack, "DELETE", f"/events/{event_id}/sessions/{session['id']}", token=owner["token"])
    assert status in (200, 204)
    helper = join_as(dev_stack, owner, "coorganizer")
    page = pages.open(expect_statuses=(403,))
    sign_in_in_browser(page, helper["email"])

    page.goto("/admin/#/trash")
    page.get_by_role("row", name=re.compile("Gone Talk")).wait_for()
    buttons = page.locator("main table button").count()
    screenshot(page, "16-trash-as-coorganizer")
    answer = page.evaluate(
        """async ([api, path]) => {
            const response = await fetch(api + path, { method: "DELETE",
                headers: { Authorization: "Bearer " + sessionStorage.getItem("podium.token") } });
            return response.status;
        }""",
        [dev_stack.urls["API"], f"/v1/trash/session/{session['id']}?event_id={event_id}"],
    )

    assert (buttons, answer) == (0, 403)
    _, trash = call_api(dev_stack, "GET", f"/trash?event_id={event_id}", token=owner["token"])
    assert [item["name"] for item in trash["items"]] == ["Gone Talk"]


def test_admin_call_for_papers_proposal_is_submitted_reviewed_and_accepted(pages, dev_stack):
    # GIVEN a published event whose organizer opens its call for papers in the admin page
    owner = organizer_with_event(dev_stack, verified=True)
    event_id = owner["event"]["id"]
    publish_with_dates(dev_stack, owner)
    organizer = pages.open(expect_statuses=(404,))  # no call for papers yet: its read answers 404
    sign_in_in_browser(organizer, owner["email"])
    organizer.goto(f"/admin/#/events/{event_id}/cfp")
    settings = organizer.get_by_role("form", name="Call for papers")
    settings.get_by_label(re.compile(r"^Opens at")).fill("2020-01-01T09:00")
    settings.get_by_label(re.compile(r"^Closes at")).fill("2099-12-31T18:00")
    settings.get_by_label("Announcement", exact=True).fill("Tell us what you build.")
    settings.get_by_label("Privacy", exact=True).select_option("public")
    settings.get_by_role("button", name="Open a call for papers").click()
    organizer.get_by_text("Call for papers saved.").first.wait_for()
    expect(organizer.locator("dl.facts .badge")).to_have_text("Open")
    link = organizer.locator("a.cfp-link").get_attribute("href")
    screenshot(organizer, "13-call-for-papers")

    # WHEN a second user submits a proposal through the link, and the organizer accepts it
    speaker = user_account(dev_stack, "speaker")
    speaker_page = pages.open()
    sign_in_in_browser(speaker_page, speaker["email"])
    speaker_page.goto(link)
    speaker_page.get_by_label("Title (required)", exact=True).fill("Open Source Looms")
    speaker_page.get_by_label("Short abstract", exact=True).fill("Weaving with free software.")
    speaker_page.get_by_role("button", name="Submit the proposal").click()
    speaker_page.get_by_role("list", name="Your proposals").get_by_role("heading", name="Open Source Looms").wait_for()
    screenshot(speaker_page, "14-submit-proposal")
    organizer.get_by_role("link", name="Review the proposals").click()
    card = organizer.locator("li.proposal", has_text="Open Source Looms")
    card.wait_for()
    screenshot(organizer, "15-proposals")
    card.get_by_role("button", name="Accept Open Source Looms").click()
    expect(card.locator(".badge")).to_have_text("Accepted")

    # THEN the call was open (waited for above), the card says accepted, and so does the API
    _, sessions = call_api(dev_stack, "GET", f"/events/{event_id}/sessions", token=owner["token"])
    assert link == f"{dev_stack.urls['Site'].rstrip('/')}/admin/#/events/{event_id}/submit"
    assert [(s["title"], s["state"]) for s in sessions["items"]] == [("Open Source Looms", "accepted")]


def test_admin_private_call_for_papers_shows_its_secret_link(pages, dev_stack):
    owner = organizer_with_event(dev_stack)
    event_id = owner["event"]["id"]
    body = {"opens_at": "2020-01-01T09:00:00+00:00", "closes_at": "2099-01-01T09:00:00+00:00"}
    assert call_api(dev_stack, "PUT", f"/events/{event_id}/call-for-papers", body, owner["token"])[0] == 200
    page = pages.open()
    sign_in_in_browser(page, owner["email"])
    page.goto(f"/admin/#/events/{event_id}/cfp")

    page.get_by_label("Privacy", exact=True).select_option("private")
    page.get_by_role("button", name="Save the call for papers").click()
    page.get_by_text("Private link").wait_for()

    _, stored = call_api(dev_stack, "GET", f"/events/{event_id}/call-for-papers", token=owner["token"])
    link = page.locator("a.cfp-link").get_attribute("href")
    assert link.endswith(f"/admin/#/events/{event_id}/submit?token={stored['secret_token']}")


def test_admin_late_earlier_view_never_replaces_the_form_being_filled(pages, dev_stack):
    # GIVEN an organizer whose room page answers slowly (its item read is held back)
    owner = organizer_with_event(dev_stack)
    event_id = owner["event"]["id"]
    room = create(dev_stack, owner, "rooms", {"name": "Hall A"})
    page = pages.open()
    sign_in_in_browser(page, owner["email"])
    held: list = []
    room_url = f"{dev_stack.urls['API']}/v1/events/{event_id}/rooms/{room['id']}"
    page.route(room_url, lambda route: held.append(route))  # noqa: PLW0108 (playwright wants a Python function)

    # WHEN they open the room, go on to a new speaker before it loaded and type a name,
    with page.expect_request(room_url):
        page.goto(f"/admin/#/events/{event_id}/rooms/{room['id']}")
    page.goto(f"/admin/#/events/{event_id}/speakers/new")
    page.get_by_label("Name (required)", exact=True).fill("Late Lou")
    # and only then the room page finishes loading
    for route in held:
        route.continue_()
    settled(page)

    # THEN the form they typed in is still the one shown, and it saves what they typed
    expect(page.get_by_label("Name (required)", exact=True)).to_have_value("Late Lou")
    page.get_by_role("button", name="Create speaker").click()
    page.wait_for_url(re.compile(rf"#/events/{event_id}/speakers/(?!new)\w+$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile("Late Lou"))


def _small_export_zip(sample, *, name: str) -> bytes:
    """FOSSASIA 2018 cut to five sessions (one ending before it starts: a repair to report) and
    their speakers, under a name and identifier of its own, as a zip."""
    import zipfile

    sessions = json.loads((sample / "sessions").read_text())[:5]
    sessions[0]["end_time"] = "2018-03-22T11:00:00+08:00"  # before its start: the reader repairs it
    speaker_ids = {p["id"] for s in sessions for p in s["speakers"]}
    # Without picture URLs: each would queue a fetch job, which without internet waits for its
    # host's timeout in the stack's one job loop, ahead of this test's export job.
    pictures = ("photo", "thumbnail", "small", "icon", "background_image", "logo", "large")
    speakers = [{k: v for k, v in p.items() if k not in pictures}
                for p in json.loads((sample / "speakers").read_text()) if p["id"] in speaker_ids]  # fmt: skip
    event = {k: v for k, v in json.loads((sample / "event").read_text()).items() if k not in pictures}
    event |= {"name": name, "identifier": uuid.uuid4().hex[:8]}
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for file_name, records in (("event", event), ("sessions", sessions), ("speakers", speakers)):
            archive.writestr(f"export/{file_name}", json.dumps(records))
        for file_name in ("tracks", "microlocations", "sponsors"):
            archive.writestr(f"export/{file_name}", (sample / file_name).read_bytes())
    return buffer.getvalue()


def test_admin_import_shows_the_repair_report_then_publish_and_download_an_export(pages, dev_stack, sample_2018):
    # GIVEN a confirmed organizer and an export with a session that ends before it starts
    owner = organizer_with_event(dev_stack, verified=True)
    name = f"Imported Summit {uuid.uuid4().hex[:4]}"
    page = pages.open(expect_statuses=(404,))  # the public page before it is published
    sign_in_in_browser(page, owner["email"])

    # WHEN they import it from the admin page
    page.get_by_role("link", name="Import an export").click()
    page.get_by_label("Export (zip)").set_input_files(
        {"name": "summit.zip", "mimeType": "application/zip", "buffer": _small_export_zip(sample_2018, name=name)}
    )
    page.get_by_role("button", name="Import").click()

    # THEN the repair report names the session's end time
    page.get_by_role("heading", name=re.compile(r"Repair report \(\d+\)")).wait_for(timeout=60_000)
    expect(page.locator("table.repairs")).to_contain_text("ends_at")
    screenshot(page, "40-import-repair-report")

    # WHEN they open the event and publish it
    page.get_by_role("link", name=re.compile("Open the event")).click()
    page.get_by_role("heading", level=1, name=name).wait_for()
    page.locator("#publish").click()
    page.locator(".publish-status", has_text=re.compile(r"^The public page (is up to date|was updated)")).wait_for(
        timeout=60_000
    )
    screenshot(page, "41-imported-event-published")

    # AND export it from the jobs page
    page.goto(page.url + "/jobs")
    page.get_by_role("button", name="Export as Open Event").click()
    download = page.get_by_role("link", name="Download")
    download.wait_for(timeout=60_000)
    screenshot(page, "42-export-download")

    # THEN the download is the event's export, with its sessions
    import zipfile

    answer = page.request.get(download.get_attribute("href"))
    assert answer.status == 200
    with zipfile.ZipFile(io.BytesIO(answer.body())) as archive:
        assert json.loads(archive.read("event"))["name"] == name
        assert len(json.loads(archive.read("sessions"))) == 5


def reviewer_account(stack, owner: dict, name: str, track_ids: list[str]) -> dict:
    """An account named `name` that accepted the owner's invite to review (`track_ids`: its scope)."""
    member = user_account(stack, name)
    body = {"email": member["email"], "role": "reviewer", "track_ids": track_ids}
    status, answer = call_api(stack, "POST", f"/events/{owner['event']['id']}/roles", body, owner["token"])
    assert status == 201, answer
    secret = mailed_link(stack, member["email"], "#/invites/accept?token=").split("token=", 1)[1]
    status, answer = call_api(stack, "POST", "/invites/accept", {"token": secret}, member["token"])
    assert status == 200, answer
    return member


def test_admin_review_assignment_automatic_manual_and_declared_conflict(pages, dev_stack):
    # GIVEN an event with 4 proposals in track Web and 2 in Data, two reviewers of every track
    # (Ada, Grace) and one of Data only (Linus)
    owner = organizer_with_event(dev_stack)
    event_id = owner["event"]["id"]
    web, data = create(dev_stack, owner, "tracks", {"name": "Web"}), create(dev_stack, owner, "tracks", {"name": "Data"})
    for n, track in enumerate([web, web, web, web, data, data]):
        create(dev_stack, owner, "sessions", {"title": f"{track['name']} talk {n}", "track_id": track["id"], "state": "pending"})
    for name in ("ada", "grace"):
        reviewer_account(dev_stack, owner, name, [])
    linus = reviewer_account(dev_stack, owner, "linus", [data["id"]])
    organizer = pages.open()
    sign_in_in_browser(organizer, owner["email"])
    organizer.goto(f"/admin/#/events/{event_id}/assignments")

    # WHEN the organizer assigns 2 reviews per proposal automatically
    organizer.get_by_label("Reviews per proposal").fill("2")
    organizer.get_by_role("button", name="Assign automatically").click()
    organizer.locator(".auto-summary").get_by_text("Added 12 review assignments.").wait_for()
    settled(organizer)

    # THEN every proposal has 2 reviewers, Linus only Data's, and the all-track pool is balanced
    loads = {
        row.locator("th").inner_text(): int(row.locator(".count").inner_text())
        for row in organizer.locator("table.loads tbody tr").all()
    }
    assert loads == {"Ada": 5, "Grace": 5, "Linus": 2}
    expect(organizer.locator("ul.assignments > li")).to_have_count(6)
    web_card = organizer.locator("ul.assignments > li", has_text="Web talk 0")
    expect(web_card.locator(".reviewers > li")).to_have_count(2)
    expect(web_card).not_to_contain_text("Linus")
    screenshot(organizer, "30-review-assignments")

    # WHEN the organizer removes Linus from a Data talk, and assigns him to it again by hand; then
    # tries to put him on a Web talk (outside his track)
    data_card = organizer.locator("ul.assignments > li", has_text="Data talk 4")
    data_card.get_by_role("button", name="Remove Linus from Data talk 4").click()
    organizer.get_by_text("Linus no longer reviews “Data talk 4”.").wait_for()
    settled(organizer)
    expect(organizer.locator("table.loads tbody tr", has_text="Linus").locator(".count")).to_have_text("1")
    organizer.get_by_label("Proposal", exact=True).select_option(label="Data talk 4")
    organizer.get_by_label("Reviewer", exact=True).select_option(label="Linus")
    organizer.get_by_role("button", name="Assign", exact=True).click()
    organizer.get_by_text("Linus reviews “Data talk 4”.").wait_for()
    settled(organizer)
    organizer.get_by_label("Proposal", exact=True).select_option(label="Web talk 1")
    organizer.get_by_label("Reviewer", exact=True).select_option(label="Linus")
    organizer.expected_statuses.add(422)  # the refusal below is the point
    organizer.get_by_role("button", name="Assign", exact=True).click()

    # THEN the refusal is shown next to the form, and Linus's card by hand is marked
    expect(organizer.locator(".manual-assign .form-error")).to_have_text("This reviewer reviews other tracks than this proposal's.")
    expect(organizer.locator("ul.assignments > li", has_text="Data talk 4").locator(".badge")).to_have_text("by hand")
    screenshot(organizer, "31-review-assignments-manual")

    # WHEN Linus opens the page: he sees his own two assignments and declares a conflict on one
    reviewer = pages.open(expect_statuses=(403,))  # the team list and the loads are the organizers'
    sign_in_in_browser(reviewer, linus["email"])
    reviewer.goto(f"/admin/#/events/{event_id}/assignments")
    own = reviewer.get_by_role("list", name="Your assignments")
    expect(own.locator("> li")).to_have_count(2)
    screenshot(reviewer, "32-reviewer-own-assignments")
    own.locator("> li").first.get_by_role("button", name="Declare a conflict of interest").click()
    reviewer.get_by_text("Conflict of interest declared; you no longer review this proposal.").wait_for()

    # THEN he has one left, and the API agrees
    expect(reviewer.get_by_role("list", name="Your assignments").locator("> li")).to_have_count(1)
    _, mine = call_api(dev_stack, "GET", f"/events/{event_id}/review-assignments", token=linus["token"])
    assert len(mine["items"]) == 1


def outbox_state(stack, owner: dict, mail_to: str, wanted: str, mail_id: str | None = None, wait: float = 30.0) -> dict:
    """The owner's outbox mail to `mail_to` (or mail `mail_id`) once its state is `wanted` (the stack's worker sends it)."""
    deadline = time.monotonic() + wait
    while True:
        _, listed = call_api(stack, "GET", f"/events/{owner['event']['id']}/outbox", token=owner["token"])
        found = [m for m in listed["items"] if m["to"] == mail_to and m["state"] == wanted and mail_id in (None, m["id"])]
        if found:
            return found[0]
        if time.monotonic() > deadline:
            raise AssertionError(f"no {wanted} mail to {mail_to}: {listed}")
        time.sleep(POLL_SECONDS)


def test_admin_mail_template_edited_previewed_queued_and_sent_from_the_outbox(pages, dev_stack):
    from datetime import UTC, datetime, timedelta

    # GIVEN a published event with an open call for papers and one proposal
    owner = organizer_with_event(dev_stack, verified=True)
    event_id = owner["event"]["id"]
    publish_with_dates(dev_stack, owner)
    now = datetime.now(UTC)
    cfp = {"opens_at": (now - timedelta(days=1)).isoformat(), "closes_at": (now + timedelta(days=30)).isoformat()}
    assert call_api(dev_stack, "PUT", f"/events/{event_id}/call-for-papers", cfp, owner["token"])[0] == 200
    speaker = user_account(dev_stack, "speaker")
    status, proposal = call_api(dev_stack, "POST", f"/events/{event_id}/call-for-papers/proposals",
                                {"title": "Looms & Loops"}, speaker["token"])  # fmt: skip
    assert status == 201, proposal

    # WHEN the organizer picks a mail per proposal, edits the acceptance template to queue its
    # mails (an unknown placeholder first: refused next to the field), previews and saves it
    page = pages.open(expect_statuses=(400,))
    sign_in_in_browser(page, owner["email"])
    page.goto(f"/admin/#/events/{event_id}/mail")
    page.get_by_label("How you hear of new proposals").select_option("each")
    page.get_by_text("Your choice is saved.").first.wait_for()
    form = page.get_by_role("form", name="Mail template")
    form.get_by_label("Template").select_option("proposal_accepted")
    form.get_by_label("Subject").fill("Welcome, {speaker_email}")
    form.get_by_role("button", name="Save the template").click()
    expect(form.locator(".field-error")).to_have_text("unknown placeholder {speaker_email}")
    form.get_by_label("Subject").fill("Welcome aboard, {speaker_name}: {proposal_title}")
    form.get_by_label("When a mail is due").select_option("queue")
    form.get_by_role("button", name="Preview").click()
    expect(page.locator(".preview-subject")).to_have_text("Welcome aboard, Speaker: Looms & Loops")
    screenshot(page, "20-mail-templates")
    form.get_by_role("button", name="Save the template").click()
    page.get_by_text("Template “Proposal accepted” saved.").first.wait_for()

    # AND accepts the proposal: its mail waits in the outbox; the organizer sends it from there
    status, accepted = call_api(dev_stack, "PATCH", f"/events/{event_id}/sessions/{proposal['id']}",
                                {"state": "accepted", "version": proposal["version"]}, owner["token"])  # fmt: skip
    assert status == 200, accepted
    queued = outbox_state(dev_stack, owner, speaker["email"], "queued")
    page.reload()
    row = page.locator(f"tr[data-id='{queued['id']}']")
    expect(row.locator(".badge")).to_have_text("Queued")
    screenshot(page, "21-outbox-queued")
    row.get_by_role("checkbox").check()
    page.get_by_role("button", name="Send the selected mails").click()
    sent = outbox_state(dev_stack, owner, speaker["email"], "sent", mail_id=queued["id"])
    page.reload()
    expect(page.locator(f"tr[data-id='{queued['id']}'] .badge")).to_have_text("Sent")

    # AND queues reminders to accepted speakers without slides through the filter form
    compose = page.get_by_role("form", name="Mail speakers by filter")
    compose.get_by_role("button", name="Compose the mails").click()
    page.get_by_text("1 mail queued.").first.wait_for()
    reminder = outbox_state(dev_stack, owner, speaker["email"], "queued")
    expect(page.locator(f"tr[data-id='{reminder['id']}'] .badge")).to_have_text("Queued")
    screenshot(page, "22-outbox-sent-and-composed")

    # THEN the speaker's mail came from the edited template and links to the speaker's pages
    link = mailed_link(dev_stack, speaker["email"], f"#/speaker/proposals/{event_id}/")
    assert reminder["subject"] == "Your session “Looms & Loops” is accepted"
    assert sent["subject"] == "Welcome aboard, Speaker: Looms & Loops"
    assert link.endswith(f"/admin/#/speaker/proposals/{event_id}/{proposal['id']}")
