"""Jobs over HTTP: one job's state for its readers, and an event's recent jobs."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from chalice import Blueprint

from chalicelib.api.http import endpoint, json_response
from chalicelib.api.schema import DATETIME, ID, PAGE, Field, Schema, text
from chalicelib.db.pagination import page_request
from chalicelib.domain import jobs
from chalicelib.request_context import current_context

bp = Blueprint(__name__)
STATES = ("PENDING", "STARTED", "RETRY", "SUCCESS", "FAILURE")
JOB_STARTED = Schema(
    "JobStarted",
    fields={
        "job_id": ID,
        "status_url": Field("string"),
        "items": Field("integer", minimum=0, description="how many items the job works on, when it says"),
    },
)
JOB = Schema(
    "Job",
    fields={
        "id": ID,
        "name": text(100),
        "state": Field("string", choices=STATES),
        "attempts": Field("integer", minimum=0),
        "event_id": Field("string", max_length=64, nullable=True),
        "actor_id": ID,
        "created_at": DATETIME,
        "started_at": Field("string", max_length=40, format="date-time", nullable=True),
        "finished_at": Field("string", max_length=40, format="date-time", nullable=True),
        "progress": Field("number", minimum=0, maximum=100, nullable=True),
        "result": Field("object", nullable=True, description="the job's JSON result"),
        "error": text(1000, nullable=True, description="type and message of the last error"),
        "download_url": Field(
            "string", max_length=4000, format="uri", nullable=True, description="short-lived link to the result file"
        ),
    },
)


def job_started(job_id: str) -> dict[str, Any]:
    """The 202 answer of a route that starts a job: where to follow it."""
    return {"job_id": job_id, "status_url": f"/v1/jobs/{job_id}"}


def started_or_done(result: dict[str, Any], done: Callable[[dict[str, Any]], Any]) -> Any:
    """202 naming the job when the domain ran the work as one ({"job_id", "items"}), else `done(result)`."""
    if "job_id" in result:
        return json_response(job_started(result["job_id"]) | {"items": result["items"]}, 202)
    return done(result)


@endpoint(
    bp, "/jobs/{job_id}", "GET", action="job.read", summary="A job's state and result", response=JOB, errors=(401, 404)
)
def get_job(job_id: str) -> dict[str, Any]:
    return jobs.read_job(job_id=job_id, actor=current_context().actor)


@endpoint(
    bp,
    "/events/{event_id}/jobs",
    "GET",
    action="event.jobs.read",
    summary="The event's recent jobs, newest first",
    response=PAGE,
    errors=(400, 401, 404),
)
def list_event_jobs(event_id: str) -> dict[str, Any]:
    query = bp.current_request.query_params or {}
    limit, cursor = page_request(query, default=jobs.DEFAULT_PAGE)
    return jobs.event_jobs(event_id=event_id, actor=current_context().actor, limit=limit, cursor=cursor).body()
