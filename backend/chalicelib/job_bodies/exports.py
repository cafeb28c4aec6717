"""The export job: write an event's Open Event zip to S3; the result is a short-lived download URL."""

from __future__ import annotations

import uuid
from typing import Any

from chalicelib.adapters import files
from chalicelib.domain.exports import export_zip
from chalicelib.domain.projections import audience_for
from chalicelib.jobs.registry import job
from chalicelib.jobs.runner import report_progress
from chalicelib.request_context import RequestContext

DOWNLOAD_SECONDS = 900


@job("export_event")
def export_event_job(ctx: RequestContext, *, event_id: str) -> dict[str, Any]:
    """Write the event's Open Event zip to S3; the result is a short-lived download URL."""

    data = export_zip(event_id=event_id, audience=audience_for(ctx.actor, event_id=event_id))
    report_progress(80)
    key = f"exports/{event_id}/{uuid.uuid4().hex}.zip"
    files.put_stored_file(key, data, content_type="application/zip")
    url = files.presign_download(key, seconds=DOWNLOAD_SECONDS, filename=f"{event_id}-openevent.zip")
    return {"download_url": url, "expires_in": DOWNLOAD_SECONDS, "bytes": len(data)}
