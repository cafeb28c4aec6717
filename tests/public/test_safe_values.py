"""Any stored value renders: every file of an event's site stays well-formed in its format."""

from __future__ import annotations

import io
import json
import re
import xml.etree.ElementTree as ET
import zipfile
from datetime import UTC, datetime

import pytest
from chalicelib.public.bundle import (
    Break,
    Event,
    EventBundle,
    Post,
    Room,
    Session,
    SessionType,
    Speaker,
    Sponsor,
    Track,
)  # fmt: skip
from chalicelib.public.safe_values import _ANY_UNSAFE, LONGEST_SESSION, safe_line, safe_record, safe_text
from chalicelib.site.render import render_event, render_index
from hypothesis import given, settings
from hypothesis import strategies as st
from icalendar import Calendar

pytestmark = pytest.mark.unit

BASE_URL = "http://podium.test"
NOW = datetime(2026, 1, 1, tzinfo=UTC)
# What no output may contain: XML 1.0's forbidden characters, C1 controls, lone surrogates.
FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\ufffe\uffff\ud800-\udfff]")

HOSTILE_PIECES = [
    "\n", "\r", "\r\n", "\t", "\x00", "\x0b", "\x0c", "\x1f", "\x7f", "\x85", "\x9f", "\ufffe", "\uffff",
    "\ud800", "\udfff", "\u2028", "\u2029", "\\", ";", ",", ":", "^", "&#0;", "&#xb;", "&#xfffe;", "]]>",
    "</title>", "<script>alert(1)</script>", '"', "'", "é€😀", "x" * 80, "Good talk",
]  # fmt: skip
HOSTILE_TEXT = st.one_of(
    st.lists(st.sampled_from(HOSTILE_PIECES), max_size=12).map("".join),
    st.text(st.characters(blacklist_categories=()), max_size=40),  # every category, surrogates too
)
HOSTILE_URL = st.one_of(HOSTILE_TEXT, st.sampled_from(["javascript:alert(1)", "https://ok.test/a b\n", "//evil.test"]))
EXTREME_TIMES = st.sampled_from(
    [datetime(1, 1, 1, tzinfo=UTC), datetime(1, 1, 1, 1, tzinfo=UTC), datetime(9999, 12, 31, 23, 59, tzinfo=UTC)]
)
HOSTILE_TIME = st.one_of(
    EXTREME_TIMES,
    st.datetimes(min_value=datetime(1, 1, 1), max_value=datetime(9999, 12, 31, 23, 59), timezones=st.just(UTC)),
)
TIMEZONES = st.sampled_from(["UTC", "America/Los_Angeles", "Pacific/Kiritimati", "Etc/GMT+12", "Nowhere/Bad", ""])


@st.composite
def hostile_bundles(draw) -> EventBundle:
    text, url, time = (lambda: draw(HOSTILE_TEXT)), (lambda: draw(HOSTILE_URL)), (lambda: draw(HOSTILE_TIME))
    event = Event(
        id="e1", slug="hostile", name=text(), starts_at=time(), ends_at=time(), timezone=draw(TIMEZONES),
        description=text(), location_name=text(), latitude=draw(st.floats()), logo_url=url(), ticket_url=url(),
        organizer_name=text(), code_of_conduct=text(), social_links=((text(), url()),),
    )  # fmt: skip
    sessions = tuple(
        Session(
            id=f"s{n}", title=text(), starts_at=draw(st.none() | HOSTILE_TIME), ends_at=draw(st.none() | HOSTILE_TIME),
            state="accepted", subtitle=text(), short_abstract=text(), long_abstract=text(), language=text(),
            track_id="t1", room_id="r1", session_type_id="k1", speaker_ids=("p1",), slides_url=url(), video_url=url(),
        )
        for n in range(2)
    )
    return EventBundle(
        event=event,
        tracks=(Track(id="t1", name=text(), description=text()),),
        rooms=(Room(id="r1", name=text()),),
        session_types=(SessionType(id="k1", name=text()),),
        sessions=sessions,
        speakers=(
            Speaker(id="p1", name=text(), photo_url=url(), short_biography=text(), website=url(), session_ids=("s0",)),
        ),
        sponsors=(Sponsor(id="o1", name=text(), description=text(), url=url(), tier=text()),),
        posts=(Post(id="b1", title=text(), body=text(), published_at=time()),),
        breaks=(Break(id="k1", title=text(), starts_at=time(), ends_at=time(), room_ids=draw(st.sampled_from([(), ("r1",)]))),),
    )


def _assert_well_formed(path: str, data: bytes) -> None:
    if path.endswith(".zip"):  # the public Open Event export: each file in it is JSON
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            for name in archive.namelist():
                member = archive.read(name)
                _assert_well_formed(f"{path}/{name}", member)
                json.loads(member)
        return
    text = data.decode("utf-8")  # strict: a lone surrogate could not have been encoded
    assert not FORBIDDEN.search(text), path
    if path.endswith((".xml", ".atom")):
        ET.fromstring(data)
    elif path.endswith(".ics"):
        assert Calendar.from_ical(data).walk("VCALENDAR")
    elif path.endswith(".json"):
        json.loads(data)
    elif path.endswith(".html"):
        assert text.lstrip().lower().startswith("<!doctype html>"), path


@settings(max_examples=150, deadline=None)
@given(hostile_bundles())
def test_render_event_with_hostile_stored_values_writes_well_formed_files(bundle):
    files = render_event(bundle, base_url=BASE_URL) | render_index([bundle.event], base_url=BASE_URL, now=NOW)

    for path, data in files.items():
        _assert_well_formed(path, data)


@settings(max_examples=60, deadline=None)
@given(HOSTILE_TEXT)
def test_session_title_with_hostile_text_reads_back_as_one_safe_line(title):
    start = datetime(2030, 5, 1, 9, tzinfo=UTC)
    event = Event(id="e1", slug="titles", name="Titles", starts_at=start, ends_at=start, timezone="Europe/Berlin")
    session = Session(id="s1", title=title, starts_at=start, ends_at=start, state="accepted")

    files = render_event(EventBundle(event=event, sessions=(session,)), base_url=BASE_URL)

    frab_title = ET.fromstring(files["e/titles/schedule.xml"]).find("day/room/event/title").text or ""
    [vevent] = Calendar.from_ical(files["e/titles/sessions/s1/session.ics"]).walk("VEVENT")
    assert frab_title == str(vevent["SUMMARY"]) == safe_line(title)
    assert json.loads(files["e/titles/schedule.json"])["schedule"]["conference"]["days"][0]["rooms"]


def test_session_title_with_a_newline_renders_as_one_line():
    start = datetime(2030, 5, 1, 9, tzinfo=UTC)
    event = Event(id="e1", slug="newline", name="Newline", starts_at=start, ends_at=start, timezone="UTC")
    session = Session(id="s1", title="Good talk\nsecond line", starts_at=start, ends_at=start, state="accepted")

    files = render_event(EventBundle(event=event, sessions=(session,)), base_url=BASE_URL)

    [vevent] = Calendar.from_ical(files["e/newline/schedule.ics"]).walk("VEVENT")
    assert str(vevent["SUMMARY"]) == "Good talk second line"


@pytest.mark.parametrize(
    ("timezone", "moment"),
    [
        ("America/Los_Angeles", datetime(1, 1, 1, 1, tzinfo=UTC)),
        ("Pacific/Kiritimati", datetime(9999, 12, 31, 23, tzinfo=UTC)),
        ("Etc/GMT+12", datetime(9999, 12, 31, 23, 59, tzinfo=UTC)),
    ],
)
def test_session_time_out_of_range_is_shown_unscheduled_and_the_event_clamped(timezone, moment):
    event = Event(id="e1", slug="far", name="Far", starts_at=moment, ends_at=moment, timezone=timezone)
    session = Session(id="s1", title="Far away", starts_at=moment, ends_at=moment, state="accepted")

    files = render_event(EventBundle(event=event, sessions=(session,)), base_url=BASE_URL)

    assert not Calendar.from_ical(files["e/far/schedule.ics"]).walk("VEVENT")
    assert "e/far/sessions/s1/index.html" in files
    assert "e/far/sessions/s1/session.ics" not in files


def test_safe_text_keeps_line_breaks_and_drops_what_xml_forbids():
    assert safe_text("a\r\nb\x00c\x0bd\ud800e\ufffe") == "a\nbcd\ufffde"


def test_safe_line_and_safe_text_keep_every_printable_character():
    # Their fast path returns printable text as it is: none of its characters may be one they change.
    printable = "".join(chr(point) for point in range(0x110000) if chr(point).isprintable())
    assert _ANY_UNSAFE.search(printable) is None
    assert (safe_line(printable), safe_text(printable)) == (printable, printable)


def test_break_lasting_decades_is_cut_to_a_week_and_its_day_renders():
    # GIVEN a lunch break whose end was typed with the wrong year (the API takes 1970 to 2100)
    start = datetime(2026, 3, 22, 12, tzinfo=UTC)
    lunch = Break(id="k1", title="Lunch", starts_at=start, ends_at=datetime(2096, 3, 22, 13, tzinfo=UTC))
    event = Event(id="e1", slug="long", name="Long", starts_at=start, ends_at=start, timezone="UTC")
    session = Session(id="s1", title="Talk", starts_at=start, ends_at=datetime(2026, 3, 22, 13, tzinfo=UTC),
                      state="accepted", room_id="r1")  # fmt: skip

    # WHEN it is made safe and the event rendered
    cut = safe_record(lunch)
    files = render_event(EventBundle(event=event, rooms=(Room(id="r1", name="Hall"),), sessions=(session,),
                                     breaks=(lunch,)), base_url=BASE_URL)  # fmt: skip

    # THEN it lasts a week, as a session would: the day grid has a row per 5 minutes of what it
    # holds, and 70 years of rows would never render (the event's site would stop updating)
    assert cut.ends_at == start + LONGEST_SESSION
    assert len(files["e/long/schedule/2026-03-22/index.html"]) < 2_000_000
