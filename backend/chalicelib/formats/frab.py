"""Write frab/Pentabarf schedule.xml (Giggity, ConfClerk, EventFahrplan read it) from the site's
view of a published event: the fields of c3voc.py's schedule.json, as XML."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from chalicelib.formats.c3voc import (
    GENERATOR,
    Pieces,
    acronym,
    day_bounds,
    each_made,
    hhmm,
    room_name,
    session_links,
    session_slug,
)
from chalicelib.public.memo import Memo
from chalicelib.public.richtext import plain_text
from chalicelib.public.view import EventView, SessionView, stable_number


def _sub(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    element = ET.SubElement(parent, tag, attrs)
    if text is not None:
        element.text = text
    return element


def _frab_event(view: EventView, parent: ET.Element, session: SessionView) -> None:
    s = session.session
    element = _sub(parent, "event", id=str(session.number), guid=view.session_uuid(s.id))
    _sub(element, "room", room_name(session))
    _sub(element, "title", s.title)
    _sub(element, "subtitle", s.subtitle)
    _sub(
        element,
        "type",
        (session.session_type.name if session.session_type else "Talk").lower(),
    )
    _sub(element, "date", session.local_start.isoformat())
    _sub(element, "start", session.local_start.strftime("%H:%M"))
    _sub(element, "duration", hhmm(session.duration_minutes))
    _sub(element, "abstract", plain_text(s.short_abstract))
    _sub(element, "slug", session_slug(view, session))
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
    for link in session_links(session):
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
        start, end = day_bounds(view, day)
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
                name=room_name(sessions[0]),
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

    return FRAB_EVENTS.get((view.event.id, view.event.slug, view.base_url, session), make)


def schedule_xml(view: EventView, *, pieces: Pieces = each_made) -> bytes:
    """frab/Pentabarf schedule.xml (Giggity, ConfClerk, EventFahrplan).

    The document is serialized with a placeholder for each <event>, which is then replaced by
    that session's own serialized element (from `pieces`): a rebuild re-serializes only the
    sessions that changed.
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
    events = pieces(slots, lambda session: _frab_event_xml(view, session))
    return _EVENT_SLOT_TAG.sub(lambda found: events[int(found.group(1))], skeleton)
