"""Imports over HTTP: an Open Event export or c3voc schedule becomes an event in a job (its record
says how far it got)."""

from __future__ import annotations

from typing import Any

from chalice import Blueprint

from chalicelib.api.http import endpoint
from chalicelib.api.jobs import JOB_STARTED, job_started
from chalicelib.api.schema import Field, Schema
from chalicelib.request_context import current_context

bp = Blueprint(__name__)

IMPORT_BODY = Schema(
    "ImportRequest",
    fields={
        "upload_id": Field(
            "string", min_length=1, max_length=64, description="your completed upload of kind `import` (the admin page)"
        ),
        "upload_key": Field(
            "string", min_length=1, max_length=300, description="an uploaded export under imports/<your id>/ (the CLI)"
        ),
        "publish": Field("boolean", description="publish the event when the export says it was published"),
        "event_id": Field(
            "string", min_length=1, max_length=64,
            description="import into this event (you organize it); otherwise the same source event's earlier import, or a new event",
        ),
    },
    required=frozenset(),  # exactly one of upload_id and upload_key (domain/imports.start_import)
)


def _actor():
    return current_context().actor


@endpoint(
    bp, "/imports", "POST", action="event.import", summary="Import an Open Event export or c3voc schedule (a job)",
    status=202, body=IMPORT_BODY, response=JOB_STARTED, errors=(401, 403, 404, 422),
)  # fmt: skip
def start_import(body: dict[str, Any]) -> dict[str, Any]:
    from chalicelib.domain.imports import start_import  # noqa: PLC0415 — this module defines a function of the same name

    return job_started(
        start_import(
            actor=_actor(), upload_key=body.get("upload_key"), upload_id=body.get("upload_id"),
            publish=bool(body.get("publish")), into_event_id=body.get("event_id"),
        )
    )  # fmt: skip
