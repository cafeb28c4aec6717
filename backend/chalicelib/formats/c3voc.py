"""Read and write c3voc schedule.json (what pretalx, frab and Podium itself publish).

Reading: the schedule is turned into Open Event v1 records and handed to `openevent.parse_files`,
so both formats share one normalizer, one set of bounds and one id scheme. Writing: the site's
view of a published event (public/view.py) as schedule.json; frab.py writes the same fields as XML.
"""

from __future__ import annotations

import json
import re
import secrets
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from typing import Any

from chalicelib import values
from chalicelib.formats.openevent import MAX_JSON_DEPTH, ExportError, OpenEventExport, parse_files, slugify
from chalicelib.public.richtext import plain_text
from chalicelib.public.view import NO_ROOM, DayView, EventView, SessionView

MAX_BYTES = 50 * 1024 * 1024
_SESSION_ERROR = re.compile(r"^sessions\[(\d+)\]")


def looks_like_schedule(data: bytes) -> bool:
    """True for JSON holding {"schedule": {"conference": {...}}}."""
    head = data[:4096].lstrip(b"\xef\xbb\xbf \t\r\n")
    if not head.startswith(b"{") or b'"schedule"' not in data[:65536]:
        return False
    try:
        parsed = values.parse_json(data, max_depth=MAX_JSON_DEPTH)
    except values.ValueProblem:
        return False
    return isinstance(parsed, dict) and isinstance(parsed.get("schedule"), dict)


def read_schedule(data: bytes, *, name: str = "schedule.json") -> OpenEventExport:
    """Parse a c3voc schedule; errors name the file and the talk's place in it."""
    try:
        schedule = values.parse_json(data, max_depth=MAX_JSON_DEPTH)["schedule"]
    except (values.ValueProblem, KeyError, TypeError) as error:
        raise ExportError(f"{name}: not a c3voc schedule ({error})") from None
    conference = _object(schedule.get("conference"), f"{name}: schedule.conference")
    files, paths = _openevent_files(conference, name)
    try:
        return parse_files({key: json.dumps(value).encode() for key, value in files.items()})
    except ExportError as error:
        # Name the talk where the schedule holds it, not in the converted list.
        match = _SESSION_ERROR.match(str(error))
        if match:
            raise ExportError(f"{name}: {paths[int(match[1])]}{str(error)[match.end() :]}") from error
        raise ExportError(f"{name}: {error}") from error


def _object(value: Any, where: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise ExportError(f"{where} should be an object")
    return value


def _list(value: Any, where: str) -> list[Any]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise ExportError(f"{where} should be a list")
    return value


def _duration_minutes(value: Any, where: str) -> int:
    match = re.fullmatch(r"(?:(\d{1,2}):)?(\d{1,3}):(\d{2})", str(value or "0:00"))
    if not match:
        raise ExportError(f"{where}: duration {value!r} is not HH:MM")
    hours = int(match[2]) if match[1] is None else int(match[1]) * 24 + int(match[2])
    return hours * 60 + int(match[3])


def _end(start: Any, minutes: int, where: str) -> str | None:
    if not isinstance(start, str) or not start:
        return None
    try:
        return (datetime.fromisoformat(start) + timedelta(minutes=minutes)).isoformat()
    except ValueError as error:
        raise ExportError(f"{where}: date {start!r} is not ISO 8601") from error
    except OverflowError:  # past year 9999: the reader leaves the start out with a warning
        return None


def _openevent_files(conference: dict[str, Any], name: str) -> tuple[dict[str, Any], list[str]]:
    acronym = str(conference.get("acronym") or slugify(str(conference.get("title") or "")) or "schedule")[:64]
    event = {
        "id": acronym,
        "identifier": f"c3voc-{acronym}",
        "name": conference.get("title") or acronym,
        "starts_at": conference.get("start"),
        "ends_at": conference.get("end"),
        "timezone": conference.get("time_zone_name") or "UTC",
        "event_url": conference.get("url") or "",
        "state": "published",
    }
    colors = {
        str(t.get("name")): t.get("color")
        for t in _list(conference.get("tracks"), f"{name}: conference.tracks")
        if isinstance(t, dict)
    }
    tracks: dict[str, dict[str, Any]] = {}
    rooms: dict[str, dict[str, Any]] = {}
    types: dict[str, dict[str, Any]] = {}
    speakers: dict[str, dict[str, Any]] = {}
    sessions: list[dict[str, Any]] = []
    paths: list[str] = []
    for day_index, day in enumerate(_list(conference.get("days"), f"{name}: conference.days")):
        day_where = f"conference.days[{day_index}]"
        for room_name, talks in _object(
            _object(day, f"{name}: {day_where}").get("rooms") or {}, f"{name}: {day_where}.rooms"
        ).items():
            rooms.setdefault(room_name, {"id": room_name[:64], "name": room_name})
            for talk_index, listed in enumerate(_list(talks, f"{name}: {day_where}.rooms[{room_name!r}]")):
                where = f"{day_where}.rooms[{room_name!r}][{talk_index}]"
                talk = _object(listed, f"{name}: {where}")
                paths.append(where)
                catalogs = (tracks, types, speakers, colors)
                sessions.append(_session(talk, room_name, where=f"{name}: {where}", catalogs=catalogs))
    event["starts_at"] = event["starts_at"] or min((s["start_time"] for s in sessions if s["start_time"]), default=None)
    event["ends_at"] = event["ends_at"] or max((s["end_time"] for s in sessions if s["end_time"]), default=None)
    files = {
        "event": event,
        "sessions": sessions,
        "speakers": list(speakers.values()),
        "tracks": list(tracks.values()),
        "microlocations": list(rooms.values()),
        "session_types": list(types.values()),
    }
    return files, paths


def _session(
    talk: dict[str, Any], room_name: str, *, where: str, catalogs: tuple[dict[str, Any], ...]
) -> dict[str, Any]:
    """One talk as an Open Event session; adds its track, type and persons to the catalogs."""
    tracks, types, speakers, colors = catalogs
    minutes = _duration_minutes(talk.get("duration"), where)
    track_name, type_name = talk.get("track"), talk.get("type")
    if track_name:
        tracks.setdefault(
            str(track_name), {"id": str(track_name)[:64], "name": track_name, "color": colors.get(str(track_name))}
        )
    if type_name:
        types.setdefault(str(type_name), {"id": str(type_name)[:64], "name": type_name})
    linked = []
    for person in _list(talk.get("persons"), f"{where}.persons"):
        if not isinstance(person, dict):
            continue
        person_id = str(
            person.get("guid")
            or person.get("code")
            or person.get("id")
            or person.get("public_name")
            or person.get("name")
            or ""
        )[:64]
        speakers.setdefault(
            person_id,
            {
                "id": person_id,
                "name": person.get("public_name") or person.get("name") or "",
                "long_biography": person.get("biography") or "",
                "sessions": [],
            },
        )
        talk_id = _talk_id(talk)
        speakers[person_id]["sessions"].append({"id": talk_id})
        linked.append({"id": person_id})
    links = {
        link.get("type"): link.get("url")
        for link in _list(talk.get("links"), f"{where}.links")
        if isinstance(link, dict)
    }
    return {
        "id": _talk_id(talk),
        "title": talk.get("title") or "",
        "subtitle": talk.get("subtitle") or "",
        "short_abstract": talk.get("abstract") or "",
        "long_abstract": talk.get("description") or "",
        "language": talk.get("language") or "",
        "start_time": talk.get("date"),
        "end_time": _end(talk.get("date"), minutes, where),
        "state": "accepted",
        "track": {"id": str(track_name)[:64]} if track_name else None,
        "microlocation": {"id": room_name[:64]},
        "session_type": {"id": str(type_name)[:64]} if type_name else None,
        "speakers": linked,
        "slides": links.get("slides") or "",
        "video": links.get("media") or "",
    }


def _talk_id(talk: dict[str, Any]) -> str:
    return str(talk.get("guid") or talk.get("id") or "")[:64]


# --- writing ---------------------------------------------------------------------------

GENERATOR = {"name": "podium", "version": "1"}
C3VOC_SCHEMA_URL = "https://c3voc.de/schedule/schema.json"
_C3VOC_TZ = re.compile(r"^([A-Z][a-z]+/[A-Z][a-z]+)|UTC$")


# How a writer gets each session's serialized piece: `pieces(sessions, make)` is `make` of each
# session, in order. The site passes one that keeps pieces between renders (site/feeds.py).
Pieces = Callable[[Sequence[SessionView], Callable[[SessionView], bytes]], list[bytes]]


def each_made(sessions: Sequence[SessionView], make: Callable[[SessionView], bytes]) -> list[bytes]:
    """Every piece made afresh."""
    return [make(session) for session in sessions]


# The document is serialized with a placeholder string for each session's event, then each is
# replaced by that session's own JSON (dumped alike, so the bytes are those of one dump).
# The nonce keeps text a visitor could submit from ever matching a placeholder.
_JSON_SLOT = f"podium-slot-{secrets.token_hex(8)}-"
_JSON_SLOT_STRING = re.compile(rb'"' + _JSON_SLOT.encode() + rb'(\d+)"')


def _dumps(value: object) -> bytes:
    """Deterministic compact JSON."""
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def acronym(view: EventView) -> str:
    """The event slug in the shape c3voc accepts (no hyphens)."""
    return view.event.slug.replace("-", "_")


def hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def room_name(session: SessionView) -> str:
    return (session.room or NO_ROOM).name


def session_slug(view: EventView, session: SessionView) -> str:
    return f"{acronym(view)}-{session.session.id}-{slugify(session.session.title)[:48]}".strip("-")


def day_bounds(view: EventView, day: DayView) -> tuple[datetime, datetime]:
    start = min(s.local_start for s in day.sessions if s.local_start)
    end = max((s.local_end or s.local_start) for s in day.sessions if s.local_start)
    return start, end


def session_links(session: SessionView) -> list[dict[str, str]]:
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
        "duration": hhmm(session.duration_minutes),
        "room": room_name(session),
        "slug": session_slug(view, session),
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
        "links": session_links(session),
    }


def _c3voc_day(view: EventView, day: DayView, slots: list[bytes], pieces: Pieces) -> dict[str, object]:
    rooms: dict[str, list[str]] = {}
    for number, session in enumerate(day.sessions, start=len(slots)):
        rooms.setdefault(room_name(session), []).append(f"{_JSON_SLOT}{number}")
    slots += pieces(day.sessions, lambda session: _dumps(_c3voc_event(view, session)))
    start, end = day_bounds(view, day)
    return {
        "index": day.index,
        "date": day.iso,
        "day_start": start.isoformat(),
        "day_end": end.isoformat(),
        "rooms": rooms,
    }


def schedule_json(view: EventView, *, pieces: Pieces = each_made) -> bytes:
    """c3voc schedule.json (the format pretalx and frab export); each session's event from `pieces`."""
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
        "days": [_c3voc_day(view, day, slots, pieces) for day in view.days],
    }
    if _C3VOC_TZ.match(event.timezone):
        conference["time_zone_name"] = event.timezone
    schedule = {
        "version": "1.0",
        "base_url": view.absolute("/"),
        "conference": conference,
    }
    skeleton = _dumps({"$schema": C3VOC_SCHEMA_URL, "generator": GENERATOR, "schedule": schedule})
    return _JSON_SLOT_STRING.sub(lambda found: slots[int(found.group(1))], skeleton)
