"""Read and write c3voc schedule.json (what pretalx, frab and Podium itself publish).

Reading: a schedule (v1, or the hub's schedule2) is validated against the shared schema first
(schemas/, refused with its first errors and nothing written), then turned into Open Event v1
records and handed to `openevent.parse_files`, so both formats share one normalizer, one set of
bounds and one id scheme; what c3voc carries and Open Event has no field for (guids, links,
attachments, logo, feedback and recording wishes) is put back on the sessions after. frab.py reads
schedule.xml into the same v1 shape. Every repair is one `Repair` (formats/repairs.py: file, record,
field, action) in the export's repair report.

Writing: the site's view of a published event (public/view.py) as schedule.json, keys in the
order of the voc examples; frab.py writes the same fields as XML.
"""

from __future__ import annotations

import dataclasses
import functools
import json
import re
import secrets
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urljoin
from zoneinfo import ZoneInfo

from chalicelib import values
from chalicelib.formats.openevent import MAX_JSON_DEPTH, ExportError, OpenEventExport, parse_files, slugify
from chalicelib.formats.repairs import Repair
from chalicelib.public.richtext import plain_text
from chalicelib.public.view import NO_ROOM, DayView, EventView, SessionView

if TYPE_CHECKING:
    import jsonschema

MAX_BYTES = 50 * 1024 * 1024
SCHEMAS = Path(__file__).parent / "schemas"
MAX_SCHEMA_ERRORS = 3  # a refusal names this many of the schema's errors
_SESSION_ERROR = re.compile(r"^sessions\[(\d+)\]")
# The Reference types the c3voc schema knows; a link of another type is written without one.
REFERENCE_TYPES = frozenset({"slides", "paper", "web", "blog", "article", "media", "related", "activitypub"})


def looks_like_schedule(data: bytes) -> bool:
    """True for JSON holding {"schedule": {...}}."""
    head = data[:4096].lstrip(b"\xef\xbb\xbf \t\r\n")
    if not head.startswith(b"{") or b'"schedule"' not in data[:65536]:
        return False
    try:
        parsed = values.parse_json(data, max_depth=MAX_JSON_DEPTH)
    except values.ValueProblem:
        return False
    return isinstance(parsed, dict) and isinstance(parsed.get("schedule"), dict)


def read_schedule(data: bytes, *, name: str = "schedule.json") -> OpenEventExport:
    """Parse a c3voc schedule (v1 or schedule2); refused (ExportError naming the file and the
    place) when the shared schema refuses it, repaired with a report where it is odd but readable."""
    try:
        document = values.parse_json(data, max_depth=MAX_JSON_DEPTH)
        schedule = document["schedule"]
    except (values.ValueProblem, KeyError, TypeError) as error:
        raise ExportError(f"{name}: not a c3voc schedule ({error})") from None
    if not isinstance(schedule, dict):
        raise ExportError(f"{name}: not a c3voc schedule (schedule should be an object)")
    # The schemas' pattern for time_zone_name refuses tz database aliases (US/Pacific) that real
    # schedules carry; the zone is checked (and repaired, with a report) by `_time_zone` instead.
    conference = schedule.get("conference")
    zone_name = conference.pop("time_zone_name", None) if isinstance(conference, dict) else None
    if is_schedule2(schedule):
        _validate(document, "c3voc-schedule2.schema.json", f"{name}: not a valid c3voc schedule2")
        schedule = schedule2_as_v1(schedule)
    else:
        _validate(document, "c3voc-schedule.schema.json", f"{name}: not a valid c3voc schedule")
    if zone_name is not None:
        schedule["conference"]["time_zone_name"] = zone_name
    return read_validated(schedule, name=name)


def is_schedule2(schedule: dict[str, Any]) -> bool:
    """The hub's schedule2 lists its talks in `schedule.events`, its days hold no rooms."""
    days = schedule.get("conference", {}).get("days") if isinstance(schedule.get("conference"), dict) else None
    return "events" in schedule or (isinstance(days, list) and any(isinstance(d, dict) and "rooms" not in d for d in days))


@functools.cache
def _validator(schema_name: str) -> jsonschema.protocols.Validator:
    import jsonschema  # noqa: PLC0415 — ~0.13 s to import and only reading a schedule validates: writing one (every site build) does not

    schema = json.loads((SCHEMAS / schema_name).read_text())
    return jsonschema.validators.validator_for(schema)(schema)


def _validate(document: Any, schema_name: str, refusal: str) -> None:
    found = (_deepest(error) for error in _validator(schema_name).iter_errors(document))
    errors = sorted(found, key=lambda e: [str(p) for p in e.absolute_path])
    if errors:
        shown = "; ".join(f"{_path(e.absolute_path)}: {e.message[:200]}" for e in errors[:MAX_SCHEMA_ERRORS])
        more = f" (and {len(errors) - MAX_SCHEMA_ERRORS} more)" if len(errors) > MAX_SCHEMA_ERRORS else ""
        raise ExportError(f"{refusal} ({shown}{more})")


def _deepest(error: jsonschema.ValidationError) -> jsonschema.ValidationError:
    """For "not valid under any of the given schemas", the alternative's error that went deepest:
    it names the field (schedule.events[0].start), not the whole record."""
    while error.context:
        error = max(error.context, key=lambda alternative: len(_deepest(alternative).absolute_path))
    return error


def _path(parts: Sequence[Any]) -> str:
    """A JSON path as a person reads it: schedule.conference.days[0].rooms.Hall[0].id"""
    text = ""
    for part in parts:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "(document)"


def read_validated(schedule: dict[str, Any], *, name: str) -> OpenEventExport:
    """A schedule in the v1 shape (already validated: by the JSON schema, or frab's XSD) as an export."""
    repairs: list[Repair] = []
    conference = _object(schedule.get("conference"), f"{name}: schedule.conference")
    files, paths, kept = _openevent_files(conference, name, schedule.get("base_url"), repairs)
    try:
        export = parse_files({key: json.dumps(value).encode() for key, value in files.items()})
    except ExportError as error:
        # Name the talk where the schedule holds it, not in the converted list.
        match = _SESSION_ERROR.match(str(error))
        if match:
            raise ExportError(f"{name}: {paths[int(match[1])]}{str(error)[match.end() :]}") from error
        raise ExportError(f"{name}: {error}") from error
    # Open Event has no field for the guids: put back what the converted records carried.
    sessions = [session | kept.get(session["source_id"], {}) for session in export.sessions]
    speaker_guids = {str(s["id"]): s.get("guid", "") for s in files["speakers"]}
    room_guids = {str(r["id"]): r.get("guid", "") for r in files["microlocations"]}
    speakers = [speaker | {"guid": speaker_guids.get(speaker["source_id"], "")} for speaker in export.speakers]
    rooms = [room | {"guid": room_guids.get(room["source_id"], "")} for room in export.rooms]
    return dataclasses.replace(
        export, sessions=sessions, speakers=speakers, rooms=rooms, repairs=(*repairs, *export.repairs)
    )


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


def _duration_minutes(value: Any) -> int | None:
    """[D:]HH:MM as minutes; None when unreadable."""
    match = re.fullmatch(r"(?:(\d{1,2}):)?(\d{1,3}):(\d{2})", str(value or "0:00"))
    if not match:
        return None
    hours = int(match[2]) if match[1] is None else int(match[1]) * 24 + int(match[2])
    return hours * 60 + int(match[3])


def _moment(value: Any) -> datetime | None:
    try:
        return datetime.fromisoformat(value) if isinstance(value, str) and value else None
    except ValueError:
        return None


def _times(talk: dict[str, Any], where: str, repairs: list[Repair], file: str) -> tuple[str | None, str | None]:
    """The talk's start and end. The end is its `end` when that is after the start, else start +
    duration; a date or duration that cannot be read, or an end before the start, is a repair:
    the talk unscheduled, or its end from the duration (or left out)."""
    start = talk.get("date")
    if not isinstance(start, str) or not start:
        return None, None
    started = _moment(start)
    if started is None:
        repairs.append(Repair(file, where, "date", f"{start[:60]!r} is not an ISO 8601 date-time: imported unscheduled"))
        return None, None
    ended = _moment(talk.get("end"))
    if ended is not None and (ended.tzinfo is None) == (started.tzinfo is None):
        if ended >= started:
            return start, ended.isoformat()
        repairs.append(Repair(file, where, "end", f"{talk['end']} is before the start: end from the duration instead"))
    minutes = _duration_minutes(talk.get("duration"))
    if minutes is None:
        repairs.append(Repair(file, where, "duration", f"{str(talk.get('duration'))[:40]!r} is not HH:MM: end left out"))
        return start, None
    try:
        return start, (started + timedelta(minutes=minutes)).isoformat()
    except OverflowError:  # past year 9999: the Open Event reader leaves the start out with a warning
        return start, None


def _time_zone(conference: dict[str, Any], talks: list[dict[str, Any]], file: str, repairs: list[Repair]) -> str:
    """The conference's zone by its canonical name; when it has none (or none the tz database
    knows), the zone of its dates' UTC offset. Either is a repair in the report."""
    written = conference.get("time_zone_name")
    if isinstance(written, str) and written.strip():
        canonical = values.canonical_timezone(written)
        if canonical is not None:
            if canonical != written:
                repairs.append(Repair(file, "conference", "time_zone_name", f"{written} written as {canonical}"))
            return canonical
    dated = [_moment(conference.get("start")), *(_moment(t.get("date")) for t in talks)]
    with_offset = next((moment for moment in dated if moment is not None and moment.utcoffset() is not None), None)
    derived = values.offset_timezone(with_offset) if with_offset else None
    zone, source = (derived, f"taken from the dates' offset {with_offset.isoformat()[19:]}") if derived else ("UTC", "UTC assumed")
    problem = "missing" if not isinstance(written, str) or not written.strip() else f"{written[:60]!r} is no time zone"
    repairs.append(Repair(file, "conference", "time_zone_name", f"{problem}; {zone} {source}"))
    return zone


def _openevent_files(
    conference: dict[str, Any], name: str, base_url: Any, repairs: list[Repair]
) -> tuple[dict[str, Any], list[str], dict[str, dict[str, Any]]]:
    """The Open Event v1 files of the schedule, each talk's place in it, and what each talk
    carries that Open Event has no field for (by talk id)."""
    acronym = str(conference.get("acronym") or slugify(str(conference.get("title") or "")) or "schedule")[:64]
    listed = _talks(conference, name)
    base = base_url if isinstance(base_url, str) else ""
    event = {
        "id": acronym,
        "identifier": f"c3voc-{acronym}",
        "name": conference.get("title") or acronym,
        "starts_at": conference.get("start"),
        "ends_at": conference.get("end"),
        "timezone": _time_zone(conference, [talk for _, _, talk in listed], name, repairs),
        "event_url": conference.get("url") or "",
        "logo": _absolute(conference.get("logo"), base),
        "state": "published",
    }
    colors = {
        str(t.get("name")): t.get("color")
        for t in _list(conference.get("tracks"), f"{name}: conference.tracks")
        if isinstance(t, dict)
    }
    catalogs: tuple[dict[str, Any], ...] = ({}, {}, {}, colors)  # tracks, session types, speakers, colors
    room_guids = {
        str(r.get("name")): _guid(r.get("guid"))
        for r in _list(conference.get("rooms"), f"{name}: conference.rooms")
        if isinstance(r, dict)
    }
    rooms: dict[str, dict[str, Any]] = {}
    sessions: list[dict[str, Any]] = []
    paths: list[str] = []
    kept: dict[str, dict[str, Any]] = {}
    for where, room_name, talk in listed:
        talk_id = _talk_id(talk)
        if talk_id in kept:
            repairs.append(Repair(name, where, "guid", f"{talk_id} listed before: this copy left out"))
            continue
        rooms.setdefault(room_name, {"id": room_name[:64], "name": room_name, "guid": room_guids.get(room_name, "")})
        paths.append(where)
        sessions.append(_session(talk, room_name, where=where, catalogs=catalogs, file=name, repairs=repairs))
        kept[talk_id] = _kept(talk, where=where, base=base, file=name, repairs=repairs)
    # An event file needs its dates; a schedule that gives none spans its talks.
    event["starts_at"] = _date_time(event["starts_at"]) or min((s["start_time"] for s in sessions if s["start_time"]), default=None)
    event["ends_at"] = _date_time(event["ends_at"], end=True) or max((s["end_time"] for s in sessions if s["end_time"]), default=None)
    tracks, types, speakers, _ = catalogs
    files = {
        "event": event,
        "sessions": sessions,
        "speakers": list(speakers.values()),
        "tracks": list(tracks.values()),
        "microlocations": list(rooms.values()),
        "session_types": list(types.values()),
    }
    return files, paths, kept


def _date_time(value: Any, *, end: bool = False) -> Any:
    """A conference date as the event file wants a date-time: a bare date is its day's start (or end);
    None for none, so the talks' span is used."""
    if not isinstance(value, str) or not value:
        return None
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        return f"{value}T23:59:00" if end else f"{value}T00:00:00"
    return value


def _talks(conference: dict[str, Any], name: str) -> list[tuple[str, str, dict[str, Any]]]:
    """(place in the schedule, room name, talk) of every talk, in the order listed."""
    found = []
    for day_index, day in enumerate(_list(conference.get("days"), f"{name}: conference.days")):
        day_where = f"conference.days[{day_index}]"
        rooms = _object(_object(day, f"{name}: {day_where}").get("rooms") or {}, f"{name}: {day_where}.rooms")
        for room_name, talks in rooms.items():
            for talk_index, listed in enumerate(_list(talks, f"{name}: {day_where}.rooms[{room_name!r}]")):
                where = f"{day_where}.rooms[{room_name!r}][{talk_index}]"
                found.append((where, str(room_name), _object(listed, f"{name}: {where}")))
    return found


def _session(
    talk: dict[str, Any], room_name: str, *, where: str, catalogs: tuple[dict[str, Any], ...], file: str, repairs: list[Repair]
) -> dict[str, Any]:
    """One talk as an Open Event session; adds its track, type and persons to the catalogs."""
    tracks, types, speakers, colors = catalogs
    start, end = _times(talk, where, repairs, file)
    track_name, type_name = talk.get("track"), talk.get("type")
    if track_name:
        tracks.setdefault(
            str(track_name), {"id": str(track_name)[:64], "name": track_name, "color": colors.get(str(track_name))}
        )
    if type_name:
        types.setdefault(str(type_name), {"id": str(type_name)[:64], "name": type_name})
    talk_id = _talk_id(talk)
    linked = []
    for index, person in enumerate(_list(talk.get("persons"), f"{file}: {where}.persons")):
        if not isinstance(person, dict):
            continue
        person_id = str(
            person.get("guid") or person.get("code") or person.get("id") or person.get("public_name") or person.get("name") or ""
        )[:64]
        if not person_id:
            repairs.append(Repair(file, f"{where}.persons[{index}]", "name", "a person with neither id nor name: left out"))
            continue
        speakers.setdefault(
            person_id,
            {
                "id": person_id,
                "name": person.get("name") or person.get("public_name") or "",
                "long_biography": person.get("biography") or "",
                "photo": _absolute(person.get("avatar"), ""),
                "guid": _guid(person.get("guid")),
                "sessions": [],
            },
        )
        speakers[person_id]["sessions"].append({"id": talk_id})
        linked.append({"id": person_id})
    title = talk.get("title") or ""
    if not str(title).strip():
        title = str(talk.get("slug") or "") or "Untitled session"
        repairs.append(Repair(file, where, "title", f"missing: titled {title[:60]!r}"))
    return {
        "id": talk_id,
        "title": title,
        "subtitle": talk.get("subtitle") or "",
        "short_abstract": talk.get("abstract") or "",
        "long_abstract": talk.get("description") or "",
        "language": talk.get("language") or "",
        "start_time": start,
        "end_time": end,
        "state": "accepted",
        "track": {"id": str(track_name)[:64]} if track_name else None,
        "microlocation": {"id": room_name[:64]},
        "session_type": {"id": str(type_name)[:64]} if type_name else None,
        "speakers": linked,
        "slides": _first_url(talk.get("attachments"), "slides") or _first_url(talk.get("links"), "slides"),
        "video": _first_url(talk.get("links"), "media"),
    }


def _first_url(references: Any, kind: str) -> str:
    for reference in references if isinstance(references, list) else []:
        if isinstance(reference, dict) and reference.get("type") == kind and isinstance(reference.get("url"), str):
            return reference["url"]
    return ""


def _kept(talk: dict[str, Any], *, where: str, base: str, file: str, repairs: list[Repair]) -> dict[str, Any]:
    """What the talk carries that an Open Event session has no field for, as the session keeps it."""
    kept: dict[str, Any] = {
        "guid": _guid(talk.get("guid")),
        "links": _references(talk.get("links"), f"{where}.links", base, file, repairs),
        "attachments": _references(talk.get("attachments"), f"{where}.attachments", base, file, repairs),
        "logo_url": _url(_absolute(talk.get("logo"), base), f"{where}", "logo", file, repairs),
        "feedback_url": _url(talk.get("feedback_url"), where, "feedback_url", file, repairs),
        "recording_license": str(talk.get("recording_license") or "")[:200],
        "do_not_record": talk.get("do_not_record") if isinstance(talk.get("do_not_record"), bool) else None,
        "do_not_stream": talk.get("do_not_stream") if isinstance(talk.get("do_not_stream"), bool) else None,
    }
    return kept


_UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")


def _guid(value: Any) -> str:
    """A guid as the schedule gives it when it is one (feeds write it back), else ""."""
    return value.lower() if isinstance(value, str) and _UUID.fullmatch(value) else ""


def _absolute(value: Any, base: str) -> str:
    """A URL the schedule may give relative to its base_url (logos), made absolute."""
    if isinstance(value, dict):  # schedule2 writes {"url": ...}
        value = value.get("url")
    if not isinstance(value, str) or not value:
        return ""
    return urljoin(base, value) if base else value


def _url(value: Any, where: str, field: str, file: str, repairs: list[Repair]) -> str:
    if not isinstance(value, str) or not value:
        return ""
    safe = values.safe_url(value)
    if safe is None:
        repairs.append(Repair(file, where, field, f"{value[:80]!r} is not an http(s) URL: left out"))
        return ""
    return safe


def _references(listed: Any, where: str, base: str, file: str, repairs: list[Repair]) -> list[dict[str, str]]:
    """Links or attachments as {"type", "title", "url"} (type and title may be empty); a reference
    whose URL is not http(s) is left out with a repair."""
    found = []
    for index, reference in enumerate(listed if isinstance(listed, list) else []):
        if not isinstance(reference, dict):
            continue
        url = _url(_absolute(reference.get("url"), base), f"{where}[{index}]", "url", file, repairs)
        if url:  # schedule2 spells types in capitals, v1 in lowercase: kept in v1's spelling
            kind = str(reference.get("type") or "").lower()
            found.append({"type": kind, "title": str(reference.get("title") or ""), "url": url})
    return found


def _talk_id(talk: dict[str, Any]) -> str:
    return str(talk.get("guid") or talk.get("id") or talk.get("code") or "")[:64]


def schedule2_as_v1(schedule: dict[str, Any]) -> dict[str, Any]:
    """A validated schedule2 (hub) document in the v1 shape `read_validated` reads: its events under
    their room in one day, participants resolved to persons, tracks by slug to their names."""
    conference = dict(schedule.get("conference") or {})
    tracks = {t.get("slug"): t.get("name") for t in conference.get("tracks") or [] if isinstance(t, dict)}
    persons = {p.get("guid"): p for p in schedule.get("persons") or [] if isinstance(p, dict)}
    rooms: dict[str, list[dict[str, Any]]] = {}
    for event in schedule.get("events") or []:
        room = event.get("room")
        room_name = str((room.get("name") if isinstance(room, dict) else room) or NO_ROOM.name)
        rooms.setdefault(room_name, []).append(_schedule2_talk(event, tracks, persons))
    conference["tracks"] = [
        {"name": t.get("name"), "color": (t.get("colors") or {}).get("light") if isinstance(t.get("colors"), dict) else t.get("color")}
        for t in conference.get("tracks") or []
        if isinstance(t, dict)
    ]
    conference["days"] = [{"rooms": rooms}]
    return {"version": schedule.get("version"), "base_url": schedule.get("base_url"), "conference": conference}


def _schedule2_talk(event: dict[str, Any], tracks: dict[Any, Any], persons: dict[Any, dict[str, Any]]) -> dict[str, Any]:
    track = event.get("track")
    track_name = tracks.get(track.get("slug"), track.get("name")) if isinstance(track, dict) else track
    links = [link for link in event.get("links") or [] if isinstance(link, dict)]
    # schedule2 gives the feedback page as a link of type FEEDBACK (hub exports also as "feedback").
    feedback = next((link for link in links if str(link.get("type")).upper() == "FEEDBACK"), event.get("feedback"))
    participants = [p for p in event.get("participants") or [] if isinstance(p, dict)]
    return {
        "guid": event.get("guid"),
        "id": event.get("id"),
        "code": event.get("code"),
        "date": event.get("start"),
        "end": event.get("end"),
        "duration": event.get("duration") or "00:00",
        "title": event.get("title"),
        "subtitle": event.get("subtitle"),
        "track": track_name,
        "type": event.get("type"),
        "language": event.get("language"),
        "abstract": event.get("abstract"),
        "description": event.get("description"),
        "logo": event.get("logo"),
        "persons": [persons.get(p.get("guid"), {}) | p for p in participants],
        "links": [link for link in links if link is not feedback],
        "attachments": event.get("attachments"),
        "feedback_url": event.get("feedback_url") or (feedback.get("url") if isinstance(feedback, dict) else None),
        "recording_license": event.get("recording_license"),
        "do_not_record": event.get("do_not_record"),
        "do_not_stream": event.get("do_not_stream"),
    }


# --- writing ---------------------------------------------------------------------------

GENERATOR = {"name": "podium", "version": "1"}
C3VOC_SCHEMA_URL = "https://c3voc.de/schedule/schema.json"


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
    """Compact JSON in the order the dicts were built: the voc examples' key order (the voc
    library's XML conversion wants `version` before `conference`), so never sorted."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode()


def acronym(view: EventView) -> str:
    """The event slug in the shape c3voc accepts (no hyphens)."""
    return view.event.slug.replace("-", "_")


def hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def room_name(session: SessionView) -> str:
    return (session.room or NO_ROOM).name


def session_slug(view: EventView, session: SessionView) -> str:
    """`<acronym>-<number>-<title>`: the number keeps it unique and gives the part after the first
    hyphen the four characters frab's XSD wants, whatever the title."""
    return f"{acronym(view)}-{session.number}-{slugify(session.session.title)[:48]}".strip("-")


def session_guid(view: EventView, session: SessionView) -> str:
    """The guid the session came with (c3voc, frab), else one of this event's (UUID5 in its namespace)."""
    return session.session.guid or view.session_uuid(session.session.id)


def session_type_name(session: SessionView) -> str:
    """The session type as written (c3voc's examples are lowercase, but clients show what they get)."""
    return session.session_type.name if session.session_type else "talk"


# The schemas' time_zone_name pattern: an Area/Location name or UTC (so no Etc/GMT-1).
_SCHEMA_ZONE = re.compile(r"[A-Z][a-z]+/[A-Z][a-z]+.*|UTC")


def time_zone_name(view: EventView) -> str:
    """The event's zone by its canonical IANA name ("UTC" for UTC's), always given: clients such as
    the voc library's `tz()` read it, and know no alias like US/Pacific. A fixed-offset zone (what an
    import derives from offsets alone, Etc/GMT-1) is written as the first Area/Location zone with the
    same offset at the event's start and end, which the schemas accept; every date in the feed
    carries its offset, so the times stay exact either way."""
    zone = values.canonical_timezone(view.event.timezone) or "UTC"
    if _SCHEMA_ZONE.fullmatch(zone):
        return zone
    return _located_zone(zone, view.event.starts_at, view.event.ends_at) or zone


@functools.cache
def _located_zone(zone: str, starts_at: datetime, ends_at: datetime) -> str | None:
    """The first Area/Location zone whose offsets at both moments are `zone`'s, or None."""
    wanted = [moment.astimezone(ZoneInfo(zone)).utcoffset() for moment in (starts_at, ends_at)]
    for candidate in values.located_zone_names():
        if _SCHEMA_ZONE.fullmatch(candidate) and [
            moment.astimezone(ZoneInfo(candidate)).utcoffset() for moment in (starts_at, ends_at)
        ] == wanted:
            return candidate
    return None


def conference_dates(view: EventView) -> tuple[str, str]:
    """<conference><start>/<end> as dates in the event's zone: pretalx's frab import reads dates there."""
    return view.local(view.event.starts_at).date().isoformat(), view.local(view.event.ends_at).date().isoformat()


def day_bounds(view: EventView, day: DayView) -> tuple[datetime, datetime]:
    start = min(s.local_start for s in day.sessions if s.local_start)
    end = max((s.local_end or s.local_start) for s in day.sessions if s.local_start)
    return start, end


def _reference(kind: str, title: str, url: str) -> dict[str, str]:
    reference = {"type": kind} if kind in REFERENCE_TYPES else {}
    return reference | ({"title": title} if title else {}) | {"url": url}


def session_links(session: SessionView) -> list[dict[str, str]]:
    """Links as c3voc writes them ({type?, title?, url}): the kept ones, then the video."""
    s = session.session
    links = [_reference(kind, title, url) for kind, title, url in s.links]
    if s.video_url.startswith(("http://", "https://")) and s.video_url not in {link["url"] for link in links}:
        links.append(_reference("media", "Video", s.video_url))
    return links


def session_attachments(session: SessionView) -> list[dict[str, str]]:
    """Attachments as c3voc writes them: the kept ones, then the slides."""
    s = session.session
    attachments = [_reference(kind, title, url) for kind, title, url in s.attachments]
    if s.slides_url.startswith(("http://", "https://")) and s.slides_url not in {a["url"] for a in attachments}:
        attachments.append(_reference("slides", "Slides", s.slides_url))
    return attachments


def _c3voc_event(view: EventView, session: SessionView) -> dict[str, object]:
    s = session.session
    event: dict[str, object] = {
        "id": session.number,
        "guid": session_guid(view, session),
        "logo": s.logo_url or None,
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
        "type": session_type_name(session),
        "language": s.language or None,
        "abstract": plain_text(s.short_abstract) or None,
        "description": plain_text(s.long_abstract) or None,
    }
    if s.recording_license:
        event["recording_license"] = s.recording_license
    if s.do_not_record is not None:
        event["do_not_record"] = s.do_not_record
    if s.do_not_stream is not None:
        event["do_not_stream"] = s.do_not_stream
    event["persons"] = [
        {"name": p.name, "guid": p.guid or view.speaker_uuid(p.id), "url": view.absolute(f"{view.root}speakers/{p.id}/")}
        for p in session.speakers
    ]
    event["links"] = session_links(session)
    if s.feedback_url:
        event["feedback_url"] = s.feedback_url
    event["attachments"] = session_attachments(session)
    return event


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
    start, end = conference_dates(view)
    conference: dict[str, object] = {
        "acronym": acronym(view),
        "title": event.name,
        "start": start,
        "end": end,
        "daysCount": len(view.days),
        "timeslot_duration": "00:05",
        "time_zone_name": time_zone_name(view),
        **({"logo": event.logo_url} if event.logo_url.startswith(("http://", "https://")) else {}),
        "url": view.absolute(view.root),
        "tracks": [{"name": t.name, "slug": slugify(t.name) or t.id, "color": t.color} for t in view.tracks_in_order()],
        "rooms": [{"name": r.name, "guid": r.guid or view.room_uuid(r.id)} for r in view.rooms_in_order()],
        "days": [_c3voc_day(view, day, slots, pieces) for day in view.days],
    }
    schedule = {
        "version": view.bundle.schedule_version or "1.0",  # a released schedule's version (manual mode)
        "base_url": view.absolute("/"),
        "conference": conference,
    }
    skeleton = _dumps({"$schema": C3VOC_SCHEMA_URL, "generator": GENERATOR, "schedule": schedule})
    return _JSON_SLOT_STRING.sub(lambda found: slots[int(found.group(1))], skeleton)
