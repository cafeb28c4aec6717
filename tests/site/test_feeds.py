"""The calendars: the serializer against icalendar's own (the same bytes for any text), and what
calendar clients need (DTEND after DTSTART, one UID per session, unique per event)."""

import dataclasses
from datetime import UTC, datetime, timedelta, timezone, tzinfo
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


ZONES = ["UTC", "Etc/UTC", "GMT", "Europe/Berlin", "America/Argentina/Buenos_Aires", "Etc/GMT+5", "Pacific/Chatham"]


@settings(max_examples=150, deadline=None)
@given(TEXT, TEXT, TEXT, TEXT, TEXT, st.sampled_from(ZONES), st.integers(-600, 10_000), st.integers(-90, 600))
def test_vevent_equals_icalendars_for_any_text_and_zone(title, abstract, name, room, track, zone, minutes_in, length):
    from support.schedules import bundle, session, view

    made = bundle(session("s1", title=title or "t", short_abstract=abstract, minutes_in=minutes_in, length=length), timezone=zone)
    made = dataclasses.replace(
        made, rooms=(dataclasses.replace(made.rooms[0], name=room),), tracks=(dataclasses.replace(made.tracks[0], name=track),),
        speakers=(dataclasses.replace(made.speakers[0], name=name),),
    )  # fmt: skip
    shown = view(made)
    [talk] = shown.sessions

    assert feeds._vevent(shown, talk) == serialized(feeds._vevent_by_icalendar(shown, talk))


class _NamedByMonth(tzinfo):
    """A zone with no id of its own: icalendar names it by each moment (its tzname)."""

    def utcoffset(self, moment):
        return timedelta(hours=2)

    def dst(self, moment):
        return timedelta(0)

    def tzname(self, moment):
        return f"Month{moment.month}"


@pytest.mark.parametrize("zone", [timezone(timedelta(hours=5, minutes=30)), _NamedByMonth()])
def test_vevent_of_an_odd_zone_equals_icalendars(zone):
    # A fixed offset gets a quoted TZID ("UTC+05:30"); a zone named by the moment is left to icalendar.
    from support.schedules import bundle, session, view

    shown = view(bundle(session("s1")))
    [talk] = shown.sessions
    moved = dataclasses.replace(talk, local_start=talk.local_start.astimezone(zone), local_end=talk.local_end.astimezone(zone))

    assert feeds._vevent(shown, moved) == serialized(feeds._vevent_by_icalendar(shown, moved))


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
