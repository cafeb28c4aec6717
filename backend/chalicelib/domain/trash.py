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
