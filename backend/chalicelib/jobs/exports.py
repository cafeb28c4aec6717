"""The export job: write an event's Open Event zip to S3; the result is a short-lived download URL."""

from __future__ import annotations

import uuid
from typing import Any

from chalicelib.adapters.aws import client
from chalicelib.jobs.context import RequestContext
from chalicelib.jobs.registry import job
from chalicelib.jobs.runner import report_progress
from chalicelib.settings import settings

DOWNLOAD_SECONDS = 900


@job("export_event")
def export_event_job(ctx: RequestContext, *, event_id: str) -> dict[str, Any]:
    """Write the event's Open Event zip to S3; the result is a short-lived download URL."""
    from chalicelib.domain.exports import export_zip
    from chalicelib.domain.projections import audience_for

    data = export_zip(event_id=event_id, audience=audience_for(ctx.actor, event_id=event_id))
    report_progress(80)
    key = f"exports/{event_id}/{uuid.uuid4().hex}.zip"
    s3 = client("s3")
    s3.put_object(Bucket=settings().uploads_bucket, Key=key, Body=data, ContentType="application/zip")
    url = s3.generate_presigned_url(
        "get_object",
        Params={
            "Bucket": settings().uploads_bucket,
            "Key": key,
            "ResponseContentDisposition": f'attachment; filename="{event_id}-openevent.zip"',
        },
        ExpiresIn=DOWNLOAD_SECONDS,
    )
    return {"download_url": url, "expires_in": DOWNLOAD_SECONDS, "bytes": len(data)}
