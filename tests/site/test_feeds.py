"""The calendars: the serializer against icalendar's own (the same bytes for any text), and what
calendar clients need (DTEND after DTSTART, one UID per session, unique per event)."""

from datetime import UTC, datetime, timedelta
from xml.sax.saxutils import escape  # the reference for feeds.xml_escape

import pytest
from chalicelib.site import feeds
from chalicelib.site.feeds import folded, serialized
from hypothesis import given, settings
from hypothesis import strategies as st
from icalendar import Event as VEvent
from icalendar.parser import Contentline

pytestmark = pytest.mark.unit

# Escapes, multi-byte characters of every width, and plenty of plain letters between them.
TEXT = st.lists(st.sampled_from([*'ab \\^;,:"é€😀\t', "x" * 20]), max_size=120).map("".join)


@settings(max_examples=400, deadline=None)
@given(TEXT)
def test_folded_equals_icalendar_folding(text):
    line = "DESCRIPTION:" + text.replace("\n", " ")

    assert folded(line) == Contentline(line).to_ical()


@pytest.mark.parametrize("length", [72, 73, 74, 75, 147, 148, 149])
@pytest.mark.parametrize("at_fold", ["", "\\", "^", "\\\\", "é", "€", "😀", "\\é"])
def test_folded_at_the_fold_point(length, at_fold):
    """Escapes and characters of every width placed where a line folds."""
    line = "X" * (length - len(at_fold.encode())) + at_fold + "Y" * 80

    assert folded(line) == Contentline(line).to_ical()
    assert all(len(part) <= 75 for part in folded(line).split(b"\r\n"))


@settings(max_examples=100, deadline=None)
@given(TEXT, TEXT)
def test_serialized_equals_to_ical(summary, description):
    vevent = VEvent()
    vevent.add("uid", "s1@event.podium")
    vevent.add("dtstart", datetime(2026, 3, 1, 9, 30, tzinfo=UTC))
    vevent.add("summary", summary)
    vevent.add("description", description)
    vevent.add("categories", [summary or "none"])

    assert serialized(vevent) == vevent.to_ical()


def test_calendars_dtend_after_dtstart_when_the_end_is_before_the_start():
    import icalendar
    from support.schedules import START, bundle, session, view

    backwards = session("s1", ends_at=START - timedelta(days=3))
    empty = session("s2", ends_at=START)

    calendar = icalendar.Calendar.from_ical(feeds.calendars(view(bundle(backwards, empty)))["schedule.ics"])

    spans = [(v["DTSTART"].dt, v["DTEND"].dt) for v in calendar.walk("VEVENT")]
    assert len(spans) == 2
    assert all(end > start for start, end in spans)


def test_calendars_uids_unique_when_a_session_is_listed_twice():
    import icalendar
    from support.schedules import bundle, session, view

    twice = session("s1")

    calendar = icalendar.Calendar.from_ical(feeds.calendars(view(bundle(twice, twice, session("s2"))))["schedule.ics"])

    uids = [str(v["UID"]) for v in calendar.walk("VEVENT")]
    assert sorted(uids) == sorted(set(uids))
    assert len(uids) == 2


def test_calendars_uids_differ_between_events_sharing_session_ids_and_survive_a_new_slug():
    import icalendar
    from support.schedules import bundle, session, view

    def uids(**event):
        made = feeds.calendars(view(bundle(session("s1"), **event)))["schedule.ics"]
        return [str(v["UID"]) for v in icalendar.Calendar.from_ical(made).walk("VEVENT")]

    assert uids(event_id="ev-a") == uids(event_id="ev-a", slug="renamed-2026")
    assert uids(event_id="ev-a") != uids(event_id="ev-b")


@given(st.text(alphabet=st.sampled_from('&<>"\'a é\n;#x')) | st.text())
def test_xml_escape_is_byte_for_byte_saxutils_escape(text):
    assert feeds.xml_escape(text) == escape(text)
    assert feeds.xml_escape(text, quotes=True) == escape(text, {'"': "&quot;"})
