"""Issue #26's missing capabilities end to end in chromium, on one stack: publish and unpublish
(the state line follows), invite and withdraw, trash and restore an event of many items (one
row, progress shown), transfer the ownership, on desktop and a 390 px phone; an admin finds a
user and makes them an admin; a user changes their password and signs in with the new one.
Every new view passes axe-core."""

from __future__ import annotations

import io
import json
import re
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import quote

import pytest
from playwright.sync_api import expect
from support.admin import call_api, screenshot
from support.axe import assert_accessible
from support.dev_stack import REPO, DevStack, podium_environ, start_dev_stack
from test_admin_e2e import (
    PASSWORD,
    join_as,
    mailed_link,
    organizer_with_event,
    settled,
    sign_in_in_browser,
    user_account,
)

pytestmark = pytest.mark.e2e
ROOMS = 101  # with the event, more than the 100 items an operation runs in a request
WATCH_PROGRESS = """() => {
  window.progressSeen = [];
  new MutationObserver(() => {
    const text = document.querySelector(".job-progress-text");
    if (text) window.progressSeen.push(text.textContent);
  }).observe(document.body, { subtree: true, childList: true, characterData: true });
}"""


@pytest.fixture(scope="module")
def dev_stack(tmp_path_factory) -> Iterator[DevStack]:
    """This module's stack, with its state folder kept for `podium create-admin`."""
    state = tmp_path_factory.mktemp("admin-caps-stack") / "state"
    stack = start_dev_stack(state)
    stack.state_dir = state
    yield stack
    if stack.process.poll() is None:
        stack.stop(timeout=60)


def _fits(page) -> bool:
    return page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")


def _state_line(page):
    return page.locator("#event-state")


def test_admin_caps_organizer_publishes_invites_trashes_restores_and_hands_over(pages, dev_stack):
    # GIVEN a verified organizer whose event has dates and 101 rooms
    owner = organizer_with_event(dev_stack, verified=True)
    event = owner["event"]
    event_id, name = event["id"], event["name"]
    body = {"version": event["version"], "timezone": "Europe/Berlin",
            "starts_at": "2030-06-01T09:00:00+02:00", "ends_at": "2030-06-02T18:00:00+02:00"}  # fmt: skip
    assert call_api(dev_stack, "PATCH", f"/events/{event_id}", body, owner["token"])[0] == 200
    with ThreadPoolExecutor(8) as pool:
        made = list(pool.map(lambda n: call_api(dev_stack, "POST", f"/events/{event_id}/rooms", {"name": f"Room {n}"},
                                                owner["token"])[0], range(ROOMS)))  # fmt: skip
    assert set(made) == {201}
    member = join_as(dev_stack, owner, "organizer")
    page = pages.open(expect_statuses=(404,))  # the public page, read before it is first built
    page.on("dialog", lambda dialog: dialog.accept())
    sign_in_in_browser(page, owner["email"])

    # WHEN they publish and unpublish: the state line follows
    page.goto(f"/admin/#/events/{event_id}")
    settled(page)
    expect(_state_line(page)).to_have_text("draft")
    page.locator("#publish").click()
    expect(_state_line(page)).to_have_text("published", timeout=60_000)
    page.get_by_role("button", name="Unpublish").click()
    page.get_by_text(f"“{name}” is unpublished.").wait_for()
    expect(_state_line(page)).to_have_text("draft")
    expect(page.get_by_role("button", name="Unpublish")).to_have_count(0)
    assert call_api(dev_stack, "GET", f"/events/{event_id}", token=owner["token"])[1]["state"] == "draft"

    # AND invite someone, then withdraw the invite
    page.get_by_role("link", name="Team").click()
    invitee = user_account(dev_stack, "invitee")["email"]
    form = page.get_by_role("form", name="Invite someone")
    form.get_by_label("Email (required)").fill(invitee)
    form.get_by_label("Role (required)").select_option("moderator")
    form.get_by_role("button", name="Send the invite").click()
    pending = page.get_by_role("table", name="Invites not accepted yet")
    pending.wait_for()
    assert_accessible(page, "team")
    screenshot(page, "caps-01-team")
    pending.get_by_role("button", name=re.compile("^Withdraw the invite")).click()
    page.get_by_text("No pending invites.").wait_for()
    assert call_api(dev_stack, "GET", f"/events/{event_id}/roles", token=owner["token"])[1]["invites"] == []

    # AND trash the event: a job moves its 102 items, its progress shows, the trash has one row
    page.goto(f"/admin/#/events/{event_id}")
    settled(page)
    page.evaluate(WATCH_PROGRESS)
    page.get_by_role("button", name="Move the event to the trash").click()
    page.get_by_role("heading", level=1, name="Trash").wait_for(timeout=60_000)  # a loaded machine is slow
    trashing = page.evaluate("() => window.progressSeen")
    rows = page.get_by_role("row").filter(has_text=name)
    expect(rows).to_have_count(1)
    rows.get_by_text(f"With {ROOMS} rooms").click()
    expect(rows.get_by_role("listitem")).to_have_count(ROOMS)
    assert_accessible(page, "trash")
    screenshot(page, "caps-02-trash")
    phone = pages.open(width=390, height=844)
    sign_in_in_browser(phone, owner["email"], next_hash="#/trash")
    phone.get_by_role("row").filter(has_text=name).wait_for()
    trash_fits = _fits(phone)
    screenshot(phone, "caps-03-trash-phone")

    # AND restore it: a job again, with progress, then the list is read again
    page.evaluate(WATCH_PROGRESS)
    rows.get_by_role("button", name=f"Restore {name}").click()
    page.get_by_text(f"Restored event “{name}” with {ROOMS} rooms.").wait_for(timeout=60_000)
    expect(page.get_by_role("row").filter(has_text=name)).to_have_count(0)
    restoring = page.evaluate("() => window.progressSeen")
    _, rooms = call_api(dev_stack, "GET", f"/events/{event_id}/rooms?limit=100", token=owner["token"])

    # AND export it from its page and download the zip
    page.goto(f"/admin/#/events/{event_id}")
    settled(page)
    page.get_by_role("button", name="Export as Open Event").click()
    download = page.get_by_role("link", name="Download the export")
    download.wait_for(timeout=60_000)
    exported = page.request.get(download.get_attribute("href"))
    with zipfile.ZipFile(io.BytesIO(exported.body())) as archive:
        exported_rooms = len(json.loads(archive.read("microlocations")))

    # AND hand the ownership to the other organizer: a confirmation names both, both stay
    page.goto(f"/admin/#/events/{event_id}/roles")
    members = page.get_by_role("table", name="Members")
    members.get_by_role("button", name="Make Organizer the owner").click()
    expect(members.get_by_role("row").filter(has_text="Olga Organizer")).to_contain_text("Organizer")
    expect(members.get_by_role("row", name=re.compile("^Organizer"))).to_contain_text("Owner")
    _, team = call_api(dev_stack, "GET", f"/events/{event_id}/roles", token=member["token"])
    phone.goto(f"/admin/#/events/{event_id}")
    settled(phone)
    phone.get_by_role("heading", level=1, name=name).wait_for()
    event_fits = _fits(phone)
    screenshot(phone, "caps-04-event-phone")

    # THEN
    assert any(re.fullmatch(r"Moving to the trash… \d+% \(\d+ of 102 items\)", text) for text in trashing), trashing
    assert any(re.match(rf"Restoring “{re.escape(name)}”… \d+%", text) for text in restoring), restoring
    assert len(rooms["items"]) == 100 and rooms["next"]
    assert exported_rooms == ROOMS
    assert sorted(m["role"] for m in team["roles"]) == ["organizer", "owner"]
    assert {m["user"]["name"]: m["role"] for m in team["roles"]}["Organizer"] == "owner"
    assert (trash_fits, event_fits) == (True, True)


def test_admin_caps_admin_changes_a_role_and_a_user_changes_their_password_and_email(pages, dev_stack):
    # GIVEN the super admin (podium create-admin) and another account
    root_email = "root-caps@example.org"
    subprocess.run(
        [sys.executable, "-m", "podium.cli", "create-admin", root_email, "--state-dir", str(dev_stack.state_dir)],
        input=f"{PASSWORD}\n", text=True, env=podium_environ(), cwd=REPO, check=True, capture_output=True,
    )  # fmt: skip
    person = user_account(dev_stack, "promoted")
    admin = pages.open()
    admin.on("dialog", lambda dialog: dialog.accept())
    sign_in_in_browser(admin, root_email)

    # WHEN the admin finds the user by name and makes them an admin
    admin.get_by_role("link", name="People").click()
    admin.get_by_label("Find people").fill("promoTED")
    admin.get_by_role("button", name="Search").click()
    row = admin.get_by_role("row").filter(has_text=person["email"])
    expect(row).to_have_count(1)
    assert_accessible(admin, "people")
    row.get_by_role("button", name="Make Promoted an admin").click()
    expect(admin.get_by_role("row").filter(has_text=person["email"])).to_contain_text("Admin")
    screenshot(admin, "caps-05-people")
    admin.get_by_role("link", name="Audit log").click()
    admin.get_by_role("heading", level=1, name="Audit log").wait_for()
    # the month holds the other test's changes too: one person's, through the link on their name
    root_token = call_api(dev_stack, "POST", "/auth/login", {"email": root_email, "password": PASSWORD})[1]["access_token"]
    root_id = call_api(dev_stack, "GET", "/me", token=root_token)[1]["id"]
    admin.goto(f"/admin/#/audit?actor_id={root_id}")
    admin.get_by_text("Showing one person's records.").wait_for()
    expect(admin.get_by_role("row", name=re.compile("User “Promoted”"))).to_contain_text("changed the admin role of")
    assert_accessible(admin, "audit log")
    screenshot(admin, "caps-08-audit")
    phone = pages.open(width=390, height=844)
    sign_in_in_browser(phone, root_email, next_hash=quote("#/users?q=promoted", safe=""))
    phone.get_by_role("row").filter(has_text=person["email"]).wait_for()
    people_fit = _fits(phone)
    screenshot(phone, "caps-07-people-phone")

    # AND the user changes their password and their email on their account page
    new_email = person["email"].replace("promoted-", "moved-")
    user = pages.open()
    sign_in_in_browser(user, person["email"])
    user.get_by_role("link", name="Your account").click()
    password_form = user.get_by_role("form", name="Change the password")
    password_form.get_by_label("Current password").fill(PASSWORD)
    password_form.get_by_label("New password").fill("a new password 2")
    password_form.get_by_role("button", name="Change the password").click()
    user.get_by_text("Password changed.").first.wait_for()
    email_form = user.get_by_role("form", name="Change the email")
    email_form.get_by_label("New email address").fill(new_email)
    email_form.get_by_label("Current password").fill("a new password 2")
    email_form.get_by_role("button", name="Change the email").click()
    user.get_by_text("We mailed a link to the new address").first.wait_for()
    assert_accessible(user, "account")
    screenshot(user, "caps-06-account")

    # AND, signed out, opens the link mailed to the new address and signs in with both new values
    user.get_by_role("button", name="Sign out").click()
    user.goto(mailed_link(dev_stack, new_email, "#/email?token="))
    user.get_by_text(f"Your account uses {new_email} now").wait_for()
    user.get_by_role("link", name="Sign in", exact=True).last.click()
    user.get_by_label("Email (required)").fill(new_email)
    user.get_by_label("Password (required)").fill("a new password 2")
    user.get_by_role("button", name="Sign in").click()
    user.get_by_role("heading", level=1, name="My events").wait_for()

    # THEN the API agrees
    _, found = call_api(dev_stack, "GET", "/me", token=call_api(dev_stack, "POST", "/auth/login",
                        {"email": new_email, "password": "a new password 2"})[1]["access_token"])  # fmt: skip
    assert (found["is_admin"], found["email"]) == (True, new_email)
    assert people_fit
    assert call_api(dev_stack, "POST", "/auth/login", {"email": person["email"], "password": "a new password 2"})[0] == 401
