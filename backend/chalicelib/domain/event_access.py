"""What imports and exports ask of identity, in the terms they use: one owner grant, one
check (what they may see is domain/projections.py's)."""

from __future__ import annotations

from typing import Any

from pynamodb.exceptions import DoesNotExist

from chalicelib.actors import Actor
from chalicelib.db.keys import role_key
from chalicelib.db.users import EventRole
from chalicelib.domain.permissions import authorize
from chalicelib.domain.roles import role_item


def event_role(*, event_id: str, user_id: str) -> str | None:
    """The user's role in the event, None without one."""

    try:
        return EventRole.get(*role_key(event_id, user_id), consistent_read=True).role
    except DoesNotExist:
        return None


def require(actor: Actor, action: str, event_id: str | None) -> None:
    """The permission table's decision (401/403/404), or nothing when allowed.

    With no event (an import that creates one) it is the right to create an event; importing
    into an existing event rewrites it, so it takes the right to edit that event.
    """
    if event_id is None:
        authorize(actor, "event.create")
    else:
        authorize(actor, "event.update" if action == "event.import" else action, event_id=event_id)


def owner_item(*, event_id: str, user_id: str) -> dict[str, Any]:
    """The owner role item (identity's shape, with its lookup keys) in DynamoDB's wire form."""
    item = role_item(event_id=event_id, user_id=user_id, role="owner")
    item.version = 1
    return item.serialize()


def grant_owner(*, event_id: str, user_id: str) -> None:
    """Make `user_id` the event's owner (idempotent)."""
    role_item(event_id=event_id, user_id=user_id, role="owner").save()
