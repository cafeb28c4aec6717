"""Random JSON against every request schema of the API: validation answers with the cleaned
payload or ValidationFailed / BadRequest / PayloadTooLarge — never another exception — and a
cleaned payload holds only writable fields of the schema."""

from __future__ import annotations

import json
import math

import pytest
from chalicelib import values
from chalicelib.api.schema import MAX_BODY_BYTES, parse_json_body
from chalicelib.errors import BadRequest, PayloadTooLarge, ValidationFailed
from hypothesis import given, settings
from hypothesis import strategies as st

pytestmark = pytest.mark.unit

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=40),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4),
    max_leaves=12,
)
edge_values = st.sampled_from(
    ["", " ", "a@b.c", "not-an-email", "https://example.org/x", "javascript:alert(1)", "2026-03-22T09:00:00+08:00",
     "2026-03-22T09:00:00", "Asia/Singapore", "Nowhere/Else", "#0050eb", "#zzzzzz", "x" * 25_000, -1, 0, 2**63,
     1e308, -1e308, True, [], {}, None, [None], {"a": "b" * 20_000}, "\u0000", "\ud7ff\ue000",
     "Good talk\nsecond line", "\u000b", "\u001f", "\ufffe", "\ud800", "a\u2028b", "\x85", float("nan"),
     float("inf"), 10**40, "9999-12-31T23:59:59-12:00", "0001-01-01T00:00:00+14:00", "1969-12-31T23:59:59Z",
     "data:text/html,<script>alert(1)</script>", " https://x.example", "HTTPS://ok.example", "mailto:a@b.c",
     [{"name": "x", "url": "javascript:alert(document.domain)"}], [{"name": "x\ny", "url": "https://ok.example"}],
     {"name": "x", "url": "vbscript:x"}]
)  # fmt: skip


def _schemas():
    import app  # noqa: F401 - registers every route
    from chalicelib.api.http import ENDPOINTS

    by_name = {e.body.name: e.body for e in ENDPOINTS if e.body is not None}
    return [by_name[name] for name in sorted(by_name)]


SCHEMAS = _schemas()


@st.composite
def bodies(draw):
    """A body for a random schema: mostly its own field names with random values, plus strangers."""
    schema = draw(st.sampled_from(SCHEMAS))
    names = st.sampled_from(sorted(schema.fields)) | st.text(max_size=12)
    body = draw(st.dictionaries(names, json_values | edge_values, max_size=8))
    return schema, draw(st.just(body) | json_values)


@settings(max_examples=400, deadline=None)
@given(case=bodies(), partial=st.booleans())
def test_validation_answers_cleaned_fields_or_validation_failed(case, partial):
    schema, body = case
    try:
        cleaned = schema.validate(body, partial=partial)
    except ValidationFailed as failure:
        assert failure.fields and all(isinstance(v, str) for v in failure.fields.values())
        return

    writable = {name for name, spec in schema.fields.items() if not spec.read_only}
    assert set(cleaned) <= writable
    assert partial or schema.required <= set(cleaned)
    assert [name for name, value in cleaned.items() if not _in_vocabulary(schema.fields[name], value)] == []


def _in_vocabulary(spec, value) -> bool:
    """What values.py says of a cleaned value: text in its lines, safe URLs, bounded dates, finite numbers."""
    if isinstance(value, list):
        return all(_in_vocabulary(spec.items, item) for item in value) if spec.items else True
    if isinstance(value, dict) and spec.format == "link":
        return values.safe_url(value["url"]) == value["url"] and values.text_problem(value.get("name", "")) is None
    if isinstance(value, float):
        return math.isfinite(value)
    if not isinstance(value, str):
        return True
    multiline = spec.format in ("multiline", "rich-text")
    kept = values.text_problem(value, multiline=multiline) is None
    if spec.format == "uri":
        kept = kept and values.safe_url(value) == value
    if spec.format == "date-time":
        kept = kept and values.datetime_problem(value) is None
    return kept


@settings(max_examples=200, deadline=None)
@given(raw=st.binary(max_size=300) | json_values.map(lambda v: json.dumps(v).encode()))
def test_any_request_body_parses_or_is_refused_cleanly(raw):
    try:
        parse_json_body(raw)
    except (BadRequest, PayloadTooLarge):
        pass


@settings(max_examples=40, deadline=None)
@given(
    depth=st.integers(33, 100_000),  # at most 600 KB: under the size bound, so depth alone refuses it
    opening=st.sampled_from(["[", '{"a":']),
    inside=st.sampled_from(["", "1", '"[[[["', "NaN"]),
)
def test_a_body_nested_deeper_than_32_levels_is_bad_request_naming_body(depth, opening, inside):
    closing = "]" if opening == "[" else "}"
    raw = (opening * depth + inside + closing * depth).encode()

    with pytest.raises(BadRequest) as refused:
        parse_json_body(raw)

    assert list(refused.value.fields) == ["body"]


@pytest.mark.parametrize("raw", [b'{"a": NaN}', b'{"a": Infinity}', b'{"a": -Infinity}', b'{"a": 1e400}'])
def test_a_body_with_a_non_finite_number_is_bad_request_naming_body(raw):
    with pytest.raises(BadRequest) as refused:
        parse_json_body(raw)

    assert list(refused.value.fields) == ["body"]


def test_brackets_inside_strings_do_not_count_towards_the_depth():
    title = "[" * 5000 + '\\"' + "{" * 50

    assert parse_json_body(json.dumps({"title": title}).encode()) == {"title": title}


def test_an_oversized_body_is_payload_too_large():
    with pytest.raises(PayloadTooLarge):
        parse_json_body(b" " * (MAX_BODY_BYTES + 1))
