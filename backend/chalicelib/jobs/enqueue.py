"""`enqueue`: the `.delay()` of Podium. JSON arguments only, checked before anything is sent."""

from __future__ import annotations

import json
import math
from typing import Any

from chalicelib.adapters.aws import client
from chalicelib.db.base import new_id
from chalicelib.db.jobs import PENDING, Job, job_pk
from chalicelib.jobs.context import RequestContext, current_context
from chalicelib.jobs.registry import lookup
from chalicelib.settings import settings

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

    Raises TypeError (nothing sent) when an argument is not JSON and LookupError for an
    unknown job name. The context defaults to the current request's.
    """
    lookup(name)
    check_json(kwargs)
    args = json.dumps(kwargs, sort_keys=True)
    if len(args) > MAX_ARGS_BYTES:
        raise TypeError(f"the arguments of {name} are {len(args)} bytes; the limit is {MAX_ARGS_BYTES}")
    ctx = _ctx or current_context()
    job_id = new_id(16)
    record = Job(
        job_pk(job_id),
        "JOB",
        id=job_id,
        name=name,
        args=args,
        state=PENDING,
        actor_id=ctx.actor.id,
        request_id=ctx.request_id,
        event_id=_event_id,
    )
    record.stamp()
    created = record.created_at.isoformat()
    record.gsi1pk, record.gsi1sk = f"USERJOBS#{ctx.actor.id}", created
    if _event_id:
        record.gsi2pk, record.gsi2sk = f"EVENTJOBS#{_event_id}", created
    record.save()
    client("sqs").send_message(QueueUrl=queue_url(), MessageBody=envelope(record, ctx))
    return job_id


def queue_url() -> str:
    current = settings()
    return current.jobs_queue_url or client("sqs").get_queue_url(QueueName=current.jobs_queue_name)["QueueUrl"]
