"""Open Event import and export: both start a job; the job record says how far it got."""

from __future__ import annotations

from typing import Any

from chalice import Blueprint

from chalicelib.api.http import endpoint
from chalicelib.api.schema import ID, Field, Schema

bp = Blueprint(__name__)

IMPORT_BODY = Schema(
    "ImportRequest",
    fields={
        "upload_key": Field(
            "string", min_length=1, max_length=300, description="an uploaded export under imports/<your id>/"
        ),
        "publish": Field("boolean", description="publish the event when the export says it was published"),
    },
    required=frozenset({"upload_key"}),
)
JOB_STARTED = Schema("JobStarted", fields={"job_id": ID, "status_url": Field("string")})


def _actor():
    from chalicelib.request_context import current_context

    return current_context().actor


def _started(job_id: str) -> dict[str, Any]:
    return {"job_id": job_id, "status_url": f"/v1/jobs/{job_id}"}


@endpoint(
    bp, "/imports", "POST", action="event.import", summary="Import an Open Event export or c3voc schedule (a job)",
    status=202, body=IMPORT_BODY, response=JOB_STARTED, errors=(401, 403, 422),
)  # fmt: skip
def start_import(body: dict[str, Any]) -> dict[str, Any]:
    from chalicelib.domain.imports import start_import

    return _started(start_import(actor=_actor(), upload_key=body["upload_key"], publish=bool(body.get("publish"))))


@endpoint(
    bp, "/events/{event_id}/exports", "POST", action="event.export", summary="Export an event as Open Event (a job)",
    status=202, response=JOB_STARTED, errors=(401, 403, 404),
)  # fmt: skip
def start_export(event_id: str) -> dict[str, Any]:
    from chalicelib.domain.exports import start_export

    return _started(start_export(actor=_actor(), event_id=event_id))
