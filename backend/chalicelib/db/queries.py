"""Reads that every capability shares. All are Queries or Gets: never a Scan."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from chalicelib.db import content
from chalicelib.db.base import Item

PUBLISHED = "PUBLISHED"


def event_items(event_id: str) -> Iterator[Item]:
    """The event and all its children in one paginated Query, expired trash left out."""
    for item in Item.query(content.event_pk(event_id)):
        if not item.is_gone():
            yield item


def published_events() -> list[content.Event]:
    """Published events, soonest first, through the gsi2 index."""
    found = content.Event.gsi2.query(PUBLISHED)
    return [e for e in found if isinstance(e, content.Event) and not e.is_trashed() and not e.is_gone()]


def event_by_slug(slug: str) -> content.Event | None:
    """The event with this slug (gsi1 "SLUG#<slug>"), trashed or not; None when there is none."""
    for found in content.Event.gsi1.query(f"SLUG#{slug}", content.Event.gsi1sk == "EVENT", limit=1):
        if isinstance(found, content.Event) and not found.is_gone():
            return found
    return None


# The super admin, as the identity work stores it: pk "USER#<id>", sk "USER", kind "user",
# `roles` holding "super_admin", and the sparse gsi2 key "SUPERADMIN" (gsi2sk: the user id).
SUPER_ADMIN_KEY = "SUPERADMIN"
SUPER_ADMIN_ROLE = "super_admin"


def find_super_admin() -> Any | None:
    """The super admin user (one gsi2 Query), or None before `podium create-admin` ran.

    Returns the model instance when the item's kind has a model class, else a read-only
    record of its attributes (so tools work before every model module is imported).
    """
    from boto3.dynamodb.types import TypeDeserializer

    connection = Item._get_connection()
    answer = connection.query(SUPER_ADMIN_KEY, index_name="gsi2", limit=10)
    for raw in answer.get("Items", []):
        record = {k: TypeDeserializer().deserialize(v) for k, v in raw.items()}
        if SUPER_ADMIN_ROLE not in (record.get("roles") or []) or record.get("trashed_at"):
            continue
        try:
            return Item.from_raw_data(raw)
        except ValueError:  # no model registered for this kind (yet)
            return StoredRecord(record)
    return None


class StoredRecord:
    """Read-only attribute access to a stored item whose model is not loaded."""

    def __init__(self, values: dict[str, Any]) -> None:
        self._values = dict(values)

    def __getattr__(self, name: str) -> Any:
        try:
            return self._values[name]
        except KeyError:
            raise AttributeError(name) from None

    def __repr__(self) -> str:
        return f"StoredRecord(pk={self._values.get('pk')!r}, kind={self._values.get('kind')!r})"
