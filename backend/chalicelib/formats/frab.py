"""Read and write frab/Pentabarf schedule.xml (Giggity, ConfClerk, EventFahrplan and pretalx read it).

Writing: the site's view of a published event, the fields of c3voc.py's schedule.json as XML.
Reading: the document is checked against the shared XSD (schemas/; entities and DTDs refused),
then turned into c3voc's v1 shape and read by c3voc.py, so both share one reader and one report.
"""

from __future__ import annotations

import functools
import io
import re
import xml.etree.ElementTree as ET
from itertools import islice
from typing import TYPE_CHECKING, Any

from chalicelib.formats.c3voc import (
    GENERATOR,
    MAX_BYTES,
    MAX_SCHEMA_ERRORS,
    SCHEMAS,
    Pieces,
    acronym,
    conference_dates,
    day_bounds,
    each_made,
    hhmm,
    room_name,
    session_attachments,
    session_guid,
    session_links,
    session_slug,
    session_type_name,
    time_zone_name,
)
from chalicelib.formats.c3voc import read_validated as read_c3voc
from chalicelib.formats.openevent import ExportError, OpenEventExport
from chalicelib.public.memo import Memo
from chalicelib.public.richtext import plain_text
from chalicelib.public.view import EventView, SessionView, stable_number

if TYPE_CHECKING:
    import xmlschema


def _sub(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    element = ET.SubElement(parent, tag, attrs)
    if text is not None:
        element.text = text
    return element


def _frab_event(view: EventView, parent: ET.Element, session: SessionView) -> None:
    s = session.session
    element = _sub(parent, "event", id=str(session.number), guid=session_guid(view, session))
    _sub(element, "room", room_name(session))
    _sub(element, "title", s.title)
    _sub(element, "subtitle", s.subtitle)
    _sub(element, "type", session_type_name(session))
    _sub(element, "date", session.local_start.isoformat())
    _sub(element, "start", session.local_start.strftime("%H:%M"))
    _sub(element, "duration", hhmm(session.duration_minutes))
    _sub(element, "abstract", plain_text(s.short_abstract))
    _sub(element, "slug", session_slug(view, session))
    _sub(element, "track", session.track.name if session.track else "")
    if s.logo_url:
        _sub(element, "logo", s.logo_url)
    _sub(element, "language", s.language)
    _sub(element, "description", plain_text(s.long_abstract))
    if s.recording_license or s.do_not_record is not None:
        recording = _sub(element, "recording")
        _sub(recording, "license", s.recording_license)
        _sub(recording, "optout", "true" if s.do_not_record else "false")
    persons = _sub(element, "persons")
    for person in session.speakers:
        _sub(
            persons,
            "person",
            person.name,
            id=str(stable_number(person.id)),
            guid=person.guid or view.speaker_uuid(person.id),
        )
    links = _sub(element, "links")
    for link in session_links(session):
        _sub(links, "link", link.get("title", ""), href=link["url"], **_typed(link))
    attachments = _sub(element, "attachments")
    for attachment in session_attachments(session):
        _sub(attachments, "attachment", attachment.get("title", ""), href=attachment["url"], **_typed(attachment))
    _sub(element, "url", view.absolute(session.url))
    if s.feedback_url:
        _sub(element, "feedback_url", s.feedback_url)


def _typed(reference: dict[str, str]) -> dict[str, str]:
    return {"type": reference["type"]} if "type" in reference else {}


def _frab_conference(view: EventView, root: ET.Element) -> None:
    event = view.event
    conference = _sub(root, "conference")
    _sub(conference, "title", event.name)
    _sub(conference, "acronym", acronym(view))
    start, end = conference_dates(view)
    _sub(conference, "start", start)
    _sub(conference, "end", end)
    _sub(conference, "days", str(len(view.days)))
    _sub(conference, "timeslot_duration", "00:05")
    _sub(conference, "base_url", view.absolute("/"))
    _sub(conference, "url", view.absolute(view.root))
    _sub(conference, "time_zone_name", time_zone_name(view))
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
            kept_guid = sessions[0].room.guid if sessions[0].room else ""
            room = _sub(
                element,
                "room",
                name=room_name(sessions[0]),
                guid=kept_guid or view.room_uuid(room_id),
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
    _sub(root, "version", view.bundle.schedule_version or "1.0")  # a released schedule's version (manual mode)
    _frab_conference(view, root)
    slots: list[SessionView] = []
    _frab_days(view, root, slots)
    ET.indent(root)
    skeleton = ET.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"
    events = pieces(slots, lambda session: _frab_event_xml(view, session))
    return _EVENT_SLOT_TAG.sub(lambda found: events[int(found.group(1))], skeleton)


# --- reading ---------------------------------------------------------------------------


def looks_like_schedule_xml(data: bytes) -> bool:
    """True for XML whose first element is <schedule>."""
    head = data[:4096].lstrip(b"\xef\xbb\xbf \t\r\n")
    return head.startswith(b"<") and re.search(rb"<schedule[\s>]", data[:65536]) is not None


@functools.cache
def _schema() -> xmlschema.XMLSchema:
    import xmlschema  # noqa: PLC0415 — xmlschema takes ~0.5 s to import and only reading a schedule.xml needs it: writing one (every site build) does not

    return xmlschema.XMLSchema(str(SCHEMAS / "frab-schedule.xml.xsd"))


def read_schedule_xml(data: bytes, *, name: str = "schedule.xml") -> OpenEventExport:
    """Parse a frab schedule.xml; refused (ExportError naming the file and the element) when it is
    not XML, declares entities, or the XSD refuses it."""
    import xmlschema  # noqa: PLC0415 — xmlschema takes ~0.5 s to import and only reading a schedule.xml needs it: writing one (every site build) does not

    if len(data) > MAX_BYTES:
        raise ExportError(f"{name}: larger than {MAX_BYTES} bytes")
    try:
        # defuse="always": no entity or DTD is expanded (billion laughs, external entities).
        resource = xmlschema.XMLResource(io.BytesIO(data), defuse="always")
        errors = list(islice(_schema().iter_errors(resource), MAX_SCHEMA_ERRORS + 1))
    except (xmlschema.XMLResourceError, ET.ParseError) as error:
        raise ExportError(f"{name}: not a readable XML document ({str(error)[:200]})") from None
    if errors:
        shown = "; ".join(f"{e.path}: {str(e.reason)[:200]}" for e in errors[:MAX_SCHEMA_ERRORS])
        raise ExportError(f"{name}: not a valid frab schedule.xml ({shown})")
    return read_c3voc(_as_c3voc(resource.root), name=name)


def _text(element: ET.Element | None, tag: str) -> str | None:
    found = element.find(tag) if element is not None else None
    return found.text if found is not None and found.text is not None else None


def _as_c3voc(root: ET.Element) -> dict[str, Any]:
    """A validated schedule.xml in c3voc's v1 shape: conference, days, rooms, events."""
    conference = root.find("conference")
    fields = ("title", "acronym", "start", "end", "time_zone_name", "url", "logo")
    converted: dict[str, Any] = {tag: _text(conference, tag) for tag in fields if _text(conference, tag) is not None}
    converted["tracks"] = [
        {"name": track.get("name") or track.text or "", "color": track.get("color")}
        for track in (conference.findall("track") if conference is not None else [])
    ]
    converted["rooms"] = [
        {"name": room.get("name") or "", "guid": room.get("guid")} for room in root.findall("day/room") if room.get("guid")
    ]
    converted["days"] = [
        {
            "rooms": {
                room.get("name") or "": [_event(event, room.get("name") or "") for event in room.findall("event")]
                for room in day.findall("room")
            }
        }
        for day in root.findall("day")
    ]
    return {"version": _text(root, "version"), "base_url": _text(conference, "base_url"), "conference": converted}


def _event(event: ET.Element, room: str) -> dict[str, Any]:
    recording = event.find("recording")
    optout = _text(recording, "optout")
    talk: dict[str, Any] = {
        tag: _text(event, tag)
        for tag in ("date", "duration", "title", "subtitle", "track", "type", "language", "abstract", "description", "logo")
    }
    return talk | {
        "guid": event.get("guid"),
        "id": event.get("id"),
        "room": room,
        "persons": [
            {"name": person.text or "", "guid": person.get("guid"), "id": person.get("id")}
            for person in event.findall("persons/person")
        ],
        "links": [_reference(link) for link in event.findall("links/link")],
        "attachments": [_reference(attachment) for attachment in event.findall("attachments/attachment")],
        "feedback_url": _text(event, "feedback_url"),
        "recording_license": _text(recording, "license"),
        "do_not_record": None if optout is None else optout.strip() in ("true", "1"),
    }


def _reference(element: ET.Element) -> dict[str, Any]:
    return {"type": element.get("type"), "title": element.text or "", "url": element.get("href")}
