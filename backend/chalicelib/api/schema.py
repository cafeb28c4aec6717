"""One schema per payload: validation of JSON bodies and the OpenAPI description, from one source.

Unknown and read-only fields are refused by name (no mass assignment); every failure is a
422 whose `fields` maps each offending field to what is wrong with it. What a valid text,
URL, date-time or number is comes from chalicelib/values.py, which the import readers share.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from typing import Any, NamedTuple
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from chalicelib import values
from chalicelib.db import pagination
from chalicelib.errors import BadRequest, PayloadTooLarge, ValidationFailed

MAX_BODY_BYTES = 1_000_000
MAX_BODY_DEPTH = values.MAX_JSON_DEPTH
_EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]+\.[^@\s]+$")
_COLOR = re.compile(r"^#[0-9a-fA-F]{6}$")
# Formats of free text: every other string is single-line text (values.text_problem).
MULTILINE_FORMATS = frozenset({"multiline", "rich-text"})
# Formats only Podium knows stay out of the OpenAPI document (generators refuse unknown ones).
_PODIUM_FORMATS = MULTILINE_FORMATS | {"link", "criterion", "scores", "time-range"}


class Field(NamedTuple):
    """A JSON value's type and bounds. `kind`: string, integer, number, boolean, array, object."""

    kind: str
    max_length: int | None = None
    min_length: int = 0
    minimum: float | None = None
    maximum: float | None = None
    choices: tuple[str, ...] | None = None
    format: str | None = None  # email, uri, date-time, timezone, color, multiline, rich-text, link
    items: Field | None = None
    max_items: int | None = None
    nullable: bool = False
    read_only: bool = False
    description: str = ""
    as_set: bool = False  # an array of references: a repeated item is dropped, the first kept

    def check(self, value: Any) -> tuple[Any, str | None]:
        """Returns the cleaned value and an error message (None when valid)."""
        if value is None:
            return None, None if self.nullable else "must not be null"
        checker = _CHECKS[self.kind]
        return checker(self, value)

    def openapi(self) -> dict[str, Any]:
        spec: dict[str, Any] = {"type": [self.kind, "null"] if self.nullable else self.kind}
        for key, value in (
            ("maxLength", self.max_length),
            ("minimum", self.minimum),
            ("maximum", self.maximum),
            ("enum", list(self.choices) if self.choices else None),
            ("maxItems", self.max_items),
            ("format", None if self.format in _PODIUM_FORMATS else self.format),
            ("description", self.description or None),
        ):
            if value is not None:
                spec[key] = value
        if self.min_length:
            spec["minLength"] = self.min_length
        if self.items:
            spec["items"] = self.items.openapi()
        if self.read_only:
            spec["readOnly"] = True
        if self.format == "link":
            spec["properties"] = {"name": {"type": "string", "maxLength": 100}, "url": {"type": "string"}}
            spec["additionalProperties"] = False
        if self.format == "time-range":
            moment = {"type": "string", "format": "date-time", "maxLength": 40}
            spec["properties"] = {"starts_at": moment, "ends_at": moment}
            spec["required"] = ["starts_at", "ends_at"]
            spec["additionalProperties"] = False
        return spec


def _check_string(spec: Field, value: Any) -> tuple[Any, str | None]:
    if not isinstance(value, str):
        return value, "must be a string"
    if spec.max_length is not None and len(value) > spec.max_length:
        return value, f"must be at most {spec.max_length} characters"
    if len(value) < spec.min_length:
        return value, "must not be empty" if spec.min_length == 1 else f"must be at least {spec.min_length} characters"
    if spec.choices and value not in spec.choices:
        return value, "must be one of " + ", ".join(spec.choices)
    problem = values.text_problem(value, multiline=spec.format in MULTILINE_FORMATS)
    if problem is None and spec.format in _FORMATS:
        problem = _FORMATS[spec.format](value)
    return (value.strip().lower() if spec.format == "email" else value), problem


def _check_number(spec: Field, value: Any) -> tuple[Any, str | None]:
    problem = values.number_problem(value, minimum=spec.minimum, maximum=spec.maximum, whole=spec.kind == "integer")
    return value, problem


def _check_boolean(spec: Field, value: Any) -> tuple[Any, str | None]:
    return value, None if isinstance(value, bool) else "must be true or false"


def _check_array(spec: Field, value: Any) -> tuple[Any, str | None]:
    if not isinstance(value, list):
        return value, "must be a list"
    if spec.max_items is not None and len(value) > spec.max_items:
        return value, f"must hold at most {spec.max_items} items"
    cleaned = []
    for index, item in enumerate(value):
        item_value, problem = spec.items.check(item) if spec.items else (item, None)
        if problem:
            return value, f"item {index} {problem}"
        cleaned.append(item_value)
    return (list(dict.fromkeys(cleaned)) if spec.as_set else cleaned), None


def _check_object(spec: Field, value: Any) -> tuple[Any, str | None]:
    if not isinstance(value, dict) or len(json.dumps(value)) > (spec.max_length or 10_000):
        return value, "must be a small JSON object"
    if spec.format in _OBJECT_FORMATS:
        return value, _OBJECT_FORMATS[spec.format](value)
    return value, None


def _link_problem(link: dict[str, Any]) -> str | None:
    """A named link ({name, url}): the name one line of text, the url http(s)."""
    if set(link) - {"name", "url"}:
        return "must hold only name and url"
    name, url = link.get("name", ""), link.get("url")
    if not isinstance(name, str) or len(name) > 100 or values.text_problem(name):
        return "name must be one line of at most 100 characters"
    if not isinstance(url, str) or values.url_problem(url):
        return "url must be an http(s) URL"
    return None


def _time_range_problem(moments: dict[str, Any]) -> str | None:
    """A time range ({starts_at, ends_at}): two date-times of the vocabulary; their order and
    bounds are the domain's (it knows the event)."""
    if set(moments) != {"starts_at", "ends_at"}:
        return "must hold exactly starts_at and ends_at"
    for name in ("starts_at", "ends_at"):
        value = moments[name]
        if not isinstance(value, str) or len(value) > 40 or values.datetime_problem(value):
            return f"{name} must be an ISO 8601 date-time with offset"
    return None


_CRITERION_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
SCORE_BOUND = 1000  # a criterion's scale lies within ±SCORE_BOUND


def _criterion_problem(criterion: dict[str, Any]) -> str | None:
    """A review criterion ({id?, name, minimum, maximum, weight?}): a whole-number scale, a positive weight."""
    if set(criterion) - {"id", "name", "minimum", "maximum", "weight"}:
        return "must hold only id, name, minimum, maximum and weight"
    if "id" in criterion and not (isinstance(criterion["id"], str) and _CRITERION_ID.match(criterion["id"])):
        return "id must be 1 to 64 letters, digits, - or _"
    name = criterion.get("name")
    if not isinstance(name, str) or not 1 <= len(name) <= 100 or values.text_problem(name):
        return "name must be one line of 1 to 100 characters"
    return _scale_problem(criterion)


def _scale_problem(criterion: dict[str, Any]) -> str | None:
    low, high = criterion.get("minimum"), criterion.get("maximum")
    for bound in (low, high):
        if values.number_problem(bound, minimum=-SCORE_BOUND, maximum=SCORE_BOUND, whole=True):
            return f"minimum and maximum must be whole numbers from {-SCORE_BOUND} to {SCORE_BOUND}"
    if low >= high:
        return "maximum must be above minimum"
    if values.number_problem(criterion.get("weight", 1), minimum=0.001, maximum=1000):
        return "weight must be a number from 0.001 to 1000"
    return None


def _scores_problem(scores: dict[str, Any]) -> str | None:
    """Scores by criterion id: whole numbers (each criterion's own scale is the domain's check)."""
    if len(scores) > 50:
        return "must hold at most 50 scores"
    for name, score in scores.items():
        if not _CRITERION_ID.match(name):
            return "keys must be criterion ids"
        if values.number_problem(score, minimum=-SCORE_BOUND, maximum=SCORE_BOUND, whole=True):
            return f"{name} must be a whole number"
    return None


_OBJECT_FORMATS: dict[str, Callable[[dict[str, Any]], str | None]] = {
    "link": _link_problem,
    "criterion": _criterion_problem,
    "scores": _scores_problem,
    "time-range": _time_range_problem,
}

_CHECKS: dict[str, Callable[[Field, Any], tuple[Any, str | None]]] = {
    "string": _check_string,
    "integer": _check_number,
    "number": _check_number,
    "boolean": _check_boolean,
    "array": _check_array,
    "object": _check_object,
}


def _email_problem(value: str) -> str | None:
    return None if _EMAIL.match(value.strip()) else "must be an email address"




def _timezone_problem(value: str) -> str | None:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        return "must be an IANA time zone such as Asia/Singapore"
    return None


def _color_problem(value: str) -> str | None:
    return None if _COLOR.match(value) else "must be a color like #0050eb"


_FORMATS: dict[str, Callable[[str], str | None]] = {
    "email": _email_problem,
    "uri": values.url_problem,
    "date-time": values.datetime_problem,
    "timezone": _timezone_problem,
    "color": _color_problem,
}


class Schema(NamedTuple):
    """A named JSON object payload."""

    name: str
    fields: Mapping[str, Field]
    required: frozenset[str] = frozenset()

    def validate(self, body: Any, *, partial: bool = False) -> dict[str, Any]:
        """The cleaned payload, or ValidationFailed naming every bad, unknown or read-only field."""
        if not isinstance(body, dict):
            raise ValidationFailed("The body must be a JSON object.", fields={"body": "must be a JSON object"})
        problems: dict[str, str] = {}
        cleaned: dict[str, Any] = {}
        for name, value in body.items():
            spec = self.fields.get(name)
            if spec is None:
                problems[name] = "is not a field of " + self.name
            elif spec.read_only:
                problems[name] = "is read-only"
            else:
                cleaned[name], problem = spec.check(value)
                if problem:
                    problems[name] = problem
        if not partial:
            for name in sorted(self.required - body.keys()):
                problems[name] = "is required"
        if problems:
            raise ValidationFailed(_summary(problems), fields=problems)
        return cleaned

    def openapi(self) -> dict[str, Any]:
        spec: dict[str, Any] = {
            "type": "object",
            "additionalProperties": False,
            "properties": {name: f.openapi() for name, f in self.fields.items()},
        }
        if self.required:
            spec["required"] = sorted(self.required)
        return spec


def _summary(problems: dict[str, str]) -> str:
    first = next(iter(problems.items()))
    more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
    return f"{first[0]} {first[1]}{more}."


def parse_json_body(raw: bytes | str | None) -> Any:
    """Decode a request body: 413 over 1 MB; 400 for anything that is not JSON, nests deeper
    than 32 levels or holds a number that is not finite (both checked without recursion)."""
    raw = raw or b""
    if isinstance(raw, str):
        raw = raw.encode("utf-8", "surrogatepass")
    if len(raw) > MAX_BODY_BYTES:
        raise PayloadTooLarge(f"The body is {len(raw)} bytes; the limit is {MAX_BODY_BYTES} bytes.")
    if not raw.strip():
        return {}
    try:
        return values.parse_json(raw, max_depth=MAX_BODY_DEPTH)
    except values.ValueProblem as problem:
        raise BadRequest(f"The body {problem}.", fields={"body": str(problem)}) from None


# Common fields, so every schema bounds the same things the same way.
def text(max_length: int, **kwargs: Any) -> Field:
    """Single-line text, unless `format` says multiline or rich-text."""
    return Field("string", max_length=max_length, **kwargs)


def multiline(max_length: int, **kwargs: Any) -> Field:
    """Plain text that may hold line breaks (and no other control character)."""
    return Field("string", max_length=max_length, format="multiline", **kwargs)


def rich_text(max_length: int, **kwargs: Any) -> Field:
    """Markdown or HTML, sanitized when rendered (public/richtext.py)."""
    return Field("string", max_length=max_length, format="rich-text", **kwargs)


def name_field(**kwargs: Any) -> Field:
    return Field("string", max_length=300, min_length=1, **kwargs)


EMAIL = Field("string", max_length=254, format="email")
URL = Field("string", max_length=values.URL_MAX_LENGTH, format="uri", nullable=True)
DATETIME = Field("string", max_length=40, format="date-time")
TIMEZONE = Field("string", max_length=64, format="timezone")
ID = Field("string", max_length=64, min_length=1)
# The one list shape (db/pagination.py `Page.body`): what every list route answers.
PAGE = Schema(
    "Page",
    {
        "items": Field("array", items=Field("object"), max_items=pagination.MAX_LIMIT),
        "next": Field(
            "string", max_length=pagination.MAX_CURSOR_LENGTH, nullable=True,
            description="send back as ?next= for the following page; null on the last page",
        ),
    },
    frozenset({"items", "next"}),
)  # fmt: skip
