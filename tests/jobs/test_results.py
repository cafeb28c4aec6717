"""Job results: small JSON stays on the record; a file key is handed out only when the job saved it
under its own prefix; what JSON cannot carry is refused; file names stay plain."""

from __future__ import annotations

import json

import pytest
from chalicelib.jobs.effects import running_job
from chalicelib.jobs.results import bounded_result, result_key, save_result_file

pytestmark = pytest.mark.unit


def test_bounded_result_keeps_a_small_result_on_the_record_with_its_own_file():
    result = {"file": result_key("job-1", "export.zip"), "bytes": 12}

    assert bounded_result("job-1", result) == (json.dumps(result, sort_keys=True), "jobs/job-1/export.zip")


@pytest.mark.parametrize("file_key", ["jobs/job-2/export.zip", "uploads/u1/secret.pdf", "jobs/job-10/x", 7])
def test_bounded_result_never_hands_out_a_file_outside_the_jobs_own_prefix(file_key):
    assert bounded_result("job-1", {"file": file_key}) == (json.dumps({"file": file_key}), None)


def test_bounded_result_refuses_what_json_cannot_carry():
    with pytest.raises(TypeError, match=r"result\[0\]"):
        bounded_result("job-1", [float("nan")])


def test_save_result_file_outside_a_job_or_with_a_path_for_a_name_is_refused():
    with pytest.raises(RuntimeError, match="no job is running"):
        save_result_file("export.zip", b"PK", content_type="application/zip")
    with running_job("job-1"), pytest.raises(ValueError, match="not a plain file name"):
        save_result_file("../job-2/export.zip", b"PK", content_type="application/zip")
