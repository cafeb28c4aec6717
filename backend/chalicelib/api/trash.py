"""The trash over HTTP: list, restore, delete for good; and the audit log of those acts."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from chalice import Blueprint

from chalicelib.api.http import endpoint
from chalicelib.api.jobs import started_or_done
from chalicelib.api.schema import PAGE, Field, Schema
from chalicelib.db.base import Item
from chalicelib.db.pagination import page_request
from chalicelib.domain import audit, trash
from chalicelib.request_context import current_context

bp = Blueprint(__name__)
KIND = Field("string", choices=trash.KINDS)
RESTORE = Schema(
    "TrashRestore",
    fields={"slug": Field("string", max_length=80, description="for an event whose address was taken meanwhile")},
)
PURGED = Schema("TrashPurged", fields={"deleted": Field("integer", minimum=0)})


def _query() -> dict[str, str]:
    return bp.current_request.query_params or {}


def _loader(action: str) -> Callable[..., trash.Trashed]:
    """Loads the trashed item an `action` route names, choosing among same-id items by what the caller may do."""

    def allowed(item: Item) -> bool:
        return trash.may_act(current_context().actor, action, item)

    def load(kind: str, trashed_id: str, **_: str) -> trash.Trashed:
        event_id = _query().get("event_id")
        return trash.Trashed(trash.get_trashed(kind=kind, item_id=trashed_id, event_id=event_id, allowed=allowed))

    return load


@endpoint(
    bp, "/trash", "GET", action="trash.list", response=PAGE, errors=(400, 401, 403, 404),
    summary="Deleted items still restorable (?kind=, ?event_id=): admins all, organizers their events'",
)  # fmt: skip
def list_trash() -> dict[str, Any]:
    query = _query()
    limit, cursor = page_request(query)
    return trash.trash_views(
        actor=current_context().actor, kind=query.get("kind"), event_id=query.get("event_id"), limit=limit,
        cursor=cursor,
    ).body()  # fmt: skip


@endpoint(
    bp, "/trash/{kind}/{trashed_id}/restore", "POST", action="trash.restore", body=RESTORE, load=_loader("trash.restore"),
    summary="Restore a deleted item as it was (an event with the children deleted with it; 202: many, a job does it)",
    errors=(202, 401, 403, 404, 409, 422),
)  # fmt: skip
def restore_item(kind: str, trashed_id: str, resource: trash.Trashed, body: dict[str, Any]) -> Any:
    result = trash.start_restore(item=resource.item, actor=current_context().actor, slug=body.get("slug"))

    def restored(done: dict[str, Any]) -> dict[str, Any]:
        item = done["item"]
        return {"kind": item.kind_name, "id": trashed_id, "event_id": trash.event_id_of(item), "version": item.version}

    return started_or_done(result, restored)


@endpoint(
    bp, "/trash/{kind}/{trashed_id}", "DELETE", action="trash.delete", response=PURGED, errors=(401, 403, 404),
    load=_loader("trash.delete"),
    summary="Delete a trashed item for good, with its children and files (owners, organizers, admins)",
)  # fmt: skip
def purge_item(kind: str, trashed_id: str, resource: trash.Trashed) -> dict[str, Any]:
    return {"deleted": trash.purge_trashed(item=resource.item, actor=current_context().actor)}


@endpoint(
    bp, "/audit", "GET", action="audit.read", response=PAGE, errors=(400, 401, 403),
    summary="Trash, restore and purge records of one month (?month=yyyy-mm, default this one; ?event_id=, ?actor_id=), admins only",
)  # fmt: skip
def list_audit() -> dict[str, Any]:
    query = _query()
    limit, cursor = page_request(query)
    page = audit.list_audit(
        actor=current_context().actor, month=query.get("month"), event_id=query.get("event_id"),
        actor_id=query.get("actor_id"), limit=limit, cursor=cursor,
    )  # fmt: skip
    return page.map(audit.audit_view).body()
