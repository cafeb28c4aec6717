"""Runs one delivered job message: the state machine and the at-least-once rules.

PENDING → STARTED → SUCCESS | FAILURE, with RETRY between attempts. A message for a job
that already finished does nothing, so redelivery never repeats an effect.
"""

from __future__ import annotations

import contextvars
import json
import traceback
from typing import Any

from pynamodb.exceptions import DoesNotExist

from chalicelib.clock import clock
from chalicelib.db.jobs import FAILURE, FINISHED, RETRY, STARTED, SUCCESS, Job, job_pk
from chalicelib.jobs.context import RequestContext, reset_context, set_context
from chalicelib.jobs.registry import run
from chalicelib.logs import logger

MAX_RECEIVES = 5  # the queue's maxReceiveCount: the fifth failure sends it to dead letters
MAX_RESULT_BYTES = 100_000


class JobFailed(Exception):
    """Raised so the batch processor reports the record as failed (SQS redelivers it)."""


class JobRejected(Exception):
    """Raised by a job whose input is invalid: the job fails at once, with this message, no retry."""


def handle_message(body: str, receive_count: int) -> str:
    """Run the job in `body`; returns its final state, raises JobFailed to ask for a retry."""
    message = json.loads(body)
    try:
        record = Job.get(job_pk(message["job_id"]), "JOB", consistent_read=True)
    except DoesNotExist:
        logger().warning("job record missing; dropping message", extra={"job_id": message.get("job_id")})
        return "MISSING"
    if record.state in FINISHED:
        return record.state
    ctx = RequestContext.from_json(message["context"])
    _mark(record, state=STARTED, attempts=record.attempts + 1, started_at=clock().now())
    token, job_token = set_context(ctx), _running_job.set(record)
    try:
        result = run(record.name, ctx, message["args"])
    except JobRejected as err:
        # The input is wrong: another attempt would fail the same way.
        _mark(record, state=FAILURE, error=str(err)[:4000], finished_at=clock().now())
        return FAILURE
    except Exception as err:
        final = receive_count >= MAX_RECEIVES
        _mark(
            record, state=FAILURE if final else RETRY, error=_summary(err), finished_at=clock().now() if final else None
        )
        logger().exception("job failed", extra={"job_id": record.id, "job": record.name, "attempt": receive_count})
        raise JobFailed(record.id) from err
    finally:
        reset_context(token)
        _running_job.reset(job_token)
    _mark(record, state=SUCCESS, result=_bounded(result), finished_at=clock().now(), error=None)
    return SUCCESS


_running_job: contextvars.ContextVar[Job | None] = contextvars.ContextVar("podium_running_job", default=None)


def report_progress(percent: int) -> None:
    """Record how far the running job is (0..100) on its job record; outside a job, do nothing."""
    record = _running_job.get()
    percent = max(0, min(100, int(percent)))
    if record is not None and percent != record.progress:
        _mark(record, progress=percent)


def _mark(record: Job, **changes: Any) -> None:
    actions = [
        getattr(Job, name).set(value) if value is not None else getattr(Job, name).remove()
        for name, value in changes.items()
    ]
    actions.append(Job.updated_at.set(clock().now()))
    record.update(actions=actions)


def _summary(err: BaseException) -> str:
    # The type and message only: no traceback, no locals, so no secrets leak into the record.
    last = traceback.format_exception_only(type(err), err)[-1].strip()
    return last[:1000]


def _bounded(result: Any) -> str:
    text = json.dumps(result, default=str)
    if len(text) > MAX_RESULT_BYTES:
        raise ValueError(f"job result is {len(text)} bytes; large results belong in S3 (limit {MAX_RESULT_BYTES})")
    return text
