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
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from chalicelib import values
from chalicelib.formats.repairs import Repair, RepairLog, record_label

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
}


class ExportError(ValueError):
    """The export cannot be read at all: not an export, over a size bound, or an unreadable `event`
    file. `file`, `record` and `field` name where ("" when the file or record as a whole)."""

    def __init__(self, message: str, *, file: str = "", record: str = "", field: str = "") -> None:
        super().__init__(message)
        self.file, self.record, self.field = file, record, field


@dataclass(frozen=True)
class OpenEventExport:
    """Every record of one export, normalized to Podium field names (dicts), and the repairs made."""

    event: dict[str, Any]
    tracks: list[dict[str, Any]]
    rooms: list[dict[str, Any]]
    session_types: list[dict[str, Any]]
    sessions: list[dict[str, Any]]
    speakers: list[dict[str, Any]]
    sponsors: list[dict[str, Any]]
    repairs: tuple[Repair, ...] = ()  # what was repaired or left out, naming file, record and field
    posts: list[dict[str, Any]] = dataclasses.field(default_factory=list)  # only Podium's exports have them
    questions: list[dict[str, Any]] = dataclasses.field(default_factory=list)  # Podium's custom questions

    @property
    def warnings(self) -> tuple[str, ...]:
        """The repairs as one line of text each."""
        return tuple(str(r) for r in self.repairs)


def podium_id(kind: str, source_event_key: str, source_id: object) -> str:
    """Stable short id for a record imported from Open Event."""
    digest = hashlib.sha1(f"openevent/{source_event_key}/{kind}/{source_id}".encode(), usedforsecurity=False).digest()
    return base64.b32encode(digest).decode("ascii")[:12].lower()


def source_fingerprint(*, identifier: str, name: str, starts_at: datetime | None) -> str:
    """What tells one source event from another: exports of different conferences share
    identifiers and ids (real ones do), never identifier, name and start together (an event
    without dates yet has none)."""
    start = starts_at.astimezone(UTC).isoformat() if starts_at else ""
    text = f"{identifier}\n{name.strip().casefold()}\n{start}"
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def with_event_id(export: OpenEventExport, event_id: str) -> OpenEventExport:
    """The export with every id made in `event_id`'s namespace (references follow): what an import
    into a chosen event writes, so its records' ids are that event's own."""
    if export.event["id"] == event_id:
        return export
    renamed: dict[str, str] = {}
    kinds = (
        ("track", export.tracks), ("room", export.rooms), ("session_type", export.session_types),
        ("session", export.sessions), ("speaker", export.speakers), ("sponsor", export.sponsors),
    )  # fmt: skip
    for kind, records in kinds:
        for record in records:
            renamed[record["id"]] = podium_id(kind, event_id, record["source_id"])

    def moved(record: dict[str, Any]) -> dict[str, Any]:
        changed = dict(record)
        for key, value in record.items():
            if key == "source_id":  # the export's own id stays as it was
                continue
            if key == "id" or (key.endswith("_id") and isinstance(value, str)):
                changed[key] = renamed.get(value, value)
            elif key.endswith("_ids"):
                changed[key] = tuple(renamed.get(i, i) for i in value)
        return changed

    return OpenEventExport(
        event=export.event | {"id": event_id},
        **{name: [moved(r) for r in getattr(export, name)] for name in _RECORD_LISTS},
        repairs=export.repairs,
    )


_RECORD_LISTS = ("tracks", "rooms", "session_types", "sessions", "speakers", "sponsors")


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


def read_raw_files(path: str | Path, *, not_read: list[str] | None = None) -> dict[str, bytes]:
    """Raw bytes of each known export file found in a folder or zip; the names of the other files
    are appended to `not_read` (the reader reports them)."""
    source = Path(path)
    others = not_read if not_read is not None else []
    if source.is_dir():
        return _read_folder(source, others)
    if source.is_file() and zipfile.is_zipfile(source):
        return _read_zip(source, others)
    raise ExportError(f"{source}: not a folder or zip file")


def _known_name(member: str) -> str | None:
    name = PurePosixPath(member).name
    name = name.removesuffix(".json")
    name = name.replace("-", "_")
    return name if name in FILE_NAMES else None


def _read_folder(folder: Path, not_read: list[str]) -> dict[str, bytes]:
    raw: dict[str, bytes] = {}
    for entry in sorted(folder.iterdir()):
        name = _known_name(entry.name)
        if name is None or not entry.is_file():
            not_read.append(f"{entry.name}/" if entry.is_dir() else entry.name)
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


def _read_zip(archive: Path, not_read: list[str]) -> dict[str, bytes]:
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
                if not info.is_dir():
                    not_read.append(info.filename)
                continue
            with zipped.open(info) as member:
                # The header's size can lie; never read past the bound.
                data = member.read(MAX_FILE_BYTES + 1)
            if len(data) > MAX_FILE_BYTES:
                raise ExportError(f"{info.filename}: uncompressed data over {MAX_FILE_BYTES}")
            raw[name] = data
    return raw


# --- normalizing records -------------------------------------------------------------

# Keys the source system wrote that carry nothing a visitor or an organizer would miss: other
# sizes of an image the record already links, search helpers and the source's own bookkeeping.
# Any other key Podium does not read gets one line in the report per file and field.
_BOOKKEEPING = frozenset(
    {
        "created_at", "deleted_at", "submitted_at", "is_mail_sent", "version", "thumbnail", "thumbnail_image_url",
        "icon", "icon_image_url", "small", "small_image_url", "large", "placeholder_url", "searchable_location_name",
        "schedule_published_on", "has_session_speakers", "is_sessions_speakers_enabled", "track_image_url",
    }
)  # fmt: skip
_EVENT_FIELDS = frozenset(
    {
        "id", "identifier", "name", "description", "starts_at", "ends_at", "timezone", "location_name",
        "latitude", "longitude", "logo_url", "banner_url", "large_image_url", "organizer_name",
        "organizer_description", "ticket_url", "code_of_conduct", "licence_details", "copyright",
        "social_links", "call_for_papers", "email", "state", "event_url", "privacy", "topic", "sub_topic",
        "event_type", "external_event_url",
    }
)  # fmt: skip
_SPEAKER_TEXT = (
    "name", "short_biography", "long_biography", "organisation", "position", "country", "city", "website",
    "twitter", "github", "linkedin", "facebook", "email", "mobile", "gender", "heard_from",
    "speaking_experience", "sponsorship_required",
)  # fmt: skip
_SESSION_TEXT = (
    "subtitle", "short_abstract", "long_abstract", "language", "level", "slides_url", "video_url", "audio_url",
    "signup_url", "comments",
)  # fmt: skip
READ_FIELDS = {
    "event": _EVENT_FIELDS,
    "sessions": frozenset(
        {"id", "title", "name", "state", "starts_at", "ends_at", "track", "room", "session_type", "speakers", "x_podium_answers"}
        | set(_SESSION_TEXT)
    ),
    "speakers": frozenset({"id", "photo_url", "featured", "sessions", *_SPEAKER_TEXT}),
    "tracks": frozenset({"id", "name", "description", "color", "text_color", "location", "sessions"}),
    "microlocations": frozenset({"id", "name", "floor", "latitude", "longitude"}),
    "session_types": frozenset({"id", "name", "length"}),
    "sponsors": frozenset({"id", "name", "description", "url", "logo_url", "tier", "level"}),
    # Podium's own files (Open Event has neither): what Podium's exports carry.
    "posts": frozenset({"id", "title", "body", "published", "published_at"}),
    "x_podium_questions": frozenset({
        "id", "kind", "name", "description", "choices", "required", "identifying", "visibility", "position",
        "min_length", "max_length", "track_ids", "session_type_ids",
    }),
}
# Keys one file spells its own way ("type" is a sponsor's tier but an event's kind).
FILE_KEY_ALIASES = {
    "sponsors": {"type": "tier", "sponsor_type": "tier"},
    "event": {"type": "event_type", "event_copyright": "copyright"},
}
FILE_OF_KIND = {
    "track": "tracks", "room": "microlocations", "session_type": "session_types", "speaker": "speakers",
    "sponsor": "sponsors", "session": "sessions", "post": "posts", "question": "x_podium_questions",
}  # fmt: skip


class _Context:
    """Where we are (file, record, and a prefix for nested fields) so every repair and error names it."""

    def __init__(
        self, file: str, index: int | None, tz: ZoneInfo, log: RepairLog, *, source_id: str | None = None, prefix: str = ""
    ):
        self.file, self.index, self.tz, self.log = file, index, tz, log
        self.source_id, self.prefix = source_id, prefix

    @property
    def record(self) -> str:
        return record_label(self.index, self.source_id) if self.index is not None or not self.source_id else f"id {self.source_id}"

    def nested(self, prefix: str) -> _Context:
        return _Context(self.file, self.index, self.tz, self.log, source_id=self.source_id, prefix=prefix)

    def error(self, field: str, message: str) -> ExportError:
        where = f"{self.file}[{self.record}]" if self.record else self.file
        name = self.prefix + field
        return ExportError(f"{where}: {name} {message}", file=self.file, record=self.record, field=name)

    def repair(self, field: str, action: str) -> None:
        self.log.repair(file=self.file, record=self.record, field=self.prefix + field, action=action)


def _normalize_keys(record: dict[str, Any], file: str = "") -> dict[str, Any]:
    names = _KEY_NAMES.setdefault(file, {})
    normalized = {}
    for key, value in record.items():
        name = names.get(key)
        if name is None:
            name = _key_name(key, file)
            if isinstance(key, str) and len(names) < KEY_NAMES_KEPT:  # 1, 1.0 and True are one dict key
                names[key] = name
        normalized[name] = value
    return normalized


# Each file's key → its name, as `_key_name` makes it: an export repeats the same few keys in
# every record (at 8 times FOSSASIA's size naming them took 0.3 s of a 1 s read). A file's
# keys past KEY_NAMES_KEPT (a made-up export's) are named each time rather than kept.
_KEY_NAMES: dict[str, dict[Any, str]] = {}
KEY_NAMES_KEPT = 1024


def _key_name(key: Any, file: str) -> str:
    snake = str(key).replace("-", "_")
    return FILE_KEY_ALIASES.get(file, {}).get(snake) or KEY_ALIASES.get(snake, snake)


def _text(ctx: _Context, record: dict[str, Any], key: str) -> str:
    value = record.get(key)
    if value is None:
        return ""
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        ctx.repair(key, f"should be text, got {type(value).__name__}: left out")
        return ""
    value = str(value)
    limit = MAX_SHORT_TEXT if key in SHORT_TEXT_FIELDS else MAX_LONG_TEXT
    if len(value) > limit:
        ctx.repair(key, f"is {len(value)} characters, over the limit of {limit}: cut to {limit}")
        value = value[:limit]
    multiline = key in MULTILINE_FIELDS
    problem = values.text_problem(value, multiline=multiline)
    if problem:
        value = values.clean_text(value, multiline=multiline)
        ctx.repair(key, f"{problem}: repaired")
    if key in URL_FIELDS and value.strip() and values.safe_url(value) is None:
        ctx.repair(key, "is not an http(s) URL: left out")
        return ""
    return value.strip() if key in SHORT_TEXT_FIELDS or key in URL_FIELDS else value


def _time(ctx: _Context, record: dict[str, Any], key: str, *, required: bool = False) -> datetime | None:
    """The time at `key` in UTC; a bad one is left out with a repair line (refused when `required`)."""
    value = record.get(key)
    if value is None or value == "":
        if required:
            raise ctx.error(key, "is missing")
        return None
    problem, parsed = None, None
    if not isinstance(value, str) or len(value) > 64:
        problem = "is not an ISO 8601 time"
    else:
        try:
            parsed = datetime.fromisoformat(value)
        except ValueError:
            problem = f"is not an ISO 8601 time: {value!r}"
    if parsed is not None:
        if parsed.tzinfo is None:
            parsed = parsed.replace(tzinfo=ctx.tz)
        try:
            return values.bounded_datetime(parsed).astimezone(UTC)
        except values.ValueProblem as out_of_range:
            problem = str(out_of_range)
    if required:
        raise ctx.error(key, str(problem))
    ctx.repair(key, f"{problem}: left out")
    return None


def _times(ctx: _Context, record: dict[str, Any]) -> tuple[datetime | None, datetime | None]:
    """starts_at and ends_at; an end before the start is left out (with a repair line): the start
    places the session, an end days earlier is the typo."""
    starts_at, ends_at = _time(ctx, record, "starts_at"), _time(ctx, record, "ends_at")
    if values.order_problem(starts_at, ends_at):
        ctx.repair("ends_at", "is before starts_at: end left out")
        return starts_at, None
    return starts_at, ends_at


def _source_id(record: dict[str, Any]) -> str | None:
    """The record's id as text, or None when it has no usable one."""
    value = record.get("id")
    if isinstance(value, bool) or not isinstance(value, (int, str)) or str(value).strip() == "":
        return None
    if len(str(value)) > 64 or values.text_problem(str(value)):
        return None
    return str(value)


def _number(ctx: _Context, record: dict[str, Any], key: str, *, low: float, high: float) -> float | None:
    """A finite number from `low` to `high` (or its text); left out with a repair line otherwise."""
    value = record.get(key)
    if value is None or value == "":
        return None
    number = None if isinstance(value, bool) else values.clean_number(value, minimum=low, maximum=high)
    if number is None:
        ctx.repair(key, f"is not a number from {low:g} to {high:g}: left out")
    return number


def _minutes(ctx: _Context, length: Any) -> int | None:
    """'01:55', '01.55' or '01:55:00' -> 115; None (with a repair line) unless from 1 minute to a day."""
    if length is None or length == "":
        return None
    if isinstance(length, int) and not isinstance(length, bool):
        minutes = length
    else:
        match = re.fullmatch(r"(\d{1,3})[:.](\d{2})(?::\d{2})?", str(length).strip(), re.ASCII)
        minutes = int(match[1]) * 60 + int(match[2]) if match else 0
    if 1 <= minutes <= 24 * 60:
        return minutes
    ctx.repair("length", f"{str(length)[:40]!r} is not a length from 00:01 to 24:00: left out")
    return None


def _records(raw: dict[str, bytes], name: str, log: RepairLog) -> list[Any] | None:
    """The records of an optional file; a broken one is left out with a repair line."""
    if name not in raw:
        return None
    try:
        parsed = values.parse_json(raw[name], max_depth=MAX_JSON_DEPTH)
    except values.ValueProblem as problem:
        log.repair(file=name, record="", field="", action=f"not valid JSON ({problem}): file left out")
        return None
    if not isinstance(parsed, list):
        log.repair(file=name, record="", field="", action="should hold a JSON list: file left out")
        return None
    return parsed


def _zone(ctx: _Context, record: dict[str, Any]) -> str:
    """The event's canonical IANA zone: a link, legacy or misspelt name is rewritten; an unknown one
    gives way to the zone of starts_at's offset (UTC without one). Both with a repair line."""
    value = record.get("timezone")
    if value is not None and not isinstance(value, str):
        value = None
        ctx.repair("timezone", "should be text: left out")
    canonical = values.canonical_timezone(value) if value else None
    if canonical is not None:
        if canonical != value:
            ctx.repair("timezone", f"{value!r} is written {canonical!r}, its canonical tz database name")
        return canonical
    fallback = _offset_zone(record.get("starts_at"))
    if value:
        ctx.repair("timezone", f"{value[:64]!r} is no time zone: {fallback} used (the offset of starts_at)")
    elif fallback != "UTC":
        ctx.repair("timezone", f"is missing: {fallback} used (the offset of starts_at)")
    return fallback


def _offset_zone(starts_at: Any) -> str:
    """The fixed-offset tz database zone of a time's offset (Etc/GMT-8 is UTC+8), else UTC."""
    try:
        offset = datetime.fromisoformat(starts_at).utcoffset() if isinstance(starts_at, str) else None
    except ValueError:
        offset = None
    hours, rest = divmod(int(offset.total_seconds()), 3600) if offset else (0, 0)
    return f"Etc/GMT{-hours:+d}" if hours and not rest and -14 <= hours <= 12 else "UTC"


def _parse_event(raw: dict[str, bytes], log: RepairLog) -> dict[str, Any]:
    """The event record; the one file that refuses the import when unreadable."""
    if "event" not in raw:
        raise ExportError("event: file missing from export", file="event")
    try:
        parsed = values.parse_json(raw["event"], max_depth=MAX_JSON_DEPTH)
    except values.ValueProblem as problem:
        raise ExportError(f"event: not valid JSON ({problem})", file="event") from None
    if not isinstance(parsed, dict):
        raise ExportError("event: should hold a JSON object", file="event")
    record = _normalize_keys(parsed, "event")
    ctx = _Context("event", None, ZoneInfo("UTC"), log)
    tz_name = _zone(ctx, record)
    ctx.tz = ZoneInfo(tz_name)
    source_id = _source_id(record) or ""
    identifier = _source_id({"id": record.get("identifier")}) or source_id
    name = _text(ctx, record, "name")
    if not name:
        raise ctx.error("name", "is missing: an event needs a name")
    # A date that is there must read; none at all is an event whose dates are not set yet (a new
    # draft, as Podium's own exports write one): it comes in as a draft without dates.
    starts_at, ends_at = (_time(ctx, record, key, required=not _is_empty(record.get(key))) for key in ("starts_at", "ends_at"))
    if values.order_problem(starts_at, ends_at):
        ctx.repair("ends_at", "is before starts_at: the two swapped")
        starts_at, ends_at = ends_at, starts_at
    fingerprint = source_fingerprint(identifier=identifier, name=name, starts_at=starts_at)
    state = _text(ctx, record, "state").lower()
    # An ended conference Open Event calls Completed was published; Podium tells past from upcoming by date.
    published = state in ("published", "completed")
    if published and (starts_at is None or ends_at is None):
        missing = "starts_at" if starts_at is None else "ends_at"
        ctx.repair(missing, f"is missing: imported as a draft (state {state!r}; publishing needs both dates)")
        published = False
    copyright_ = record.get("copyright") if isinstance(record.get("copyright"), dict) else {}
    return {
        "id": podium_id("event", fingerprint, source_id),
        "source_id": source_id,
        "source_key": identifier,
        "source_fingerprint": fingerprint,
        "slug": event_slug(name, starts_at and starts_at.astimezone(ctx.tz)),
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
        "licence": _licence(ctx, record, copyright_),
        "copyright_holder": _text(ctx.nested("copyright."), _normalize_keys(copyright_), "holder"),
        "social_links": _social_links(ctx, record.get("social_links")),
        "call_for_papers": _call_for_papers(ctx, record.get("call_for_papers")),
        "email": _email(ctx, record.get("email")),
        "published": published,
        "state": state,
        "event_url": _text(ctx, record, "event_url"),
        "external_event_url": _text(ctx, record, "external_event_url"),
        "privacy": "private" if _text(ctx, record, "privacy").lower() == "private" else "public",
        "topic": _text(ctx, record, "topic"),
        "sub_topic": _text(ctx, record, "sub_topic"),
        "event_type": _text(ctx, record, "event_type"),
        "_unread": _unread_fields("event", record),
    }


def _licence(ctx: _Context, record: dict[str, Any], copyright_: dict[str, Any]) -> str:
    details = record.get("licence_details")
    if isinstance(details, dict):
        details = _normalize_keys(details)
        return _text(ctx.nested("licence_details."), details, "long_name") or _text(ctx.nested("licence_details."), details, "name")
    return _text(ctx.nested("copyright."), _normalize_keys(copyright_), "licence")


def _email(ctx: _Context, value: Any) -> str | None:
    if value is None or value == "":
        return None
    if not isinstance(value, str) or not value.strip() or values.text_problem(value) or len(value) > 254:
        ctx.repair("email", "is not an email address: left out")
        return None
    return value.strip()


def _social_links(ctx: _Context, links: Any) -> tuple[tuple[str, str], ...]:
    if links is None:
        return ()
    if not isinstance(links, list):
        ctx.repair("social_links", "should be a list: left out")
        return ()
    pairs = []
    for index, link in enumerate(links):
        url = values.safe_url(link.get("link")) if isinstance(link, dict) and isinstance(link.get("link"), str) else None
        if url is None:
            if isinstance(link, dict) and not link.get("link"):
                continue  # a named network with no address: nothing to link
            ctx.repair(f"social_links[{index}]", "is not an http(s) URL: left out")
            continue
        name = values.clean_text(str(link.get("name") or url))[:100].strip() or url[:100]
        pairs.append((name, url))
    return tuple(pairs)


def _call_for_papers(ctx: _Context, cfp: Any) -> dict[str, Any] | None:
    if cfp is None:
        return None
    if not isinstance(cfp, dict):
        ctx.repair("call_for_papers", "is not an object: left out")
        return None
    cfp = _normalize_keys(cfp)
    inner = ctx.nested("call_for_papers.")
    starts_at, ends_at = _times(inner, cfp)
    return {
        "announcement": _text(inner, cfp, "announcement"),
        "starts_at": starts_at,
        "ends_at": ends_at,
        "privacy": "private" if cfp.get("privacy") == "private" else "public",
    }


def _unread_fields(file: str, record: dict[str, Any]) -> list[str]:
    """Keys of `record` with a value Podium does not read (bookkeeping aside)."""
    read = READ_FIELDS[file]
    return [k for k, v in record.items() if k not in read and k not in _BOOKKEEPING and not _is_empty(v)]


def _is_empty(value: Any) -> bool:
    return value is None or value in ("", [], {})


def _color(ctx: _Context, value: str, default: str, field: str) -> str:
    if re.fullmatch(r"#[0-9a-fA-F]{6}", value or ""):
        return value.lower()
    if value:
        ctx.repair(field, f"{value[:20]!r} is not a #rrggbb colour: {default} used")
    return default


def _embedded(records: list[Any], key: str) -> list[Any]:
    found = []
    for record in records:
        if isinstance(record, dict):
            value = _normalize_keys(record).get(key)
            found.extend(value if isinstance(value, list) else [value])
    return found


class _Reader:
    """Reads one export's records (the event already read): ids in the event's namespace, every
    tolerant decision through `_Context.repair`."""

    def __init__(self, raw: dict[str, bytes], event: dict[str, Any], log: RepairLog):
        self.raw, self.event, self.log = raw, event, log
        self.tz = ZoneInfo(event["timezone"])
        self.catalogs: dict[str, dict[str, dict[str, Any]]] = {}
        # A speaker id two different people share: id -> folded name -> the id the second one got.
        self.twins: dict[str, dict[str, str]] = {}
        self.unread: Counter[tuple[str, str]] = Counter(("event", k) for k in event.pop("_unread"))

    def _id(self, kind: str, source_id: str) -> str:
        return podium_id(kind, self.event["id"], source_id)

    def _base(self, kind: str, source_id: str) -> dict[str, Any]:
        return {"id": self._id(kind, source_id), "source_id": source_id}

    def read(self) -> OpenEventExport:
        sessions_raw = _records(self.raw, "sessions", self.log) or []
        for kind in ("track", "room", "session_type", "speaker"):
            embedded_key = {"speaker": "speakers"}.get(kind, kind)
            self.catalogs[kind] = self._catalog(kind, _embedded(sessions_raw, embedded_key))
        self.catalogs["question"] = self._catalog("question", [])  # before sessions: their answers name them
        sessions = self._sessions(sessions_raw)
        sponsors = self._catalog("sponsor", [])
        posts = self._catalog("post", [])
        speakers = self._linked_speakers(sessions)
        for (file, field), count in sorted(self.unread.items()):
            noun = "record" if count == 1 else "records"
            self.log.repair(file=file, record="*", field=field, action=f"not kept by Podium ({count} {noun})")
        return OpenEventExport(
            event=self.event,
            tracks=list(self.catalogs["track"].values()),
            rooms=_ordered_rooms(list(self.catalogs["room"].values())),
            session_types=list(self.catalogs["session_type"].values()),
            sessions=list(sessions.values()),
            speakers=speakers,
            sponsors=list(sponsors.values()),
            repairs=self.log.repairs,
            posts=list(posts.values()),
            questions=list(self.catalogs["question"].values()),
        )

    # -- catalogs (tracks, rooms, session types, speakers, sponsors) --

    def _catalog(self, kind: str, embedded: list[Any]) -> dict[str, dict[str, Any]]:
        """Records of one kind by source id: from its file, else from the sessions' embedded copies."""
        file = FILE_OF_KIND[kind]
        listed = _records(self.raw, file, self.log)
        catalog: dict[str, dict[str, Any]] = {}
        if listed is None:
            for copy in embedded:
                record = _normalize_keys(copy, file) if isinstance(copy, dict) else {}
                source_id = _source_id(record)
                if source_id is not None and source_id not in catalog:  # a reference without id: its session says so
                    ctx = _Context(file, None, self.tz, self.log, source_id=source_id)
                    catalog[source_id] = self._build(kind, ctx, source_id, record)
            return catalog
        for index, item in enumerate(listed):
            ctx = _Context(file, index, self.tz, self.log)
            record = self._record(ctx, item)
            if record is None:
                continue
            source_id = ctx.source_id
            assert source_id is not None
            if source_id in catalog:
                source_id = self._second(kind, ctx, catalog, record)
                if source_id is None:
                    continue
            catalog[source_id] = self._build(kind, ctx, source_id, record)
        return catalog

    def _record(self, ctx: _Context, item: Any) -> dict[str, Any] | None:
        """A file's record with keys normalized and `ctx.source_id` set (made from its place when
        it has none); None, with a repair line, when it is no object."""
        if not isinstance(item, dict):
            ctx.repair("", f"is {'null' if item is None else type(item).__name__}, not an object: left out")
            return None
        record = _normalize_keys(item, ctx.file)
        ctx.source_id = _source_id(record)
        if ctx.source_id is None:
            ctx.source_id = f"row-{ctx.index}"
            ctx.repair("id", f"is missing or unusable: given the id {ctx.source_id}")
        self.unread.update((ctx.file, k) for k in _unread_fields(ctx.file, record))
        return record

    def _second(self, kind: str, ctx: _Context, catalog: dict[str, dict[str, Any]], record: dict[str, Any]) -> str | None:
        """A second record under an id already read: another person gets an id of their own, any
        other copy is left out (both with a repair line)."""
        source_id = ctx.source_id
        assert source_id is not None
        first = catalog[source_id]
        name = _text(ctx, record, "name")
        if kind == "speaker" and name and name.casefold() != first["name"].casefold():
            number = 2
            while f"{source_id}~{number}" in catalog:
                number += 1
            new_id = f"{source_id}~{number}"
            ctx.repair("id", f"is also the id of {first['name']!r}: this speaker given the id {new_id}")
            self.twins.setdefault(source_id, {})[name.casefold()] = new_id
            return new_id
        ctx.repair("id", "is listed twice: this copy left out, the first kept")
        return None

    def _build(self, kind: str, ctx: _Context, source_id: str, r: dict[str, Any]) -> dict[str, Any]:
        ctx.source_id = source_id
        return getattr(self, f"_{kind}")(ctx, r) | self._base(kind, source_id)

    def _track(self, ctx: _Context, r: dict[str, Any]) -> dict[str, Any]:
        return {
            "name": _text(ctx, r, "name") or "Untitled track",
            "description": _text(ctx, r, "description"),
            "color": _color(ctx, _text(ctx, r, "color"), "#5c6b7a", "color"),
            "text_color": _color(ctx, _text(ctx, r, "text_color"), "#ffffff", "text_color"),
            "location": _text(ctx, r, "location"),
        }

    def _room(self, ctx: _Context, r: dict[str, Any]) -> dict[str, Any]:
        floor = None if r.get("floor") is None else _number(ctx, r, "floor", low=-20, high=300)
        return {
            "name": _text(ctx, r, "name") or "Unnamed room",
            "floor": None if floor is None else int(floor),
            "latitude": _number(ctx, r, "latitude", low=-90, high=90),
            "longitude": _number(ctx, r, "longitude", low=-180, high=180),
        }

    def _session_type(self, ctx: _Context, r: dict[str, Any]) -> dict[str, Any]:
        return {"name": _text(ctx, r, "name") or "Session", "length_minutes": _minutes(ctx, r.get("length"))}

    def _sponsor(self, ctx: _Context, r: dict[str, Any]) -> dict[str, Any]:
        level = values.clean_number(r.get("level"), minimum=0, maximum=100, whole=True)
        if level is None and r.get("level") not in (None, ""):
            ctx.repair("level", "is not a whole number from 0 to 100: left out")
        return {
            "name": _text(ctx, r, "name"),
            "description": _text(ctx, r, "description"),
            "url": _text(ctx, r, "url"),
            "logo_url": _text(ctx, r, "logo_url"),
            "tier": _text(ctx, r, "tier"),
            "level": int(level or 0),
        }

    def _speaker(self, ctx: _Context, r: dict[str, Any]) -> dict[str, Any]:
        sessions = r.get("sessions")
        if sessions is not None and not isinstance(sessions, list):
            ctx.repair("sessions", "should be a list: left out")
        listed = [_source_id(s) if isinstance(s, dict) else None for s in sessions if s is not None] if isinstance(sessions, list) else []
        if None in listed:
            ctx.repair("sessions", "holds a session with no id: that link left out")
        texts = {f: _text(ctx, r, f) for f in _SPEAKER_TEXT}
        return texts | {
            "name": texts["name"] or "Unnamed speaker",
            "photo_url": _text(ctx, r, "photo_url"),
            "featured": bool(r.get("featured")),
            "session_source_ids": tuple(dict.fromkeys(i for i in listed if i is not None)),
        }

    def _post(self, ctx: _Context, r: dict[str, Any]) -> dict[str, Any]:
        published = r.get("published") is True
        return {
            "title": _text(ctx, r, "title") or "Untitled post",
            "body": _text(ctx, r, "body"),
            "published": published,
            "published_at": _time(ctx, r, "published_at") if published else None,
        }

    def _question(self, ctx: _Context, r: dict[str, Any]) -> dict[str, Any]:
        """A custom question of Podium's own export file; its scope names the export's types and tracks."""
        kind = r.get("kind")
        if kind not in QUESTION_KINDS:
            ctx.repair("kind", f"should be one of {', '.join(QUESTION_KINDS)}: asked as short_text")
            kind = "short_text"
        choices = r.get("choices") if isinstance(r.get("choices"), list) else []
        scope = {
            name: [self.catalogs[of][str(i)]["id"] for i in r[name] if str(i) in self.catalogs[of]]
            if isinstance(r.get(name), list) else None
            for name, of in (("track_ids", "track"), ("session_type_ids", "session_type"))
        }  # fmt: skip
        lengths = {n: _number(ctx, r, n, low=0, high=20_000) for n in ("min_length", "max_length")}
        return {
            "question_kind": kind, "label": _text(ctx, r, "name") or "Untitled question",
            "help_text": _text(ctx, r, "description") or None,
            "choices": [values.clean_text(str(c))[:300] for c in choices[:50]] or None,
            "required": r.get("required") is True, "identifying": r.get("identifying") is True,
            "visibility": "public" if r.get("visibility") == "public" else "organizers",
            "position": int(_number(ctx, r, "position", low=0, high=10_000) or 0),
            **{n: None if v is None else int(v) for n, v in lengths.items()}, **scope,
        }  # fmt: skip

    def _answers(self, ctx: _Context, raw: Any) -> dict[str, Any] | None:
        """A session's answers by the imported questions' ids: text repaired, other values kept when
        they are a yes/no or a list of choices; files (stored in the exporting stack) left out."""
        if not isinstance(raw, dict) or not raw:
            return None
        questions = self.catalogs.get("question", {})
        kept: dict[str, Any] = {}
        for source_id, value in raw.items():
            question = questions.get(str(source_id))
            if question is None or question["question_kind"] == "file":
                ctx.repair(ANSWERS_KEY, f"the answer to {str(source_id)[:40]!r} names no question of the export (or a file): left out")
                continue
            if isinstance(value, str):
                kept[question["id"]] = values.clean_text(value[:MAX_LONG_TEXT], multiline=question["question_kind"] == "long_text")
            elif isinstance(value, bool) or (isinstance(value, list) and all(isinstance(v, str) for v in value)):
                kept[question["id"]] = value
            else:
                ctx.repair(ANSWERS_KEY, f"the answer to {str(source_id)[:40]!r} is not text, a choice or yes/no: left out")
        return kept or None

    # -- references --

    def _reference(self, ctx: _Context, value: Any, kind: str, field: str) -> str | None:
        """The Podium id a session's reference names, or None: an empty or id-less reference is none;
        an id no file lists becomes a record made from the reference's own copy when it names one,
        else is left out. Every such case with a repair line."""
        if value is None:
            return None
        label = kind.replace("_", " ")
        copy = _normalize_keys(value, FILE_OF_KIND[kind]) if isinstance(value, dict) else None
        if copy is None and (isinstance(value, bool) or not isinstance(value, (int, str))):
            ctx.repair(field, f"is not a reference ({type(value).__name__}): no {label}")
            return None
        source_id = _source_id(copy if copy is not None else {"id": value})
        if source_id is None:
            ctx.repair(field, f"names no id: no {label}")
            return None
        # The copy's name, as is: it only tells twins apart and whether a record can be made from it.
        name = str(copy.get("name") or "").strip() if copy is not None else ""
        source_id = self.twins.get(source_id, {}).get(name.casefold(), source_id)
        catalog = self.catalogs[kind]
        if source_id in catalog:
            return catalog[source_id]["id"]
        if name:
            made = _Context(FILE_OF_KIND[kind], None, self.tz, self.log, source_id=source_id)
            catalog[source_id] = self._build(kind, made, source_id, copy or {})
            ctx.repair(field, f"names {label} {source_id}, which {FILE_OF_KIND[kind]} does not list: made from this copy")
            return catalog[source_id]["id"]
        ctx.repair(field, f"names unknown {label} {source_id}: left out")
        return None

    # -- sessions and speakers' links --

    def _sessions(self, records: list[Any]) -> dict[str, dict[str, Any]]:
        sessions: dict[str, dict[str, Any]] = {}
        for index, item in enumerate(records):
            ctx = _Context("sessions", index, self.tz, self.log)
            record = self._record(ctx, item)
            if record is None:
                continue
            assert ctx.source_id is not None
            if ctx.source_id in sessions:
                ctx.repair("id", "is listed twice: this copy left out, the first kept")
                continue
            sessions[ctx.source_id] = self._session(ctx, record) | self._base("session", ctx.source_id)
        return sessions

    def _session(self, ctx: _Context, r: dict[str, Any]) -> dict[str, Any]:
        title = _text(ctx, r, "title")
        if not title:
            title = _text(ctx, r, "name")
            ctx.repair("title", "is missing: the session's name used" if title else "is missing: 'Untitled session' used")
            title = title or "Untitled session"
        state = (_text(ctx, r, "state") or "draft").lower()
        if state not in SESSION_STATES:
            ctx.repair("state", f"{state[:40]!r} is not a session state: imported as draft")
            state = "draft"
        starts_at, ends_at = _times(ctx, r)
        return {f: _text(ctx, r, f) for f in _SESSION_TEXT} | {
            "title": title,
            "state": state,
            "starts_at": starts_at,
            "ends_at": ends_at,
            "track_id": self._reference(ctx, r.get("track"), "track", "track"),
            "room_id": self._reference(ctx, r.get("room"), "room", "room"),
            "session_type_id": self._reference(ctx, r.get("session_type"), "session_type", "session_type"),
            "speaker_ids": self._speaker_ids(ctx, r.get("speakers")),
            "answers": self._answers(ctx, r.get("x_podium_answers")),
        }

    def _speaker_ids(self, ctx: _Context, speakers: Any) -> tuple[str, ...]:
        if speakers is None:
            return ()
        if not isinstance(speakers, list):
            ctx.repair("speakers", "should be a list: no speakers")
            return ()
        found = [self._reference(ctx, s, "speaker", "speakers") for s in speakers]
        ids = tuple(dict.fromkeys(i for i in found if i is not None))
        if len(ids) < len([i for i in found if i is not None]):
            ctx.repair("speakers", "names a speaker twice: once kept")
        return ids

    def _linked_speakers(self, sessions: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
        """Speakers with the sessions they list and the sessions that list them; a listed session
        the export does not hold is left out with a repair line."""
        listing: dict[str, list[str]] = {}
        for session in sessions.values():
            for speaker_id in session["speaker_ids"]:
                listing.setdefault(speaker_id, []).append(session["id"])
        speakers = []
        for speaker in self.catalogs["speaker"].values():
            own = [sessions[i]["id"] for i in speaker["session_source_ids"] if i in sessions]
            unknown = [i for i in speaker["session_source_ids"] if i not in sessions]
            if unknown:
                self.log.repair(
                    file="speakers", record=f"id {speaker['source_id']}", field="sessions",
                    action=f"links to sessions the export does not hold ({', '.join(unknown[:5])}): left out",
                )  # fmt: skip
            linked = tuple(dict.fromkeys([*own, *listing.get(speaker["id"], [])]))
            speakers.append({k: v for k, v in speaker.items() if k != "session_source_ids"} | {"session_ids": linked})
        return speakers




def read_export(path: str | Path) -> OpenEventExport:
    """Parse an Open Event export into complete, normalized records, with the repairs made."""
    not_read: list[str] = []
    raw = read_raw_files(path, not_read=not_read)
    return parse_files(raw, not_read=not_read)


MAX_FILES_NAMED = 5  # past this many unread files in one folder, the report counts them


def parse_files(raw: dict[str, bytes], *, not_read: Sequence[str] = ()) -> OpenEventExport:
    """Parse raw export files (name without .json -> bytes); `not_read` names the export's other
    files, each reported as left out. Raises ExportError only when the `event` file is missing or
    unreadable; every other problem is repaired and reported."""
    log = RepairLog()
    event = _parse_event(raw, log)
    by_folder: dict[str, list[str]] = {}
    for name in not_read:
        by_folder.setdefault(str(PurePosixPath(name).parent), []).append(name)
    for folder, names in sorted(by_folder.items()):
        if len(names) <= MAX_FILES_NAMED:
            for name in names:
                log.repair(file=name, record="", field="", action="not a file Podium reads: left out")
        else:  # media the records link stay at their URLs; a count says they were seen
            log.repair(file=f"{folder}/", record="", field="", action=f"{len(names)} files Podium does not read: left out")
    return _Reader(raw, event, log).read()


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


# A record's compact JSON as made before, or `make()`'s: (kind, item, make) → bytes (`write_files`).
KeptRecords = Callable[[str, Any, Callable[[], bytes]], bytes]


def write_files(
    items_by_kind: Mapping[str, list[Any]],
    *,
    audience: Audience,
    file_url: Callable[[Any], str] | None = None,
    compact: bool = False,
    kept: KeptRecords | None = None,
) -> dict[str, bytes]:
    """File name → JSON bytes of an Open Event export (v2, kebab-case) of one event's live items,
    grouped by kind name ("event" holds the one event). Records carry their source ids (imported
    records) or Podium ids, so export → import → export gives equal files; a field `audience`
    may not see stays out. An uploaded file (a speaker's photo, a logo, slides) is written as its
    public link, `file_url(stored_file)`, where the record has no link of its own. `compact` JSON
    (no indentation) is made by the C encoder, several times faster (the site's export per render);
    with it, `kept` may give back each record's JSON as made before (a list is its records joined)."""
    event = items_by_kind["event"][0]
    link = _Links(file_url)
    tz = ZoneInfo(event.timezone or "UTC")
    ids = _SourceIds(items_by_kind, audience)

    def listed(kind: str, make: Callable[[Any], dict[str, Any]], items: Iterable[Any] | None = None) -> bytes:
        """The kind's records in id order, as one JSON list."""
        ordered = sorted(items_by_kind.get(kind, ()) if items is None else items, key=lambda i: str(ids.of(kind, i.id)))
        if kept is None or not compact:
            return _dumps([make(item) for item in ordered], compact=compact)
        pieces = [kept(kind, item, lambda item=item: _dumps(make(item), compact=True)) for item in ordered]
        return b"[" + b",".join(pieces) + b"]"

    posts = [p for p in items_by_kind.get("post", ()) if p.published or audience.sees_unpublished]
    files = {
        "event": _dumps(_event_record(event, tz, audience, link), compact=compact),
        "tracks": listed("track", lambda t: _track_record(t, ids)),
        "microlocations": listed("room", lambda r: _room_record(r, ids)),
        "session-types": listed("session_type", lambda t: _session_type_record(t, ids)),
        "sessions": listed("session", lambda s: _session_record(s, ids, tz, audience, link)),
        "speakers": listed("speaker", lambda s: _speaker_record(s, ids, audience, link)),
        "sponsors": listed("sponsor", lambda s: _sponsor_record(s, ids, link)),
        # Not an Open Event file (it has no posts); Podium's own, read back by Podium's imports.
        "posts": listed("post", lambda p: _post_record(p, ids, tz), posts),
    }
    if items_by_kind.get("question"):  # only events with questions: other exports stay plain Open Event
        files[QUESTIONS_FILE] = listed("question", lambda q: _question_record(q, ids))
    return files


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


def _dumps(value: Any, *, compact: bool = False) -> bytes:
    if compact:
        return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()
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
        "external-event-url": _or_none(e.external_event_url),
        "privacy": e.privacy or "public",
        "topic": _or_none(e.topic),
        "sub-topic": _or_none(e.sub_topic),
        "type": _or_none(e.event_type),
        "event-copyright": {"holder": e.copyright_holder} if e.copyright_holder else None,
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
        "location": _or_none(t.location),
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
