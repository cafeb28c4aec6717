"""Open Event import and export: both start a job; the job record says how far it got."""

from __future__ import annotations

from typing import Any

from chalice import Blueprint

from chalicelib.api.http import endpoint
from chalicelib.api.schema import ID, Field, Schema
from chalicelib.errors import Forbidden, NotFound, ValidationFailed

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
    from chalicelib.jobs.context import current_context

    return current_context().actor


def _started(job_id: str) -> dict[str, Any]:
    return {"job_id": job_id, "status_url": f"/v1/jobs/{job_id}"}


@endpoint(
    bp, "/imports", "POST", action="event.import", summary="Import an Open Event export or c3voc schedule (a job)",
    status=202, body=IMPORT_BODY, response=JOB_STARTED, errors=(401, 403, 422),
)  # fmt: skip
def start_import(body: dict[str, Any]) -> dict[str, Any]:
    from chalicelib.domain.event_access import require
    from chalicelib.domain.permissions import check_may_publish
    from chalicelib.jobs.enqueue import enqueue
    from chalicelib.jobs.transfer import import_prefix

    actor = _actor()
    require(actor, "event.import", None)
    if body.get("publish"):  # refused now rather than in the job
        check_may_publish(actor)
    key = body["upload_key"]
    if not key.startswith(import_prefix(actor.id)) or ".." in key.split("/"):
        raise Forbidden("upload_key must name one of your uploads", fields={"upload_key": "not one of your uploads"})
    if not _upload_exists(key):
        raise ValidationFailed("upload_key names no upload", fields={"upload_key": "no such upload"})
    return _started(enqueue("import_event", upload_key=key, owner_id=actor.id, publish=bool(body.get("publish"))))


def _upload_exists(key: str) -> bool:
    from chalicelib.adapters.aws import client
    from chalicelib.settings import settings

    s3 = client("s3")
    try:
        s3.head_object(Bucket=settings().uploads_bucket, Key=key)
    except s3.exceptions.ClientError:
        return False
    return True


@endpoint(
    bp, "/events/{event_id}/exports", "POST", action="event.export", summary="Export an event as Open Event (a job)",
    status=202, response=JOB_STARTED, errors=(401, 403, 404),
)  # fmt: skip
def start_export(event_id: str) -> dict[str, Any]:
    from pynamodb.exceptions import DoesNotExist

    from chalicelib.db.content import Event, event_pk
    from chalicelib.domain.event_access import require
    from chalicelib.jobs.enqueue import enqueue

    require(_actor(), "event.export", event_id)
    try:
        event = Event.get(event_pk(event_id), "EVENT")
    except DoesNotExist:
        raise NotFound("no such event") from None
    if event.is_trashed():
        raise NotFound("no such event")
    return _started(enqueue("export_event", _event_id=event_id, event_id=event_id))
