"""Soft delete, restore, purge and expiry.

Trashed items carry `trashed_at`, `trashed_by`, the TTL `expires_at`, the sparse `trash_pk`
(the `trash` index: every trashed item by expiry, so nothing here needs a table scan) and
`trash_op`, the operation that trashed them: `<kind>:<id>:<version>` of the item the caller
deleted (the head). An event's children go with it under its op, so restoring the event
brings back exactly those. Expired items count as gone everywhere (DynamoDB's TTL deletes
lazily and moto never does); the sweeper purges them and the stream handler cleans up after
DynamoDB's own TTL deletions. Every trash, restore and purge writes an audit record.
"""

from __future__ import annotations

import itertools
import random
import time
from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace
from typing import Any, NamedTuple

from pynamodb.exceptions import DeleteError, DoesNotExist, TransactWriteError, UpdateError

from chalicelib.actors import SYSTEM, Actor
from chalicelib.clock import clock
from chalicelib.db import content, table
from chalicelib.db.base import Item, is_condition_failure, is_transaction_conflict, transact_write
from chalicelib.db.jobs import event_job_ids
from chalicelib.db.keys import (
    EVENT_SK,
    TRASH_KEY,
    USER_SK,
    USERS_INDEX_KEY,
    child_key,
    child_sk,
    email_guard_key,
    email_key,
    event_id_from_pk,
    event_key,
    event_pk,
    role_key,
    slug_key,
    user_key,
)
from chalicelib.db.live import live_item
from chalicelib.db.pagination import Page, read_page
from chalicelib.db.queries import events_with_slug
from chalicelib.db.uploads import StoredFile
from chalicelib.db.users import User, roles_in_event, roles_of_user, user_photo
from chalicelib.domain import audit
from chalicelib.domain.events import SLUG_PATTERN
from chalicelib.domain.permissions import EVENT_ROLES, MANAGING_ROLES, PERMISSIONS, authorize, check_user_removal
from chalicelib.domain.tokens import signing_key
from chalicelib.domain.uploads import FILE_FIELDS, delete_files_of
from chalicelib.errors import Conflict, NotFound, PodiumError, ValidationFailed
from chalicelib.jobs.enqueue import enqueue
from chalicelib.jobs.results import delete_result_files
from chalicelib.settings import settings

KINDS = audit.TRASH_KINDS
SWEEP_BATCH = 500  # items per sweeper run: an hourly run catches up on any backlog
LINK_ATTEMPTS = 10  # tries of a session's trash or restore whose speakers keep changing meanwhile
# An operation on more items than this runs as a job: a user with 500 items took 12-16 s in one
# request, past what a client waits for without a word of progress (and near the API's timeout).
BACKGROUND_ITEMS = 100
Progress = Callable[[int, int], None]  # (items done, items in all)
_EXPIRY_CLEANUP = {"type": "Service", "principalId": "dynamodb.amazonaws.com"}


# -- who may ---------------------------------------------------------------------------------


def authorize_trash(actor: Actor, action: str, *, event_id: str | None) -> None:
    """The permission table's decision (on the event, trashed or not): 401 anonymous, 404
    outside the actor's events, 403 a role without the verb. Users' trash is for admins."""
    authorize(actor, action, event_id=event_id)


def _trash_readers() -> frozenset[str]:
    return frozenset(r for r in EVENT_ROLES if "read" in PERMISSIONS[r].get("trash", ()))


def _readable_events(actor: Actor) -> list[str]:
    """The events whose trash `actor` may read (from their role items)."""
    return [event_id for event_id, role in roles_of_user(actor.id) if role in _trash_readers()]


# -- trash -----------------------------------------------------------------------------------


def op_of(item: Item) -> str:
    """The id of an operation headed by `item` (stable until the item changes, so retries match)."""
    return f"{item.kind_name}:{getattr(item, 'id', '')}:{item.version or 0}"


def is_head(item: Item) -> bool:
    """True when the item was deleted itself, not taken along with its event or user."""
    return (item.trash_op or "").startswith(f"{item.kind_name}:{getattr(item, 'id', '')}:")


def trash_items(
    items: list[Item], *, actor: Actor, op_id: str | None = None, head: Item | None = None,
    progress: Progress | None = None,
) -> str:  # fmt: skip
    """Trash `items` as one operation (same expiry, same op id); returns the op id.

    The one trash write path. Items already in the trash keep their own operation, so a child
    deleted before its event stays deleted when the event comes back. An event leaves the slug
    index. Side effects: the item writes (their stream records rebuild the public site) and
    one audit record naming `head` (default: the first item).
    """
    head = head or items[0]
    op_id = op_id or op_of(head)
    now = clock().now()
    for done, item in enumerate(items, start=1):
        actions = trash_actions(item, actor=actor, op_id=op_id, now=now)
        try:
            item.update(actions=actions, condition=Item.trashed_at.does_not_exist(), add_version_condition=False)
        except UpdateError as err:
            if not is_condition_failure(err):
                raise
        if progress is not None:
            progress(done, len(items))
    audit_trash(head, actor=actor, count=len(items))
    return op_id


def trash_actions(item: Item, *, actor: Actor, op_id: str, now: datetime | None = None) -> list[Any]:
    """The update that puts one item in the trash under operation `op_id` (at `now`, default now)."""
    now = now or clock().now()
    expires = int((now + timedelta(days=settings().trash_retention_days)).timestamp())
    actions = [
        Item.trashed_at.set(now),
        Item.trashed_by.set(actor.id),
        Item.expires_at.set(expires),
        Item.trash_pk.set(TRASH_KEY),
        Item.trash_op.set(op_id),
        Item.updated_at.set(now),
    ]
    if item.kind_name == "event":
        actions += [Item.gsi1pk.remove(), Item.gsi1sk.remove()]  # the slug resolves to no trashed event
    elif item.kind_name == "user":
        # Nobody finds a trashed account by email (sign-in) or in the admins' user list; the
        # email guard stays, so the address is not taken by someone else before a restore.
        actions += [Item.gsi1pk.remove(), Item.gsi1sk.remove(), Item.gsi2pk.remove(), Item.gsi2sk.remove()]
    return actions


def audit_trash(head: Item, *, actor: Actor, count: int) -> None:
    """The audit record of a trash operation headed by `head`."""
    _audit("trash", head=head, actor=actor, count=count)


def trash_session(*, session: content.Session, actor: Actor) -> str:
    """Trash a session and take it off its speakers' lists in one transaction (see
    `_write_with_speaker_links`); returns the op id. Already trashed: nothing happens."""
    op_id, now = op_of(session), clock().now()

    def trash_write(transaction: Any) -> None:
        actions = trash_actions(session, actor=actor, op_id=op_id, now=now)
        transaction.update(session, actions=actions, condition=Item.trashed_at.does_not_exist(), add_version_condition=False)

    if _write_with_speaker_links(session, own_write=trash_write, linked=False):
        audit_trash(session, actor=actor, count=1)
    return op_id


def _live_children(event_id: str) -> list[Item]:
    return [i for i in _partition(event_id) if i.kind_name in content.CHILD_KINDS and not i.is_trashed()]


def trash_event(*, event: content.Event, actor: Actor, progress: Progress | None = None) -> dict[str, Any]:
    """Trash the event with its live children (one operation); role items stay, so its organizers
    can still find it in their trash. Returns what went ({"kind", "id", "op", "items"}).
    A call that failed half way can be repeated: it continues under the same op id."""
    children = _live_children(event.id)
    # The event goes last, so it stays findable (and the op id stays the same) until the end.
    op_id = trash_items([*children, event], actor=actor, op_id=op_of(event), head=event, progress=progress)
    return {"kind": "event", "id": event.id, "op": op_id, "items": len(children) + 1}


def start_trash_event(*, event: content.Event, actor: Actor) -> dict[str, Any]:
    """`trash_event` now, or as the `trash_event` job when it holds more than BACKGROUND_ITEMS
    items: then {"job_id", "items"} (GET /v1/jobs/{id} shows its progress)."""
    size = len(_live_children(event.id)) + 1
    if size <= BACKGROUND_ITEMS:
        return trash_event(event=event, actor=actor)
    return {"job_id": enqueue("trash_event", _event_id=event.id, event_id=event.id), "items": size}


def event_removal_preview(*, event: content.Event) -> dict[str, Any]:
    """What `trash_event` would take, for a confirmation naming counts: {"items": total (the event
    included), "kinds": {kind: count of its live children}}. The route's own check admits the caller."""
    kinds: dict[str, int] = {}
    for child in _live_children(event.id):
        kinds[child.kind_name] = kinds.get(child.kind_name, 0) + 1  # type: ignore[attr-defined]
    return {"items": sum(kinds.values()) + 1, "kinds": dict(sorted(kinds.items()))}


def trash_user(*, user: Item, actor: Actor, progress: Progress | None = None) -> str:
    """Trash a user with the events they alone run (and those events' children), one operation.

    Raises Conflict listing the events they own together with other organizers: ownership is
    transferred first. Their role items, and sessions they submitted elsewhere, stay.
    """
    items = _user_operation(user, actor=actor)
    return trash_items(items, actor=actor, op_id=op_of(user), head=user, progress=progress)


def start_trash_user(*, user: Item, actor: Actor) -> dict[str, Any]:
    """`trash_user` now ({"op", "items"}), or as the `trash_user` job ({"job_id", "items"}) when it
    takes more than BACKGROUND_ITEMS items. The checks (Conflict for shared events) run first."""
    size = len(_user_operation(user, actor=actor))
    if size <= BACKGROUND_ITEMS:
        return {"op": trash_user(user=user, actor=actor), "items": size}
    return {"job_id": enqueue("trash_user", user_id=user.id), "items": size}  # type: ignore[attr-defined]


def user_removal_preview(*, user: Item, actor: Actor) -> dict[str, Any]:
    """What trashing `user` would take (for a confirmation naming counts): the events they alone
    run, with their item counts, and the total; Conflict as `trash_user` raises it."""
    items = _user_operation(user, actor=actor)
    events = [{"id": i.id, "name": i.name} for i in items if i.kind_name == "event"]  # type: ignore[attr-defined]
    return {"events": events, "items": len(items)}


def _user_operation(user: Item, *, actor: Actor) -> list[Item]:
    """The items trashing `user` takes (the user last); Conflict listing events shared with others."""
    check_user_removal(actor, user)
    shared, alone = [], []
    for event_id in _owned_events(user.id):  # type: ignore[attr-defined]
        others = sorted(u for u, role in roles_in_event(event_id).items() if u != user.id and role in MANAGING_ROLES)
        event = _live_event(event_id)
        if event is None:
            continue
        if others:
            shared.append({"id": event_id, "name": event.name, "organizers": others})
        else:
            alone.append(event)
    if shared:
        raise Conflict("This user owns events that others organize too; transfer their ownership first.", events=shared)
    items: list[Item] = []
    for event in alone:
        items += [*_live_children(event.id), event]
    return [*items, user]


def _owned_events(user_id: str) -> list[str]:
    """Events the user owns, from their role items."""
    return [event_id for event_id, role in roles_of_user(user_id) if role == "owner"]


def _live_event(event_id: str) -> content.Event | None:
    try:
        event = content.Event.get(*event_key(event_id), consistent_read=True)
    except DoesNotExist:
        return None
    return None if event.is_trashed() or event.is_gone() else event


def _partition(event_id: str) -> Iterator[Item]:
    for item in Item.query(event_pk(event_id), consistent_read=True):
        if not item.is_gone():
            yield item


# -- find ------------------------------------------------------------------------------------


def model_of(kind: str) -> type[Item]:
    """The model of a trash kind (users are identity's model)."""
    if kind == "user":
        return User
    return content.Event if kind == "event" else content.CHILD_KINDS[kind]


def event_id_of(item: Item) -> str | None:
    """The event an item belongs to (None for users)."""
    return event_id_from_pk(item.pk)


def _key(kind: str, item_id: str, event_id: str | None) -> tuple[str, str] | None:
    if kind == "user":
        return user_key(item_id)
    if kind == "event":
        return event_key(item_id)
    if event_id:
        return child_key(event_id, kind, item_id)
    return None


def get_trashed(
    *, kind: str, item_id: str, event_id: str | None = None, allowed: Callable[[Item], bool] | None = None
) -> Item:
    """The trashed, unexpired item; NotFound otherwise. Children without `event_id` are found
    through the trash index (a Query filtered on the id: the trash stays small); when several
    events hold that id, only those `allowed` (the caller may act on) count."""
    if kind not in KINDS:
        raise NotFound(f"No trash kind {kind!r}; kinds are {', '.join(KINDS)}.")
    key = _key(kind, item_id, event_id)
    if key is not None:
        try:
            item: Item | None = Item.get(*key, consistent_read=True)
        except DoesNotExist:
            item = None
    else:
        found = Item.trash_index.query(
            TRASH_KEY,
            Item.expires_at > clock().epoch(),
            filter_condition=(Item.kind == model_of(kind)) & (Item.sk == child_sk(kind, item_id)),
        )
        matches = list(itertools.islice(found, 100))
        if len(matches) > 1 and allowed is not None:
            # Never let an outsider learn which events hold the id; the one left is authorized next.
            matches = [m for m in matches if allowed(m)] or matches[:1]
        if len(matches) > 1:  # imported ids may repeat across events
            raise Conflict(
                f"Several events have a {kind.replace('_', ' ')} {item_id} in the trash; pass ?event_id=.",
                event_ids=sorted(event_id_of(m) or "" for m in matches),
            )
        item = matches[0] if matches else None
    if item is None or item.kind_name != kind or not item.is_trashed() or item.is_gone():
        raise NotFound(f"No {kind.replace('_', ' ')} {item_id} in the trash.")
    return item


# -- list ------------------------------------------------------------------------------------


class Trashed(NamedTuple):
    """A trashed item as an authorization resource: it names its event (None for users)."""

    item: Item

    @property
    def event_id(self) -> str | None:
        return event_id_of(self.item)


def list_trash(
    *, actor: Actor, kind: str | None = None, event_id: str | None = None, limit: int = 50, cursor: str | None = None
) -> Page:
    """Unexpired trash, latest expiry (most recently deleted) first: admins see everything,
    others their events' items (never users). One Query on the trash index per page."""
    if kind is not None and kind not in KINDS:
        raise NotFound(f"No trash kind {kind!r}; kinds are {', '.join(KINDS)}.")
    if event_id is not None:
        authorize_trash(actor, "trash.read", event_id=event_id)
        partitions: list[str] | None = [event_pk(event_id)]
    else:
        authorize_trash(actor, "trash.list", event_id=None)
        partitions = None if actor.is_admin else [event_pk(e) for e in _readable_events(actor)][:100]
        if partitions == []:
            return Page(items=[], next=None)
    condition = None
    if kind:
        condition = Item.kind == model_of(kind)
    if partitions is not None:
        condition = Item.pk.is_in(*partitions) if condition is None else condition & Item.pk.is_in(*partitions)
    return read_page(
        Item.trash_index,
        TRASH_KEY,
        Item.expires_at > clock().epoch(),
        filter_condition=condition,
        scan_index_forward=False,
        limit=limit,
        page_size=max(limit + 1, 25),
        cursor=cursor,
        secret=signing_key(),
    )


def trash_views(
    *, actor: Actor, kind: str | None = None, event_id: str | None = None, limit: int = 50, cursor: str | None = None
) -> Page:
    """A page of `list_trash` as the list shows it, each item with what `actor` may do with it
    ("restore", "delete"), so clients show only those; and the next page's cursor. One check per
    event (and users apart), whatever the page holds."""
    page = list_trash(actor=actor, kind=kind, event_id=event_id, limit=limit, cursor=cursor)
    known: dict[tuple[str | None, bool], list[str]] = {}

    def actions(item: Item) -> list[str]:
        if not is_head(item):  # it comes back with what it was trashed with
            return []
        key = (event_id_of(item), item.kind_name == "user")
        if key not in known:
            known[key] = [verb for verb in ("restore", "delete") if may_act(actor, f"trash.{verb}", item)]
        return known[key]

    names = _names_of({i.trashed_by for i in page.items if i.trashed_by})
    return page.map(
        lambda item: trash_view(item) | {"actions": actions(item), "trashed_by_name": names.get(item.trashed_by or "")}
    )


def _names_of(user_ids: set[str]) -> dict[str, str]:
    """Display names of the users who trashed a page's items (one BatchGetItem), so the list
    says who, not which id; the system's own acts and deleted accounts have none."""
    wanted = sorted(u for u in user_ids if u != SYSTEM.id)
    found = User.batch_get([user_key(u) for u in wanted]) if wanted else []
    return {u.id: u.name for u in found if u.name}


def may_act(actor: Actor, action: str, item: Item) -> bool:
    """Whether the permission table lets `actor` take the trash `action` on the trashed item."""
    resource = Trashed(item)
    try:
        authorize(actor, action, event_id=resource.event_id, resource=resource)
    except PodiumError:
        return False
    return True


def trash_view(item: Item) -> dict[str, Any]:
    """What the trash list shows of an item (no private fields: its name, where, when, by whom)."""
    head_kind, _, rest = (item.trash_op or "").partition(":")
    return {
        "kind": item.kind_name,
        "id": getattr(item, "id", None),
        "event_id": event_id_of(item),
        "name": getattr(item, "name", None) or getattr(item, "title", None),
        "trashed_at": item.trashed_at,
        "trashed_by": item.trashed_by,
        "expires_at": datetime.fromtimestamp(item.expires_at or 0, UTC),
        "operation": item.trash_op,
        "trashed_with": None if is_head(item) else {"kind": head_kind, "id": rest.rsplit(":", 1)[0]},
        "version": item.version,
    }


# -- restore ---------------------------------------------------------------------------------


def restore(*, kind: str, item_id: str, actor: Actor, event_id: str | None = None, slug: str | None = None) -> Item:
    """Bring a trashed item back as it was (version bumped); an event with exactly the children
    its operation took. Raises 404 (not in the trash, expired), 403, and 409 for a child whose
    event is in the trash, an item taken along with another, or an event whose slug is taken
    now (with a `suggestion`; pass `slug` to restore under another one)."""
    item = get_trashed(kind=kind, item_id=item_id, event_id=event_id)
    authorize_trash(actor, "trash.restore", event_id=event_id_of(item))
    return restore_trashed(item=item, actor=actor, slug=slug)


def _require_head(item: Item) -> None:
    """Items taken along with their event or user come back with it; alone only when the head is
    not in the trash: its trashing stopped half way (a job that died), so no restore of it could
    ever bring them back."""
    if is_head(item):
        return
    kind = item.kind_name
    head_kind, _, rest = (item.trash_op or "").partition(":")
    head_id = rest.rsplit(":", 1)[0]
    if not _head_in_trash(head_kind, head_id):
        return
    raise Conflict(
        f"This {kind.replace('_', ' ')} was deleted with its {head_kind}; restore the {head_kind}.",
        trashed_with={"kind": head_kind, "id": head_id},
    )


def _head_in_trash(kind: str, item_id: str) -> bool:
    """Whether the head of an operation (an event or a user) is in the trash (or gone for good:
    then its items are refused as before)."""
    key = event_key(item_id) if kind == "event" else user_key(item_id)
    try:
        head = Item.get(*key, consistent_read=True)
    except DoesNotExist:
        return True
    return head.is_trashed() or head.is_gone()


def _event_group(event: Item) -> list[Item]:
    """The items trashed with an event, under its operation, the event last (`_event_last`)."""
    return _event_last([i for i in _partition(event.id) if i.is_trashed() and i.trash_op == event.trash_op])  # type: ignore[attr-defined]


def _event_last(group: list[Item]) -> list[Item]:
    """A group to restore with its event last, as trashing puts it last: a restore cut short half
    way (a timeout, throttling) leaves the event in the trash, so running it again finds the
    event and restores the rest. Restored first, the event was live while its children stayed
    trashed under its operation, which no restore could reach any more (they expired)."""
    return sorted(group, key=lambda item: item.kind_name == "event")


def start_restore(*, item: Item, actor: Actor, slug: str | None = None) -> dict[str, Any]:
    """`restore_trashed` now ({"item": the restored item}), or as the `restore_trashed` job
    ({"job_id", "items"}) when the operation holds more than BACKGROUND_ITEMS items. What would
    refuse it (an item taken along, a slug taken now: 409) is checked before the job starts."""
    _require_head(item)
    if item.kind_name == "event":
        size, slug = len(_event_group(item)), _free_slug_for(item, slug)  # type: ignore[arg-type]
    elif item.kind_name == "user":
        size = 1 + sum(len(group) for group, _slug in _user_restore_groups(item))
    else:
        size = 1
    if size <= BACKGROUND_ITEMS:
        return {"item": restore_trashed(item=item, actor=actor, slug=slug)}
    job_id = enqueue(
        "restore_trashed", _event_id=event_id_of(item), kind=item.kind_name, item_id=getattr(item, "id", ""),
        event_id=event_id_of(item), slug=slug,
    )  # fmt: skip
    return {"job_id": job_id, "items": size}


def restore_trashed(*, item: Item, actor: Actor, slug: str | None = None, progress: Progress | None = None) -> Item:
    """`restore` for an item already found and authorized (the API's loader did both)."""
    kind = item.kind_name
    _require_head(item)
    if kind == "event":
        _restore_items(_event_group(item), slug=_free_slug_for(item, slug), progress=progress)  # type: ignore[arg-type]
    elif kind == "user":
        _restore_user(item, progress=progress)
    else:
        if event_id_of(item):
            _require_live_event(event_id_of(item))  # type: ignore[arg-type]
        if kind == "session":
            _restore_session(item)  # type: ignore[arg-type]
        else:
            _restore_items([item], slug=None)
    _audit("restore", head=item, actor=actor, count=1)
    return _reload(item)


def _user_restore_groups(user: Item) -> list[tuple[list[Item], str]]:
    """The events (with children) trashed with the user, each with its slug; every slug is
    checked here (409 with a suggestion when a live event took one)."""
    groups = []
    for event_id in _owned_events(user.id):  # type: ignore[attr-defined]
        group = _event_last([i for i in _partition(event_id) if i.is_trashed() and i.trash_op == user.trash_op])
        event = next((i for i in group if i.kind_name == "event"), None)
        if event is not None:
            groups.append((group, _free_slug_for(event, None)))  # type: ignore[arg-type]
    return groups


def _restore_user(user: Item, *, progress: Progress | None = None) -> None:
    """The user and the events (with children) trashed with them; every slug is checked first."""
    groups = _user_restore_groups(user)
    total, done = 1 + sum(len(group) for group, _slug in groups), 0
    for group, slug in groups:
        _restore_items(group, slug=slug, progress=_offset(progress, done, total))
        done += len(group)
    _restore_items([user], slug=None, progress=_offset(progress, done, total))


def _offset(progress: Progress | None, before: int, total: int) -> Progress | None:
    """A part's progress as progress of the whole (`before` items done ahead of it)."""
    if progress is None:
        return None
    return lambda done, _part: progress(before + done, total)


def _require_live_event(event_id: str) -> None:
    event = live_item(
        content.Event, event_pk(event_id), EVENT_SK, missing="The item's event is gone.", trashed_too=True,
        consistent_read=True,
    )  # fmt: skip
    if event.is_trashed():
        raise Conflict("The item's event is in the trash; restore the event first.", event_id=event_id)


def _free_slug_for(event: content.Event, wanted: str | None) -> str:
    """The slug to restore under: the old one (or `wanted`) unless a live event took it."""
    if wanted is not None and not SLUG_PATTERN.match(wanted):
        raise ValidationFailed("A slug is 3 to 80 lowercase letters, digits and hyphens.", fields={"slug": "invalid"})
    slug = wanted or event.slug
    if not _slug_taken(slug, event.id):
        return slug
    number = 2
    while _slug_taken(f"{event.slug}-{number}", event.id):
        number += 1
    raise Conflict(
        f"Another event uses the address {slug!r} now; restore this one as {event.slug}-{number} instead.",
        fields={"slug": "is taken"},
        suggestion=f"{event.slug}-{number}",
    )


def _slug_taken(slug: str, event_id: str) -> bool:
    holders = events_with_slug(slug)
    return any(h.id != event_id and not h.is_trashed() and not h.is_gone() for h in holders)


def _restore_items(items: list[Item], *, slug: str | None, progress: Progress | None = None) -> None:
    now = clock().now()
    for done, item in enumerate(items, start=1):
        try:
            # Only while still trashed under that operation: a purge or a second restore may race.
            item.update(actions=_restore_actions(item, slug=slug, now=now), condition=Item.trash_op == item.trash_op,
                        add_version_condition=False)  # fmt: skip
        except UpdateError as err:
            if not is_condition_failure(err):
                raise
        if progress is not None:
            progress(done, len(items))


def _restore_actions(item: Item, *, slug: str | None, now: datetime) -> list[Any]:
    actions = [
        Item.trashed_at.remove(),
        Item.trashed_by.remove(),
        Item.expires_at.remove(),
        Item.trash_pk.remove(),
        Item.trash_op.remove(),
        Item.updated_at.set(now),
    ]
    if item.kind_name == "event" and slug:
        actions += [content.Event.slug.set(slug), Item.gsi1pk.set(slug_key(slug)), Item.gsi1sk.set(EVENT_SK)]
    elif item.kind_name == "user":
        email = item.email  # type: ignore[attr-defined]
        actions += [Item.gsi1pk.set(email_key(email)), Item.gsi1sk.set(USER_SK), Item.gsi2pk.set(USERS_INDEX_KEY),
                    Item.gsi2sk.set(email)]  # fmt: skip
    return actions


def _restore_session(session: content.Session) -> None:
    """Restore a session and put it back on its live speakers' lists in one transaction."""
    op_id, now = session.trash_op, clock().now()

    def restore_write(transaction: Any) -> None:
        actions = _restore_actions(session, slug=None, now=now)
        # Only while still trashed under that operation: a purge or a second restore may race.
        transaction.update(session, actions=actions, condition=Item.trash_op == op_id, add_version_condition=False)

    _write_with_speaker_links(session, own_write=restore_write, linked=True)


# -- session <-> speaker links ---------------------------------------------------------------


def _write_with_speaker_links(session: content.Session, *, own_write: Callable[[Any], None], linked: bool) -> bool:
    """The session's own trash or restore write, and its id taken off (`linked` False) or put
    back on (True) the `session_ids` of its live speakers, as one transaction in which each
    speaker's write is conditioned on the version read. Another request changing one of those
    speakers meanwhile (a parallel trash or restore of a session they share, an edit) cancels
    it; it is then read again and retried, so no change to a list is lost and nobody gets a 500.
    Returns False when the session's own condition failed: another request trashed or restored
    it first (that one kept the links)."""
    for attempt in range(LINK_ATTEMPTS):
        try:
            with transact_write() as transaction:
                own_write(transaction)  # first: its cancellation reason comes first
                for speaker in _live_speakers(session):
                    listed = [i for i in speaker.session_ids or [] if i != session.id]
                    wanted = [*listed, session.id] if linked else listed
                    if wanted != (speaker.session_ids or []):
                        transaction.update(speaker, actions=[content.Speaker.session_ids.set(wanted)])
        except TransactWriteError as err:
            reasons = getattr(err, "cancellation_reasons", None) or []
            if reasons and reasons[0] is not None and reasons[0].code == "ConditionalCheckFailed":
                return False
            if not (is_condition_failure(err) or is_transaction_conflict(err)):
                raise
            # Several requests on one speaker: spread their next tries apart.
            time.sleep(random.uniform(0, 0.01 * 2 ** min(attempt, 5)))
            continue
        return True
    raise Conflict("The speakers of this session kept changing meanwhile; send the request again.")


def _live_speakers(session: content.Session) -> list[content.Speaker]:
    keys = [(session.pk, child_sk("speaker", s)) for s in dict.fromkeys(session.speaker_ids or [])]
    found = content.Speaker.batch_get(keys, consistent_read=True) if keys else []
    return sorted((s for s in found if not s.is_trashed() and not s.is_gone()), key=lambda s: s.id)


def _reload(item: Item) -> Item:
    return type(item).get(item.pk, item.sk, consistent_read=True)


# -- purge -----------------------------------------------------------------------------------


def purge(*, kind: str, item_id: str, actor: Actor, event_id: str | None = None) -> int:
    """Delete a trashed item for good now, with its children and files; returns items deleted.
    Raises 404 (not in the trash) and 403 (coorganizers and others may not)."""
    item = get_trashed(kind=kind, item_id=item_id, event_id=event_id)
    authorize_trash(actor, "trash.delete", event_id=event_id_of(item))
    return purge_trashed(item=item, actor=actor)


def purge_trashed(*, item: Item, actor: Actor) -> int:
    """`purge` for an item already found and authorized."""
    if item.kind_name == "user":
        check_user_removal(actor, item)
    count = purge_item(item)
    _audit("purge", head=item, actor=actor, count=count)
    return count


def purge_item(item: Item) -> int:
    """Delete `item` and its files; for an event its whole partition (children, roles, invites).
    Idempotent: what is gone already is skipped. The head goes last, so a failed run repeats."""
    deleted = 0
    if item.kind_name == "event":
        event_id = item.id  # type: ignore[attr-defined]
        for other in Item.query(event_pk(event_id), consistent_read=True):
            if other.sk != EVENT_SK:
                _delete_files(other)
        deleted += _delete_partition_except_head(event_pk(event_id))
        for job_id in event_job_ids(event_id):  # its exports hold the event's private fields
            delete_result_files(job_id)
    if item.kind_name == "user":
        deleted += _purge_user_belongings(item)
    _delete_files(item)
    try:
        item.delete(condition=Item.trashed_at.exists(), add_version_condition=False)
        deleted += 1
    except DeleteError as err:
        if not is_condition_failure(err):
            raise
    return deleted


def _purge_user_belongings(user: Item) -> int:
    """The events trashed with the user, the user's roles elsewhere, the email guard."""
    deleted = 0
    for event_id, _role in roles_of_user(user.id):  # type: ignore[attr-defined]
        event = _trashed_event(event_id)
        if event is not None and event.trash_op == user.trash_op:
            deleted += purge_item(event)
        else:
            table.delete_keys([role_key(event_id, user.id)])  # type: ignore[attr-defined]
    email = getattr(user, "email", None)
    if email:
        # Only the user's own guard: the address may belong to someone else by now.
        table.delete_item(
            email_guard_key(email),
            ConditionExpression="user_id = :user",
            ExpressionAttributeValues={":user": {"S": user.id}},  # type: ignore[attr-defined]
        )
    return deleted


def _trashed_event(event_id: str) -> content.Event | None:
    try:
        event = content.Event.get(*event_key(event_id), consistent_read=True)
    except DoesNotExist:
        return None
    return event if event.is_trashed() else None


def _delete_files(item: Any) -> None:

    if getattr(item, "kind_name", None) == "user":  # its photo read afresh: it may have changed since the read
        item = SimpleNamespace(photo_file=user_photo(item.id))
    delete_files_of(item=item)


def _delete_partition_except_head(pk: str) -> int:
    """Every item of the partition but the head, whatever its kind (roles, invites, markers)."""
    keys = [key for key in table.partition_keys(pk) if key[1] not in (EVENT_SK, USER_SK)]
    table.delete_keys(keys)
    return len(keys)


# -- expiry ----------------------------------------------------------------------------------


def purge_expired(*, limit: int = SWEEP_BATCH) -> int:
    """The sweeper: purge items whose retention ended, through the trash index (events and
    users before their children, which go with them). Returns items deleted. Idempotent."""
    expired = list(Item.trash_index.query(TRASH_KEY, Item.expires_at <= clock().epoch(), limit=limit))
    expired.sort(key=lambda i: i.kind_name not in ("event", "user"))
    purged_partitions: set[str] = set()
    deleted = 0
    for item in expired:
        if item.pk in purged_partitions:
            continue
        deleted += purge_item(item)
        if item.kind_name == "event":
            purged_partitions.add(item.pk)
        if is_head(item):
            item_id = getattr(item, "id", "")
            _audit_expiry(kind=item.kind_name, item_id=item_id, event_id=event_id_of(item), expires_at=item.expires_at)
    return deleted


def is_expiry_removal(record: dict[str, Any]) -> bool:
    """True for a stream record of DynamoDB's own TTL deletion."""
    identity = record.get("userIdentity") or {}
    return record.get("eventName") == "REMOVE" and all(identity.get(k) == v for k, v in _EXPIRY_CLEANUP.items())


def clean_up_after_expiry(records: Iterable[dict[str, Any]]) -> int:
    """After DynamoDB's TTL deleted items: delete their files, and for an event what is left of
    its partition (role items, invites carry no TTL). Returns items handled. Idempotent."""
    handled = 0
    for record in records:
        if not is_expiry_removal(record):
            continue
        image = record.get("dynamodb", {}).get("OldImage") or {}
        # Read the files from the raw image: it may hold fields its model does not (avatars).
        _delete_files(_files_in_image(image))
        _audit_expiry_of_image(image)
        if image.get("kind", {}).get("S") == "event":
            pk = image["pk"]["S"]
            for other in Item.query(pk, consistent_read=True):
                _delete_files(other)
            _delete_partition_except_head(pk)
        handled += 1
    return handled


def _audit_expiry_of_image(image: dict[str, Any]) -> None:
    kind, item_id = image.get("kind", {}).get("S", ""), image.get("id", {}).get("S", "")
    op, expires_at = image.get("trash_op", {}).get("S", ""), image.get("expires_at", {}).get("N")
    if kind and item_id and expires_at and op.startswith(f"{kind}:{item_id}:"):  # heads only
        event_id = event_id_from_pk(image["pk"]["S"])
        _audit_expiry(kind=kind, item_id=item_id, event_id=event_id, expires_at=int(expires_at))


def _files_in_image(image: dict[str, Any]) -> Any:
    """The stored files of a raw item, shaped as `delete_files_of` reads an item."""
    files = {name: StoredFile().deserialize(image[name]["M"]) for name in FILE_FIELDS if "M" in image.get(name, {})}
    return SimpleNamespace(**files)


# -- audit -----------------------------------------------------------------------------------


def _audit(action: str, *, head: Item, actor: Actor, count: int) -> None:
    audit.record(
        action, actor=actor, count=count, kind=head.kind_name,
        item_id=getattr(head, "id", None) or head.pk.partition("#")[2], event_id=event_id_of(head),
        item_name=getattr(head, "name", None) or getattr(head, "title", None),
    )  # fmt: skip


def _audit_expiry(*, kind: str, item_id: str, event_id: str | None, expires_at: int) -> None:
    """One record per expired item, however often the sweeper or a redelivered stream batch
    reports it: its key is made of the item and the moment it expired."""
    audit.record(
        "expire", actor=SYSTEM, count=1, kind=kind, item_id=item_id, event_id=event_id,
        at=datetime.fromtimestamp(expires_at, UTC), record_id=f"expire-{kind}-{item_id}",
    )  # fmt: skip

