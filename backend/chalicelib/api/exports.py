"""Exports over HTTP: an event as an Open Event zip, written by a job (its record says how far it got)."""

from __future__ import annotations

from typing import Any

from chalice import Blueprint

from chalicelib.api.http import endpoint
from chalicelib.api.jobs import JOB_STARTED, job_started
from chalicelib.domain import exports
from chalicelib.request_context import current_context

bp = Blueprint(__name__)


@endpoint(
    bp, "/events/{event_id}/exports", "POST", action="event.export", summary="Export an event as Open Event (a job)",
    status=202, response=JOB_STARTED, errors=(401, 403, 404),
)  # fmt: skip
def start_export(event_id: str) -> dict[str, Any]:
    return job_started(exports.start_export(actor=current_context().actor, event_id=event_id))
