"""Reads that every capability shares. All are Queries or Gets: never a table scan."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from chalicelib.db import content
from chalicelib.db.base import Item
from chalicelib.db.keys import EVENT_SK, PUBLISHED, USERS_INDEX_KEY, child_sk_prefix, event_pk, slug_key
from chalicelib.db.table import batch_get, query_items
from chalicelib.db.users import User


def event_items(event_id: str) -> Iterator[Item]:
    """The event and all its children in one paginated Query, expired trash left out."""
    found = (Item.from_raw_data(raw) for raw in event_raw_items(event_id))
    return (item for item in found if not item.is_gone())


def event_content(event_id: str) -> dict[str, list[Item]]:
    """The event's live content (the event, tracks, … posts) by kind name, trashed and expired
    items left out: what an export or a site build reads. Roles, invites and any other kind in the
    partition are not content and are never parsed (content.CONTENT_KINDS)."""
    by_kind: dict[str, list[Item]] = {kind: [] for kind in content.CONTENT_KINDS}
    for raw in event_content_raw(event_id):
        item = Item.from_raw_data(raw)
        if not (item.is_gone() or item.is_trashed()):
            by_kind[item.kind_name].append(item)
    return by_kind


def event_content_raw(event_id: str) -> Iterator[dict[str, Any]]:
    """The event's content items in DynamoDB's wire format (one paginated Query), trashed and
    expired ones included; every other kind of the partition left out unparsed."""
    return (raw for raw in event_raw_items(event_id) if content.is_content(raw))


def event_raw_items(event_id: str, *, consistent_read: bool = False) -> Iterator[dict[str, Any]]:
    """The event's whole partition in DynamoDB's wire format (one paginated Query), expired items included."""
    return _query_raw("pk = :pk", {":pk": {"S": event_pk(event_id)}}, ConsistentRead=consistent_read)


def event_raw_items_at(event_id: str, sort_keys: list[str]) -> list[dict[str, Any]]:
    """The event's items with these sort keys in DynamoDB's wire format, read consistently
    (missing ones left out): what a render reads after an edit that named them."""
    return list(batch_get([(event_pk(event_id), sk) for sk in sort_keys]).values())


def child_models(
    model: type[Item],
    *,
    event_id: str,
    kind: str,
    filter_expression: str,
    values: dict[str, Any] | None = None,
    **query: Any,
) -> list[Any]:
    """The event's children of one kind that pass `filter_expression`, expired ones left out
    (one paginated Query on the partition's sort-key prefix of that kind)."""
    found = query_models(
        model,
        "pk = :pk AND begins_with(sk, :kind)",
        {":pk": {"S": event_pk(event_id)}, ":kind": {"S": child_sk_prefix(kind)}, **(values or {})},
        FilterExpression=filter_expression,
        **query,
    )
    return [item for item in found if not item.is_gone()]


def query_models(model: type[Item], key_condition: str, values: dict[str, Any], **query: Any) -> Iterator[Any]:
    """A paginated Query's items as models (each of its own kind), read from DynamoDB's wire
    format as sent: botocore's own parse of a big result costs more than the Query itself."""
    for raw in _query_raw(key_condition, values, **query):
        yield model.from_raw_data(raw)


def _query_raw(key_condition: str, values: dict[str, Any], **query: Any) -> Iterator[dict[str, Any]]:
    return query_items(KeyConditionExpression=key_condition, ExpressionAttributeValues=values, **query)


def published_events() -> list[content.Event]:
    """Published events, soonest first, through the gsi2 index."""
    found = content.Event.gsi2.query(PUBLISHED)
    return [e for e in found if isinstance(e, content.Event) and not e.is_trashed() and not e.is_gone()]


def events_with_slug(slug: str) -> list[content.Event]:
    """Every event whose gsi1 holds this slug (trashed and expired ones too: callers decide)."""
    return [e for e in content.Event.gsi1.query(slug_key(slug)) if isinstance(e, content.Event)]


def event_by_slug(slug: str) -> content.Event | None:
    """The event with this slug (gsi1 "SLUG#<slug>"), trashed or not; None when there is none."""
    for found in content.Event.gsi1.query(slug_key(slug), content.Event.gsi1sk == EVENT_SK, limit=1):
        if isinstance(found, content.Event) and not found.is_gone():
            return found
    return None


# The super admin is the user whose site roles hold this.
SUPER_ADMIN_ROLE = "super_admin"


def find_super_admin() -> Any | None:
    """The super admin user, or None before `podium create-admin` ran.

    Users are listed on gsi2 (`USERS`, by email); the super admin is the first whose site
    roles hold "super_admin". A Query with a filter: operator tools only, never a request path.
    """

    for user in User.gsi2.query(USERS_INDEX_KEY, filter_condition=User.site_roles.contains(SUPER_ADMIN_ROLE)):
        if isinstance(user, User) and not user.is_trashed() and not user.is_gone():
            return user
    return None
