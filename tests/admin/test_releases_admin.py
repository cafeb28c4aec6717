"""Issue #24's releases end to end in chromium against `podium dev`: the organizer switches the
event to manual releases and releases "v1" in the admin page's Releases view; a session is moved
through the API; the view counts 1 draft change; the organizer releases "v2". The public
changelog page and its Atom feed show the move, the speaker's mail names the new time, and
schedule.xml's version is "v2"."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from playwright.sync_api import expect
from support.admin import call_api, screenshot
from support.axe import assert_accessible
from support.schedule_editor import public_file
from test_admin_e2e import create, organizer_with_event, publish_with_dates, settled, sign_in_in_browser, unique_email
from test_cfp_review_e2e import mail_with_subject

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("releases-stack")]
ATOM = "{http://www.w3.org/2005/Atom}"
TITLE = "Analytical Engines"


def test_releases_view_releases_v1_and_v2_and_the_public_changelog_feed_and_mail_follow(pages, dev_stack):
    # GIVEN a published event (Europe/Berlin) with a room and an accepted session whose speaker has an email
    owner = organizer_with_event(dev_stack, verified=True)
    event_id, slug = owner["event"]["id"], owner["event"]["slug"]
    publish_with_dates(dev_stack, owner)
    room = create(dev_stack, owner, "rooms", {"name": "Babbage Hall"})
    speaker_email = unique_email("ada")
    speaker = create(dev_stack, owner, "speakers", {"name": "Ada Lovelace", "email": speaker_email})
    session = create(dev_stack, owner, "sessions", {
        "title": TITLE, "state": "accepted", "room_id": room["id"], "speaker_ids": [speaker["id"]],
        "starts_at": "2030-06-01T10:00:00+02:00", "ends_at": "2030-06-01T11:00:00+02:00",
    })  # fmt: skip

    # WHEN the organizer opens Releases from the event's sections, switches to manual and releases v1
    organizer = pages.open()
    sign_in_in_browser(organizer, owner["email"])
    organizer.goto(f"/admin/#/events/{event_id}")
    settled(organizer)
    organizer.get_by_role("navigation", name="Event sections").get_by_role("link", name="Releases").click()
    organizer.get_by_role("heading", level=1, name=f"Releases · {owner['event']['name']}").wait_for()
    organizer.get_by_label("The last release (later changes are a draft until the next one)").check()
    organizer.get_by_text("The public schedule now shows the last release.").first.wait_for()
    settled(organizer)
    expect(organizer.locator("#draft-count")).to_have_text("1 change since the last release.")
    expect(organizer.get_by_role("list", name="Draft changes")).to_contain_text(f"New: {TITLE}")
    form = organizer.get_by_role("form", name="Release the schedule")
    form.get_by_label("Version (required)").fill("v1")
    form.get_by_label("Comment").fill("The first programme")
    form.get_by_role("button", name="Release").click()
    organizer.get_by_text("Released v1.").first.wait_for()
    settled(organizer)
    expect(organizer.locator("#draft-count")).to_have_text("0 changes since the last release.")
    expect(organizer.get_by_role("list", name="Releases")).to_contain_text("The first programme")

    # AND the session moves (through the API), the view counts one draft change, and v2 is released
    status, moved = call_api(dev_stack, "PATCH", f"/events/{event_id}/sessions/{session['id']}", {
        "version": session["version"], "starts_at": "2030-06-01T14:00:00+02:00", "ends_at": "2030-06-01T15:00:00+02:00",
    }, owner["token"])  # fmt: skip
    assert status == 200, moved
    organizer.reload()
    settled(organizer)
    expect(organizer.locator("#draft-count")).to_have_text("1 change since the last release.")
    expect(organizer.get_by_role("list", name="Draft changes")).to_contain_text(f"Moved: {TITLE}")
    screenshot(organizer, "releases-01-draft-change")
    assert_accessible(organizer, "Releases")
    form = organizer.get_by_role("form", name="Release the schedule")
    form.get_by_label("Version (required)").fill("v2")
    form.get_by_role("button", name="Release").click()
    organizer.get_by_text("Released v2.").first.wait_for()
    settled(organizer)
    expect(organizer.get_by_role("list", name="Changes in v2")).to_contain_text(f"Moved: {TITLE}")
    screenshot(organizer, "releases-02-released")

    # THEN the public changelog page and its Atom feed show the move, in the event's time zone
    page = public_file(dev_stack, f"/e/{slug}/changelog/", "Version v2")
    move = f"Moved: {TITLE} (Sat 01 Jun 10:00–11:00, Babbage Hall → Sat 01 Jun 14:00–15:00, Babbage Hall)"
    assert move in page
    feed = ET.fromstring(public_file(dev_stack, f"/e/{slug}/changelog.atom", "Schedule v2"))
    entries = feed.findall(f"{ATOM}entry")
    assert [e.findtext(f"{ATOM}title") for e in entries] == ["Schedule v2", "Schedule v1"]
    assert entries[0].findtext(f"{ATOM}content") == move
    # AND schedule.xml carries the version and the released time
    schedule = ET.fromstring(public_file(dev_stack, f"/e/{slug}/schedule.xml", "<version>v2</version>"))
    assert [e.findtext("start") for e in schedule.iter("event")] == ["14:00"]
    # AND the speaker got the schedule_changed mail naming the new time and room
    mail = mail_with_subject(dev_stack, speaker_email, f"Your session “{TITLE}” is rescheduled")
    assert "It is now from 2030-06-01 14:00 Europe/Berlin to 2030-06-01 15:00 Europe/Berlin in Babbage Hall." in mail.text
