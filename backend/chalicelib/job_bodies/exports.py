"""The export job: the event's Open Event zip becomes the job's result file.

The record keeps the file's key, never a link: `GET /v1/jobs/{id}` presigns a fresh one for
whoever may read the job (domain/jobs.py), and the file expires with the other job results
(infra/template.yaml's lifecycle rule on jobs/) or goes when its event is purged.
"""

from __future__ import annotations

from typing import Any

from chalicelib.domain.exports import export_zip
from chalicelib.domain.projections import audience_for
from chalicelib.jobs.registry import job
from chalicelib.jobs.results import save_result_file
from chalicelib.jobs.runner import report_progress
from chalicelib.request_context import RequestContext


@job("export_event")
def export_event_job(ctx: RequestContext, *, event_id: str) -> dict[str, Any]:
    """Write the event's Open Event zip as the job's result file."""

    data = export_zip(event_id=event_id, audience=audience_for(ctx.actor, event_id=event_id))
    report_progress(80)
    return save_result_file(f"{event_id}-openevent.zip", data, content_type="application/zip")
