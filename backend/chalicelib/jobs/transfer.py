"""Import and export jobs: load the input, call one domain function, store the result."""

from __future__ import annotations

import tempfile
import uuid
from pathlib import Path
from typing import Any

from chalicelib.adapters.aws import client
from chalicelib.errors import PermanentJobError, PodiumError
from chalicelib.jobs.registry import job
from chalicelib.jobs.runner import report_progress
from chalicelib.request_context import RequestContext
from chalicelib.settings import settings

MAX_UPLOAD_BYTES = 200 * 1024 * 1024
DOWNLOAD_SECONDS = 900


@job("import_event")
def import_event_job(ctx: RequestContext, *, upload_key: str, owner_id: str, publish: bool = False) -> dict[str, Any]:
    """Import the uploaded export; fails at once (no retry) when the export is malformed."""
    from chalicelib.domain.imports import check_own_upload, import_event, read_source
    from chalicelib.formats.openevent import ExportError

    check_own_upload(ctx.actor, upload_key)  # a Forbidden: permanent, no retry
    with tempfile.TemporaryDirectory(prefix="podium-import-") as folder:
        path = Path(folder) / "upload"
        _download(upload_key, path)
        report_progress(5)
        try:
            export = read_source(path)
            result = import_event(
                export=export, actor=ctx.actor, owner_id=owner_id, publish=publish, progress=report_progress
            )
        except (ExportError, PodiumError) as err:
            raise PermanentJobError(str(err)) from err
    client("s3").delete_object(Bucket=settings().uploads_bucket, Key=upload_key)
    return result.to_json()


def _download(key: str, path: Path) -> None:
    s3 = client("s3")
    try:
        head = s3.head_object(Bucket=settings().uploads_bucket, Key=key)
    except s3.exceptions.ClientError as err:
        raise PermanentJobError(f"{key}: no such upload") from err
    if head["ContentLength"] > MAX_UPLOAD_BYTES:
        raise PermanentJobError(f"{key}: {head['ContentLength']} bytes, over the limit of {MAX_UPLOAD_BYTES}")
    s3.download_file(settings().uploads_bucket, key, str(path))


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
