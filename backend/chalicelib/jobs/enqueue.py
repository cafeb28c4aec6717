"""`enqueue`: the `.delay()` of Podium. JSON arguments only, checked before anything is sent."""

from __future__ import annotations

import json
import math
from typing import Any

from chalicelib.adapters import queue
from chalicelib.db.base import new_id
from chalicelib.db.jobs import FAILURE, PENDING, Job
from chalicelib.db.keys import event_jobs_key, job_key, jobs_day_key, time_ordered_sk
from chalicelib.jobs.registry import check_arguments
from chalicelib.request_context import RequestContext, current_context

MAX_ARGS_BYTES = 200_000


def check_json(value: Any, path: str = "kwargs") -> None:
    """Raise TypeError naming the first value (by its path) that JSON cannot carry as-is."""
    if value is None or isinstance(value, str | bool | int):
        return
    if isinstance(value, float):
        if not math.isfinite(value):
            raise TypeError(f"{path} is {value!r}, which JSON cannot carry")
        return
    if isinstance(value, list):
        for index, item in enumerate(value):
            check_json(item, f"{path}[{index}]")
        return
    if isinstance(value, dict):
        for key, item in value.items():
            if not isinstance(key, str):
                raise TypeError(f"{path} has a key {key!r} of type {type(key).__name__}; JSON keys are strings")
            check_json(item, f"{path}[{key!r}]")
        return
    raise TypeError(f"{path} is a {type(value).__name__}, not JSON; pass ids and ISO strings instead of objects")


def envelope(job: Job, ctx: RequestContext) -> str:
    return json.dumps({"job_id": job.id, "name": job.name, "args": json.loads(job.args), "context": ctx.to_json()})


def enqueue(name: str, *, _ctx: RequestContext | None = None, _event_id: str | None = None, **kwargs: Any) -> str:
    """Record a PENDING job and send it to the queue; returns the job id.

    Raises TypeError (nothing sent, nothing recorded) when an argument is missing, unknown to
    the job's function or not JSON, and LookupError for an unknown job name. The context defaults to the current request's;
    `_event_id` files the job under that event (its organizers may read it).
    """
    check_arguments(name, kwargs)
    check_json(kwargs)
    args = json.dumps(kwargs, sort_keys=True)
    if len(args) > MAX_ARGS_BYTES:
        raise TypeError(f"the arguments of {name} are {len(args)} bytes; the limit is {MAX_ARGS_BYTES}")
    ctx = _ctx or current_context()
    check_json(ctx.extra or {}, "context.extra")
    record = _new_record(name, args, ctx, _event_id)
    record.save()
    try:
        queue.send_job(envelope(record, ctx))
    except Exception as err:
        record.update(actions=[Job.state.set(FAILURE), Job.error.set(f"could not be queued: {type(err).__name__}")])
        raise
    return record.id


def _new_record(name: str, args: str, ctx: RequestContext, event_id: str | None) -> Job:
    job_id = new_id(16)
    record = Job(
        *job_key(job_id),
        id=job_id,
        name=name,
        args=args,
        state=PENDING,
        actor_id=ctx.actor.id,
        request_id=ctx.request_id,
        event_id=event_id,
    )
    record.stamp()
    created = record.created_at
    record.gsi1pk, record.gsi1sk = jobs_day_key(created), time_ordered_sk(created, job_id)
    if event_id:
        record.gsi2pk, record.gsi2sk = event_jobs_key(event_id), time_ordered_sk(created, job_id)
    return record
