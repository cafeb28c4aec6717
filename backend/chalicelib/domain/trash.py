"""Soft delete. Trashed items carry `trashed_at`, `trashed_by`, the TTL `expires_at` and the
sparse `trash_pk`, so they leave every normal read at once and the sweeper finds them by index."""

from __future__ import annotations

from datetime import timedelta

from chalicelib.clock import clock
from chalicelib.db.base import Item, new_id
from chalicelib.domain.actors import Actor
from chalicelib.settings import settings

TRASH_KEY = "TRASH"


def trash_items(items: list[Item], *, actor: Actor, op_id: str | None = None) -> str:
    """Trash `items` as one operation (same expiry, same op id); returns the op id."""
    op_id = op_id or new_id()
    now = clock().now()
    expires = int((now + timedelta(days=settings().trash_retention_days)).timestamp())
    for item in items:
        item.update(
            actions=[
                Item.trashed_at.set(now),
                Item.trashed_by.set(actor.id),
                Item.expires_at.set(expires),
                Item.trash_pk.set(TRASH_KEY),
                Item.trash_op.set(op_id),
                Item.updated_at.set(now),
            ]
        )
    return op_id


def trash_event(*, event: Item, actor: Actor) -> dict[str, object]:
    """Trash the event and every live content child with it, as one operation."""
    from chalicelib.db.content import CHILD_KINDS
    from chalicelib.db.queries import event_items

    kinds = {"event", *CHILD_KINDS}
    items = [i for i in event_items(event.id) if i.kind_name in kinds and not i.is_trashed()]  # type: ignore[attr-defined]
    op_id = trash_items(items, actor=actor)
    return {"kind": "event", "id": event.id, "op": op_id, "items": len(items)}  # type: ignore[attr-defined]
