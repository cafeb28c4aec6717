"""The import job: read the uploaded export, call one domain function, store the result."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from chalicelib.adapters import files
from chalicelib.domain.imports import check_own_upload, import_event, read_source
from chalicelib.errors import PermanentJobError, PodiumError
from chalicelib.formats.openevent import ExportError
from chalicelib.jobs.registry import job
from chalicelib.jobs.runner import report_progress
from chalicelib.request_context import RequestContext

MAX_UPLOAD_BYTES = 200 * 1024 * 1024


@job("import_event")
def import_event_job(
    ctx: RequestContext, *, upload_key: str, owner_id: str, publish: bool = False, into_event_id: str | None = None
) -> dict[str, Any]:
    """Import the uploaded export (into `into_event_id`'s event when given); fails at once (no retry)
    when the export cannot be read."""

    check_own_upload(ctx.actor, upload_key)  # a Forbidden: permanent, no retry
    with tempfile.TemporaryDirectory(prefix="podium-import-") as folder:
        path = Path(folder) / "upload"
        _download(upload_key, path)
        report_progress(5)
        try:
            export = read_source(path)
            result = import_event(
                export=export, actor=ctx.actor, owner_id=owner_id, publish=publish, progress=report_progress,
                into_event_id=into_event_id,
            )  # fmt: skip
        except (ExportError, PodiumError) as err:
            raise PermanentJobError(str(err)) from err
    files.delete_stored_file(upload_key)
    return result.to_json()


def _download(key: str, path: Path) -> None:
    head = files.stored_file_info(key)
    if head is None:
        raise PermanentJobError(f"{key}: no such upload")
    if head.size > MAX_UPLOAD_BYTES:
        raise PermanentJobError(f"{key}: {head.size} bytes, over the limit of {MAX_UPLOAD_BYTES}")
    files.download_stored_file(key, path)
