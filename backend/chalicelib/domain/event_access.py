"""Who may import into or export an event, and the owner grant an import writes.

Stand-in until the identity capability lands: the role item shape is the one identity
uses (`pk=EVENT#<event>, sk=ROLE#<user>, gsi1pk=USER#<user>, gsi1sk=EVENT#<event>`), so
`grant_owner` and `require` can be swapped for identity's functions without touching callers.
"""

from __future__ import annotations

from typing import Any

from chalicelib.adapters.aws import client
from chalicelib.clock import clock
from chalicelib.db.content import event_pk
from chalicelib.domain.actors import Actor
from chalicelib.errors import Forbidden, Unauthorized
from chalicelib.settings import settings

ORGANIZER_ROLES = frozenset({"owner", "organizer", "coorganizer"})
# Which event roles may do what; site admins may do everything.
ACTION_ROLES = {
    "event.import": ORGANIZER_ROLES,
    "event.export": ORGANIZER_ROLES | {"track_organizer", "moderator"},
}


def role_sk(user_id: str) -> str:
    return f"ROLE#{user_id}"


def event_role(*, event_id: str, user_id: str) -> str | None:
    """The user's role in the event, None without one."""
    found = client("dynamodb").get_item(
        TableName=settings().table_name,
        Key={"pk": {"S": event_pk(event_id)}, "sk": {"S": role_sk(user_id)}},
        ConsistentRead=True,
    )
    role = found.get("Item", {}).get("role", {})
    return role.get("S")


def require(actor: Actor, action: str, event_id: str | None) -> None:
    """Raise Unauthorized for anonymous callers, Forbidden unless admin or holding a role the action admits.

    `event_id=None` asks for an action that creates a new event: any signed-in user may.
    """
    if actor.is_anonymous:
        raise Unauthorized("sign in first")
    if actor.is_admin or event_id is None:
        return
    if event_role(event_id=event_id, user_id=actor.id) not in ACTION_ROLES[action]:
        raise Forbidden(f"you may not {action.split('.')[1]} this event")


def sees_private_fields(actor: Actor, event_id: str) -> bool:
    """Admins and the event's organizers see emails, phones and internal comments."""
    return actor.is_admin or event_role(event_id=event_id, user_id=actor.id) in ORGANIZER_ROLES


def owner_item(*, event_id: str, user_id: str) -> dict[str, Any]:
    """The owner role item, in DynamoDB's attribute-value form."""
    now = clock().now().strftime("%Y-%m-%dT%H:%M:%S.%f+0000")
    return {
        "pk": {"S": event_pk(event_id)},
        "sk": {"S": role_sk(user_id)},
        "kind": {"S": "role"},
        "gsi1pk": {"S": f"USER#{user_id}"},
        "gsi1sk": {"S": f"EVENT#{event_id}"},
        "event_id": {"S": event_id},
        "user_id": {"S": user_id},
        "role": {"S": "owner"},
        "created_at": {"S": now},
        "updated_at": {"S": now},
        "version": {"N": "1"},
    }


def grant_owner(*, event_id: str, user_id: str) -> None:
    """Make `user_id` the event's owner (idempotent)."""
    client("dynamodb").put_item(TableName=settings().table_name, Item=owner_item(event_id=event_id, user_id=user_id))
