"""Stored values made safe for every format the site writes (HTML, XML 1.0, iCalendar, JSON).

The API and the importers refuse bad values, but the renderer also reads old items, direct
writes and imports from before a rule existed; one bad value must never stop an event's site.
Every public record passes through `safe_record` (bundle.public_bundle, render.render_index),
so a new field is covered by its type without anyone remembering to add it here.

- text: characters XML 1.0 forbids (most C0 controls, U+FFFE/U+FFFF) and C1 controls are
  dropped, lone surrogates become U+FFFD; one-line fields (titles, names) get line breaks as
  spaces (iCalendar and frab have no line breaks in those), rich-text fields keep them.
- links: only http/https or a site path; anything else becomes "".
- times: kept between years 2 and 9998 (UTC), so shifting into any time zone or adding a few
  minutes cannot leave datetime's range. A session outside it is shown unscheduled; an
  event's or post's own time is clamped; a session lasts at most a week. A warning names the item.
- time zone: an unknown name falls back to UTC, with a warning.
"""

from __future__ import annotations

import dataclasses
import math
import re
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from chalicelib.logs import logger

R = TypeVar("R")

EARLIEST = datetime(2, 1, 1, tzinfo=UTC)
LATEST = datetime(9998, 12, 31, tzinfo=UTC)
LONGEST_SESSION = timedelta(days=7)
GRID_KINDS = frozenset({"Session", "Break"})  # records the day grids draw, cut to LONGEST_SESSION
# Rich-text and long fields: line breaks are content there (paragraphs, Markdown).
MULTILINE_FIELDS = frozenset(
    {
        "description",
        "organizer_description",
        "code_of_conduct",
        "short_abstract",
        "long_abstract",
        "short_biography",
        "long_biography",
        "body",
    }
)
URL_FIELDS = frozenset(
    {"url", "website", "logo_url", "banner_url", "ticket_url", "photo_url", "slides_url", "video_url", "audio_url"}
    | {"feedback_url"}
)
# XML 1.0 Char minus what no format wants: C0 controls other than tab/LF/CR, DEL and C1
# controls, U+FFFE/U+FFFF; lone surrogates are matched apart (they become U+FFFD).
_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\ufffe\uffff]")
_SURROGATE = re.compile("[\ud800-\udfff]")
_LINE_BREAKS = re.compile("\r\n|[\t\n\r\x0b\x0c\x85\u2028\u2029]")
_ANY_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\ufffe\uffff\ud800-\udfff\u2028\u2029]")


def safe_text(text: str) -> str:
    """Text with its line breaks kept (as \\n) and every character no format accepts removed."""
    if text.isprintable() or not _ANY_UNSAFE.search(text):  # every unsafe character is unprintable
        return text
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\x85", "\n")
    text = text.replace("\u2028", "\n").replace("\u2029", "\n")
    return _SURROGATE.sub("\ufffd", _FORBIDDEN.sub("", text))


def safe_line(text: str) -> str:
    """One line of text: line breaks and tabs become spaces, forbidden characters go."""
    if text.isprintable() or not _ANY_UNSAFE.search(text):  # every unsafe character is unprintable
        return text
    return _SURROGATE.sub("\ufffd", _FORBIDDEN.sub("", _LINE_BREAKS.sub(" ", text)))


def safe_url(url: str) -> str:
    """An http/https URL or a path on the site; anything else (javascript:, data:) is dropped."""
    url = safe_line(url).strip()
    if url.startswith(("http://", "https://")) or (url.startswith("/") and not url.startswith("//")):
        return url
    return ""


def in_range(moment: datetime) -> bool:
    """Whether `moment` can be shown in any time zone (and moved by minutes) without overflow."""
    return EARLIEST <= _aware(moment) <= LATEST


def clamped(moment: datetime) -> datetime:
    moment = _aware(moment)
    return min(max(moment, EARLIEST), LATEST)


def safe_timezone(name: str) -> str:
    """The IANA name when the zone exists, else "UTC"."""
    try:
        ZoneInfo(name)
    except (ValueError, LookupError, OSError):  # ZoneInfoNotFoundError is a KeyError; bad paths ValueError
        return "UTC"
    return name


def safe_record(record: R, *, where: str = "") -> R:
    """The record with every field made safe for output; the same object when nothing changed."""
    changes: dict[str, Any] = {}
    label = f"{where}{type(record).__name__.lower()} {getattr(record, 'id', '')}".strip()
    for field in dataclasses.fields(record):  # type: ignore[arg-type]
        value = getattr(record, field.name)
        cleaned = _safe_field(field.name, value)
        if cleaned != value or type(cleaned) is not type(value):
            changes[field.name] = cleaned
    if "timezone" in changes:
        logger().warning("unknown time zone; the site shows UTC", extra={"item": label})
    out_of_range = [
        field.name
        for field in dataclasses.fields(record)  # type: ignore[arg-type]
        if isinstance(getattr(record, field.name), datetime) and not in_range(getattr(record, field.name))
    ]
    kind = type(record).__name__
    if out_of_range and kind == "Session":
        changes.update(starts_at=None, ends_at=None)  # shown unscheduled rather than at a wrong time
        logger().warning("session time out of range; shown unscheduled", extra={"item": label})
    elif out_of_range:
        changes.update({name: clamped(getattr(record, name)) for name in out_of_range})
        logger().warning("time out of range; clamped", extra={"item": label, "fields": out_of_range})
    starts_at = changes.get("starts_at", getattr(record, "starts_at", None))
    if kind in GRID_KINDS and _too_long(starts_at, changes.get("ends_at", getattr(record, "ends_at", None))):
        # The day grid has a row per 5 minutes of a session or break: one "lasting" centuries would never render.
        changes["ends_at"] = _aware(starts_at) + LONGEST_SESSION
        logger().warning("longer than a week; cut to a week", extra={"item": label})
    return dataclasses.replace(record, **changes) if changes else record  # type: ignore[type-var]


def _safe_references(value: Any) -> tuple[tuple[str, str, str], ...]:
    """(type, title, url) links or attachments: a reference whose URL is unsafe goes."""
    return tuple((safe_line(kind), safe_line(title), safe_url(url)) for kind, title, url in value if safe_url(url))


# Fields of tuples whose parts mean different things, each cleaned part by part.
_TUPLE_FIELDS: dict[str, Any] = {
    "social_links": lambda value: tuple((safe_line(label), safe_url(url)) for label, url in value),
    "published_answers": lambda value: tuple((safe_line(q), safe_text(answer)) for q, answer in value),
    "links": _safe_references,
    "attachments": _safe_references,
}


def _safe_field(name: str, value: Any) -> Any:
    if isinstance(value, str):
        return _safe_string(name, value)
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if name in _TUPLE_FIELDS:
        return _TUPLE_FIELDS[name](value)
    if isinstance(value, tuple) and all(isinstance(v, str) for v in value):
        return tuple(safe_line(v) for v in value)
    return value


def _safe_string(name: str, value: str) -> str:
    if name in URL_FIELDS:
        return safe_url(value) if value else value
    if name == "timezone":
        return safe_timezone(value)
    return safe_text(value) if name in MULTILINE_FIELDS else safe_line(value)


def _too_long(start: datetime | None, end: datetime | None) -> bool:
    return start is not None and end is not None and _aware(end) - _aware(start) > LONGEST_SESSION


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
