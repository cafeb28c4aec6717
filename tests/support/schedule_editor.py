"""Steps of the admin page's schedule editor and the public site it feeds, shared by the browser
tests of #24 (the time grid, releases, and the acceptance scenario that chains them)."""

from __future__ import annotations

import time
import urllib.error
import urllib.request

from playwright.sync_api import expect

from support.dev_stack import POLL_SECONDS

PASSWORD = "correct horse battery staple"  # every e2e account's password (tests/admin)
GRID_STARTS = 8 * 60  # the grid's first row is 08:00 unless a session starts earlier
PX_PER_MINUTE = 2  # schedule-grid.js PPM


def at(clock: str, day: str, offset: str = "+02:00") -> str:
    """An ISO instant of `clock` on `day` (Berlin's summer offset unless told)."""
    return f"{day}T{clock}:00{offset}"


def sign_in_to_grid(page, email: str, event_id: str, day: str, first_row: str = "08:00") -> None:
    """Sign in on the admin page and land on the event's schedule grid showing `day`."""
    page.goto(f"/admin/#/signin?next=%23/events/{event_id}/schedule")
    page.get_by_label("Email (required)").fill(email)
    page.get_by_label("Password (required)").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("region", name=f"Time grid of {day}").wait_for()
    expect(page.locator(".sg-times span").first).to_have_text(first_row)


def box_of(locator) -> dict:
    """The element's box once it is visible: the grid redraws after every save, and bounding_box
    answers None for an element between two drawings instead of waiting."""
    for _ in range(20):  # each round waits for the element to be drawn again
        locator.wait_for(state="visible")
        found = locator.bounding_box()
        if found is not None:
            return found
    raise AssertionError(f"{locator} was never drawn long enough to be measured")


def card(page, title: str):
    """The session's card (on the grid or in the side list)."""
    return page.locator(".sg-session", has_text=title).first


def slot(page, room_id: str, clock: str, grid_starts: int = GRID_STARTS) -> tuple[float, float]:
    """Viewport point of `clock` in the room's column (1 px below the row's line)."""
    box = box_of(page.locator(f'.sg-col[data-room="{room_id}"]'))
    hours, minutes = map(int, clock.split(":"))
    return box["x"] + box["width"] / 2, box["y"] + (hours * 60 + minutes - grid_starts) * PX_PER_MINUTE + 1


def pick_up(page, title: str) -> None:
    """Press the mouse on the session's card (its top left, so a grid card keeps its start). The
    card must be in view: the page redraws its cards after each write, so no element handle is
    kept (a redrawn card sits where the old one was)."""
    box = box_of(card(page, title))
    assert 0 <= box["y"] < page.viewport_size["height"], f"“{title}” is not in view: {box}"
    page.mouse.move(box["x"] + 20, box["y"] + 2)
    page.mouse.down()


def add_break_for_all_rooms(page, *, title: str, day: str, start: str, end: str, zone: str = "Europe/Berlin") -> None:
    """Add a break for all rooms with the grid's form; the page says it was added."""
    page.get_by_text("Breaks and blockers (").click()
    form = page.get_by_role("form", name="Add a break or blocker")
    form.get_by_label("Title", exact=True).fill(title)
    form.get_by_label("Kind").select_option("break")
    form.get_by_label("Day").select_option(day)
    form.get_by_label(f"From ({zone})").fill(start)
    form.get_by_label(f"To ({zone})").fill(end)
    expect(form.get_by_label("All rooms")).to_be_checked()
    form.get_by_role("button", name="Add").click()
    expect(page.locator("#status")).to_have_text(f"Break “{title}” added.")


def public_file(stack, path: str, wanted: str, wait: float = 45.0) -> str:
    """The public site's file at `path` once it holds `wanted` (the render follows the write)."""
    deadline = time.monotonic() + wait
    text = ""
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(stack.urls["Site"].rstrip("/") + path, timeout=10) as answer:
                text = answer.read().decode()
        except urllib.error.HTTPError:
            text = ""
        if wanted in text:
            return text
        time.sleep(POLL_SECONDS)
    raise AssertionError(f"{path} never held {wanted!r}: {text[:500]!r}")
