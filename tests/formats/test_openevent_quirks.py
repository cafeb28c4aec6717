"""Real exports' quirks (issue #21): each mutation of the shared FOSSASIA exports, in the v1
(snake_case) and v2 (kebab-case) spellings, either reads with the repair listed (file, record,
field, what was done) or is refused with an ExportError naming file and field; never another
exception, never a record dropped without a line in the report."""

from __future__ import annotations

import json

import pytest
from chalicelib.formats.openevent import ExportError, parse_files
from hypothesis import HealthCheck, given, note, settings
from hypothesis import strategies as st
from support.openevent_quirks import QUIRKS, SAMPLES, encoded, respell, small_exports, source_ids

pytestmark = pytest.mark.unit


@pytest.fixture(scope="module")
def samples(sample_2017):
    return small_exports(sample_2017.parent)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture], print_blob=False)
@given(data=st.data(), quirk=st.sampled_from(QUIRKS), sample=st.sampled_from(SAMPLES), spelling=st.sampled_from("_-"))
def test_read_export_repairs_each_quirk_with_a_report_line(samples, data, quirk, sample, spelling):
    # GIVEN a real export, respelled, with one quirk
    files = respell(json.loads(json.dumps(samples[sample])), spelling)
    mutated = quirk.mutate(files, data)
    note(f"{quirk.name} in {sample}, spelled with {spelling!r}: {str(mutated)[:200]}")
    broken_file = mutated if quirk.file == "*" else None

    # WHEN it is read
    try:
        export = parse_files(encoded(files))
    except ExportError as refused:
        # THEN a refusal names the file and the field
        assert refused.file == quirk.file and quirk.field in (refused.field or ""), str(refused)
        return

    # THEN the repair is listed, naming the file, the record and the field, or no repair was needed
    lines = [(r.file, r.field) for r in export.repairs]
    if broken_file:
        assert (broken_file, "") in lines
    elif quirk.repaired:
        assert any(f == quirk.file and field.startswith(quirk.field) for f, field in lines), lines
    if quirk.check:
        quirk.check(export, mutated)
    # AND no session or speaker vanished without a line naming it
    for file, kept in (("sessions", export.sessions), ("speakers", export.speakers)):
        missing = source_ids(files, file) - {r["source_id"] for r in kept}
        reported = " ".join(f"{r.file} {r.record} {r.field} {r.action}" for r in export.repairs)
        assert all(f"id {i})" in reported or file == broken_file for i in missing), (file, missing)


def test_read_export_an_unreadable_event_file_is_refused_naming_file_and_field(samples):
    files = json.loads(json.dumps(samples["FOSSASIASummit2018"]))
    files["event"]["start_time"] = "next week"

    with pytest.raises(ExportError) as refused:
        parse_files(encoded(files))

    assert (refused.value.file, refused.value.record, refused.value.field) == ("event", "", "starts_at")
    assert str(refused.value).startswith("event: starts_at")


def test_read_export_of_a_published_event_without_dates_is_a_draft_with_a_repair_naming_the_field(samples):
    files = json.loads(json.dumps(samples["FOSSASIASummit2018"]))
    files["event"]["start_time"] = files["event"]["end_time"] = None

    export = parse_files(encoded(files))

    assert (export.event["starts_at"], export.event["ends_at"], export.event["published"]) == (None, None, False)
    assert [(r.file, r.field, r.action) for r in export.repairs if r.file == "event"] == [
        ("event", "starts_at", "is missing: imported as a draft (state 'published'; publishing needs both dates)")
    ]


def test_read_export_of_the_samples_lists_no_repair_but_fields_podium_does_not_keep(sample_2017, sample_2018):
    from chalicelib.formats.openevent import read_export

    for sample in (sample_2017, sample_2018):
        export = read_export(sample)

        assert {r.action.split(" (")[0] for r in export.repairs if r.record == "*"} <= {"not kept by Podium"}
