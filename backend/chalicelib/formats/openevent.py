"""Read and write Open Event exports (read: folder or zip, v1 snake_case or v2 kebab-case; write: v2).

`read_export(path)` returns every record, private fields and all session states
included, keyed by Podium ids (site/from_export.py turns that into the public
`EventBundle`); `write_files` and `zip_files` write one event's items back out. Anything malformed raises `ExportError`. Values go through the
vocabulary of chalicelib/values.py, as the API's do: what can be repaired (control characters,
line breaks in one-line fields, unsafe URLs, numbers out of range, times out of order or
outside 1970-2100) is, with a warning in `OpenEventExport.warnings`.
"""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import io
import json
import re
import unicodedata
import zipfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from chalicelib import values

if TYPE_CHECKING:  # the writer only calls audience.shows(kind, field)
    from chalicelib.domain.projections import Audience

FILE_NAMES = (
    "event",
    "sessions",
    "speakers",
    "tracks",
    "microlocations",
    "sponsors",
    "session_types",
    "posts",  # Podium's own file (Open Event has no posts): what Podium's exports carry
    "x_podium_questions",  # Podium's custom questions: a name no Open Event reader looks for
)
# Podium's additions to Open Event records, namespaced so Open Event's own readers skip them.
QUESTIONS_FILE = "x-podium-questions"
ANSWERS_KEY = "x-podium-answers"
QUESTION_KINDS = ("short_text", "long_text", "single_choice", "multiple_choice", "yes_no", "url", "file")
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
        "heard_from", "sponsorship_required", "body",
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
    posts: list[dict[str, Any]] = dataclasses.field(default_factory=list)  # only Podium's exports have them
    questions: list[dict[str, Any]] = field(default_factory=list)  # Podium's custom questions


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

    def post(self, ctx: _Context, source_id: str, r: dict[str, Any]) -> dict[str, Any]:
        published = r.get("published") is True
        return self._base("post", source_id) | {
            "title": _text(ctx, r, "title") or "Untitled post",
            "body": _text(ctx, r, "body"),
            "published": published,
            "published_at": _time(ctx, r, "published_at") if published else None,
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
        "answers": _answers(ctx, r.get(ANSWERS_KEY.replace("-", "_")), catalogs.get("questions", {})),
        "state": state,
        "starts_at": starts_at,
        "ends_at": ends_at,
        "track_id": _reference(ctx, r.get("track"), catalogs["tracks"], "track"),
        "room_id": _reference(ctx, r.get("room"), catalogs["rooms"], "room"),
        "session_type_id": _reference(ctx, r.get("session_type"), catalogs["session_types"], "session type"),
        "speaker_ids": tuple(i for i in speaker_ids if i is not None),
    }


def _question(ctx: _Context, source_id: str, r: dict[str, Any], key: str, ids: dict[str, dict[str, dict]]) -> dict:
    """A custom question of Podium's own export file; its scope names the export's types and tracks."""
    kind = r.get("kind") if r.get("kind") in QUESTION_KINDS else None
    if kind is None:
        raise ctx.error(f"kind should be one of {', '.join(QUESTION_KINDS)}")
    choices = r.get("choices") if isinstance(r.get("choices"), list) else []
    scope = {
        name: [ids[kind_][str(i)]["id"] for i in r[name] if str(i) in ids[kind_]] if isinstance(r.get(name), list) else None
        for name, kind_ in (("track_ids", "tracks"), ("session_type_ids", "session_types"))
    }
    lengths = {n: _number(ctx, r, n, low=0, high=20_000) for n in ("min_length", "max_length")}
    return {
        "id": podium_id("question", key, source_id), "source_id": source_id, "question_kind": kind,
        "label": _text(ctx, r, "name") or "Untitled question", "help_text": _text(ctx, r, "description") or None,
        "choices": [values.clean_text(str(c))[:300] for c in choices[:50]] or None,
        "required": r.get("required") is True, "identifying": r.get("identifying") is True,
        "visibility": "public" if r.get("visibility") == "public" else "organizers",
        "position": int(_number(ctx, r, "position", low=0, high=10_000) or 0),
        **{n: None if v is None else int(v) for n, v in lengths.items()}, **scope,
    }  # fmt: skip


def _answers(ctx: _Context, raw: Any, questions: dict[str, dict[str, Any]]) -> dict[str, Any] | None:
    """A session's answers by the imported questions' ids: text repaired, other values kept when
    they are a yes/no or a list of choices; files (stored in the exporting stack) left out."""
    if not isinstance(raw, dict) or not raw:
        return None
    kept: dict[str, Any] = {}
    for source_id, value in raw.items():
        question = questions.get(str(source_id))
        if question is None or question["question_kind"] == "file":
            ctx.warn(f"{ANSWERS_KEY}: the answer to {str(source_id)[:40]!r} names no question of the export (or a file): left out")
            continue
        if isinstance(value, str):
            kept[question["id"]] = values.clean_text(value[:MAX_LONG_TEXT], multiline=question["question_kind"] == "long_text")
        elif isinstance(value, bool) or (isinstance(value, list) and all(isinstance(v, str) for v in value)):
            kept[question["id"]] = value
        else:
            ctx.warn(f"{ANSWERS_KEY}: the answer to {str(source_id)[:40]!r} is not text, a choice or yes/no: left out")
    return kept or None


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
    catalogs["questions"] = _catalog(
        raw, "x_podium_questions", tz, lambda ctx, source_id, r: _question(ctx, source_id, r, builder.key, catalogs),
        [], warnings=warnings,
    )  # fmt: skip
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
    posts = _catalog(raw, "posts", tz, builder.post, [], warnings=warnings)
    return OpenEventExport(
        event=event,
        tracks=list(catalogs["tracks"].values()),
        rooms=_ordered_rooms(list(catalogs["rooms"].values())),
        session_types=list(catalogs["session_types"].values()),
        sessions=sessions,
        speakers=list(catalogs["speakers"].values()),
        sponsors=list(sponsors.values()),
        warnings=tuple(warnings),
        posts=list(posts.values()),
        questions=list(catalogs["questions"].values()),
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


# --- writing an export ------------------------------------------------------------------

_ZIP_TIME = (1980, 1, 1, 0, 0, 0)  # fixed, so equal data gives equal bytes


def write_files(
    items_by_kind: Mapping[str, list[Any]], *, audience: Audience, file_url: Callable[[Any], str] | None = None
) -> dict[str, bytes]:
    """File name → JSON bytes of an Open Event export (v2, kebab-case) of one event's live items,
    grouped by kind name ("event" holds the one event). Records carry their source ids (imported
    records) or Podium ids, so export → import → export gives equal files; a field `audience`
    may not see stays out. An uploaded file (a speaker's photo, a logo, slides) is written as its
    public link, `file_url(stored_file)`, where the record has no link of its own."""
    event = items_by_kind["event"][0]
    link = _Links(file_url)
    tz = ZoneInfo(event.timezone or "UTC")
    ids = _SourceIds(items_by_kind, audience)

    def kind(name: str) -> list[Any]:
        return list(items_by_kind.get(name, ()))

    records = {
        "event": _event_record(event, tz, audience, link),
        "tracks": [_track_record(t, ids) for t in kind("track")],
        "microlocations": [_room_record(r, ids) for r in kind("room")],
        "session-types": [_session_type_record(t, ids) for t in kind("session_type")],
        "sessions": [_session_record(s, ids, tz, audience, link) for s in kind("session")],
        "speakers": [_speaker_record(s, ids, audience, link) for s in kind("speaker")],
        "sponsors": [_sponsor_record(s, ids, link) for s in kind("sponsor")],
        # Not an Open Event file (it has no posts); Podium's own, read back by Podium's imports.
        "posts": [_post_record(p, ids, tz) for p in kind("post") if p.published or audience.sees_unpublished],
    }
    if kind("question"):  # only events with questions: other exports stay plain Open Event
        records[QUESTIONS_FILE] = [_question_record(q, ids) for q in kind("question")]
    for value in records.values():
        if isinstance(value, list):
            value.sort(key=lambda record: str(record["id"]))
    return {name: _dumps(value) for name, value in records.items()}


def _question_record(q: Any, ids: _SourceIds) -> dict[str, Any]:
    return {
        "id": ids.of("question", q.id), "name": q.label, "description": _or_none(q.help_text), "kind": q.question_kind,
        "choices": list(q.choices or []), "required": bool(q.required), "identifying": bool(q.identifying),
        "visibility": q.visibility, "position": int(q.position or 0),
        "min-length": None if q.min_length is None else int(q.min_length),
        "max-length": None if q.max_length is None else int(q.max_length),
        "track-ids": None if q.track_ids is None else [ids.of("track", i) for i in q.track_ids],
        "session-type-ids": None if q.session_type_ids is None else [ids.of("session_type", i) for i in q.session_type_ids],
    }  # fmt: skip


def _answers_record(s: Any, ids: _SourceIds, audience: Audience) -> dict[str, Any]:
    """The session's answers the audience sees (all of them, or the published questions'), by
    the ids the questions' file gives them."""
    stored = getattr(s, "answers", None) or {}
    answers = stored.as_dict() if hasattr(stored, "as_dict") else dict(stored)
    if not audience.shows("session", "answers"):
        answers = {k: v for k, v in answers.items() if k in audience.published_questions}
    written = {ids.of("question", k): v for k, v in answers.items() if ids.item("question", k) is not None}
    return {ANSWERS_KEY: written} if written else {}


def zip_files(files: Mapping[str, bytes]) -> bytes:
    """An export's files as a zip, one member per kind (no extension, as Open Event writes them)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(zipfile.ZipInfo(name, date_time=_ZIP_TIME), data, zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


def _dumps(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, indent=1, sort_keys=True).encode()


class _SourceIds:
    """Podium id → the id the export writes (the source id when the record was imported and
    the audience sees import keys)."""

    def __init__(self, by_kind: Mapping[str, list[Any]], audience: Audience) -> None:
        self._ids = {
            # A kind without import keys (none today) exports its own ids.
            (kind, i.id): (getattr(i, "source_id", None) if audience.shows(kind, "source_id") else None) or i.id
            for kind, items in by_kind.items()
            for i in items
        }
        self.by_id = {(kind, i.id): i for kind, items in by_kind.items() for i in items}

    def of(self, kind: str, item_id: str | None) -> str | None:
        return self._ids.get((kind, item_id)) if item_id else None

    def item(self, kind: str, item_id: str | None) -> Any:
        return self.by_id.get((kind, item_id)) if item_id else None


class _Links:
    """A record's link, or the public link of its uploaded file (which the site shows instead)."""

    def __init__(self, file_url: Callable[[Any], str] | None) -> None:
        self._file_url = file_url

    def __call__(self, url: str | None, stored: Any) -> str | None:
        if stored is not None and self._file_url is not None:
            return self._file_url(stored)
        return url or None


def _export_time(value: datetime | None, tz: ZoneInfo) -> str | None:
    return value.astimezone(tz).isoformat() if value else None


def _or_none(value: str | None) -> str | None:
    return value or None


def _event_record(e: Any, tz: ZoneInfo, audience: Audience, link: _Links) -> dict[str, Any]:
    cfp = e.call_for_papers
    imported = audience.shows("event", "source_key")
    record = {
        "id": (e.source_id if imported else None) or e.id,
        "identifier": (e.source_key if imported else None) or e.id,
        "name": e.name,
        "description": _or_none(e.description),
        "starts-at": _export_time(e.starts_at, tz),
        "ends-at": _export_time(e.ends_at, tz),
        "timezone": e.timezone or "UTC",
        "location-name": _or_none(e.location_name),
        "latitude": e.latitude,
        "longitude": e.longitude,
        "logo-url": link(e.logo_url, e.logo_file),
        "original-image-url": link(e.banner_url, e.banner_file),
        "organizer-name": _or_none(e.organizer_name),
        "organizer-description": _or_none(e.organizer_description),
        "ticket-url": _or_none(e.ticket_url),
        "code-of-conduct": _or_none(e.code_of_conduct),
        "event-url": _or_none(e.event_url),
        "licence-details": {"long-name": e.licence} if e.licence else None,
        "social-links": [{"name": link.name, "link": link.url} for link in e.social_links or []],
        "speakers-call": {
            "announcement": _or_none(cfp.announcement),
            "starts-at": _export_time(cfp.starts_at, tz),
            "ends-at": _export_time(cfp.ends_at, tz),
            "privacy": _or_none(cfp.privacy),
        }
        if cfp
        else None,
        "state": e.state,
    }
    return record | _allowed(audience, "event", {"email": ("email", _or_none(e.email))})


def _allowed(audience: Audience, kind: str, fields: dict[str, tuple[str, Any]]) -> dict[str, Any]:
    """Export keys → (model field, value): the entries whose field `audience` sees."""
    return {key: value for key, (field, value) in fields.items() if audience.shows(kind, field)}


def _track_record(t: Any, ids: _SourceIds) -> dict[str, Any]:
    return {
        "id": ids.of("track", t.id),
        "name": t.name,
        "description": _or_none(t.description),
        "color": _or_none(t.color),
        "font-color": _or_none(t.text_color),
    }


def _room_record(r: Any, ids: _SourceIds) -> dict[str, Any]:
    return {
        "id": ids.of("room", r.id),
        "name": r.name,
        "floor": None if r.floor is None else int(r.floor),
        "latitude": r.latitude,
        "longitude": r.longitude,
    }


def _length(minutes: float | None) -> str | None:
    return None if minutes is None else f"{int(minutes) // 60:02d}:{int(minutes) % 60:02d}"


def _session_type_record(t: Any, ids: _SourceIds) -> dict[str, Any]:
    return {"id": ids.of("session_type", t.id), "name": t.name, "length": _length(t.length_minutes)}


def _export_reference(kind: str, item_id: str | None, ids: _SourceIds, label: str = "name") -> dict[str, Any] | None:
    item = ids.item(kind, item_id)
    return {"id": ids.of(kind, item_id), label: getattr(item, label)} if item is not None else None


def _session_record(s: Any, ids: _SourceIds, tz: ZoneInfo, audience: Audience, link: _Links) -> dict[str, Any]:
    record = {
        "id": ids.of("session", s.id),
        "title": s.title,
        "subtitle": _or_none(s.subtitle),
        "short-abstract": _or_none(s.short_abstract),
        "long-abstract": _or_none(s.long_abstract),
        "language": _or_none(s.language),
        "level": _or_none(s.level),
        "slides-url": link(s.slides_url, s.slides_file),
        "video-url": _or_none(s.video_url),
        "audio-url": _or_none(s.audio_url),
        "signup-url": _or_none(s.signup_url),
        "state": s.state,
        "starts-at": _export_time(s.starts_at, tz),
        "ends-at": _export_time(s.ends_at, tz),
        "track": _export_reference("track", s.track_id, ids),
        "microlocation": _export_reference("room", s.room_id, ids),
        "session-type": _export_reference("session_type", s.session_type_id, ids),
        "speakers": [r for r in (_export_reference("speaker", i, ids) for i in s.speaker_ids or []) if r],
    }
    return record | _allowed(audience, "session", {"comments": ("comments", _or_none(s.comments))}) | _answers_record(s, ids, audience)


# Open Event's names for the speaker's contact and profile answers.
_SPEAKER_ANSWERS = {
    "email": "email",
    "mobile": "phone",
    "gender": "gender",
    "heard-from": "heard_from",
    "speaking-experience": "speaking_experience",
    "sponsorship-required": "sponsorship_required",
}


def _speaker_record(s: Any, ids: _SourceIds, audience: Audience, link: _Links) -> dict[str, Any]:
    record = {
        "id": ids.of("speaker", s.id),
        "name": s.name,
        "photo-url": link(s.photo_url, s.photo_file),
        "short-biography": _or_none(s.short_biography),
        "long-biography": _or_none(s.long_biography),
        "is-featured": bool(s.featured),
        "sessions": [r for r in (_export_reference("session", i, ids, "title") for i in s.session_ids or []) if r],
    }
    for name in ("organisation", "position", "country", "city", "website", "twitter", "github", "linkedin", "facebook"):
        record[name] = _or_none(getattr(s, name))
    answers = {key: (field, _or_none(getattr(s, field))) for key, field in _SPEAKER_ANSWERS.items()}
    return record | _allowed(audience, "speaker", answers)


def _sponsor_record(s: Any, ids: _SourceIds, link: _Links) -> dict[str, Any]:
    return {
        "id": ids.of("sponsor", s.id),
        "name": s.name,
        "description": _or_none(s.description),
        "url": _or_none(s.url),
        "logo-url": link(s.logo_url, s.logo_file),
        "type": _or_none(s.tier),
        "level": None if s.level is None else int(s.level),
    }


def _post_record(p: Any, ids: _SourceIds, tz: ZoneInfo) -> dict[str, Any]:
    return {
        "id": ids.of("post", p.id),
        "title": p.title,
        "body": _or_none(p.body),
        "published": bool(p.published),
        "published-at": _export_time(p.published_at, tz),
    }
