"""Jobs only tests register, and helpers to drive the real local loop."""

from __future__ import annotations

import os
import threading
import time
from collections import Counter
from typing import Any

from chalicelib.jobs.registry import job

RUNS: Counter[str] = Counter()  # job id → how often the body of a `test_count` job ran
_RUNS_LOCK = threading.Lock()
FLAKY_FAILURES: dict[str, int] = {}  # marker → failures still to come


@job("test_count")
def count_runs(ctx: Any, *, marker: str) -> dict[str, Any]:
    from chalicelib.jobs.effects import running_job_id

    with _RUNS_LOCK:
        RUNS[running_job_id() or marker] += 1
    return {"marker": marker}


BLOCKING: dict[str, threading.Event] = {}


@job("test_block")
def block(ctx: Any, *, marker: str) -> dict[str, Any]:
    from chalicelib.jobs.effects import running_job_id

    BLOCKING[marker].wait(10)
    with _RUNS_LOCK:
        RUNS[running_job_id() or marker] += 1
    return {"marker": marker}


@job("test_explode")
def explode(ctx: Any, *, reason: str) -> None:
    raise RuntimeError(reason)


@job("test_flaky")
def flaky(ctx: Any, *, marker: str) -> dict[str, Any]:
    if FLAKY_FAILURES.get(marker, 0) > 0:
        FLAKY_FAILURES[marker] -= 1
        raise ConnectionError(f"upstream down for {marker}")
    return {"marker": marker}


class Unpayable(Exception):
    """An error type the `test_refuse` job declares permanent."""


def _error_types() -> dict[str, type[Exception]]:
    from chalicelib.errors import Conflict, NotFound, PermanentJobError, ValidationFailed

    return {
        "permanent": PermanentJobError,
        "validation": ValidationFailed,
        "not_found": NotFound,
        "declared": Unpayable,
        "bug": AttributeError,
        "conflict": Conflict,
        "network": ConnectionError,
    }


@job("test_refuse", permanent=(Unpayable,))
def refuse(ctx: Any, *, error: str, reason: str) -> None:
    raise _error_types()[error](reason)


SEEN_CONTEXTS: list[dict[str, Any]] = []


@job("test_read_context")
def read_context(ctx: Any) -> None:
    SEEN_CONTEXTS.append({**ctx.to_json(), "link": ctx.absolute_url("e/demo/")})


@job("test_big_result")
def big_result(ctx: Any, *, size: int) -> dict[str, Any]:
    return {"rows": ["x" * 100] * size}


@job("test_export_file")
def export_file(ctx: Any) -> dict[str, Any]:
    from chalicelib.jobs.results import save_result_file

    return save_result_file("event.zip", b"PK\x03\x04zip-bytes", content_type="application/zip")


def outbox(to: str) -> list[Any]:
    from podium.localstack.outbox import read_outbox

    return read_outbox(os.environ["AWS_ENDPOINT_URL"], to=to)


def job_record(job_id: str) -> Any:
    from chalicelib.db.jobs import get_job

    return get_job(job_id)


def run_until_finished(poller: Any, job_ids: list[str], timeout: float = 30.0) -> dict[str, str]:
    """Poll until every job is SUCCESS or FAILURE; returns each job's state."""
    deadline = time.monotonic() + timeout
    states: dict[str, str] = {}
    unfinished = list(job_ids)
    while time.monotonic() < deadline:
        if poller.poll_jobs_once(wait_seconds=0):
            continue  # look at the records once the queue runs dry
        for job_id in list(unfinished):
            states[job_id] = job_record(job_id).state
            if states[job_id] in ("SUCCESS", "FAILURE"):
                unfinished.remove(job_id)
        if not unfinished:
            return {job_id: states[job_id] for job_id in job_ids}
        time.sleep(0.05)
    raise AssertionError(f"jobs did not finish in {timeout} s: {states}")
