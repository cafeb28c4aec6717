"""The content change signal: which events a stream batch touches, and when."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.unit


def _record(pk: str, kind: str, created: float | None) -> dict:
    change = {"Keys": {"pk": {"S": pk}, "sk": {"S": "X"}}, "NewImage": {"kind": {"S": kind}}}
    if created is not None:
        change["ApproximateCreationDateTime"] = created
    return {"eventName": "MODIFY", "dynamodb": change}


def test_change_times_takes_each_events_latest_record_rounded_up():
    from chalicelib.domain.publishing import change_times

    records = [
        _record("EVENT#a", "session", 100.0),
        _record("EVENT#a", "speaker", 104.0),
        _record("EVENT#b", "event", 90.0),
    ]

    assert change_times(records) == {"a": 105.0, "b": 91.0}


def test_change_times_ignores_private_kinds_and_records_without_time():
    from chalicelib.domain.publishing import change_times

    records = [
        _record("EVENT#a", "role", 100.0),
        _record("JOB#1", "job", 100.0),
        _record("EVENT#b", "session", None),
    ]

    assert change_times(records) == {}
