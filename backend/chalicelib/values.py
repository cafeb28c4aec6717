"""What a valid value is: the one vocabulary of field types.

The API schemas (api/schema.py, api/payloads.py) refuse what these functions call a problem
(422 naming the field); the import readers (formats/openevent.py, and c3voc through it) repair
it with `clean_*` and a warning; the renderer shows only `safe_url` links. Bounded JSON
parsing lives here too, because a JSON document is where hostile numbers and depths come in.

This module imports nothing of Podium's, so every layer may use it without a cycle.
"""

from __future__ import annotations

import functools
import itertools
import json
import math
import re
from datetime import UTC, datetime
from importlib import resources
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

MIN_YEAR, MAX_YEAR = 1970, 2100
MAX_JSON_DEPTH = 32
# DynamoDB keeps 38 significant digits; whole numbers past 2**53 lose precision in JavaScript.
MAX_WHOLE_NUMBER = 2**53
URL_MAX_LENGTH = 2000

_NONCHARACTERS = "\ufdd0-\ufdef" + "".join(
    f"{chr(plane * 0x10000 + 0xFFFE)}{chr(plane * 0x10000 + 0xFFFF)}" for plane in range(17)
)
# Control characters but tab/newline/carriage return, lone surrogates and noncharacters: none of
# them can appear in XML 1.0 (schedule.xml) and none is text a person typed.
_NEVER = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff" + _NONCHARACTERS + "]")
# The same set searched in two steps, for speed: a class of BMP characters only is a table lookup
# per character, while the astral noncharacters make the whole class a list tried per character
# (15 times slower on FOSSASIA's abstracts); they are looked for only in text that has an astral character.
_NEVER_BMP = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufdd0-\ufdef\ufffe\uffff]")
_ASTRAL = re.compile("[\U00010000-\U0010ffff]")
_LINE_BREAKS = re.compile("[\t\n\r\u2028\u2029]+")
_EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]+\.[^@\s]+$")
# JSON strings, so brackets inside them do not count towards the depth (possessive: linear time).
_JSON_STRING = re.compile(rb'"(?:[^"\\]++|\\.)*+"', re.DOTALL)
_SAME_BYTES = bytes.maketrans(b"", b"")  # translate() only deletes with it
_NOT_BRACKETS = bytes(b for b in range(256) if b not in b"[]{}")
_BRACKET_STEPS = bytes.maketrans(b"[{]}", b"\x01\x01\xff\xff")

SINGLE_LINE_PROBLEM = "must be one line (no line breaks or tabs)"
CHARACTER_PROBLEM = "must not hold control characters, lone surrogates or noncharacters"


class ValueProblem(ValueError):
    """A value outside the vocabulary; the message says what is wrong, for a person."""


# --- text --------------------------------------------------------------------------------


def text_problem(value: str, *, multiline: bool = False) -> str | None:
    """Why `value` is not valid text (single-line unless `multiline`), or None."""
    if value.isprintable():  # most values: every character _NEVER and _LINE_BREAKS find is unprintable
        return None
    if _NEVER_BMP.search(value) or (_ASTRAL.search(value) and _NEVER.search(value)):
        return CHARACTER_PROBLEM
    if not multiline and _LINE_BREAKS.search(value):
        return SINGLE_LINE_PROBLEM
    return None


def clean_text(value: str, *, multiline: bool = False) -> str:
    """`value` repaired: characters that are never text removed, line breaks of a single-line
    value turned into one space. Equal to `value` when `text_problem` finds nothing."""
    cleaned = _NEVER.sub("", value)
    if not multiline and _LINE_BREAKS.search(cleaned):
        cleaned = _LINE_BREAKS.sub(" ", cleaned).strip()
    return cleaned


# --- URLs ----------------------------------------------------------------------------------


def url_problem(value: str, *, mailto: bool = False) -> str | None:
    """Why `value` is not an http(s) URL (or, with `mailto`, a mailto: link to one address)."""
    wanted = "must be an http(s) URL" + (" or a mailto: link" if mailto else "")
    if len(value) > URL_MAX_LENGTH or text_problem(value) or re.search(r"\s", value):
        return wanted
    try:
        parts = urlsplit(value)
    except ValueError:  # e.g. an unbalanced [ in the host
        return wanted
    scheme = parts.scheme.lower()
    if scheme in ("http", "https"):
        return None if parts.netloc and parts.hostname and value[: len(scheme) + 3].lower() == scheme + "://" else wanted
    if scheme == "mailto" and mailto:
        return None if _EMAIL.match(parts.path) else wanted
    return wanted


def safe_url(value: Any, *, mailto: bool = False) -> str | None:
    """`value` when it is a valid URL of the vocabulary, else None (never an unsafe href)."""
    if not isinstance(value, str):
        return None
    value = value.strip()
    return value if value and url_problem(value, mailto=mailto) is None else None


# --- date-times ----------------------------------------------------------------------------


def parse_datetime(value: str) -> datetime:
    """An ISO 8601 date-time with a UTC offset, years 1970 to 2100; ValueProblem otherwise."""
    try:
        parsed = datetime.fromisoformat(value)
    except (ValueError, TypeError):
        raise ValueProblem("must be an ISO 8601 date-time with offset, e.g. 2026-03-22T09:00:00+08:00") from None
    if parsed.tzinfo is None or parsed.utcoffset() is None:
        raise ValueProblem("must carry a UTC offset, e.g. +08:00 or Z")
    return bounded_datetime(parsed)


def bounded_datetime(moment: datetime) -> datetime:
    """`moment` when it falls in the years 1970 to 2100 (in its own zone and in UTC)."""
    try:
        in_utc = moment.astimezone(UTC)
    except OverflowError:
        in_utc = None
    if in_utc is None or not (MIN_YEAR <= moment.year <= MAX_YEAR and MIN_YEAR <= in_utc.year <= MAX_YEAR):
        raise ValueProblem(f"must fall in the years {MIN_YEAR} to {MAX_YEAR}")
    return moment


def datetime_problem(value: str) -> str | None:
    try:
        parse_datetime(value)
    except ValueProblem as problem:
        return str(problem)
    return None


def order_problem(starts_at: datetime | None, ends_at: datetime | None) -> str | None:
    """Why an end comes before its start, or None (also when either is missing). Whether an end
    equal to the start is allowed is the domain's rule (sessions need a length, imports keep them)."""
    if starts_at is not None and ends_at is not None and ends_at < starts_at:
        return "must not be before starts_at"
    return None


# --- time zones ----------------------------------------------------------------------------

# Names exports carry that are no tz database name at all: the common (North American and
# Windows) names of zones, as Open Event's older forms offered them.
_LEGACY_ZONE_NAMES = {
    "hawaii-aleutian": "Pacific/Honolulu",
    "hawaii-aleutian standard time": "Pacific/Honolulu",
    "hawaiian standard time": "Pacific/Honolulu",
    "alaska": "America/Anchorage",
    "alaskan standard time": "America/Anchorage",
    "pacific": "America/Los_Angeles",
    "pacific standard time": "America/Los_Angeles",
    "mountain": "America/Denver",
    "mountain standard time": "America/Denver",
    "central": "America/Chicago",
    "central standard time": "America/Chicago",
    "eastern": "America/New_York",
    "eastern standard time": "America/New_York",
    "atlantic standard time": "America/Halifax",
    "gmt standard time": "Europe/London",
    "w. europe standard time": "Europe/Berlin",
    "central european standard time": "Europe/Warsaw",
    "romance standard time": "Europe/Paris",
    "india standard time": "Asia/Kolkata",
    "singapore standard time": "Asia/Singapore",
    "china standard time": "Asia/Shanghai",
    "tokyo standard time": "Asia/Tokyo",
    "aus eastern standard time": "Australia/Sydney",
}


_UTC_NAMES = frozenset({"UTC", "Etc/UTC", "Etc/GMT", "Etc/UCT", "Etc/Zulu", "Etc/Universal", "GMT", "Zulu"})


@functools.cache
def _zone_links() -> dict[str, str]:
    """Every tz database link (the `backward` file's legacy names among them) -> its canonical zone,
    read from the tzdata package (shipped in the Lambda package too)."""
    text = resources.files("tzdata").joinpath("zoneinfo/tzdata.zi").read_text(encoding="utf-8")
    links = {}
    for line in text.splitlines():
        if line.startswith("L "):
            _, target, link = line.split()
            links[link] = target
    return links


@functools.cache
def _zones_by_folded_name() -> dict[str, str]:
    names = available_timezones() | set(_zone_links())
    return {name.casefold(): name for name in names}


def canonical_timezone(name: str) -> str | None:
    """The canonical IANA name of a zone written as a link, a legacy or common name, in another case
    or with spaces around its slashes (`US / Pacific` -> `America/Los_Angeles`); None when unknown."""
    if not isinstance(name, str) or len(name) > 64:
        return None
    squeezed = re.sub(r"\s*/\s*", "/", name.strip())
    folded = squeezed.casefold()
    found = _zones_by_folded_name().get(folded) or _zones_by_folded_name().get(folded.replace(" ", "_"))
    found = found or _LEGACY_ZONE_NAMES.get(re.sub(r"\s+", " ", folded))
    if found is None:
        return None
    if found in _UTC_NAMES:  # links to Etc/UTC, but "UTC" is the name every reader knows (and the c3voc schema's)
        return "UTC"
    seen = set()
    while found in _zone_links() and found not in seen:  # links may chain in older data
        seen.add(found)
        found = _zone_links()[found]
    try:
        ZoneInfo(found)
    except (ZoneInfoNotFoundError, ValueError):
        return None
    return "UTC" if found in _UTC_NAMES else found



def offset_timezone(moment: datetime) -> str | None:
    """A zone for a date-time that carries only its UTC offset: the tz database's fixed zone for a
    whole hour (Etc/GMT-1 is +01:00: POSIX signs), else the first canonical zone at that offset at
    that moment (+05:30: Asia/Colombo); None for a naive date-time or an offset no zone has."""
    offset = moment.utcoffset()
    if offset is None:
        return None
    hours, rest = divmod(int(offset.total_seconds()), 3600)
    if not rest and -12 <= hours <= 14:
        return "UTC" if hours == 0 else f"Etc/GMT{-hours:+d}"
    return next((zone for zone in located_zone_names() if moment.astimezone(ZoneInfo(zone)).utcoffset() == offset), None)


@functools.cache
def located_zone_names() -> tuple[str, ...]:
    """Every canonical Area/Location zone (no link, no Etc/ fixed offset), sorted."""
    return tuple(sorted(z for z in available_timezones() if "/" in z and not z.startswith("Etc/") and z not in _zone_links()))

# --- numbers -------------------------------------------------------------------------------


def number_problem(
    value: Any, *, minimum: float | None = None, maximum: float | None = None, whole: bool = False
) -> str | None:
    """Why `value` is not a finite number (whole with `whole`) within the bounds, or None."""
    wanted = "must be a whole number" if whole else "must be a number"
    if isinstance(value, bool) or not isinstance(value, int | float) or (whole and not isinstance(value, int)):
        return wanted
    if isinstance(value, float) and not math.isfinite(value):
        return "must be a finite number"
    low = minimum if minimum is not None else -MAX_WHOLE_NUMBER
    high = maximum if maximum is not None else MAX_WHOLE_NUMBER
    if value < low:
        return f"must be at least {low:g}"
    if value > high:
        return f"must be at most {high:g}"
    return None


def clean_number(value: Any, *, minimum: float, maximum: float, whole: bool = False) -> float | int | None:
    """A number read from an import (a number or its text), or None when it is none in range."""
    if isinstance(value, str):
        text = value.strip()
        # ASCII only: int() and float() also read other scripts' digits, which no export means.
        if not text.isascii() or not re.fullmatch(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d{1,3})?", text):
            return None
        value = int(text) if whole and text.lstrip("+-").isdigit() else float(text)
    if whole and isinstance(value, float) and value.is_integer():
        value = int(value)
    return value if number_problem(value, minimum=minimum, maximum=maximum, whole=whole) is None else None


# --- JSON ------------------------------------------------------------------------------------


def json_depth(raw: bytes) -> int:
    """How deeply arrays and objects nest in `raw` (brackets inside strings do not count)."""
    brackets = _JSON_STRING.sub(b"", raw).translate(_SAME_BYTES, _NOT_BRACKETS)
    # Each opening bracket +1, each closing one -1 (bytes read as signed): the deepest running sum,
    # summed in C (a loop in Python took 0.1 s on an export's 35,000 brackets).
    steps = memoryview(brackets.translate(_BRACKET_STEPS)).cast("b")
    return max(0, max(itertools.accumulate(steps), default=0))


def _refuse_constant(name: str) -> Any:
    raise ValueProblem(f"{name} is not a number JSON allows")


def _finite_float(text: str) -> float:
    number = float(text)
    if not math.isfinite(number):
        raise ValueProblem(f"{text[:40]} is too large a number")
    return number


def parse_json(raw: bytes | str, *, max_depth: int = MAX_JSON_DEPTH) -> Any:
    """JSON with nesting at most `max_depth` (checked before parsing, so no recursion runs away)
    and finite numbers only (no NaN, Infinity or 1e400); ValueProblem otherwise."""
    data = raw.encode("utf-8", "surrogatepass") if isinstance(raw, str) else raw
    if data.count(b"[") + data.count(b"{") > max_depth and json_depth(data) > max_depth:
        raise ValueProblem(f"nests arrays and objects deeper than {max_depth} levels")
    try:
        text = data.decode("utf-8-sig") if isinstance(raw, bytes) else raw
        return json.loads(text, parse_constant=_refuse_constant, parse_float=_finite_float)
    except ValueProblem:
        raise
    except (ValueError, UnicodeDecodeError, RecursionError) as err:
        raise ValueProblem(f"is not valid JSON: {err}") from None
