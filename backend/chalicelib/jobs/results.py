"""Job results: small JSON on the record, large results and files in S3 behind short-lived URLs."""

from __future__ import annotations

import json
from typing import Any

from chalicelib.adapters import files
from chalicelib.jobs.effects import running_job_id
from chalicelib.jobs.enqueue import check_json

MAX_RESULT_BYTES = 100_000  # well under DynamoDB's 400 KB item limit
DOWNLOAD_URL_SECONDS = 900
# Every job's files live under this prefix; infra/template.yaml expires them (JobResultRetentionDays).
RESULTS_PREFIX = "jobs/"


def result_key(job_id: str, filename: str) -> str:
    return f"{RESULTS_PREFIX}{job_id}/{filename}"


def save_result_file(filename: str, data: bytes, *, content_type: str) -> dict[str, Any]:
    """Store a file the running job produced (an export); the job's record will point at it.

    Return the answer from the job: `{"file": key, ...}` is how the record learns the key.
    """
    job_id = running_job_id()
    if job_id is None:
        raise RuntimeError("save_result_file is for job bodies; no job is running")
    if "/" in filename or filename.startswith("."):
        raise ValueError(f"{filename!r} is not a plain file name")
    key = result_key(job_id, filename)
    files.put_stored_file(key, data, content_type=content_type)
    return {"file": key, "bytes": len(data), "content_type": content_type}


def bounded_result(job_id: str, result: Any) -> tuple[str, str | None]:
    """The JSON to keep on the record and the S3 key of the result's file, if any.

    Raises TypeError when the result is not JSON. Results over MAX_RESULT_BYTES go to S3 as
    `result.json` and the record keeps a short summary.
    """
    check_json(result, "result")
    text = json.dumps(result, sort_keys=True)
    file_key = result.get("file") if isinstance(result, dict) else None
    if not (isinstance(file_key, str) and file_key.startswith(result_key(job_id, ""))):
        file_key = None  # only files this job saved under its own prefix can be handed out
    if len(text) <= MAX_RESULT_BYTES:
        return text, file_key
    key = result_key(job_id, "result.json")
    files.put_stored_file(key, text.encode(), content_type="application/json")
    return json.dumps({"stored": "result.json", "bytes": len(text)}), key


def download_url(key: str, *, seconds: int = DOWNLOAD_URL_SECONDS) -> str:
    """A presigned GET for a job's result file, valid for `seconds`; browsers save it under its own name."""
    return files.presign_download(key, seconds=seconds, filename=key.rsplit("/", 1)[-1])


def delete_result_files(job_id: str) -> int:
    """Delete every file the job saved (its result file, a large result); returns how many."""
    return files.delete_stored_folder(result_key(job_id, ""))
