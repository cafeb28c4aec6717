"""Runs one delivered job message: the state machine and the at-least-once rules.

PENDING → STARTED → SUCCESS | FAILURE, with RETRY between attempts. The job record is the
idempotency key: a delivery must first *claim* the job with a conditional write (only from
PENDING or RETRY, or from STARTED once the claimer's lease ran out, i.e. it crashed), so two
deliveries never run one job at the same time and a finished job never runs again.
A permanent error (registry.is_permanent) ends the job after one attempt; any other is retried.
"""

from __future__ import annotations

import contextvars
import json
import re
import traceback
from datetime import timedelta
from typing import Any

from pynamodb.exceptions import DoesNotExist, UpdateError

from chalicelib.adapters import queue
from chalicelib.clock import clock
from chalicelib.db.jobs import FAILURE, FINISHED, PENDING, RETRY, STARTED, SUCCESS, Job
from chalicelib.db.keys import job_key
from chalicelib.jobs.effects import running_job
from chalicelib.jobs.registry import is_permanent, run
from chalicelib.jobs.results import bounded_result
from chalicelib.logs import logger
from chalicelib.request_context import RequestContext, reset_context, set_context
from chalicelib.settings import settings

MAX_RECEIVES = 5  # the queue's maxReceiveCount (infra/template.yaml; a test keeps them equal)
MAX_ERROR_CHARS = 1000
_SECRETISH = re.compile(r"(?i)((?:signature|token|password|secret|credential|key)[\w-]*[=:]\s*)\S+")
_URL_QUERY = re.compile(r"(https?://[^\s?]+)\?\S*")


class Redeliver(Exception):
    """The message must come back after `delay_seconds`; the worker reports it as failed."""

    def __init__(self, job_id: str, delay_seconds: int, reason: str) -> None:
        super().__init__(f"job {job_id}: {reason}; redelivery in {delay_seconds} s")
        self.job_id = job_id
        self.delay_seconds = delay_seconds


class JobFailed(Redeliver):
    """The job body raised; the record reads RETRY, or FAILURE on the last receive."""


class JobBusy(Redeliver):
    """Another delivery of the same job holds the claim; try again after its lease."""


_current_record: contextvars.ContextVar[Job | None] = contextvars.ContextVar("podium_job_record", default=None)


def current_job_id() -> str | None:
    """The id of the job running in this context; None outside a job."""
    record = _current_record.get()
    return record.id if record is not None else None


def report_progress(percent: int) -> None:
    """Record how far the running job is (0..100) on its job record; outside a job, do nothing."""
    record = _current_record.get()
    percent = max(0, min(100, int(percent)))
    if record is not None and percent != record.progress:
        _mark(record, progress=percent)
        record.progress = percent


def retry_delay(receive_count: int, *, base: int | None = None) -> int:
    """Exponential backoff before the next attempt: base × 1, 2, 4, 8 … seconds."""
    base = settings().job_retry_base_seconds if base is None else base
    return base * 2 ** max(0, receive_count - 1)


def handle_message(body: str, receive_count: int, *, lease_seconds: float = 60.0) -> str:
    """Run the job in `body` once; returns the state the job ends in for this delivery.

    Raises Redeliver (JobFailed, JobBusy) when the message must come back, ValueError for a
    message that is not a job envelope (it will end in the dead-letter queue).
    `lease_seconds` is how long this delivery may run (the Lambda's remaining time).
    """
    message = _parse(body)
    try:
        record = Job.get(*job_key(message["job_id"]), consistent_read=True)
    except DoesNotExist:
        logger().warning("job record missing; dropping message", extra={"job_id": message["job_id"]})
        return "MISSING"
    if record.state in FINISHED:
        return record.state
    if not _claim(record, lease_seconds):
        return _busy(record)
    ctx = RequestContext.from_json(message["context"])
    token, record_token = set_context(ctx), _current_record.set(record)
    try:
        with running_job(record.id):
            result = run(record.name, ctx, message["args"])
            result_json, file_key = bounded_result(record.id, result)
    except Exception as err:
        if is_permanent(record.name, err):
            return _failed_for_good(record, err, body)
        return _failed(record, err, receive_count)
    finally:
        reset_context(token)
        _current_record.reset(record_token)
    _mark(record, state=SUCCESS, result=result_json, result_key=file_key, finished_at=clock().now(), lease_until=None)
    return SUCCESS


def _parse(body: str) -> dict[str, Any]:
    try:
        message = json.loads(body)
        if isinstance(message, dict) and isinstance(message.get("job_id"), str) and "context" in message:
            return message
    except ValueError:
        pass
    raise ValueError("not a job envelope (no job_id/context); it will go to the dead-letter queue")


def _claim(record: Job, lease_seconds: float) -> bool:
    """Move the job to STARTED if nobody else runs it; False when another delivery does."""
    now = clock().now()
    claimable = Job.state.is_in(PENDING, RETRY) | ((Job.state == STARTED) & (Job.lease_until < now))
    try:
        _mark(
            record,
            condition=claimable,
            state=STARTED,
            attempts=record.attempts + 1,
            started_at=now,
            lease_until=now + timedelta(seconds=lease_seconds),
        )
    except UpdateError as err:
        if err.cause_response_code == "ConditionalCheckFailedException":
            return False
        raise
    return True


def _busy(record: Job) -> str:
    fresh = Job.get(record.pk, record.sk, consistent_read=True)
    if fresh.state in FINISHED:
        return fresh.state
    wait = (fresh.lease_until - clock().now()).total_seconds() if fresh.lease_until else 1
    raise JobBusy(record.id, max(1, int(wait) + 1), f"another delivery holds it ({fresh.state})")


def _failed(record: Job, err: Exception, receive_count: int) -> str:
    final = receive_count >= MAX_RECEIVES
    summary = error_summary(err)
    _mark(
        record,
        state=FAILURE if final else RETRY,
        error=summary,
        finished_at=clock().now() if final else None,
        lease_until=None,
    )
    logger().warning(
        "job failed", extra={"job_id": record.id, "job": record.name, "receive": receive_count, "error": summary}
    )
    raise JobFailed(record.id, retry_delay(receive_count), summary) from err


def _failed_for_good(record: Job, err: Exception, body: str) -> str:
    """A permanent error: FAILURE after this one attempt, and the message goes to the dead-letter
    queue at once (where failed jobs are looked for, and redriven once the cause is fixed)
    instead of after MAX_RECEIVES pointless attempts. This delivery then ends normally, so the
    jobs queue forgets the message."""
    summary = error_summary(err)
    # The copy first: should the send fail, the message comes back and the job runs again.
    queue.send_dead_letter(body)
    # A permanent error's message is written for the person who started the job (an import's
    # "event: starts_at is missing"): the record keeps it alone; the log keeps the type too.
    reason = error_summary(err, with_type=False)
    _mark(record, state=FAILURE, error=reason, finished_at=clock().now(), lease_until=None)
    logger().warning("job failed for good", extra={"job_id": record.id, "job": record.name, "error": summary})
    return FAILURE


def _mark(record: Job, *, condition: Any = None, **changes: Any) -> None:
    actions = [
        getattr(Job, name).set(value) if value is not None else getattr(Job, name).remove()
        for name, value in changes.items()
    ]
    actions.append(Job.updated_at.set(clock().now()))
    record.update(actions=actions, condition=condition)


def error_summary(err: BaseException, *, with_type: bool = True) -> str:
    """The exception's type and message only: no traceback, no locals, no URL signatures. Without
    `with_type`, the message alone for the errors written for people (Podium's own and a job's
    declared ones); a built-in exception (a bug: AttributeError, TypeError) keeps its type."""
    last = traceback.format_exception_only(type(err), err)[-1].strip()
    if not with_type and type(err).__module__ != "builtins" and str(err).strip():
        last = str(err).strip().splitlines()[-1]
    last = _URL_QUERY.sub(r"\1?…", last)
    last = _SECRETISH.sub(r"\1[redacted]", last)
    return last[:MAX_ERROR_CHARS]
