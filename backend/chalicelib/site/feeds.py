"""Machine-readable schedules: c3voc JSON, frab XML, iCalendar and the search index."""

from __future__ import annotations

import functools
import json
import re
import secrets
import xml.etree.ElementTree as ET
from datetime import date, datetime, timedelta
from typing import Any

from .memo import Memo, SameChunks, SameInputs
from .openevent import slugify
from .richtext import plain_text
from .view import NO_ROOM, DayView, EventView, SessionView, stable_number

GENERATOR = {"name": "podium", "version": "1"}
C3VOC_SCHEMA_URL = "https://c3voc.de/schedule/schema.json"
_C3VOC_TZ = re.compile(r"^([A-Z][a-z]+/[A-Z][a-z]+)|UTC$")


def dumps(value: object) -> bytes:
    """Deterministic compact JSON."""
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def acronym(view: EventView) -> str:
    """The event slug in the shape c3voc accepts (no hyphens)."""
    return view.event.slug.replace("-", "_")


def _hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _room_name(session: SessionView) -> str:
    return (session.room or NO_ROOM).name


def _session_slug(view: EventView, session: SessionView) -> str:
    return f"{acronym(view)}-{session.session.id}-{slugify(session.session.title)[:48]}".strip("-")


def _day_bounds(view: EventView, day: DayView) -> tuple[datetime, datetime]:
    start = min(s.local_start for s in day.sessions if s.local_start)
    end = max((s.local_end or s.local_start) for s in day.sessions if s.local_start)
    return start, end


# --- c3voc schedule.json -------------------------------------------------------------


def _c3voc_links(session: SessionView) -> list[dict[str, str]]:
    links = []
    if session.session.slides_url.startswith(("http://", "https://")):
        links.append({"type": "slides", "url": session.session.slides_url, "title": "Slides"})
    if session.session.video_url.startswith(("http://", "https://")):
        links.append({"type": "media", "url": session.session.video_url, "title": "Video"})
    return links


def _c3voc_event(view: EventView, session: SessionView) -> dict[str, object]:
    s = session.session
    return {
        "guid": view.session_uuid(s.id),
        "id": session.number,
        "date": session.local_start.isoformat(),
        "start": session.local_start.strftime("%H:%M"),
        "end": (session.local_end or session.local_start).isoformat(),
        "duration": _hhmm(session.duration_minutes),
        "room": _room_name(session),
        "slug": _session_slug(view, session),
        "url": view.absolute(session.url),
        "title": s.title,
        "subtitle": s.subtitle or None,
        "track": session.track.name if session.track else None,
        "type": (session.session_type.name if session.session_type else "Talk").lower(),
        "language": s.language or None,
        "abstract": plain_text(s.short_abstract) or None,
        "description": plain_text(s.long_abstract) or None,
        "persons": [
            {
                "name": p.name,
                "guid": view.speaker_uuid(p.id),
                "url": view.absolute(f"{view.root}speakers/{p.id}/"),
            }
            for p in session.speakers
        ],
        "links": _c3voc_links(session),
    }


# Each session's piece of every feed as last made, kept while the session's view and what the
# pieces read of the event (`_made_with`) are the same (memo.SameInputs): no pickling per session.
C3VOC_EVENTS: SameInputs[bytes] = SameInputs(65536)
FRAB_XML: SameInputs[bytes] = SameInputs(65536)
VEVENT_TEXT: SameInputs[bytes] = SameInputs(65536)
SEARCH_ENTRIES: SameInputs[bytes] = SameInputs(65536)
SESSION_CALENDARS: SameInputs[bytes] = SameInputs(65536)
# Runs of sessions whose pieces are all unchanged are given back whole (memo.SameChunks).
FEED_RUNS: SameChunks = SameChunks(16384)


def _made_with(view: EventView) -> tuple:
    """What a session's feed pieces read of the event besides the session: base URL and the event."""
    return (view.base_url, view.event_pickle)


# The document is serialized with a placeholder string for each session's event, then each is
# replaced by that session's own kept JSON (dumped alike, so the bytes are those of one dump).
# The nonce keeps text a visitor could submit from ever matching a placeholder.
_JSON_SLOT = f"podium-slot-{secrets.token_hex(8)}-"
_JSON_SLOT_STRING = re.compile(rb'"' + _JSON_SLOT.encode() + rb'(\d+)"')


def _c3voc_day(view: EventView, day: DayView, slots: list[bytes]) -> dict[str, object]:
    rooms: dict[str, list[str]] = {}
    first = len(slots)
    for number, session in enumerate(day.sessions, start=first):
        rooms.setdefault(_room_name(session), []).append(f"{_JSON_SLOT}{number}")
    slots += FEED_RUNS.map(
        ("c3voc", view.root), _made_with(view), day.sessions,
        lambda s: C3VOC_EVENTS.get(s.url, (s, *_made_with(view)), lambda: dumps(_c3voc_event(view, s))),
    )  # fmt: skip
    start, end = _day_bounds(view, day)
    return {
        "index": day.index,
        "date": day.iso,
        "day_start": start.isoformat(),
        "day_end": end.isoformat(),
        "rooms": rooms,
    }


def schedule_json(view: EventView) -> bytes:
    """c3voc schedule.json (the format pretalx and frab export)."""
    event, slots = view.event, []
    conference: dict[str, object] = {
        "acronym": acronym(view),
        "title": event.name,
        "start": view.local(event.starts_at).isoformat(),
        "end": view.local(event.ends_at).isoformat(),
        "daysCount": len(view.days),
        "timeslot_duration": "00:05",
        "url": view.absolute(view.root),
        "tracks": [{"name": t.name, "slug": slugify(t.name) or t.id, "color": t.color} for t in view.tracks_in_order()],
        "rooms": [{"name": r.name, "guid": view.room_uuid(r.id)} for r in view.rooms_in_order()],
        "days": [_c3voc_day(view, day, slots) for day in view.days],
    }
    if _C3VOC_TZ.match(event.timezone):
        conference["time_zone_name"] = event.timezone
    schedule = {
        "version": "1.0",
        "base_url": view.absolute("/"),
        "conference": conference,
    }
    skeleton = dumps({"$schema": C3VOC_SCHEMA_URL, "generator": GENERATOR, "schedule": schedule})
    return _JSON_SLOT_STRING.sub(lambda found: slots[int(found.group(1))], skeleton)


# --- frab schedule.xml ----------------------------------------------------------------


def _sub(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    element = ET.SubElement(parent, tag, attrs)
    if text is not None:
        element.text = text
    return element


def _frab_event(view: EventView, parent: ET.Element, session: SessionView) -> None:
    s = session.session
    element = _sub(parent, "event", id=str(session.number), guid=view.session_uuid(s.id))
    _sub(element, "room", _room_name(session))
    _sub(element, "title", s.title)
    _sub(element, "subtitle", s.subtitle)
    _sub(
        element,
        "type",
        (session.session_type.name if session.session_type else "Talk").lower(),
    )
    _sub(element, "date", session.local_start.isoformat())
    _sub(element, "start", session.local_start.strftime("%H:%M"))
    _sub(element, "duration", _hhmm(session.duration_minutes))
    _sub(element, "abstract", plain_text(s.short_abstract))
    _sub(element, "slug", _session_slug(view, session))
    _sub(element, "track", session.track.name if session.track else "")
    _sub(element, "language", s.language)
    _sub(element, "description", plain_text(s.long_abstract))
    persons = _sub(element, "persons")
    for person in session.speakers:
        _sub(
            persons,
            "person",
            person.name,
            id=str(stable_number(person.id)),
            guid=view.speaker_uuid(person.id),
        )
    links = _sub(element, "links")
    for link in _c3voc_links(session):
        _sub(links, "link", link["title"], href=link["url"], type=link["type"])
    _sub(element, "url", view.absolute(session.url))


def _frab_conference(view: EventView, root: ET.Element) -> None:
    event = view.event
    conference = _sub(root, "conference")
    _sub(conference, "title", event.name)
    _sub(conference, "acronym", acronym(view))
    _sub(conference, "start", view.local(event.starts_at).isoformat())
    _sub(conference, "end", view.local(event.ends_at).isoformat())
    _sub(conference, "days", str(len(view.days)))
    _sub(conference, "timeslot_duration", "00:05")
    _sub(conference, "base_url", view.absolute("/"))
    _sub(conference, "url", view.absolute(view.root))
    _sub(conference, "time_zone_name", event.timezone)
    for track in view.tracks_in_order():
        _sub(conference, "track", track.name, name=track.name, color=track.color)


def _frab_days(view: EventView, root: ET.Element, slots: list[SessionView]) -> None:
    """The days, their rooms, and a slot for each session's <event>, appended to `slots`."""
    if not view.days:
        start = view.local(view.event.starts_at)
        _sub(
            root,
            "day",
            date=start.date().isoformat(),
            start=start.isoformat(),
            end=start.isoformat(),
            index="1",
        )
        return
    for day in view.days:
        start, end = _day_bounds(view, day)
        element = _sub(
            root,
            "day",
            date=day.iso,
            start=start.isoformat(),
            end=end.isoformat(),
            index=str(day.index),
        )
        rooms: dict[str, list[SessionView]] = {}
        for session in day.sessions:
            rooms.setdefault(session.room.id if session.room else "", []).append(session)
        for room_id, sessions in rooms.items():
            room = _sub(
                element,
                "room",
                name=_room_name(sessions[0]),
                guid=view.room_uuid(room_id),
            )
            for session in sessions:
                _sub(room, _EVENT_SLOT, n=str(len(slots)))
                slots.append(session)


# Each <event> sits at this depth (schedule > day > room > event) in the indented document.
_EVENT_DEPTH = 3
_EVENT_SLOT = "podium-event-slot"
_EVENT_SLOT_TAG = re.compile(rb'<podium-event-slot n="(\d+)" />')
FRAB_EVENTS: Memo[bytes] = Memo(8192)


def _frab_event_xml(view: EventView, session: SessionView) -> bytes:
    """One session's <event>, serialized and indented as at its place in the document;
    remembered by everything it is made from (the event's id, slug and base URL, the session)."""

    def make() -> bytes:
        holder = ET.Element("room")
        _frab_event(view, holder, session)
        element = holder[0]
        ET.indent(element, level=_EVENT_DEPTH)
        return ET.tostring(element, encoding="utf-8")

    return FRAB_XML.get(
        session.url,
        (session, *_made_with(view)),
        lambda: FRAB_EVENTS.get((view.event.id, view.event.slug, view.base_url, session), make),
    )


def schedule_xml(view: EventView) -> bytes:
    """frab/Pentabarf schedule.xml (Giggity, ConfClerk, EventFahrplan).

    The document is serialized with a placeholder for each <event>, which is then replaced by
    that session's own serialized element: a rebuild re-serializes only the sessions that changed.
    """
    root = ET.Element("schedule")
    _sub(root, "generator", name=GENERATOR["name"], version=GENERATOR["version"])
    _sub(root, "url", view.absolute(f"{view.root}schedule.xml"))
    _sub(root, "version", "1.0")
    _frab_conference(view, root)
    slots: list[SessionView] = []
    _frab_days(view, root, slots)
    ET.indent(root)
    skeleton = ET.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"
    events = FEED_RUNS.map(("frab", view.root), _made_with(view), slots, lambda s: _frab_event_xml(view, s))
    return _EVENT_SLOT_TAG.sub(lambda found: events[int(found.group(1))], skeleton)


# --- iCalendar ------------------------------------------------------------------------


FOLDED_OCTETS = 74  # RFC 5545 lines are at most 75 octets; icalendar folds at 74


def folded(line: str) -> bytes:
    """`line` folded exactly as icalendar's `Contentline.to_ical` folds it, without its
    character-by-character loop (a fifth of a cold calendar build): the same 74-octet chunks,
    never splitting a character, and a `\\` or `^` ending a chunk moved to the next one."""
    data = line.encode()
    chunks, start = [], 0
    while len(data) - start > FOLDED_OCTETS:
        end = start + FOLDED_OCTETS
        while data[end] & 0xC0 == 0x80:  # a UTF-8 continuation byte: the character starts earlier
            end -= 1
        if data[end - 1] in b"\\^":  # an escape stays with what it escapes
            end -= 1
        chunks.append(data[start:end])
        start = end
    chunks.append(data[start:])
    return b"\r\n ".join(chunks)


def serialized(component: Any) -> bytes:
    """`component.to_ical()`, byte for byte, with the faster `folded`."""
    return b"".join(folded(line) + b"\r\n" for line in component.content_lines() if line)


def _vevent(view: EventView, session: SessionView):
    from icalendar import Event as VEvent

    s = session.session
    vevent = VEvent()
    vevent.add("uid", f"{s.id}@{view.event.slug}.podium")
    # DTSTAMP is required; a fixed, data-derived value keeps builds byte-identical.
    vevent.add("dtstamp", view.event.starts_at)
    vevent.add("dtstart", session.local_start)
    vevent.add("dtend", session.local_end or session.local_start + timedelta(minutes=5))
    vevent.add("summary", s.title)
    description = plain_text(s.short_abstract or s.long_abstract)
    names = ", ".join(p.name for p in session.speakers)
    vevent.add("description", "\n\n".join(x for x in (names, description) if x))
    vevent.add("location", _room_name(session))
    vevent.add("url", view.absolute(session.url))
    if session.track:
        vevent.add("categories", [session.track.name])
    return vevent


def _calendar_frame(view: EventView) -> tuple[bytes, bytes]:
    """A VCALENDAR's lines before and after its X-WR-CALNAME line (made once per event)."""
    from icalendar import Calendar

    calendar = Calendar()
    calendar.add("prodid", "-//Podium//Event site//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", "")
    calendar.add("x-wr-timezone", view.event.timezone)
    before, after = calendar.to_ical().removesuffix(b"END:VCALENDAR\r\n").split(b"X-WR-CALNAME:\r\n")
    return before, after


@functools.lru_cache(maxsize=4096)
def _calname_line(name: str) -> bytes:
    """The X-WR-CALNAME content line exactly as a whole Calendar writes it (folded)."""
    from icalendar import Calendar

    calendar = Calendar()
    calendar.add("x-wr-calname", name)
    return folded(calendar.content_line("X-WR-CALNAME", calendar["X-WR-CALNAME"])) + b"\r\n"


def _calendar(frame: tuple[bytes, bytes], name: str, components: list[bytes]) -> bytes:
    """A VCALENDAR around already serialized components (each serialized once)."""
    before, after = frame
    return before + _calname_line(name) + after + b"".join(components) + b"END:VCALENDAR\r\n"


def _vtimezone(view: EventView) -> bytes:
    first = view.local(view.event.starts_at)
    return _vtimezone_from(view.event.timezone, first.date().replace(month=1, day=1))


@functools.lru_cache(maxsize=64)
def _vtimezone_from(timezone: str, first_date: date) -> bytes:
    from zoneinfo import ZoneInfo

    from icalendar import Timezone

    return Timezone.from_tzinfo(ZoneInfo(timezone), first_date=first_date).to_ical()


VEVENTS = Memo(8192)


def calendars(view: EventView) -> dict[str, bytes]:
    """`schedule.ics` plus one `sessions/<id>/session.ics` per scheduled session."""
    vtimezone, frame = _vtimezone(view), _calendar_frame(view)
    files: dict[str, bytes] = {}
    scheduled = [session for session in view.sessions if session.local_start]

    def pieces(session: SessionView) -> tuple[bytes, str, bytes]:
        """The session's VEVENT, and its own calendar's path and bytes (the same object while unchanged)."""
        inputs = (view.event.slug, view.event.starts_at, view.absolute(session.url), session)
        vevent = VEVENT_TEXT.get(
            session.url,
            (session, *_made_with(view)),
            lambda: VEVENTS.get(inputs, lambda: serialized(_vevent(view, session))),
        )
        path = f"sessions/{session.session.id}/session.ics"
        calendar = SESSION_CALENDARS.get(
            path + view.root,
            (vevent, vtimezone, frame, session.session.title),
            lambda: _calendar(frame, session.session.title, [vtimezone, vevent]),
        )
        return vevent, path, calendar

    made = FEED_RUNS.map(("ics", view.root), (*_made_with(view), vtimezone, frame), scheduled, pieces)
    files.update((path, calendar) for _, path, calendar in made)
    vevents = [vevent for vevent, _, _ in made]
    files["schedule.ics"] = _calendar(frame, view.event.name, [vtimezone, *vevents])
    return files


# --- search index ---------------------------------------------------------------------


def search_index(view: EventView) -> bytes:
    """Sessions with title, speaker names, track, room and time, for podium.js."""
    # Each entry's JSON is kept; joined as `dumps({"sessions": entries})` would write them.
    entries = FEED_RUNS.map(
        ("search", view.root), (), view.sessions, lambda s: SEARCH_ENTRIES.get(s.url, (s,), lambda: dumps(_search_entry(s)))
    )
    return b'{"sessions":[' + b",".join(entries) + b"]}"


def _search_entry(s: SessionView) -> dict[str, object]:
    return {
        "id": s.session.id,
        "title": s.session.title,
        "speakers": [p.name for p in s.speakers],
        "track": s.track.name if s.track else "",
        "room": s.room.name if s.room else "",
        "start": s.local_start.strftime("%a %d %b %H:%M") if s.local_start else "",
        "url": s.url,
    }
