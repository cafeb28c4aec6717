"""Export an event as an Open Event export (v2, kebab-case), the shape `openevent.read_export` reads.

Records carry their source ids (imported records) or Podium ids (records made here), so
export → import → export gives equal files. Each field the projections (domain/projections.py)
keep from the audience stays out of the file: the same rule as the API's.
"""

from __future__ import annotations

import io
import json
import zipfile
from collections import defaultdict
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from chalicelib.db import content
from chalicelib.db.base import Item
from chalicelib.db.queries import event_items
from chalicelib.domain.actors import Actor
from chalicelib.domain.event_access import require
from chalicelib.domain.events import get_event
from chalicelib.domain.projections import Audience
from chalicelib.errors import NotFound
from chalicelib.jobs.enqueue import enqueue

_ZIP_TIME = (1980, 1, 1, 0, 0, 0)  # fixed, so equal data gives equal bytes


def start_export(*, actor: Actor, event_id: str) -> str:
    """Start the export job of a live event the actor may export (returns its id; 404 for a
    trashed or missing event)."""
    require(actor, "event.export", event_id)
    get_event(event_id)
    return enqueue("export_event", _event_id=event_id, event_id=event_id)


def export_files(*, event_id: str, audience: Audience) -> dict[str, bytes]:
    """File name → JSON bytes of the event's Open Event export. Raises NotFound."""
    by_kind: dict[type[Item], list[Any]] = defaultdict(list)
    exported = {content.Event, *content.CHILD_KINDS.values()}  # roles, invites and the like stay out
    for item in event_items(event_id):
        if type(item) in exported and not item.is_trashed():
            by_kind[type(item)].append(item)
    if not by_kind[content.Event]:
        raise NotFound("no such event")
    event: content.Event = by_kind[content.Event][0]
    tz = ZoneInfo(event.timezone or "UTC")
    ids = _SourceIds(by_kind, audience)
    tracks, rooms, types = by_kind[content.Track], by_kind[content.Room], by_kind[content.SessionType]
    sessions, speakers, sponsors = by_kind[content.Session], by_kind[content.Speaker], by_kind[content.Sponsor]
    records = {
        "event": _event(event, tz, audience),
        "tracks": [_track(t, ids) for t in tracks],
        "microlocations": [_room(r, ids) for r in rooms],
        "session-types": [_session_type(t, ids) for t in types],
        "sessions": [_session(s, ids, tz, audience) for s in sessions],
        "speakers": [_speaker(s, ids, audience) for s in speakers],
        "sponsors": [_sponsor(s, ids) for s in sponsors],
    }
    for value in records.values():
        if isinstance(value, list):
            value.sort(key=lambda record: str(record["id"]))
    return {name: _dumps(value) for name, value in records.items()}


def export_zip(*, event_id: str, audience: Audience) -> bytes:
    """The export as a zip with one file per kind (no extension, as Open Event writes them)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in export_files(event_id=event_id, audience=audience).items():
            archive.writestr(zipfile.ZipInfo(name, date_time=_ZIP_TIME), data, zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


def _dumps(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, indent=1, sort_keys=True).encode()


class _SourceIds:
    """Podium id → the id the export writes (the source id when the record was imported and
    the audience sees import keys)."""

    def __init__(self, by_kind: dict[type[Item], list[Any]], audience: Audience) -> None:
        self._ids = {
            (type(i), i.id): (i.source_id if audience.shows(i.kind_name, "source_id") else None) or i.id
            for items in by_kind.values()
            for i in items
        }
        self.by_id = {(type(i), i.id): i for items in by_kind.values() for i in items}

    def of(self, model: type[Item], item_id: str | None) -> str | None:
        return self._ids.get((model, item_id)) if item_id else None

    def item(self, model: type[Item], item_id: str | None) -> Any:
        return self.by_id.get((model, item_id)) if item_id else None


def _time(value: datetime | None, tz: ZoneInfo) -> str | None:
    return value.astimezone(tz).isoformat() if value else None


def _text(value: str | None) -> str | None:
    return value or None


def _event(e: content.Event, tz: ZoneInfo, audience: Audience) -> dict[str, Any]:
    cfp = e.call_for_papers
    imported = audience.shows("event", "source_key")
    record = {
        "id": (e.source_id if imported else None) or e.id,
        "identifier": (e.source_key if imported else None) or e.id,
        "name": e.name,
        "description": _text(e.description),
        "starts-at": _time(e.starts_at, tz),
        "ends-at": _time(e.ends_at, tz),
        "timezone": e.timezone or "UTC",
        "location-name": _text(e.location_name),
        "latitude": e.latitude,
        "longitude": e.longitude,
        "logo-url": _text(e.logo_url),
        "original-image-url": _text(e.banner_url),
        "organizer-name": _text(e.organizer_name),
        "organizer-description": _text(e.organizer_description),
        "ticket-url": _text(e.ticket_url),
        "code-of-conduct": _text(e.code_of_conduct),
        "event-url": _text(e.event_url),
        "licence-details": {"long-name": e.licence} if e.licence else None,
        "social-links": [{"name": link.name, "link": link.url} for link in e.social_links or []],
        "speakers-call": {
            "announcement": _text(cfp.announcement),
            "starts-at": _time(cfp.starts_at, tz),
            "ends-at": _time(cfp.ends_at, tz),
            "privacy": _text(cfp.privacy),
        }
        if cfp
        else None,
        "state": e.state,
    }
    return record | _allowed(audience, "event", {"email": ("email", _text(e.email))})


def _allowed(audience: Audience, kind: str, fields: dict[str, tuple[str, Any]]) -> dict[str, Any]:
    """Export keys → (model field, value): the entries whose field `audience` sees."""
    return {key: value for key, (field, value) in fields.items() if audience.shows(kind, field)}


def _track(t: content.Track, ids: _SourceIds) -> dict[str, Any]:
    return {
        "id": ids.of(content.Track, t.id),
        "name": t.name,
        "description": _text(t.description),
        "color": _text(t.color),
        "font-color": _text(t.text_color),
    }


def _room(r: content.Room, ids: _SourceIds) -> dict[str, Any]:
    return {
        "id": ids.of(content.Room, r.id),
        "name": r.name,
        "floor": None if r.floor is None else int(r.floor),
        "latitude": r.latitude,
        "longitude": r.longitude,
    }


def _length(minutes: float | None) -> str | None:
    return None if minutes is None else f"{int(minutes) // 60:02d}:{int(minutes) % 60:02d}"


def _session_type(t: content.SessionType, ids: _SourceIds) -> dict[str, Any]:
    return {"id": ids.of(content.SessionType, t.id), "name": t.name, "length": _length(t.length_minutes)}


def _reference(model: type[Item], item_id: str | None, ids: _SourceIds, label: str = "name") -> dict[str, Any] | None:
    item = ids.item(model, item_id)
    return {"id": ids.of(model, item_id), label: getattr(item, label)} if item is not None else None


def _session(s: content.Session, ids: _SourceIds, tz: ZoneInfo, audience: Audience) -> dict[str, Any]:
    record = {
        "id": ids.of(content.Session, s.id),
        "title": s.title,
        "subtitle": _text(s.subtitle),
        "short-abstract": _text(s.short_abstract),
        "long-abstract": _text(s.long_abstract),
        "language": _text(s.language),
        "level": _text(s.level),
        "slides-url": _text(s.slides_url),
        "video-url": _text(s.video_url),
        "audio-url": _text(s.audio_url),
        "signup-url": _text(s.signup_url),
        "state": s.state,
        "starts-at": _time(s.starts_at, tz),
        "ends-at": _time(s.ends_at, tz),
        "track": _reference(content.Track, s.track_id, ids),
        "microlocation": _reference(content.Room, s.room_id, ids),
        "session-type": _reference(content.SessionType, s.session_type_id, ids),
        "speakers": [r for r in (_reference(content.Speaker, i, ids) for i in s.speaker_ids or []) if r],
    }
    return record | _allowed(audience, "session", {"comments": ("comments", _text(s.comments))})


# Open Event's names for the speaker's contact and profile answers.
_SPEAKER_ANSWERS = {
    "email": "email",
    "mobile": "phone",
    "gender": "gender",
    "heard-from": "heard_from",
    "speaking-experience": "speaking_experience",
    "sponsorship-required": "sponsorship_required",
}


def _speaker(s: content.Speaker, ids: _SourceIds, audience: Audience) -> dict[str, Any]:
    record = {
        "id": ids.of(content.Speaker, s.id),
        "name": s.name,
        "photo-url": _text(s.photo_url),
        "short-biography": _text(s.short_biography),
        "long-biography": _text(s.long_biography),
        "is-featured": bool(s.featured),
        "sessions": [r for r in (_reference(content.Session, i, ids, "title") for i in s.session_ids or []) if r],
    }
    for name in ("organisation", "position", "country", "city", "website", "twitter", "github", "linkedin", "facebook"):
        record[name] = _text(getattr(s, name))
    answers = {key: (field, _text(getattr(s, field))) for key, field in _SPEAKER_ANSWERS.items()}
    return record | _allowed(audience, "speaker", answers)


def _sponsor(s: content.Sponsor, ids: _SourceIds) -> dict[str, Any]:
    return {
        "id": ids.of(content.Sponsor, s.id),
        "name": s.name,
        "description": _text(s.description),
        "url": _text(s.url),
        "logo-url": _text(s.logo_url),
        "type": _text(s.tier),
        "level": None if s.level is None else int(s.level),
    }
