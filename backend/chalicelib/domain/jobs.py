"""Reading jobs and putting failed ones back to work: who may see a job, and what they see."""

from __future__ import annotations

import json
import re
from typing import Any

from chalicelib.actors import Actor
from chalicelib.clock import clock
from chalicelib.db import jobs as job_records
from chalicelib.db.jobs import FAILURE, RETRY, Job
from chalicelib.db.keys import event_jobs_key
from chalicelib.db.pagination import Page, read_page
from chalicelib.domain.permissions import authorize
from chalicelib.domain.tokens import signing_key
from chalicelib.errors import NotFound, PodiumError, Unauthorized
from chalicelib.jobs.results import download_url

MAX_PAGE = 100
DEFAULT_PAGE = 20
_ID = re.compile(r"[a-z0-9]{1,64}")


def organizes_event(actor: Actor, event_id: str) -> bool:
    """True when the permission table lets `actor` read the event's jobs (its organizers)."""
    try:
        authorize(actor, "event.jobs.read", event_id=event_id)
    except PodiumError:
        return False
    return True


def can_read_job(actor: Actor, job: Job) -> bool:
    """The requester, site admins and (for an event's jobs) the event's organizers."""
    if actor.is_anonymous:
        return False
    if actor.is_admin or actor.id == job.actor_id:
        return True
    return bool(job.event_id) and organizes_event(actor, job.event_id)


def read_job(*, job_id: str, actor: Actor) -> dict[str, Any]:
    """The job as its readers see it. Raises Unauthorized for anonymous callers and NotFound
    when the job does not exist or the caller may not read it (its existence stays private)."""
    if actor.is_anonymous:
        raise Unauthorized("Sign in to read jobs.")
    job = job_records.get_job(job_id) if _ID.fullmatch(job_id) else None
    if job is None or not can_read_job(actor, job):
        raise NotFound(f"No job {job_id}.")
    return job_view(job)


def event_jobs(*, event_id: str, actor: Actor, limit: int = 20, cursor: str | None = None) -> Page:
    """The event's recent jobs, newest first, for its organizers and admins; cursor-paginated."""
    if actor.is_anonymous:
        raise Unauthorized("Sign in to read jobs.")
    if not (actor.is_admin or organizes_event(actor, event_id)):
        raise NotFound(f"No event {event_id}.")
    limit = max(1, min(limit, MAX_PAGE))
    found = read_page(
        Job.gsi2, event_jobs_key(event_id), scan_index_forward=False, keep=_is_job, limit=limit,
        cursor=cursor, secret=signing_key(),
    )  # fmt: skip
    return found.map(job_view)


def _is_job(item: Any) -> bool:
    return isinstance(item, Job)


def job_view(job: Job) -> dict[str, Any]:
    """What a job's readers see: state and timing, the result, a short error; never the arguments
    (they may hold other people's addresses) nor storage keys."""
    view: dict[str, Any] = {
        "id": job.id,
        "name": job.name,
        "state": job.state,
        "attempts": job.attempts,
        "event_id": job.event_id,
        "actor_id": job.actor_id,
        "created_at": job.created_at,
        "started_at": job.started_at,
        "finished_at": job.finished_at,
        "progress": job.progress,
        "result": json.loads(job.result) if job.result else None,
        "error": job.error,
        "download_url": download_url(job.result_key) if job.result_key and job.state != FAILURE else None,
    }
    return view


def recent_jobs(*, limit: int = 20, days: int = 7) -> list[Job]:
    """The newest jobs of the last `days` days (for operators: `podium jobs`)."""
    return job_records.recent_jobs(limit=max(1, min(limit, 1000)), days=days, today=clock().now())


def reopen_for_redrive(job_id: str | None) -> None:
    """Let a redriven dead letter run again: a FAILURE record goes back to RETRY."""
    job = job_records.get_job(job_id) if job_id else None
    if job is not None and job.state == FAILURE:
        job.update(
            actions=[Job.state.set(RETRY), Job.finished_at.remove(), Job.updated_at.set(clock().now())],
            condition=Job.state == FAILURE,
        )
