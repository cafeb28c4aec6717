"""Issue #26's acceptance in chromium, each scenario on a desktop (1280 px) and a 390 px phone,
on one stack: an organizer edits the details with the pickers, uploads a logo (preview shown),
publishes and unpublishes (the state line follows), invites and withdraws an invite, transfers
the ownership, exports, trashes and restores an event (one row, progress shown) and imports the
export; an admin finds a user and changes their role; anyone changes their password (and email).
Every view passes axe-core; on the phone nothing is wider than the screen; the pages fixture
fails a test on any console error."""

from __future__ import annotations

import io
import json
import re
import zipfile
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from urllib.parse import quote
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect
from support.admin import call_api, screenshot
from support.admin_steps import PASSWORD, VIEWPORTS, check_view, create_admin, progress_seen, watch_progress
from test_admin_e2e import (
    join_as,
    mailed_link,
    organizer_with_event,
    png_bytes,
    settled,
    sign_in_in_browser,
    user_account,
)

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("admin-acceptance-stack")]  # its own stack, one worker
ROOMS = 101  # with the event, more than the 100 items an operation runs in a request
NEW_PASSWORD = "a new password 2"


@pytest.fixture(params=sorted(VIEWPORTS))
def viewport(request) -> str:
    return request.param


def _state_line(page):
    return page.locator("dd.event-state")


def _open(page, hash_: str) -> None:
    page.goto(f"/admin/{hash_}")
    settled(page)


def test_admin_acceptance_organizer_edits_publishes_invites_and_hands_over(pages, dev_stack, viewport):
    # GIVEN a verified organizer's event, with a second organizer on its team
    owner = organizer_with_event(dev_stack, verified=True)
    event_id, name = owner["event"]["id"], owner["event"]["name"]
    member = join_as(dev_stack, owner, "organizer")
    page = pages.open(**VIEWPORTS[viewport], expect_statuses=(404,))  # the public page, read before it is first built
    page.on("dialog", lambda dialog: dialog.accept())
    sign_in_in_browser(page, owner["email"])

    # WHEN they pick a time zone and the dates in it, and save
    _open(page, f"#/events/{event_id}")
    details = page.get_by_role("form", name="Event details")
    details.get_by_label("Filter the time zones").fill("berlin")
    expect(details.get_by_label("Time zone", exact=True)).to_have_value("Europe/Berlin")
    details.get_by_label(re.compile(r"^Starts at")).fill("2031-06-10T09:00")
    details.get_by_label(re.compile(r"^Ends at")).fill("2031-06-11T17:30")
    details.get_by_role("button", name="Save the details").click()
    expect(page.locator("#status")).to_have_text("Event details saved.")
    check_view(page, "event details")

    # AND pick a logo: a preview shows before it is sent, then it is uploaded
    page.get_by_label("Event logo", exact=True).set_input_files({"name": "logo.png", "mimeType": "image/png", "buffer": png_bytes()})
    expect(page.get_by_role("img", name="New event logo: logo.png")).to_be_visible()
    check_view(page, "logo preview")
    page.get_by_role("button", name="Upload event logo").click()
    page.locator(".upload-status", has_text="logo.png uploaded.").wait_for(timeout=60_000)
    stored = call_api(dev_stack, "GET", f"/events/{event_id}", token=owner["token"])[1]
    berlin = ZoneInfo("Europe/Berlin")
    assert (stored["timezone"], datetime.fromisoformat(stored["starts_at"]), stored["logo_file"]["filename"]) == (
        "Europe/Berlin", datetime(2031, 6, 10, 9, 0, tzinfo=berlin), "logo.png")  # fmt: skip

    # WHEN they publish and unpublish: the state line (a label) and the buttons follow the server
    expect(_state_line(page)).to_have_text("Draft")
    page.locator("#publish").click()
    expect(_state_line(page)).to_have_text("Published", timeout=60_000)
    expect(page.get_by_role("button", name="Publish changes")).to_be_visible()
    check_view(page, "published event")
    page.get_by_role("button", name="Unpublish").click()
    page.get_by_text(f"“{name}” is unpublished.").wait_for()
    expect(_state_line(page)).to_have_text("Draft")
    expect(page.get_by_role("button", name="Unpublish")).to_be_hidden()
    # the panel no longer waits for a rebuild of a draft: it says so, and Publish works again
    expect(page.locator(".publish-status")).to_have_text("Unpublished: the public pages go away until you publish again.")
    expect(page.get_by_role("button", name="Publish", exact=True)).to_be_enabled()
    assert call_api(dev_stack, "GET", f"/events/{event_id}", token=owner["token"])[1]["state"] == "draft"
    screenshot(page, f"accept-{viewport}-01-event")

    # AND invite someone, then withdraw the invite
    _open(page, f"#/events/{event_id}/roles")
    invitee = user_account(dev_stack, "invitee")["email"]
    form = page.get_by_role("form", name="Invite someone")
    form.get_by_label("Email (required)").fill(invitee)
    form.get_by_label("Role (required)").select_option(label="Moderator")
    form.get_by_role("button", name="Send the invite").click()
    pending = page.get_by_role("table", name="Invites not accepted yet")
    # the list shows invitees' addresses shortened (privacy): the row is the one for a moderator
    invited = pending.get_by_role("row").filter(has_text="Moderator")
    expect(invited).to_have_count(1)
    check_view(page, "team with an invite")
    screenshot(page, f"accept-{viewport}-02-team")
    invited.get_by_role("button", name=re.compile("^Withdraw the invite to")).click()
    page.get_by_text("No pending invites.").wait_for()
    assert call_api(dev_stack, "GET", f"/events/{event_id}/roles", token=owner["token"])[1]["invites"] == []

    # AND hand the ownership to the other organizer (a confirmation names both; both stay)
    members = page.get_by_role("table", name="Members")
    members.get_by_role("button", name="Make Organizer the owner").click()
    expect(members.get_by_role("row").filter(has_text="Olga Organizer")).to_contain_text("Organizer")
    expect(members.get_by_role("row", name=re.compile("^Organizer"))).to_contain_text("Owner")
    check_view(page, "team after the hand-over")

    # THEN the server agrees
    _, team = call_api(dev_stack, "GET", f"/events/{event_id}/roles", token=member["token"])
    assert {m["user"]["name"]: m["role"] for m in team["roles"]} == {"Organizer": "owner", "Olga Organizer": "organizer"}


def test_admin_acceptance_organizer_exports_trashes_restores_and_imports(pages, dev_stack, viewport):
    # GIVEN an organizer's event with dates and 102 items (more than one request moves)
    owner = organizer_with_event(dev_stack)
    event_id, name = owner["event"]["id"], owner["event"]["name"]
    dates = {"version": owner["event"]["version"], "timezone": "Europe/Berlin",
             "starts_at": "2030-06-01T09:00:00+02:00", "ends_at": "2030-06-02T18:00:00+02:00"}  # fmt: skip
    assert call_api(dev_stack, "PATCH", f"/events/{event_id}", dates, owner["token"])[0] == 200
    with ThreadPoolExecutor(8) as pool:
        made = list(pool.map(lambda n: call_api(dev_stack, "POST", f"/events/{event_id}/rooms", {"name": f"Room {n}"},
                                                owner["token"])[0], range(ROOMS)))  # fmt: skip
    assert set(made) == {201}
    page = pages.open(**VIEWPORTS[viewport])
    asked: list[str] = []
    page.on("dialog", lambda dialog: (asked.append(dialog.message), dialog.accept()))
    sign_in_in_browser(page, owner["email"])

    # WHEN they export it from its page: progress, then a Download link to the zip
    _open(page, f"#/events/{event_id}")
    page.get_by_role("button", name="Export as Open Event").click()
    download = page.get_by_role("link", name="Download the export")
    download.wait_for(timeout=60_000)
    check_view(page, "export ready")
    exported = page.request.get(download.get_attribute("href")).body()
    with zipfile.ZipFile(io.BytesIO(exported)) as archive:
        exported_rooms = len(json.loads(archive.read("microlocations")))

    # AND trash it: a job moves the items, its progress shows, the trash has one row for it
    watch_progress(page)
    page.get_by_role("button", name="Move the event to the trash").click()
    page.get_by_role("heading", level=1, name="Trash").wait_for(timeout=60_000)  # a loaded machine is slow
    trashing = progress_seen(page)
    assert f"with its {ROOMS} rooms ({ROOMS + 1} items) to the trash?" in asked[-1]  # the confirmation names counts
    rows = page.get_by_role("row").filter(has_text=name)
    expect(rows).to_have_count(1)
    rows.get_by_text(f"With {ROOMS} rooms").click()
    expect(rows.get_by_role("listitem")).to_have_count(ROOMS)
    check_view(page, "trash with an event")
    screenshot(page, f"accept-{viewport}-03-trash")

    # AND restore it: a job again, with progress, then the list is read again
    watch_progress(page)
    rows.get_by_role("button", name=f"Restore {name}").click()
    page.get_by_text(f"Restored event “{name}” with {ROOMS} rooms.").wait_for(timeout=60_000)
    expect(page.get_by_role("row").filter(has_text=name)).to_have_count(0)
    restoring = progress_seen(page)
    _, rooms = call_api(dev_stack, "GET", f"/events/{event_id}/rooms?limit=100", token=owner["token"])

    # AND import the export: progress in words, then the new event and its repair report
    _open(page, "#/import")
    check_view(page, "import")
    watch_progress(page)
    page.get_by_label("Export (zip)").set_input_files({"name": "export.zip", "mimeType": "application/zip", "buffer": exported})
    page.get_by_role("button", name="Import", exact=True).click()
    expect(page.locator(".import-status")).to_have_text("Imported as a new event.", timeout=90_000)
    expect(page.get_by_role("heading", name=re.compile(r"^Repair report"))).to_be_visible()
    check_view(page, "import finished")
    screenshot(page, f"accept-{viewport}-04-import")
    importing = progress_seen(page)
    page.get_by_role("link", name=re.compile("^Open the event")).click()
    page.wait_for_url(re.compile(rf"#/events/(?!{event_id})\w+$"))
    settled(page)
    expect(page.get_by_role("heading", level=1)).to_contain_text(name)
    imported_id = page.url.rsplit("/", 1)[1]

    # THEN
    assert exported_rooms == ROOMS
    assert any(re.fullmatch(r"Moving to the trash… \d+% \(\d+ of 102 items\)", text) for text in trashing), trashing
    assert any(re.match(rf"Restoring “{re.escape(name)}”… \d+%", text) for text in restoring), restoring
    assert any(re.fullmatch(r"Importing export\.zip… \d+% \((waiting|running|done)\)", text) for text in importing), importing
    assert len(rooms["items"]) == 100 and rooms["next"]
    assert imported_id != event_id
    _, imported_rooms = call_api(dev_stack, "GET", f"/events/{imported_id}/rooms?limit=100", token=owner["token"])
    assert len(imported_rooms["items"]) == 100 and imported_rooms["next"]


def test_admin_acceptance_admin_changes_a_role_and_a_user_their_password_and_email(pages, dev_stack, viewport):
    # GIVEN the super admin (podium create-admin) and another account
    root_email = create_admin(dev_stack, f"root-{viewport}")
    person = user_account(dev_stack, f"promoted{viewport}")
    admin = pages.open(**VIEWPORTS[viewport])
    admin.on("dialog", lambda dialog: dialog.accept())
    sign_in_in_browser(admin, root_email)

    # WHEN the admin finds the user by name and makes them an admin
    _open(admin, "#/users")
    admin.get_by_label("Find people").fill(f"promoted{viewport}".upper())
    admin.get_by_role("button", name="Search").click()
    row = admin.get_by_role("row").filter(has_text=person["email"])
    expect(row).to_have_count(1)
    expect(row).to_contain_text("Member")
    check_view(admin, "people")
    row.get_by_role("button", name=re.compile("^Make .* an admin$")).click()
    expect(admin.get_by_role("row").filter(has_text=person["email"])).to_contain_text("Site admin")
    screenshot(admin, f"accept-{viewport}-05-people")

    # AND reads that change in the audit log (their own records: the month holds other tests')
    root_token = call_api(dev_stack, "POST", "/auth/login", {"email": root_email, "password": PASSWORD})[1]["access_token"]
    root_id = call_api(dev_stack, "GET", "/me", token=root_token)[1]["id"]
    _open(admin, f"#/audit?actor_id={root_id}")
    admin.get_by_text("Showing one person's records.").wait_for()
    expect(admin.get_by_role("row", name=re.compile("Account “"))).to_contain_text("changed the admin role of")
    check_view(admin, "audit log")
    screenshot(admin, f"accept-{viewport}-06-audit")

    # AND, owning an event of their own, reads both of their roles on its page
    status, own_event = call_api(dev_stack, "POST", "/events", {"name": f"Root Camp {viewport}"}, root_token)
    assert status == 201, own_event
    _open(admin, f"#/events/{own_event['id']}")
    admin.get_by_text("Your role").wait_for()
    expect(admin.locator("dl.facts dd").nth(3)).to_have_text("Owner · Site admin")

    # AND the user changes their password and their email on their account page
    new_email = person["email"].replace("promoted", "moved")
    user = pages.open(**VIEWPORTS[viewport])
    sign_in_in_browser(user, person["email"], next_hash=quote("#/account", safe=""))
    password_form = user.get_by_role("form", name="Change the password")
    password_form.get_by_label("Current password").fill(PASSWORD)
    password_form.get_by_label("New password").fill(NEW_PASSWORD)
    password_form.get_by_role("button", name="Change the password").click()
    user.get_by_text("Password changed.").first.wait_for()
    email_form = user.get_by_role("form", name="Change the email")
    email_form.get_by_label("New email address").fill(new_email)
    email_form.get_by_label("Current password").fill(NEW_PASSWORD)
    email_form.get_by_role("button", name="Change the email").click()
    user.get_by_text("We mailed a link to the new address").first.wait_for()
    check_view(user, "account")
    screenshot(user, f"accept-{viewport}-07-account")

    # AND, signed out, opens the link mailed to the new address and signs in with both new values
    user.get_by_role("button", name="Sign out").click()
    user.goto(mailed_link(dev_stack, new_email, "#/email?token="))
    user.get_by_text(f"Your account uses {new_email} now").wait_for()
    user.get_by_role("link", name="Sign in", exact=True).last.click()
    user.get_by_label("Email (required)").fill(new_email)
    user.get_by_label("Password (required)").fill(NEW_PASSWORD)
    user.get_by_role("button", name="Sign in").click()
    user.get_by_role("heading", level=1, name="My events").wait_for()

    # THEN the API agrees
    token = call_api(dev_stack, "POST", "/auth/login", {"email": new_email, "password": NEW_PASSWORD})[1]["access_token"]
    _, found = call_api(dev_stack, "GET", "/me", token=token)
    assert (found["is_admin"], found["email"]) == (True, new_email)
    assert call_api(dev_stack, "POST", "/auth/login", {"email": person["email"], "password": NEW_PASSWORD})[0] == 401
