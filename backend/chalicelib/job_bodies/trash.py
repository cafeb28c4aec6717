"""Trash and restore of many items as jobs (domain/trash.py decides when): each loads its item
and calls the one domain function that owns the change, reporting progress on the job record.

Delivery is at least once: a repeated trash continues under the same operation id, and a
restore whose item is back already (not in the trash any more) has nothing left to do.
"""

from __future__ import annotations

from typing import Any

from pynamodb.exceptions import DoesNotExist

from chalicelib.db import content
from chalicelib.db.keys import event_key
from chalicelib.domain import accounts, trash
from chalicelib.errors import NotFound
from chalicelib.jobs.registry import job
from chalicelib.jobs.runner import report_progress
from chalicelib.request_context import RequestContext


def _progress(done: int, total: int) -> None:
    # Every 2% at most: each report is a write on the job record.
    if total and (done == total or done % max(1, total // 50) == 0):
        report_progress(done * 100 // total)


@job("trash_event")
def trash_event_job(ctx: RequestContext, *, event_id: str) -> dict[str, Any]:
    """Trash the event with its children; an event trashed already (a redelivery) is done."""
    try:
        event = content.Event.get(*event_key(event_id), consistent_read=True)
    except DoesNotExist:  # purged meanwhile: nothing left to trash
        return {"kind": "event", "id": event_id, "items": 0}
    if event.is_trashed():
        return {"kind": "event", "id": event_id, "op": event.trash_op, "items": 0}
    return trash.trash_event(event=event, actor=ctx.actor, progress=_progress)


@job("trash_user")
def trash_user_job(ctx: RequestContext, *, user_id: str) -> dict[str, Any]:
    """Trash the user with the events they alone run; a user trashed already is done."""
    try:
        user = accounts.get_user(user_id)
    except NotFound:
        return {"kind": "user", "id": user_id, "items": 0}
    return {"kind": "user", "id": user_id, "op": trash.trash_user(user=user, actor=ctx.actor, progress=_progress)}


@job("restore_trashed")
def restore_job(
    ctx: RequestContext, *, kind: str, item_id: str, event_id: str | None = None, slug: str | None = None
) -> dict[str, Any]:
    """Restore a trashed item with what its operation took; one restored already is done."""
    try:
        item = trash.get_trashed(kind=kind, item_id=item_id, event_id=event_id)
    except NotFound:
        return {"kind": kind, "id": item_id, "restored": False}
    restored = trash.restore_trashed(item=item, actor=ctx.actor, slug=slug, progress=_progress)
    return {"kind": kind, "id": item_id, "event_id": trash.event_id_of(restored), "restored": True}
