"""At-most-once side effects inside at-least-once jobs.

A job that mails, calls a webhook or charges a card wraps that call in `once(key, ...)`:
the first run records the answer under the job's id, and a retried or redelivered run of
the same job gets the recorded answer instead of repeating the effect. (A crash between the
effect and its record can still repeat it once: no queue can close that window.)
"""

from __future__ import annotations

import contextlib
import contextvars
import json
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

from pynamodb.exceptions import DoesNotExist, PutError

from chalicelib.db.jobs import JobEffect
from chalicelib.db.keys import effect_sk, job_pk

T = TypeVar("T")
_running_job: contextvars.ContextVar[str | None] = contextvars.ContextVar("podium_running_job", default=None)


def running_job_id() -> str | None:
    """The id of the job whose body is running in this thread, if any."""
    return _running_job.get()


@contextlib.contextmanager
def running_job(job_id: str) -> Iterator[None]:
    token = _running_job.set(job_id)
    try:
        yield
    finally:
        _running_job.reset(token)


def once(key: str, produce: Callable[[], T]) -> T:
    """Run `produce` (its answer must be JSON) at most once for the running job and `key`."""
    job_id = running_job_id()
    if job_id is None:
        return produce()
    recorded = _recorded(job_id, key)
    if recorded is not None:
        return json.loads(recorded.result)
    answer = produce()
    marker = JobEffect(job_pk(job_id), effect_sk(key), job_id=job_id, key=key, result=json.dumps(answer))
    marker.stamp()
    try:
        marker.save()  # new item + VersionAttribute: conditional on the marker not existing yet
    except PutError:
        recorded = _recorded(job_id, key)
        if recorded is None:
            raise
        return json.loads(recorded.result)
    return answer


def _recorded(job_id: str, key: str) -> JobEffect | None:
    try:
        return JobEffect.get(job_pk(job_id), effect_sk(key), consistent_read=True)
    except DoesNotExist:
        return None


def effect_of(job_id: str, key: str) -> Any:
    """The recorded answer of a job's effect, or None when it has not happened."""
    recorded = _recorded(job_id, key)
    return None if recorded is None else json.loads(recorded.result)
