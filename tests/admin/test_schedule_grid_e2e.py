"""End-to-end in chromium against `podium dev`: the admin page's schedule editor (#24), a time grid
per day. Sessions are scheduled by mouse drag from the side list and by keyboard alone, resized by
their bottom edge, moves are undone, a speaker overlap shows while dragging (before the drop), and
two organizers moving one session at once converge: one wins, the other sees the 409 and where the
session is now, and the API lists it exactly once.

Against the API of main before sched-rules' merge the grid has no /schedule-blocks or
/schedule/conflicts routes and checks conflicts in the page alone; every test here but the last
runs on it. The last one (test_schedule_grid_break_across_all_rooms_with_server_conflicts) needs
sched-rules' routes and passes once they are merged."""

from __future__ import annotations

import json
import re
import uuid
from datetime import UTC, datetime
from types import SimpleNamespace

import pytest
from chalicelib.domain.schedule_conflicts import RULES, conflicts_in
from playwright.sync_api import expect
from support.admin import call_api, screenshot
from support.axe import assert_accessible
from support.schedule_editor import PASSWORD, add_break_for_all_rooms, box_of, card, sign_in_to_grid
from support.schedule_editor import at as at_on
from support.schedule_editor import slot as slot_of

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("schedule-grid-stack")]

DAY = "2030-06-03"



def at(clock: str, day: str = DAY) -> str:
    return at_on(clock, day)


def organizer(stack) -> dict:
    email = f"grid-{uuid.uuid4().hex[:8]}@example.org"
    call_api(stack, "POST", "/auth/signup", {"email": email, "password": PASSWORD, "name": "Olga Organizer"})
    status, answer = call_api(stack, "POST", "/auth/login", {"email": email, "password": PASSWORD})
    assert status == 200, answer
    return {"email": email, "token": answer["access_token"]}


def make(stack, token: str, path: str, body: dict) -> dict:
    status, answer = call_api(stack, "POST", path, body, token)
    assert status == 201, (path, answer)
    return answer


@pytest.fixture
def scene(dev_stack) -> dict:
    """An event on 3-4 June 2030 (Berlin, 08:00 to 18:00) with three halls, a 45-minute talk type, two speakers, a
    keynote by Ada in Hall A at 10:00-11:00, one session in Hall B at 12:00 and three accepted
    sessions not scheduled yet (all through the API)."""
    owner = organizer(dev_stack)
    token = owner["token"]
    status, event = call_api(dev_stack, "POST", "/events", {"name": f"Grid Camp {uuid.uuid4().hex[:4]}"}, token)
    assert status == 201, event
    base = f"/events/{event['id']}"
    dates = {"version": event["version"], "timezone": "Europe/Berlin", "starts_at": at("08:00"),
             "ends_at": at("18:00", "2030-06-04")}  # fmt: skip
    status, event = call_api(dev_stack, "PATCH", base, dates, token)
    assert status == 200, event
    rooms = {name: make(dev_stack, token, f"{base}/rooms", {"name": name, "position": i}) for i, name in enumerate(("Hall A", "Hall B", "Hall C"))}
    talk = make(dev_stack, token, f"{base}/session-types", {"name": "Talk", "length_minutes": 45})
    ada = make(dev_stack, token, f"{base}/speakers", {"name": "Ada Speaker"})
    ben = make(dev_stack, token, f"{base}/speakers", {"name": "Ben Speaker"})

    def session(title: str, **fields) -> dict:
        return make(dev_stack, token, f"{base}/sessions", {"title": title, "state": "accepted", **fields})

    sessions = {
        "keynote": session("Ada's keynote", speaker_ids=[ada["id"]], room_id=rooms["Hall A"]["id"], starts_at=at("10:00"), ends_at=at("11:00")),
        "noon": session("Noon session", speaker_ids=[ben["id"]], room_id=rooms["Hall B"]["id"], starts_at=at("12:00"), ends_at=at("12:30")),
        "alpha": session("Alpha talk", speaker_ids=[ada["id"]], session_type_id=talk["id"]),
        "beta": session("Beta talk", speaker_ids=[ben["id"]]),
        "gamma": session("Gamma talk"),
    }  # fmt: skip
    return {"owner": owner, "event": event, "base": base, "rooms": rooms, "sessions": sessions}


def sign_in(page, email: str, event_id: str) -> None:
    sign_in_to_grid(page, email, event_id, DAY)


def stored(stack, scene, key: str) -> dict:
    status, answer = call_api(stack, "GET", f"{scene['base']}/sessions/{scene['sessions'][key]['id']}", None, scene["owner"]["token"])
    assert status == 200, answer
    return answer


def wait_stored(stack, scene, key: str, **expected) -> dict:
    """The session as the API has it once the page's PATCH landed (the page says "Saved" first)."""
    answer = stored(stack, scene, key)
    assert {k: instant(answer.get(k)) for k in expected} == {k: instant(v) for k, v in expected.items()}
    return answer


def instant(value):
    """Times compare as instants (the API answers in UTC what the page sent with Berlin's offset)."""
    return datetime.fromisoformat(value) if isinstance(value, str) and value.startswith("20") else value


def slot(page, scene, room: str, clock: str) -> tuple[float, float]:
    return slot_of(page, scene["rooms"][room]["id"], clock)


def test_schedule_grid_mouse_keyboard_resize_undo_and_overlap_while_dragging(pages, dev_stack, scene):
    # GIVEN the organizer's schedule grid of 3 June
    page = pages.open(width=1280, height=1000)
    sign_in(page, scene["owner"]["email"], scene["event"]["id"])
    expect(page.get_by_role("heading", name="Not scheduled (3)")).to_be_visible()
    expect(page.get_by_role("heading", name="Conflicts: 0")).to_be_visible()
    assert_accessible(page, "schedule grid")
    screenshot(page, "schedule-grid-01-start")

    # WHEN Alpha talk (Ada) is dragged from the side list to Hall B at 10:15, over Ada's keynote
    source = box_of(card(page, "Alpha talk"))
    page.mouse.move(source["x"] + 20, source["y"] + 10)
    page.mouse.down()
    target = slot(page, scene, "Hall B", "10:15")
    page.mouse.move(*target, steps=8)
    # THEN before the drop the drag panel names the speaker overlap at the target
    drag = page.locator(".sg-drag")
    expect(drag).to_contain_text("“Alpha talk” at Hall B, 10:15–11:00: 1 conflict")
    # (a pair is named in id order, as the server names it)
    expect(drag).to_contain_text(re.compile("Ada Speaker speaks in (“Alpha talk” and “Ada's keynote”|“Ada's keynote” and “Alpha talk”) at the same time."))
    expect(card(page, "Ada's keynote")).to_have_class("sg-session sg-involved")  # outlined on the grid
    expect(card(page, "Ada's keynote").locator(".sg-who")).to_have_text("Ada Speaker")
    screenshot(page, "schedule-grid-02-dragging-overlap")
    page.mouse.up()
    # AND after it the session is stored there with the talk type's 45 minutes, flagged on the grid
    expect(page.locator("#status")).to_contain_text("Saved: “Alpha talk” Hall B")
    wait_stored(dev_stack, scene, "alpha", room_id=scene["rooms"]["Hall B"]["id"], starts_at=at("10:15"), ends_at=at("11:00"))
    expect(page.get_by_role("heading", name="Conflicts: 1")).to_be_visible()
    expect(card(page, "Alpha talk")).to_have_class("sg-session sg-conflict")
    expect(card(page, "Ada's keynote")).to_have_class("sg-session sg-conflict")

    # WHEN Beta talk is scheduled by keyboard alone: pick up, two rooms right, four steps down,
    # one step longer, drop
    card(page, "Beta talk").focus()
    page.keyboard.press("Space")
    expect(page.locator("#status")).to_contain_text("Picked up “Beta talk” at Hall A, 08:00–08:30.")
    for key in ("ArrowRight", "ArrowRight", "ArrowDown", "ArrowDown", "ArrowDown", "ArrowDown", "Shift+ArrowDown"):
        page.keyboard.press(key)
    expect(page.locator("#status")).to_have_text("Hall C, 09:00–09:45.")  # each step is announced
    page.keyboard.press("Enter")
    expect(page.locator("#status")).to_contain_text("Saved: “Beta talk” Hall C")
    wait_stored(dev_stack, scene, "beta", room_id=scene["rooms"]["Hall C"]["id"], starts_at=at("09:00"), ends_at=at("09:45"))
    # AND Gamma talk too (Escape first: a canceled pick-up changes nothing)
    card(page, "Gamma talk").focus()
    page.keyboard.press("Enter")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Escape")
    expect(page.locator("#status")).to_have_text("“Gamma talk” stays where it was.")
    assert stored(dev_stack, scene, "gamma").get("room_id") is None
    card(page, "Gamma talk").focus()
    page.keyboard.press("Enter")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    expect(page.locator("#status")).to_contain_text("Saved: “Gamma talk” Hall A")
    wait_stored(dev_stack, scene, "gamma", room_id=scene["rooms"]["Hall A"]["id"], starts_at=at("08:15"), ends_at=at("08:45"))
    expect(page.get_by_role("heading", name="Not scheduled (0)")).to_be_visible()

    # WHEN Alpha talk's bottom edge is dragged from 11:00 to 11:30
    edge = box_of(card(page, "Alpha talk").locator(".sg-resize"))
    page.mouse.move(edge["x"] + edge["width"] / 2, edge["y"] + edge["height"] / 2)
    page.mouse.down()
    page.mouse.move(*slot(page, scene, "Hall B", "11:30"), steps=6)
    expect(drag).to_contain_text("“Alpha talk” at Hall B, 10:15–11:30")
    page.mouse.up()
    expect(page.locator("#status")).to_contain_text("Saved: “Alpha talk” Hall B, Mon 3 Jun 10:15–11:30")
    wait_stored(dev_stack, scene, "alpha", starts_at=at("10:15"), ends_at=at("11:30"))
    screenshot(page, "schedule-grid-03-scheduled")

    # WHEN the last two moves are undone (the button, then Ctrl+Z)
    page.get_by_role("button", name="Undo (4)").click()
    expect(page.locator("#status")).to_contain_text("Undone: “Alpha talk” Hall B, Mon 3 Jun 10:15–11:00")
    wait_stored(dev_stack, scene, "alpha", starts_at=at("10:15"), ends_at=at("11:00"))
    card(page, "Alpha talk").focus()
    page.keyboard.press("Control+z")
    # THEN Gamma talk is back in the side list, unscheduled in the API too
    expect(page.locator("#status")).to_contain_text("Undone: “Gamma talk” not scheduled")
    wait_stored(dev_stack, scene, "gamma", room_id=None, starts_at=None, ends_at=None)
    expect(page.get_by_role("heading", name="Not scheduled (1)")).to_be_visible()
    expect(page.get_by_role("button", name="Undo (2)")).to_be_visible()

    # AND the grid step control redraws the rows (5 minutes: keyboard steps are 5 minutes)
    page.get_by_label("Grid step").select_option("5")
    card(page, "Beta talk").focus()
    page.keyboard.press("Enter")
    page.keyboard.press("ArrowUp")
    expect(page.locator("#status")).to_have_text("Hall C, 08:55–09:40.")
    page.keyboard.press("Escape")

    # WHEN Beta talk is carried to the next day by keyboard (Page Down) and dropped there
    card(page, "Beta talk").focus()
    for key in ("Enter", "PageDown"):
        page.keyboard.press(key)
    expect(page.locator("#status")).to_have_text("Tue 4 Jun, Hall C, 09:00–09:45.")
    page.keyboard.press("Enter")
    expect(page.locator("#status")).to_contain_text("Saved: “Beta talk” Hall C, Tue 4 Jun 09:00–09:45")
    wait_stored(dev_stack, scene, "beta", starts_at=at("09:00", "2030-06-04"))
    expect(page.get_by_role("button", name="Tue 4 Jun")).to_have_attribute("aria-pressed", "true")
    # AND then dragged from the grid onto the side list: it is off the grid
    source = box_of(card(page, "Beta talk"))
    page.mouse.move(source["x"] + 20, source["y"] + 10)
    page.mouse.down()
    side = box_of(page.get_by_role("heading", name="Not scheduled (1)"))
    page.mouse.move(side["x"] + 20, side["y"] + 40, steps=6)
    expect(page.locator(".sg-drag")).to_have_text("Drop to take “Beta talk” off the grid.")
    page.mouse.up()
    expect(page.locator("#status")).to_contain_text("Saved: “Beta talk” not scheduled")
    wait_stored(dev_stack, scene, "beta", room_id=None, starts_at=None, ends_at=None)
    expect(page.get_by_role("heading", name="Not scheduled (2)")).to_be_visible()
    # AND Gamma talk is dragged over Monday's button (Monday's grid shows) and dropped at 11:00 in Hall C
    source = box_of(card(page, "Gamma talk"))
    page.mouse.move(source["x"] + 20, source["y"] + 10)
    page.mouse.down()
    monday = box_of(page.get_by_role("button", name="Mon 3 Jun"))
    page.mouse.move(monday["x"] + 10, monday["y"] + 10, steps=6)
    expect(page.get_by_role("region", name=f"Time grid of {DAY}")).to_be_visible()
    page.mouse.move(*slot(page, scene, "Hall C", "11:00"), steps=6)
    page.mouse.up()
    expect(page.locator("#status")).to_contain_text("Saved: “Gamma talk” Hall C, Mon 3 Jun 11:00–11:30")
    wait_stored(dev_stack, scene, "gamma", room_id=scene["rooms"]["Hall C"]["id"], starts_at=at("11:00"))
    assert_accessible(page, "schedule grid with conflicts")
    screenshot(page, "schedule-grid-04-undone")


def test_schedule_grid_two_organizers_move_one_session_one_wins(pages, dev_stack, scene):
    # GIVEN two organizers' grids (the same account in two browser contexts), both read Noon session
    # at version 1
    first, second = pages.open(width=1280, height=1000), pages.open(width=1280, height=1000, expect_statuses=(409,))
    first.expected_statuses.add(409)
    # The first page's 409s come without `current` (as an older API sends them): it must read the session.
    stripped: list[str] = []
    first.route(re.compile(r".*/v1/events/[^/]+/sessions/[^/?]+$"), lambda route: answer_409_without_current(route, stripped))
    for page in (first, second):
        sign_in(page, scene["owner"]["email"], scene["event"]["id"])
    # WHEN the first moves it a step down, then the second (still at the old version) a room right
    card(first, "Noon session").focus()
    for key in ("Enter", "ArrowDown", "Enter"):
        first.keyboard.press(key)
    expect(first.locator("#status")).to_contain_text("Saved: “Noon session” Hall B, Mon 3 Jun 12:15–12:45")
    card(second, "Noon session").focus()
    for key in ("Enter", "ArrowRight", "Enter"):
        second.keyboard.press(key)
    # THEN the second is told it changed meanwhile and sees it where the first put it
    expect(second.locator("#status")).to_have_text(
        "“Noon session” was changed by someone else meanwhile; it is shown where it is now "
        "(Hall B, Mon 3 Jun 12:15–12:45). Move it again if you still want to."
    )
    expect(card(second, "Noon session")).to_have_attribute("aria-label", "Noon session, Hall B, 12:15–12:45")
    screenshot(second, "schedule-grid-05-stale-move")
    # AND the API has it once, where the first put it
    status, listed = call_api(dev_stack, "GET", f"{scene['base']}/sessions?limit=100", None, scene["owner"]["token"])
    assert status == 200, listed
    noon = [s for s in listed["items"] if s["title"] == "Noon session"]
    assert [(s["id"], s["room_id"], instant(s["starts_at"])) for s in noon] == [
        (scene["sessions"]["noon"]["id"], scene["rooms"]["Hall B"]["id"], instant(at("12:15")))
    ]
    # AND the second can move it again from there (its grid holds the current version)
    for key in ("Enter", "ArrowRight", "Enter"):
        second.keyboard.press(key)
    expect(second.locator("#status")).to_contain_text("Saved: “Noon session” Hall C, Mon 3 Jun 12:15–12:45")
    # AND the first, now the stale one, is told too, though its 409 named no current state, and its
    # undo of its own earlier move is gone (undoing it would undo the second's)
    expect(first.get_by_role("button", name="Undo (1)")).to_be_visible()
    card(first, "Noon session").focus()
    for key in ("Enter", "ArrowDown", "Enter"):
        first.keyboard.press(key)
    expect(first.locator("#status")).to_contain_text("it is shown where it is now (Hall C, Mon 3 Jun 12:15–12:45)")
    expect(card(first, "Noon session")).to_have_attribute("aria-label", "Noon session, Hall C, 12:15–12:45")
    assert stripped == [scene["sessions"]["noon"]["id"]]
    expect(first.get_by_role("button", name="Undo", exact=True)).to_be_disabled()


def answer_409_without_current(route, stripped: list[str]) -> None:
    """Pass a session call through, dropping `current` from a 409's body (noted in `stripped`)."""
    if route.request.method != "PATCH":
        route.continue_()
        return
    answer = route.fetch()
    if answer.status != 409:
        route.fulfill(response=answer)
        return
    body = answer.json()
    stripped.append(body["error"].pop("current")["id"])
    route.fulfill(response=answer, json=body)


RULES_CASES = """async () => {
    const rules = await import('/admin/js/schedule-rules.js');
    const { wallClock } = await import('/admin/js/schedule-time.js');
    const t = (clock) => Date.parse(`2030-06-03T${clock}:00+02:00`);
    const session = (id, room_id, from, to, speaker_ids = [], state = 'accepted') =>
        ({ id, title: id.toUpperCase(), room_id, start: from && t(from), end: to && t(to), speaker_ids, state });
    const sessions = [
        session('a', 'r1', '10:00', '11:00', ['s1']),
        session('b', 'r1', '10:30', '11:30', ['s2']),
        session('c', 'r2', '10:30', '11:00', ['s1']),
        session('d', 'r2', '12:00', '13:00', ['s2']),
        { ...session('e', 'r3', null, null), start: Date.parse('2030-06-02T23:30:00+02:00'), end: t('00:30') },
        session('f', 'r3', '12:30', '13:00'),
        session('g', 'r1', '10:00', '11:00', ['s1'], 'rejected'),
        session('h', null, '10:00', '11:00', ['s1']),
        session('i', 'r1', '16:00', '16:30'),
        session('j', 'r3', '11:30', '12:15', ['s3']),
        session('k', 'r3', '07:00', '07:30'),
    ];
    const index = rules.indexSchedule({
        sessions,
        speakers: new Map([['s1', { name: 'Ada', availability: [] }],
                           ['s2', { name: 'Ben', availability: [{ start: t('09:00'), end: t('12:00') }] }],
                           ['s3', { name: 'Cy', availability: [{ start: t('12:00'), end: t('15:00') }, { start: t('09:00'), end: t('12:00') }] }]]),
        rooms: new Map([['r1', 'Hall 1'], ['r2', 'Hall 2'], ['r3', 'Hall 3']]),
        blocks: [{ id: 'lunch', title: 'Lunch', block_type: 'break', room_ids: [], start: t('12:30'), end: t('13:30') },
                 { id: 'setup', title: 'Setup', block_type: 'blocker', room_ids: ['r2'], start: t('16:00'), end: t('17:00') }],
        // The event runs 08:00-18:00; its days (midnight to midnight in Berlin) are what counts, as on the server.
        event: rules.eventDays(t('08:00'), t('18:00'), wallClock('Europe/Berlin')),
    });
    const brief = (c) => [c.rule, c.session_ids.join('+'), (c.speaker_ids || []).join(','), c.block_id || ''].join(' ');
    return {
        all: rules.allConflicts(index).map(brief).sort(),
        messages: rules.allConflicts(index).map((c) => c.message).sort(),
        // b dragged to Hall 2 at 10:30: overlaps c there, no longer a; Ben is available then.
        dragged: rules.conflictsAt(index, { ...sessions[1], room_id: 'r2' }).map(brief),
        // i dragged to Hall 2 at 16:00: the blocker of Hall 2.
        blocked: rules.conflictsAt(index, { ...sessions[8], room_id: 'r2' }).map(brief),
    };
}"""


def test_schedule_rules_each_rule_as_the_page_checks_it(pages):
    # GIVEN the page's rules module and a schedule with one case of each rule, sessions that do
    # not count (rejected, no room), one within two availability ranges that touch (j), one before
    # the event's start but on its first day (k) and one from the day before (e)
    page = pages.open()
    page.goto("/admin/")
    # WHEN the page computes every conflict, and those of two sessions at places they are dragged to
    found = page.evaluate(RULES_CASES)
    # THEN each rule finds exactly its case, pairs once
    assert found["all"] == [
        "block_overlap d  lunch",
        "block_overlap f  lunch",
        "outside_event e  ",
        "room_overlap a+b  ",
        "speaker_overlap a+c s1 ",
        "speaker_unavailable d s2 ",
    ]
    assert found["messages"] == [
        "Ada speaks in “A” and “C” at the same time.",
        "Ben is not available during “D”.",
        "“A” and “B” are in Hall 1 at the same time.",
        "“D” overlaps the break “Lunch” (all rooms).",
        "“E” is outside the event's days (2030-06-03 to 2030-06-03).",
        "“F” overlaps the break “Lunch” (all rooms).",
    ]
    assert found["dragged"] == ["room_overlap b+c  "]
    assert found["blocked"] == ["block_overlap i  setup"]


PARITY_CASES = """async (cases) => {
    const rules = await import('/admin/js/schedule-rules.js');
    const { wallClock } = await import('/admin/js/schedule-time.js');
    const ms = (iso) => Date.parse(iso);
    const index = rules.indexSchedule({
        sessions: cases.sessions.map((s) => ({ ...s, start: ms(s.starts_at), end: ms(s.ends_at) })),
        speakers: new Map(cases.speakers.map((p) => [p.id, { name: p.name, availability: p.availability.map((r) => ({ start: ms(r.starts_at), end: ms(r.ends_at) })) }])),
        rooms: new Map(cases.rooms.map((r) => [r.id, r.name])),
        blocks: cases.blocks.map((b) => ({ ...b, start: ms(b.starts_at), end: ms(b.ends_at) })),
        event: rules.eventDays(ms(cases.event.starts_at), ms(cases.event.ends_at), wallClock(cases.event.timezone)),
    });
    return rules.allConflicts(index);
}"""


def test_schedule_rules_page_and_server_find_the_same_conflicts(pages):
    # GIVEN one schedule with a case of every rule and the cases where page and server could part:
    # two shared speakers (one conflict naming both), a speaker and a room the lists do not hold
    # (named by id), a session on the event's first day before its start time, one from the day
    # before, a break for all rooms and a blocker of one room, sessions in no room or rejected
    def when(clock: str, day: str = DAY) -> str:
        return datetime.fromisoformat(at(clock, day)).astimezone(UTC).isoformat()

    def item(kind: str, **fields) -> SimpleNamespace:
        return SimpleNamespace(kind_name=kind, trashed_at=None, **fields)

    def session(sid: str, room_id, start: str, end: str, speaker_ids=(), state="accepted", day: str = DAY) -> SimpleNamespace:
        return item("session", id=sid, title=f"Talk {sid}", room_id=room_id, starts_at=when(start, day), ends_at=when(end),
                    state=state, speaker_ids=list(speaker_ids))  # fmt: skip

    sessions = [
        session("a", "r1", "10:00", "11:00", ["s1", "s2"]),
        session("b", "r2", "10:30", "11:30", ["s2", "s1"]),
        session("c", "r1", "10:45", "11:15", ["s3"]),
        session("d", "r2", "12:15", "12:45", ["s9"]),
        session("e", "r1", "00:30", "01:00", day="2030-06-02"),
        session("f", "r3", "07:00", "07:30"),
        session("g", "r9", "16:30", "17:00"),
        session("h", None, "10:00", "11:00", ["s1"]),
        session("i", "r1", "10:00", "11:00", ["s1"], state="rejected"),
    ]
    sessions[4].ends_at = when("00:30")
    speakers = [item("speaker", id="s1", name="Ada", availability=[]), item("speaker", id="s2", name="Ben", availability=[]),
                item("speaker", id="s3", name="Cy", availability=[item("range", starts_at=when("09:00"), ends_at=when("10:50"))])]  # fmt: skip
    rooms = [item("room", id=f"r{n}", name=f"Hall {n}") for n in (1, 2, 3)]
    blocks = [item("schedule_block", id="lunch", title="Lunch", block_type="break", room_ids=[], starts_at=when("12:00"), ends_at=when("13:00")),
              item("schedule_block", id="setup", title="Setup", block_type="blocker", room_ids=["r9"], starts_at=when("16:00"), ends_at=when("17:00"))]  # fmt: skip
    event = SimpleNamespace(starts_at=when("09:00"), ends_at=when("18:00"), timezone="Europe/Berlin")
    plain = lambda x: {k: v for k, v in vars(x).items() if k != "kind_name"}  # noqa: E731
    cases = {"sessions": [plain(s) for s in sessions], "rooms": [plain(r) for r in rooms], "blocks": [plain(b) for b in blocks],
             "speakers": [{**plain(p), "availability": [plain(r) for r in p.availability]} for p in speakers],
             "event": vars(event)}  # fmt: skip
    for thing in (*sessions, *blocks, *(r for p in speakers for r in p.availability), event):
        thing.starts_at, thing.ends_at = datetime.fromisoformat(thing.starts_at), datetime.fromisoformat(thing.ends_at)
    # WHEN the page's rules and the server's (domain/schedule_conflicts.py) judge it
    page = pages.open()
    page.goto("/admin/")
    in_page = page.evaluate(PARITY_CASES, cases)
    on_server = [c.as_json() for c in conflicts_in(event=event, sessions=sessions, speakers=speakers, rooms=rooms, blocks=blocks)]
    # THEN they find the same conflicts, in the same words
    key = lambda c: json.dumps(c, sort_keys=True)  # noqa: E731
    assert sorted(in_page, key=key) == sorted(on_server, key=key)
    assert sorted({c["rule"] for c in on_server}) == sorted(RULES)


def add_lunch_across_all_rooms_and_drag_into_it(page, scene) -> None:
    """The organizer adds a 12:00-13:00 break for all rooms with the form; it is drawn in every
    room; dragging Alpha talk onto Hall C at 12:15 names the overlap before the drop; it is saved."""
    add_break_for_all_rooms(page, title="Lunch", day=DAY, start="12:00", end="13:00")
    expect(page.locator(".sg-col .sg-block", has_text="Lunch (break) 12:00–13:00")).to_have_count(3)
    source = box_of(card(page, "Alpha talk"))
    page.mouse.move(source["x"] + 20, source["y"] + 10)
    page.mouse.down()
    page.mouse.move(*slot(page, scene, "Hall C", "12:15"), steps=8)
    expect(page.locator(".sg-drag")).to_contain_text("“Alpha talk” overlaps the break “Lunch” (all rooms).")
    screenshot(page, "schedule-grid-06-break")
    page.mouse.up()
    expect(page.locator("#status")).to_contain_text("Saved: “Alpha talk” Hall C, Mon 3 Jun 12:15–13:00")


def fake_sched_rules_routes(page, stack, noon_id: str) -> list[dict]:
    """A stand-in for sched-rules' routes (schedule-blocks, schedule/conflicts), for this test
    only, until they are merged: the OpenAPI document gains them and the page's calls to them are
    answered here. Its conflict list is the server's, so the page must show it instead of its own."""
    api = stack.urls["API"]
    blocks: list[dict] = []
    cors = {"Access-Control-Allow-Origin": stack.urls["Site"].rstrip("/"), "Access-Control-Allow-Headers": "authorization, content-type, accept",
            "Access-Control-Allow-Methods": "GET, POST, PATCH, DELETE"}  # fmt: skip

    def openapi(route) -> None:
        answer = route.fetch()
        doc = answer.json()
        doc["paths"]["/v1/events/{event_id}/schedule-blocks"] = {"get": {}, "post": {}}
        doc["paths"]["/v1/events/{event_id}/schedule-blocks/{item_id}"] = {"delete": {}}
        doc["paths"]["/v1/events/{event_id}/schedule/conflicts"] = {"get": {}}
        route.fulfill(response=answer, json=doc)

    def schedule_blocks(route) -> None:
        request = route.request
        if request.method == "OPTIONS":
            route.fulfill(status=204, headers=cors)
        elif request.method == "POST":
            blocks.append({"id": f"block-{len(blocks) + 1}", "version": 1, **request.post_data_json})
            route.fulfill(status=201, headers=cors, json=blocks[-1])
        else:
            route.fulfill(headers=cors, json={"items": blocks, "next": None})

    def conflicts(route) -> None:
        if route.request.method == "OPTIONS":
            route.fulfill(status=204, headers=cors)
            return
        found = [{"rule": "block_overlap", "message": "Server: “Noon session” overlaps “Lunch”.", "session_ids": [noon_id]}] if blocks else []
        route.fulfill(headers=cors, json={"items": found, "count": len(found)})

    page.route(f"{api}/v1/openapi.json", openapi)
    page.route(re.compile(re.escape(api) + r"/v1/events/[^/]+/schedule-blocks(\?.*)?$"), schedule_blocks)
    page.route(re.compile(re.escape(api) + r"/v1/events/[^/]+/schedule/conflicts$"), conflicts)
    return blocks


def test_schedule_grid_break_across_all_rooms_against_a_stand_in_api(pages, dev_stack, scene):
    # GIVEN the grid against an API whose schedule-blocks and conflicts routes are stood in for here
    page = pages.open(width=1280, height=1200)
    blocks = fake_sched_rules_routes(page, dev_stack, scene["sessions"]["noon"]["id"])
    sign_in(page, scene["owner"]["email"], scene["event"]["id"])
    # WHEN a break for all rooms is added and a session dragged into it
    add_lunch_across_all_rooms_and_drag_into_it(page, scene)
    # THEN the break was sent for all rooms ([]) with Berlin's offset
    assert [(b["title"], b["block_type"], b["room_ids"], b["starts_at"], b["ends_at"]) for b in blocks] == [
        ("Lunch", "break", [], at("12:00"), at("13:00"))
    ]
    # AND the conflict list is the server's, not the page's own
    expect(page.get_by_role("heading", name="Conflicts: 1")).to_be_visible()
    expect(page.locator(".sg-conflict-list")).to_have_text("Server: “Noon session” overlaps “Lunch”.")
    assert_accessible(page, "schedule grid with a break")


def test_schedule_grid_break_across_all_rooms_with_server_conflicts(pages, dev_stack, scene):
    """NEEDS sched-rules' routes (schedule-blocks, schedule/conflicts): fails until they are merged."""
    # GIVEN the grid against the API with sched-rules' routes
    _, doc = call_api(dev_stack, "GET", "/openapi.json")
    routes = {"/v1/events/{event_id}/schedule-blocks", "/v1/events/{event_id}/schedule/conflicts"}
    assert routes <= set(doc["paths"]), "sched-rules' routes are not in this API yet: this test passes once it is merged"
    page = pages.open(width=1280, height=1200)
    sign_in(page, scene["owner"]["email"], scene["event"]["id"])
    # WHEN a break for all rooms is added and a session dragged into it
    add_lunch_across_all_rooms_and_drag_into_it(page, scene)
    # THEN the API holds the break for all rooms
    status, listed = call_api(dev_stack, "GET", f"{scene['base']}/schedule-blocks", None, scene["owner"]["token"])
    assert status == 200, listed
    assert [(b["title"], b["block_type"], b["room_ids"]) for b in listed["items"]] == [("Lunch", "break", [])]
    # AND the server's conflicts list Noon session's and Alpha talk's overlaps of the break
    expect(page.get_by_role("heading", name="Conflicts: 2")).to_be_visible()
    expect(page.locator(".sg-conflict-list li.sg-rule-block_overlap")).to_have_count(2)


def test_schedule_wall_clock_across_a_summer_time_change(pages):
    # GIVEN the page's wall clock of Berlin, whose clocks go from 02:00 to 03:00 on 31 March 2030
    page = pages.open()
    page.goto("/admin/")
    # WHEN instants around the change are turned into (day, minute) and back, and into ISO strings
    found = page.evaluate(
        """async () => {
            const { wallClock } = await import('/admin/js/schedule-time.js');
            const berlin = wallClock('Europe/Berlin');
            const instants = ['2030-03-30T23:30:00Z', '2030-03-31T00:45:00Z', '2030-03-31T01:00:00Z', '2030-03-31T22:00:00Z'];
            return {
                walls: instants.map((iso) => berlin.toWall(Date.parse(iso))),
                back: instants.map((iso) => { const w = berlin.toWall(Date.parse(iso)); return new Date(berlin.toMs(w.day, w.minute)).toISOString(); }),
                isos: [berlin.iso('2030-03-31', 60), berlin.iso('2030-03-31', 180), berlin.iso('2030-03-31', 1440)],
            };
        }"""
    )
    # THEN wall minutes jump from 01:45 to 03:00, every instant comes back, and offsets follow the change
    assert found["walls"] == [
        {"day": "2030-03-31", "minute": 30},
        {"day": "2030-03-31", "minute": 105},
        {"day": "2030-03-31", "minute": 180},
        {"day": "2030-04-01", "minute": 0},
    ]
    assert found["back"] == ["2030-03-30T23:30:00.000Z", "2030-03-31T00:45:00.000Z", "2030-03-31T01:00:00.000Z", "2030-03-31T22:00:00.000Z"]
    assert found["isos"] == ["2030-03-31T01:00:00+01:00", "2030-03-31T03:00:00+02:00", "2030-04-01T00:00:00+02:00"]
