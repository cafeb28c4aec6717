"""Jobs over HTTP: one job's state for its readers, and an event's recent jobs."""

from __future__ import annotations

from typing import Any

from chalice import Blueprint

from chalicelib.api.http import endpoint
from chalicelib.api.schema import DATETIME, ID, Field, Schema, text
from chalicelib.db.pagination import parse_limit
from chalicelib.domain import jobs
from chalicelib.request_context import current_context

bp = Blueprint(__name__)
STATES = ("PENDING", "STARTED", "RETRY", "SUCCESS", "FAILURE")
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
JOB_PAGE = Schema(
    "JobPage",
    fields={"items": Field("array", items=Field("object")), "next": Field("string", max_length=200, nullable=True)},
)


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
    response=JOB_PAGE,
    errors=(400, 401, 404),
)
def list_event_jobs(event_id: str) -> dict[str, Any]:
    query = bp.current_request.query_params or {}
    limit = parse_limit(query.get("limit"), default=jobs.DEFAULT_PAGE)
    return jobs.event_jobs(event_id=event_id, actor=current_context().actor, limit=limit, cursor=query.get("next"))
