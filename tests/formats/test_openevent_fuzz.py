"""Malformed Open Event records: whatever an export holds, the reader either parses it or raises
ExportError naming the file (and the record, for record-level problems) — never anything else."""

from __future__ import annotations

import json
import re

import pytest
from chalicelib.formats.openevent import ExportError, parse_files
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

pytestmark = pytest.mark.unit

FILES = ("event", "sessions", "speakers", "tracks", "microlocations", "session_types", "sponsors")
NAMED = re.compile(r"^(" + "|".join(FILES) + r")(\[\d+\])?: \S")

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=30),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=12), children, max_size=3),
    max_leaves=8,
)
# Values the reader looks at closely: times, ids, zones and near-misses of them.
tricky_values = st.sampled_from(
    ["", "2018-03-22T09:00:00+08:00", "2018-13-45T99:00:00", "not a time", "Asia/Singapore", "Mars/Olympus",
     -1, 0, 10**30, "x" * 100_001, [], {}, None, True, {"id": None}, [{"id": 1}]]
)  # fmt: skip


@pytest.fixture(scope="module")
def base_files(sample_2018) -> dict[str, object]:
    """A small valid export cut from FOSSASIA 2018: the event, three sessions and what they use."""
    files = {name: json.loads((sample_2018 / name).read_text()) for name in FILES if (sample_2018 / name).exists()}
    files["sessions"] = files["sessions"][:3]
    speaker_ids = {p["id"] for s in files["sessions"] for p in s.get("speakers") or []}
    files["speakers"] = [p for p in files["speakers"] if p["id"] in speaker_ids][:4]
    files["sponsors"] = files.get("sponsors", [])[:2]
    return files


def _parse(files: dict[str, object]) -> None:
    try:
        parse_files({name: json.dumps(value).encode() for name, value in files.items()})
    except ExportError as error:
        assert NAMED.match(str(error)), f"error names no file or record: {error}"


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_a_malformed_field_gives_an_export_error_naming_file_and_record(base_files, data):
    files = json.loads(json.dumps(base_files))
    name = data.draw(st.sampled_from([n for n in FILES if n in files]))
    record = files[name] if name == "event" else data.draw(st.sampled_from(files[name] or [{}]))
    key = data.draw(st.sampled_from(sorted(record) or ["id"]))
    record[key] = data.draw(json_values | tricky_values)

    _parse(files)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_a_malformed_record_or_file_gives_an_export_error(base_files, data):
    files = json.loads(json.dumps(base_files))
    name = data.draw(st.sampled_from(FILES))
    value = data.draw(json_values | tricky_values)
    if name != "event" and files.get(name) and data.draw(st.booleans()):
        files[name][data.draw(st.integers(0, len(files[name]) - 1))] = value  # one record
    else:
        files[name] = value  # the whole file

    _parse(files)


@settings(max_examples=50, deadline=None)
@given(raw=st.dictionaries(st.sampled_from(FILES), st.binary(max_size=200), max_size=4))
def test_files_that_are_not_json_give_an_export_error(raw):
    try:
        parse_files(raw)
    except ExportError as error:
        assert NAMED.match(str(error)), f"error names no file: {error}"
