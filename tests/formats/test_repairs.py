"""The repair report's one record type and its JSON, text and counts."""

from __future__ import annotations

import pytest
from chalicelib.formats.repairs import RepairLog, counts, record_label, report_json

pytestmark = pytest.mark.unit


def test_repair_log_keeps_each_repair_in_order_with_file_record_field_and_action():
    log = RepairLog()
    log.repair(file="sessions", record=record_label(3, "4292"), field="track", action="names no id: no track")
    log.repair(file="speakers", record="", field="", action="not valid JSON: file left out")

    assert report_json(log.repairs) == [
        {"file": "sessions", "record": "3 (id 4292)", "field": "track", "action": "names no id: no track"},
        {"file": "speakers", "record": "", "field": "", "action": "not valid JSON: file left out"},
    ]
    assert [str(r) for r in log.repairs] == [
        "sessions[3 (id 4292)]: track names no id: no track",
        "speakers: not valid JSON: file left out",
    ]


def test_counts_are_per_file_with_a_total():
    log = RepairLog()
    for file in ("sessions", "event", "sessions"):
        log.repair(file=file, record="", field="x", action="left out")

    assert counts(log.repairs) == {"event": 1, "sessions": 2, "total": 3}


def test_record_label_names_place_and_id():
    assert (record_label(None), record_label(0), record_label(5, 17)) == ("", "0", "5 (id 17)")
