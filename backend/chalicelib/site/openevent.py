"""Read an Open Event export (folder or zip, v1 snake_case or v2 kebab-case).

`read_export(path)` returns every record, private fields and all session states
included, keyed by Podium ids; `export_to_bundle(export)` turns that into the
public `EventBundle`. Anything malformed raises `ExportError`. Values go through the
vocabulary of chalicelib/values.py, as the API's do: what can be repaired (control characters,
line breaks in one-line fields, unsafe URLs, numbers out of range, times out of order or
outside 1970-2100) is, with a warning in `OpenEventExport.warnings`.
"""

from __future__ import annotations

import base64
import hashlib
import re
import unicodedata
import zipfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from chalicelib import values

from .bundle import (
    Event,
    EventBundle,
    Room,
    Session,
    SessionType,
    Speaker,
    Sponsor,
    Track,
    public_bundle,
)

FILE_NAMES = (
    "event",
    "sessions",
    "speakers",
    "tracks",
    "microlocations",
    "sponsors",
    "session_types",
)
MAX_FILE_BYTES = 50 * 1024 * 1024
MAX_TOTAL_BYTES = 200 * 1024 * 1024
MAX_COMPRESSION_RATIO = 100
MAX_SHORT_TEXT = 1_000
MAX_LONG_TEXT = 200_000
SHORT_TEXT_FIELDS = frozenset({"name", "title", "subtitle", "slug", "state", "language", "level"})
# Fields that may hold line breaks (plain or rich text); every other text field is one line.
MULTILINE_FIELDS = frozenset(
    {
        "description", "short_abstract", "long_abstract", "short_biography", "long_biography",
        "organizer_description", "code_of_conduct", "announcement", "comments", "speaking_experience",
        "heard_from", "sponsorship_required",
    }
)  # fmt: skip
URL_FIELDS = frozenset(
    {
        "logo_url", "banner_url", "large_image_url", "ticket_url", "event_url", "url", "photo_url", "website",
        "slides_url", "video_url", "audio_url", "signup_url",
    }
)  # fmt: skip
SESSION_STATES = ("draft", "pending", "accepted", "confirmed", "rejected", "withdrawn", "canceled")
MAX_JSON_DEPTH = 64  # exports nest a few levels; far deeper is hostile

# v1 and v2 spellings that differ by more than "-" vs "_", mapped to Podium names.
KEY_ALIASES = {
    "start_time": "starts_at",
    "end_time": "ends_at",
    "start_date": "starts_at",
    "end_date": "ends_at",
    "photo": "photo_url",
    "slides": "slides_url",
    "video": "video_url",
    "audio": "audio_url",
    "logo": "logo_url",
    "font_color": "text_color",
    "is_featured": "featured",
    "speakers_call": "call_for_papers",
    "microlocation": "room",
    "background_image": "banner_url",
    "original_image_url": "banner_url",
    "type": "tier",
}


class ExportError(ValueError):
    """The export is missing, malformed or over a size bound."""


@dataclass(frozen=True)
class OpenEventExport:
    """Every record of one export, normalized to Podium field names (dicts)."""

    event: dict[str, Any]
    tracks: list[dict[str, Any]]
    rooms: list[dict[str, Any]]
    session_types: list[dict[str, Any]]
    sessions: list[dict[str, Any]]
    speakers: list[dict[str, Any]]
    sponsors: list[dict[str, Any]]
    warnings: tuple[str, ...] = ()  # what was repaired, naming file, record and field


def podium_id(kind: str, source_event_key: str, source_id: object) -> str:
    """Stable short id for a record imported from Open Event."""
    digest = hashlib.sha1(f"openevent/{source_event_key}/{kind}/{source_id}".encode(), usedforsecurity=False).digest()
    return base64.b32encode(digest).decode("ascii")[:12].lower()


def slugify(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


def event_slug(name: str, starts_at: datetime | None) -> str:
    """Slug from the event name, with the year appended when the name lacks it."""
    slug = slugify(name) or "event"
    if starts_at is not None and str(starts_at.year) not in slug:
        slug = f"{slug}-{starts_at.year}"
    return slug


# --- reading files -----------------------------------------------------------------


def read_raw_files(path: str | Path) -> dict[str, bytes]:
    """Raw bytes of each known export file found in a folder or zip."""
    source = Path(path)
    if source.is_dir():
        return _read_folder(source)
    if source.is_file() and zipfile.is_zipfile(source):
        return _read_zip(source)
    raise ExportError(f"{source}: not a folder or zip file")


def _known_name(member: str) -> str | None:
    name = PurePosixPath(member).name
    name = name.removesuffix(".json")
    name = name.replace("-", "_")
    return name if name in FILE_NAMES else None


def _read_folder(folder: Path) -> dict[str, bytes]:
    raw: dict[str, bytes] = {}
    for entry in sorted(folder.iterdir()):
        name = _known_name(entry.name)
        if name is None or not entry.is_file():
            continue
        if entry.stat().st_size > MAX_FILE_BYTES:
            raise ExportError(f"{entry.name}: file is larger than {MAX_FILE_BYTES} bytes")
        raw[name] = entry.read_bytes()
    return raw


def _check_zip_member(info: zipfile.ZipInfo) -> None:
    parts = PurePosixPath(info.filename.replace("\\", "/")).parts
    if info.filename.startswith(("/", "\\")) or ".." in parts or ":" in info.filename:
        raise ExportError(f"{info.filename}: unsafe path in zip")
    if info.file_size > MAX_FILE_BYTES:
        raise ExportError(f"{info.filename}: uncompressed size {info.file_size} over {MAX_FILE_BYTES}")
    if info.file_size > 1024 * 1024 and info.file_size > MAX_COMPRESSION_RATIO * max(info.compress_size, 1):
        raise ExportError(f"{info.filename}: compression ratio too high (zip bomb?)")


def _read_zip(archive: Path) -> dict[str, bytes]:
    raw: dict[str, bytes] = {}
    with zipfile.ZipFile(archive) as zipped:
        infos = zipped.infolist()
        for info in infos:
            _check_zip_member(info)
        if sum(i.file_size for i in infos) > MAX_TOTAL_BYTES:
            raise ExportError(f"{archive.name}: total uncompressed size over {MAX_TOTAL_BYTES}")
        for info in sorted(infos, key=lambda i: i.filename):
            name = _known_name(info.filename)
            if name is None or info.is_dir():
                continue
            with zipped.open(info) as member:
                # The header's size can lie; never read past the bound.
                data = member.read(MAX_FILE_BYTES + 1)
            if len(data) > MAX_FILE_BYTES:
                raise ExportError(f"{info.filename}: uncompressed data over {MAX_FILE_BYTES}")
            raw[name] = data
    return raw


def _parse_json(name: str, data: bytes) -> Any:
    try:
        return values.parse_json(data, max_depth=MAX_JSON_DEPTH)
    except values.ValueProblem as problem:
        raise ExportError(f"{name}: not valid JSON ({problem})") from None


# --- normalizing records -------------------------------------------------------------


class _Context:
    """Where we are (file, record index) so every error names it."""

    def __init__(self, file: str, index: int | None, tz: ZoneInfo, warnings: list[str]):
        self.file, self.index, self.tz, self.warnings = file, index, tz, warnings

    @property
    def where(self) -> str:
        return self.file if self.index is None else f"{self.file}[{self.index}]"

    def error(self, message: str) -> ExportError:
        return ExportError(f"{self.where}: {message}")

    def warn(self, message: str) -> None:
        self.warnings.append(f"{self.where}: {message}")


def _normalize_keys(record: dict[str, Any]) -> dict[str, Any]:
    normalized = {}
    for key, value in record.items():
        snake = key.replace("-", "_")
        normalized[KEY_ALIASES.get(snake, snake)] = value
    return normalized


def _text(ctx: _Context, record: dict[str, Any], key: str) -> str:
    value = record.get(key)
    if value is None:
        return ""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str):
        raise ctx.error(f"{key} should be text, got {type(value).__name__}")
    limit = MAX_SHORT_TEXT if key in SHORT_TEXT_FIELDS else MAX_LONG_TEXT
    if len(value) > limit:
        raise ctx.error(f"{key} is {len(value)} characters, over the limit of {limit}")
    multiline = key in MULTILINE_FIELDS
    problem = values.text_problem(value, multiline=multiline)
    if problem:
        value = values.clean_text(value, multiline=multiline)
        ctx.warn(f"{key} {problem}: repaired")
    if key in URL_FIELDS and value.strip() and values.safe_url(value) is None:
        ctx.warn(f"{key} is not an http(s) URL: left out")
        return ""
    return value.strip() if key in SHORT_TEXT_FIELDS or key in URL_FIELDS else value


def _time(ctx: _Context, record: dict[str, Any], key: str) -> datetime | None:
    value = record.get(key)
    if value in (None, ""):
        return None
    if not isinstance(value, str) or len(value) > 64:
        raise ctx.error(f"{key} is not an ISO 8601 time")
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError as error:
        raise ctx.error(f"{key} is not an ISO 8601 time: {value!r}") from error
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=ctx.tz)
    try:
        return values.bounded_datetime(parsed).astimezone(UTC)
    except values.ValueProblem as problem:
        ctx.warn(f"{key} {problem}: left out")
        return None


def _times(ctx: _Context, record: dict[str, Any]) -> tuple[datetime | None, datetime | None]:
    """starts_at and ends_at; both left out (with a warning) when the end comes before the start."""
    starts_at, ends_at = _time(ctx, record, "starts_at"), _time(ctx, record, "ends_at")
    if values.order_problem(starts_at, ends_at):
        ctx.warn("ends_at is before starts_at: both left out")
        return None, None
    return starts_at, ends_at


def _source_id(ctx: _Context, record: Any) -> str:
    if not isinstance(record, dict):
        raise ctx.error("record should be an object")
    value = record.get("id")
    if isinstance(value, bool) or not isinstance(value, (int, str)) or str(value).strip() == "":
        raise ctx.error("record has no id")
    if len(str(value)) > 64:
        raise ctx.error("id is too long")
    if values.text_problem(str(value)):
        raise ctx.error(f"id {values.text_problem(str(value))}")
    return str(value)


def _number(ctx: _Context, record: dict[str, Any], key: str, *, low: float, high: float) -> float | None:
    """A finite number from `low` to `high` (or its text); left out with a warning otherwise."""
    value = record.get(key)
    if isinstance(value, bool) or value in (None, ""):
        return None
    number = values.clean_number(value, minimum=low, maximum=high)
    if number is None:
        ctx.warn(f"{key} is not a number from {low:g} to {high:g}: left out")
    return number


def _minutes(length: Any) -> int | None:
    """'01:55' -> 115; None unless from 1 minute to a day."""
    if isinstance(length, int) and not isinstance(length, bool):
        minutes = length
    else:
        match = re.fullmatch(r"(\d{1,3}):(\d{2})", str(length or ""), re.ASCII)
        minutes = int(match[1]) * 60 + int(match[2]) if match else 0
    return minutes if 1 <= minutes <= 24 * 60 else None


def _records(raw: dict[str, bytes], name: str) -> list[Any] | None:
    if name not in raw:
        return None
    parsed = _parse_json(name, raw[name])
    if not isinstance(parsed, list):
        raise ExportError(f"{name}: should hold a JSON list")
    return parsed


def _timezone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name or "UTC")
    except (ZoneInfoNotFoundError, ValueError) as error:
        raise ExportError(f"event: unknown timezone {name!r}") from error


def _parse_event(raw: dict[str, bytes], warnings: list[str]) -> dict[str, Any]:
    if "event" not in raw:
        raise ExportError("event: file missing from export")
    parsed = _parse_json("event", raw["event"])
    if not isinstance(parsed, dict):
        raise ExportError("event: should hold a JSON object")
    record = _normalize_keys(parsed)
    tz_name = record.get("timezone") or "UTC"
    if not isinstance(tz_name, str):
        raise ExportError("event: timezone should be text")
    ctx = _Context("event", None, _timezone(tz_name), warnings)
    source_id = _source_id(ctx, record)
    key = str(record.get("identifier") or source_id)
    name = _text(ctx, record, "name")
    if not name:
        raise ctx.error("event has no name")
    starts_at, ends_at = _time(ctx, record, "starts_at"), _time(ctx, record, "ends_at")
    if starts_at is None or ends_at is None:
        raise ctx.error("event needs starts_at and ends_at")
    if values.order_problem(starts_at, ends_at):
        raise ctx.error("event ends_at is before starts_at")
    return {
        "id": podium_id("event", key, source_id),
        "source_id": source_id,
        "source_key": key,
        "slug": event_slug(name, starts_at.astimezone(ctx.tz)),
        "name": name,
        "description": _text(ctx, record, "description"),
        "starts_at": starts_at,
        "ends_at": ends_at,
        "timezone": tz_name,
        "location_name": _text(ctx, record, "location_name").strip(),
        "latitude": _number(ctx, record, "latitude", low=-90, high=90),
        "longitude": _number(ctx, record, "longitude", low=-180, high=180),
        "logo_url": _text(ctx, record, "logo_url"),
        "banner_url": _text(ctx, record, "banner_url") or _text(ctx, record, "large_image_url"),
        "organizer_name": _text(ctx, record, "organizer_name"),
        "organizer_description": _text(ctx, record, "organizer_description"),
        "ticket_url": _text(ctx, record, "ticket_url"),
        "code_of_conduct": _text(ctx, record, "code_of_conduct"),
        "licence": _licence(record),
        "social_links": _social_links(ctx, record.get("social_links")),
        "call_for_papers": _call_for_papers(ctx, record.get("call_for_papers")),
        "email": _email(record.get("email")),
        "published": str(record.get("state") or "").lower() == "published",
        "event_url": _text(ctx, record, "event_url"),
    }


def _licence(record: dict[str, Any]) -> str:
    details = record.get("licence_details")
    if isinstance(details, dict):
        return str(details.get("long_name") or details.get("long-name") or details.get("name") or "")
    copyright_ = record.get("copyright") or record.get("event_copyright")
    if isinstance(copyright_, dict):
        return str(copyright_.get("licence") or "")
    return ""


def _email(value: Any) -> str | None:
    if not isinstance(value, str) or not value.strip() or values.text_problem(value) or len(value) > 254:
        return None
    return value.strip()


def _social_links(ctx: _Context, links: Any) -> tuple[tuple[str, str], ...]:
    if not isinstance(links, list):
        return ()
    pairs = []
    for index, link in enumerate(links):
        if isinstance(link, dict) and isinstance(link.get("link"), str) and link["link"]:
            url = values.safe_url(link["link"])
            if url is None:
                ctx.warn(f"social_links[{index}] is not an http(s) URL: left out")
                continue
            name = values.clean_text(str(link.get("name") or url))[:100].strip() or url[:100]
            pairs.append((name, url))
    return tuple(pairs)


def _call_for_papers(ctx: _Context, cfp: Any) -> dict[str, Any] | None:
    if not isinstance(cfp, dict):
        return None
    cfp = _normalize_keys(cfp)
    starts_at, ends_at = _times(_Context("event.call_for_papers", None, ctx.tz, ctx.warnings), cfp)
    return {
        "announcement": _text(ctx, cfp, "announcement"),
        "starts_at": starts_at,
        "ends_at": ends_at,
        "privacy": "private" if cfp.get("privacy") == "private" else "public",
    }


def _catalog(
    raw: dict[str, bytes], file: str, tz: ZoneInfo, build: Any, embedded: list[Any], *, warnings: list[str]
) -> dict[str, dict[str, Any]]:
    """Records of one kind by source id: from its file, else from embedded copies."""
    listed = _records(raw, file)
    source = listed if listed is not None else embedded
    catalog: dict[str, dict[str, Any]] = {}
    for index, item in enumerate(source):
        if item is None:
            continue
        ctx = _Context(file, index, tz, warnings)
        record = build(ctx, _source_id(ctx, item), _normalize_keys(item))
        catalog.setdefault(record["source_id"], record)
    return catalog


class _Builder:
    """Builds normalized records of one export; holds the event key for ids."""

    def __init__(self, event: dict[str, Any]):
        self.key = event["source_key"]

    def _base(self, kind: str, source_id: str) -> dict[str, Any]:
        return {"id": podium_id(kind, self.key, source_id), "source_id": source_id}

    def track(self, ctx: _Context, source_id: str, r: dict[str, Any]) -> dict[str, Any]:
        return self._base("track", source_id) | {
            "name": _text(ctx, r, "name") or "Untitled track",
            "description": _text(ctx, r, "description"),
            "color": _color(_text(ctx, r, "color"), "#5c6b7a"),
            "text_color": _color(_text(ctx, r, "text_color"), "#ffffff"),
        }

    def room(self, ctx: _Context, source_id: str, r: dict[str, Any]) -> dict[str, Any]:
        floor = r.get("floor")
        return self._base("room", source_id) | {
            "name": _text(ctx, r, "name") or "Unnamed room",
            "floor": values.clean_number(floor, minimum=-20, maximum=300, whole=True) if floor is not None else None,
            "latitude": _number(ctx, r, "latitude", low=-90, high=90),
            "longitude": _number(ctx, r, "longitude", low=-180, high=180),
        }

    def session_type(self, ctx: _Context, source_id: str, r: dict[str, Any]) -> dict[str, Any]:
        return self._base("session_type", source_id) | {
            "name": _text(ctx, r, "name") or "Session",
            "length_minutes": _minutes(r.get("length")),
        }

    def sponsor(self, ctx: _Context, source_id: str, r: dict[str, Any]) -> dict[str, Any]:
        level = values.clean_number(r.get("level"), minimum=0, maximum=100, whole=True)
        if level is None and r.get("level") not in (None, ""):
            ctx.warn("level is not a whole number from 0 to 100: left out")
        return self._base("sponsor", source_id) | {
            "name": _text(ctx, r, "name"),
            "description": _text(ctx, r, "description"),
            "url": _text(ctx, r, "url"),
            "logo_url": _text(ctx, r, "logo_url"),
            "tier": _text(ctx, r, "tier"),
            "level": level or 0,
        }

    def speaker(self, ctx: _Context, source_id: str, r: dict[str, Any]) -> dict[str, Any]:
        text_fields = (
            "name", "short_biography", "long_biography", "organisation", "position", "country",
            "city", "website", "twitter", "github", "linkedin", "facebook", "email", "mobile",
            "gender", "heard_from", "speaking_experience", "sponsorship_required",
        )  # fmt: skip
        record = self._base("speaker", source_id) | {f: _text(ctx, r, f) for f in text_fields}
        sessions = r.get("sessions") if isinstance(r.get("sessions"), list) else []
        return record | {
            "photo_url": _text(ctx, r, "photo_url"),
            "featured": bool(r.get("featured")),
            "session_ids": tuple(
                podium_id("session", self.key, s["id"]) for s in sessions if isinstance(s, dict) and "id" in s
            ),
        }


def _color(value: str, default: str) -> str:
    return value.lower() if re.fullmatch(r"#[0-9a-fA-F]{6}", value or "") else default


def _embedded(records: list[Any], key: str) -> list[Any]:
    found = []
    for record in records:
        if isinstance(record, dict):
            value = _normalize_keys(record).get(key)
            found.extend(value if isinstance(value, list) else [value])
    return found


def _reference(ctx: _Context, value: Any, catalog: dict[str, dict[str, Any]], what: str) -> str | None:
    if value is None:
        return None
    source_id = str(value.get("id")) if isinstance(value, dict) else str(value)
    if source_id not in catalog:
        raise ctx.error(f"names unknown {what} {source_id}")
    return catalog[source_id]["id"]


def _session(
    ctx: _Context,
    r: dict[str, Any],
    builder: _Builder,
    catalogs: dict[str, dict[str, dict[str, Any]]],
) -> dict[str, Any]:
    source_id = _source_id(ctx, r)
    text_fields = (
        "title", "subtitle", "short_abstract", "long_abstract", "language", "level",
        "slides_url", "video_url", "audio_url", "signup_url", "comments",
    )  # fmt: skip
    record = builder._base("session", source_id) | {f: _text(ctx, r, f) for f in text_fields}
    speakers = r.get("speakers") if isinstance(r.get("speakers"), list) else []
    speaker_ids = [_reference(ctx, s, catalogs["speakers"], "speaker") for s in speakers]
    state = (_text(ctx, r, "state") or "draft").lower()
    if state not in SESSION_STATES:
        ctx.warn(f"state {state[:40]!r} is not a session state: imported as draft")
        state = "draft"
    starts_at, ends_at = _times(ctx, r)
    return record | {
        "state": state,
        "starts_at": starts_at,
        "ends_at": ends_at,
        "track_id": _reference(ctx, r.get("track"), catalogs["tracks"], "track"),
        "room_id": _reference(ctx, r.get("room"), catalogs["rooms"], "room"),
        "session_type_id": _reference(ctx, r.get("session_type"), catalogs["session_types"], "session type"),
        "speaker_ids": tuple(i for i in speaker_ids if i is not None),
    }


def read_export(path: str | Path) -> OpenEventExport:
    """Parse an Open Event export into complete, normalized records."""
    return parse_files(read_raw_files(path))


def parse_files(raw: dict[str, bytes]) -> OpenEventExport:
    """Parse raw export files (name without .json -> bytes)."""
    warnings: list[str] = []
    event = _parse_event(raw, warnings)
    tz = ZoneInfo(event["timezone"])
    builder = _Builder(event)
    sessions_raw = _records(raw, "sessions") or []
    catalogs = {
        "tracks": _catalog(raw, "tracks", tz, builder.track, _embedded(sessions_raw, "track"), warnings=warnings),
        "rooms": _catalog(raw, "microlocations", tz, builder.room, _embedded(sessions_raw, "room"), warnings=warnings),
        "session_types": _catalog(
            raw,
            "session_types",
            tz,
            builder.session_type,
            _embedded(sessions_raw, "session_type"),
            warnings=warnings,
        ),
        "speakers": _catalog(raw, "speakers", tz, builder.speaker, _embedded(sessions_raw, "speakers"), warnings=warnings),
    }
    sessions = [
        _session(
            _Context("sessions", i, tz, warnings=warnings),
            _normalize_keys(_as_dict(i, r)),
            builder,
            catalogs,
        )
        for i, r in enumerate(sessions_raw)
    ]
    sponsors = _catalog(raw, "sponsors", tz, builder.sponsor, [], warnings=warnings)
    return OpenEventExport(
        event=event,
        tracks=list(catalogs["tracks"].values()),
        rooms=_ordered_rooms(list(catalogs["rooms"].values())),
        session_types=list(catalogs["session_types"].values()),
        sessions=sessions,
        speakers=list(catalogs["speakers"].values()),
        sponsors=list(sponsors.values()),
        warnings=tuple(warnings),
    )


def _as_dict(index: int, record: Any) -> dict[str, Any]:
    if not isinstance(record, dict):
        raise ExportError(f"sessions[{index}]: record should be an object")
    return record


def _ordered_rooms(rooms: list[dict[str, Any]]) -> list[dict[str, Any]]:
    ordered = sorted(
        rooms,
        key=lambda r: (
            r["floor"] if r["floor"] is not None else 999,
            r["name"].lower(),
        ),
    )
    return [room | {"position": position} for position, room in enumerate(ordered)]


# --- to the public view model ----------------------------------------------------------


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
        sessions=tuple(_pick(Session, s) for s in export.sessions),
        speakers=tuple(_pick(Speaker, s) for s in export.speakers),
        sponsors=tuple(_pick(Sponsor, s) for s in export.sponsors),
    )
    return public_bundle(bundle)


def load_bundle(path: str | Path, *, now: datetime | None = None) -> EventBundle:
    """Read an export and return its public bundle."""
    return export_to_bundle(read_export(path), now=now)
