from __future__ import annotations

import pytest
from chalicelib.api.payloads import CHILD_SCHEMAS, EVENT, SESSION
from chalicelib.errors import ValidationFailed
from hypothesis import given
from hypothesis import strategies as st

pytestmark = pytest.mark.unit


def test_session_title_over_300_characters_is_refused_by_name():
    with pytest.raises(ValidationFailed) as raised:
        SESSION.validate({"title": "x" * 301})

    assert raised.value.fields == {"title": "must be at most 300 characters"}


def test_unknown_and_read_only_fields_are_refused_by_name():
    with pytest.raises(ValidationFailed) as raised:
        EVENT.validate({"name": "Conf", "owner_id": "me", "is_admin": True})

    assert raised.value.fields == {"owner_id": "is not a field of event", "is_admin": "is not a field of event"}


def test_timezone_must_be_iana():
    with pytest.raises(ValidationFailed) as raised:
        EVENT.validate({"name": "Conf", "timezone": "Mars/Olympus"})

    assert raised.value.fields == {"timezone": "must be an IANA time zone such as Asia/Singapore"}


def test_datetime_needs_an_offset():
    with pytest.raises(ValidationFailed) as raised:
        EVENT.validate({"name": "Conf", "starts_at": "2026-03-22T09:00:00"})

    assert "starts_at" in raised.value.fields


def test_partial_validation_skips_required_fields():
    assert SESSION.validate({"subtitle": "new"}, partial=True) == {"subtitle": "new"}


@given(
    st.dictionaries(
        st.text(max_size=20), st.one_of(st.none(), st.integers(), st.text(max_size=50), st.booleans()), max_size=8
    )
)
def test_every_schema_either_cleans_or_names_each_bad_field(body):
    for schema in CHILD_SCHEMAS.values():
        try:
            cleaned = schema.validate(body, partial=True)
        except ValidationFailed as err:
            assert err.fields and set(err.fields) <= set(body) | schema.required
        else:
            assert set(cleaned) == set(body)
