"""The public bundle of an Open Event export (for `build_site.py --from-openevent` and the tests),
as from_db.py makes it from the table: the export is read by chalicelib/formats/openevent.py."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from chalicelib.formats.openevent import OpenEventExport, read_export
from chalicelib.public.bundle import (
    Event,
    EventBundle,
    Post,
    Room,
    Session,
    SessionType,
    Speaker,
    Sponsor,
    Track,
    public_bundle,
    references,
)


def cfp_state(cfp: dict[str, Any] | None, now: datetime) -> str | None:
    """upcoming | open | closed for a public call for papers with an end; None otherwise."""
    if not cfp or cfp.get("privacy") == "private" or not cfp.get("ends_at"):
        return None
    if cfp.get("starts_at") and now < cfp["starts_at"]:
        return "upcoming"
    return "open" if now <= cfp["ends_at"] else "closed"


def _pick(cls: type, record: dict[str, Any], **overrides: Any) -> Any:
    """Build a public dataclass from the record's matching fields only."""
    names = cls.__dataclass_fields__.keys()
    return cls(**({k: record[k] for k in names if k in record} | overrides))


def export_to_bundle(export: OpenEventExport, *, now: datetime | None = None) -> EventBundle:
    """Public bundle (accepted/confirmed sessions only) from a parsed export."""
    now = now or datetime.now(UTC)
    event = _pick(Event, export.event, cfp_state=cfp_state(export.event["call_for_papers"], now))
    bundle = EventBundle(
        event=event,
        tracks=tuple(_pick(Track, t) for t in export.tracks),
        rooms=tuple(_pick(Room, r) for r in export.rooms),
        session_types=tuple(_pick(SessionType, t) for t in export.session_types),
        sessions=tuple(
            _pick(Session, s, links=references(s.get("links")), attachments=references(s.get("attachments")))
            for s in export.sessions
        ),
        speakers=tuple(_pick(Speaker, s) for s in export.speakers),
        sponsors=tuple(_pick(Sponsor, s) for s in export.sponsors),
        # Podium's exports carry posts; the site shows the published ones, as from the table.
        posts=tuple(_pick(Post, p) for p in export.posts if p.get("published") and p.get("published_at")),
    )
    return public_bundle(bundle)


def load_bundle(path: str | Path, *, now: datetime | None = None) -> EventBundle:
    """Read an export and return its public bundle."""
    return export_to_bundle(read_export(path), now=now)
