"""The outbox's bulk send: one job sends the mails the organizers selected, with progress; and the
mails a schedule release owes the speakers of the sessions it moved."""

from __future__ import annotations

from typing import Any

from chalicelib.domain.outbox import send_many
from chalicelib.domain.schedule_releases import mail_release
from chalicelib.jobs.registry import job
from chalicelib.jobs.runner import report_progress
from chalicelib.request_context import RequestContext


@job("send_outbox")
def send_outbox(ctx: RequestContext, *, event_id: str, mail_ids: list[str]) -> dict[str, Any]:
    """Send each selected mail; one failure never stops the others (each mail records its own)."""
    return send_many(event_id=event_id, mail_ids=mail_ids, progress=report_progress)


@job("mail_schedule_release")
def mail_schedule_release(ctx: RequestContext, *, event_id: str, number: int) -> dict[str, Any]:
    """Mail each speaker whose session release `number` moved (each once, however often this runs)."""
    return mail_release(event_id=event_id, number=number)
