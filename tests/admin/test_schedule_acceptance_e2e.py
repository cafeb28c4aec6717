"""Issue #24's first acceptance point as one chromium scenario against `podium dev`: an organizer
schedules 20 sessions by mouse drag from the side list and 2 by keyboard alone, adds a break
across all rooms, sees a speaker overlap while dragging (before the drop), switches the event to
manual releases and releases "v1", moves one session on the grid, follows the grid's "unreleased
changes" link and releases "v2". The public changelog page and its Atom feed show the move, the
speaker got the schedule_changed mail naming the new time, schedule.xml's version is "v2", and the
break shows on the admin grid and the public day grid."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest
from playwright.sync_api import expect
from support.admin import call_api, screenshot
from support.axe import assert_accessible
from support.schedule_editor import add_break_for_all_rooms, at, card, pick_up, public_file, sign_in_to_grid, slot
from test_admin_e2e import create, organizer_with_event, publish_with_dates, settled, unique_email
from test_cfp_review_e2e import mail_with_subject

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("schedule-acceptance-stack")]
ATOM = "{http://www.w3.org/2005/Atom}"
DAY = "2030-06-01"  # publish_with_dates: 1 June 09:00 to 2 June 18:00, Europe/Berlin
ROOMS = ("Hall 1", "Hall 2", "Hall 3", "Hall 4")
BY_MOUSE = 20
ADA_TALKS = ("Talk 01", "Talk 06")  # Ada speaks in both
BEN_TALK = "Talk 03"  # Ben is available 09:00-12:00


def mouse_place(number: int) -> tuple[str, str]:
    """Where the n-th (1-based) mouse-dragged talk goes: four rooms a row, rows of 30 minutes from 09:00."""
    row, column = divmod(number - 1, len(ROOMS))
    minutes = 9 * 60 + 30 * row
    return ROOMS[column], f"{minutes // 60:02d}:{minutes % 60:02d}"


@pytest.fixture
def scene(dev_stack) -> dict:
    """A published event with four halls, a 30-minute talk type, Ada (with an email, in two talks),
    Ben (available 09:00-12:00) and 22 accepted talks not scheduled yet, all through the API."""
    owner = organizer_with_event(dev_stack, verified=True)
    publish_with_dates(dev_stack, owner)
    base = f"/events/{owner['event']['id']}"
    rooms = {name: create(dev_stack, owner, "rooms", {"name": name, "position": i}) for i, name in enumerate(ROOMS)}
    talk = create(dev_stack, owner, "session-types", {"name": "Talk", "length_minutes": 30})
    ada_email = unique_email("ada")
    ada = create(dev_stack, owner, "speakers", {"name": "Ada Lovelace", "email": ada_email})
    ben = create(dev_stack, owner, "speakers", {"name": "Ben Babbage"})
    status, answer = call_api(dev_stack, "PUT", f"{base}/speakers/{ben['id']}/availability",
                              {"version": ben["version"], "availability": [{"starts_at": at("09:00", DAY), "ends_at": at("12:00", DAY)}]}, owner["token"])  # fmt: skip
    assert status == 200, answer
    speakers = {title: [ada["id"]] for title in ADA_TALKS} | {BEN_TALK: [ben["id"]]}
    sessions = {}
    for number in range(1, BY_MOUSE + 3):
        title = f"Talk {number:02d}"
        sessions[title] = create(dev_stack, owner, "sessions", {
            "title": title, "state": "accepted", "session_type_id": talk["id"], "speaker_ids": speakers.get(title, []),
        })  # fmt: skip
    return {"owner": owner, "rooms": {name: room["id"] for name, room in rooms.items()}, "sessions": sessions, "ada_email": ada_email}


def placed(stack, scene) -> dict[str, tuple[str, str]]:
    """Every talk's (room name, start as ISO) as the API has it."""
    names = {room_id: name for name, room_id in scene["rooms"].items()}
    base = f"/events/{scene['owner']['event']['id']}"
    status, listed = call_api(stack, "GET", f"{base}/sessions?limit=100", None, scene["owner"]["token"])
    assert status == 200, listed
    return {s["title"]: (names.get(s.get("room_id")), s.get("starts_at")) for s in listed["items"]}


def test_schedule_acceptance_drag_keyboard_break_overlap_release_move_release(pages, dev_stack, scene):
    owner = scene["owner"]
    event_id, slug = owner["event"]["id"], owner["event"]["slug"]
    page = pages.open(width=1400, height=1700)
    sign_in_to_grid(page, owner["email"], event_id, DAY)
    expect(page.get_by_role("heading", name="Not scheduled (22)")).to_be_visible()
    status = page.locator("#status")

    # WHEN 20 talks are dragged by mouse from the side list onto the grid
    for number in range(1, BY_MOUSE + 1):
        title = f"Talk {number:02d}"
        room, clock = mouse_place(number)
        pick_up(page, title)
        if title == ADA_TALKS[1]:
            # THEN while Ada's second talk is dragged over her first one's time, before the drop,
            # the drag panel names the overlap and outlines her first talk
            page.mouse.move(*slot(page, scene["rooms"]["Hall 4"], "08:45"), steps=6)
            # (a pair is named in id order, as the server names it)
            pair = f"(“{title}” and “{ADA_TALKS[0]}”|“{ADA_TALKS[0]}” and “{title}”)"
            expect(page.locator(".sg-drag")).to_contain_text(re.compile(f"Ada Lovelace speaks in {pair} at the same time."))
            expect(card(page, ADA_TALKS[0])).to_have_class("sg-session sg-involved")
            screenshot(page, "schedule-acceptance-01-overlap-while-dragging")
        page.mouse.move(*slot(page, scene["rooms"][room], clock), steps=4)
        page.mouse.up()
        expect(status).to_contain_text(f"Saved: “{title}” {room}, Sat 1 Jun {clock}")
    expect(page.get_by_role("heading", name="Not scheduled (2)")).to_be_visible()

    # AND two by keyboard alone: pick up (Hall 1 at the grid's first row), rooms right, steps down, drop
    card(page, "Talk 21").focus()
    for key in ("Enter", "ArrowRight"):
        page.keyboard.press(key)
    expect(status).to_have_text("Hall 2, 08:00–08:30.")
    page.keyboard.press("Enter")
    expect(status).to_contain_text("Saved: “Talk 21” Hall 2, Sat 1 Jun 08:00–08:30.")
    card(page, "Talk 22").focus()
    for key in ("Space", "ArrowRight", "ArrowRight", "ArrowDown", "ArrowDown"):
        page.keyboard.press(key)
    # (08:30 is before the event's first session but within its days: no conflict, as on the server)
    expect(status).to_have_text("Hall 3, 08:30–09:00.")
    page.keyboard.press("Enter")
    expect(status).to_contain_text("Saved: “Talk 22” Hall 3, Sat 1 Jun 08:30–09:00.")
    expect(page.get_by_role("heading", name="Not scheduled (0)")).to_be_visible()
    expect(page.get_by_role("heading", name="Conflicts: 0")).to_be_visible()

    # AND a lunch break across all rooms
    add_break_for_all_rooms(page, title="Lunch", day=DAY, start="12:00", end="13:00")
    expect(page.locator(".sg-col .sg-block", has_text="Lunch (break) 12:00–13:00")).to_have_count(len(ROOMS))
    screenshot(page, "schedule-acceptance-02-scheduled")
    where = placed(dev_stack, scene)
    assert len(where) == BY_MOUSE + 2 and all(room for room, _ in where.values())
    assert where["Talk 22"] == ("Hall 3", "2030-06-01T06:30:00+00:00")

    # WHEN the organizer switches to manual releases and releases v1 in the Releases view
    page.get_by_role("navigation", name="Event sections").get_by_role("link", name="Releases").click()
    page.get_by_label("The last release (later changes are a draft until the next one)").check()
    page.get_by_text("The public schedule now shows the last release.").first.wait_for()
    settled(page)
    expect(page.locator("#draft-count")).to_have_text("22 changes since the last release.")
    form = page.get_by_role("form", name="Release the schedule")
    form.get_by_label("Version (required)").fill("v1")
    form.get_by_label("Comment").fill("The first programme")
    form.get_by_role("button", name="Release").click()
    page.get_by_text("Released v1.").first.wait_for()
    settled(page)

    # AND moves Ada's first talk on the grid from Hall 1 09:00 to 14:00
    page.get_by_role("navigation", name="Event sections").get_by_role("link", name="Schedule").click()
    page.get_by_role("region", name=f"Time grid of {DAY}").wait_for()
    expect(page.get_by_role("link", name="0 unreleased changes")).to_be_visible()
    pick_up(page, ADA_TALKS[0])
    page.mouse.move(*slot(page, scene["rooms"]["Hall 1"], "14:00"), steps=6)
    page.mouse.up()
    expect(status).to_contain_text(f"Saved: “{ADA_TALKS[0]}” Hall 1, Sat 1 Jun 14:00–14:30")
    expect(page.get_by_role("link", name="1 unreleased change")).to_be_visible()
    assert_accessible(page, "schedule grid in manual mode")
    screenshot(page, "schedule-acceptance-03-unreleased-change")
    # AND follows the grid's link to the Releases view and releases v2
    page.get_by_role("link", name="1 unreleased change").click()
    expect(page.get_by_role("list", name="Draft changes")).to_contain_text(f"Moved: {ADA_TALKS[0]}")
    form = page.get_by_role("form", name="Release the schedule")
    form.get_by_label("Version (required)").fill("v2")
    form.get_by_role("button", name="Release").click()
    page.get_by_text("Released v2.").first.wait_for()
    settled(page)
    screenshot(page, "schedule-acceptance-04-released-v2")

    # THEN the public changelog page and its Atom feed show the move
    move = f"Moved: {ADA_TALKS[0]} (Sat 01 Jun 09:00–09:30, Hall 1 → Sat 01 Jun 14:00–14:30, Hall 1)"
    assert move in public_file(dev_stack, f"/e/{slug}/changelog/", "Version v2")
    feed = ET.fromstring(public_file(dev_stack, f"/e/{slug}/changelog.atom", "Schedule v2"))
    entries = feed.findall(f"{ATOM}entry")
    assert [e.findtext(f"{ATOM}title") for e in entries] == ["Schedule v2", "Schedule v1"]
    assert entries[0].findtext(f"{ATOM}content") == move
    # AND schedule.xml's version is v2, with every talk
    schedule = ET.fromstring(public_file(dev_stack, f"/e/{slug}/schedule.xml", "<version>v2</version>"))
    assert len(list(schedule.iter("event"))) == BY_MOUSE + 2
    # AND Ada got the schedule_changed mail naming the new time
    mail = mail_with_subject(dev_stack, scene["ada_email"], f"Your session “{ADA_TALKS[0]}” is rescheduled")
    assert "It is now from 2030-06-01 14:00 Europe/Berlin to 2030-06-01 14:30 Europe/Berlin in Hall 1." in mail.text
    # AND the break shows on the public day grid, across its rooms
    day_page = public_file(dev_stack, f"/e/{slug}/schedule/{DAY}/", "Lunch")
    assert day_page.count('class="grid-block') == 1
    public = pages.open(width=1400, height=1200)
    public.goto(f"/e/{slug}/schedule/{DAY}/")
    expect(public.locator(".grid-block", has_text="Lunch")).to_be_visible()
    assert_accessible(public, "public day grid with a break")
    screenshot(public, "schedule-acceptance-05-public-day")
