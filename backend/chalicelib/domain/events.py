"""Events, minimally: create a draft (the creator becomes its owner), list, read, publish.
The content API builds the rest on these."""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from chalicelib.actors import Actor
from chalicelib.clock import clock
from chalicelib.db.base import new_id, transact_write
from chalicelib.db.content import Event, Link
from chalicelib.db.keys import ALL_EVENTS_KEY, EVENT_SK, ROLE_SK_PREFIX, event_key, event_pk, slug_key, user_pk
from chalicelib.db.live import live_item
from chalicelib.db.pagination import Page, decode_cursor, read_page
from chalicelib.db.queries import PUBLISHED, events_with_slug, published_events
from chalicelib.db.users import EventRole
from chalicelib.domain.permissions import check_may_publish
from chalicelib.domain.projections import Audience, project
from chalicelib.domain.roles import role_item
from chalicelib.domain.tokens import signing_key
from chalicelib.errors import Conflict, ValidationFailed


def slugify(name: str) -> str:
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")[:60] or "event"


def create_event(*, name: str, actor: Actor) -> Event:
    """A draft event owned by `actor`: the event and the owner's role in one transaction."""
    event_id = new_id()
    slug = f"{slugify(name)}-{event_id[:6]}"
    event = Event(
        *event_key(event_id),
        id=event_id,
        slug=slug,
        name=name,
        state="draft",
        owner_id=actor.id,
        gsi1pk=slug_key(slug),
        gsi1sk=EVENT_SK,
    )
    event.stamp()
    owner = role_item(event_id=event_id, user_id=actor.id, role="owner")
    with transact_write() as transaction:
        transaction.save(event, condition=Event.pk.does_not_exist())
        transaction.save(owner, condition=EventRole.pk.does_not_exist())
    return event


def adopt_ownerless_events(*, user_id: str) -> list[Event]:
    """Make `user_id` the owner of every published event nobody owns (a local stack's seed, written
    before anyone signed up); returns them.

    Effects per event, in one transaction: the owner's role item (it lists the event in the user's
    "My events") and the event's `owner_id`, conditioned on the event's version and on no owner
    role having appeared, so two callers cannot both adopt it."""
    adopted = []
    for event in published_events():
        owners = EventRole.query(
            event_pk(event.id), EventRole.sk.startswith(ROLE_SK_PREFIX), filter_condition=EventRole.role == "owner"
        )
        if any(isinstance(role, EventRole) for role in owners):
            continue
        owner = role_item(event_id=event.id, user_id=user_id, role="owner")
        with transact_write() as transaction:
            transaction.update(event, actions=[Event.owner_id.set(user_id), Event.updated_at.set(clock().now())])
            transaction.save(owner, condition=EventRole.pk.does_not_exist())
        adopted.append(event)
    return adopted


def get_event(event_id: str) -> Event:
    return live_item(Event, event_pk(event_id), EVENT_SK, missing="No such event.")


def event_view(event: Event, *, audience: Audience) -> dict[str, Any]:
    """The event's JSON for `audience`; its contact email and import keys only for organizers."""
    return project(event, audience)


def _events_by_id(event_ids: list[str]) -> list[Event]:
    if not event_ids:
        return []
    found = {e.id: e for e in Event.batch_get([event_key(i) for i in event_ids])}
    return [found[i] for i in event_ids if i in found and not found[i].is_trashed() and not found[i].is_gone()]


def list_events(*, actor: Actor, everything: bool, limit: int, cursor: str | None) -> Page:
    """The events `actor` lists, and the next page's cursor: published ones for anonymous callers;
    every event when an admin asks for `everything` (others asking get their own); else the
    events the actor holds a role in."""
    if actor.is_anonymous:
        decode_cursor(cursor, partition=None, secret=signing_key())  # a forged cursor is refused here as on every list
        return Page(published_events()[:limit], None)
    if everything and actor.is_admin:
        roles = read_page(
            EventRole.gsi2, ALL_EVENTS_KEY, scan_index_forward=False, keep=_is_role, limit=limit, cursor=cursor,
            secret=signing_key(),
        )  # fmt: skip
    else:
        roles = read_page(
            EventRole.gsi1, user_pk(actor.id), EventRole.gsi1sk.startswith(event_pk("")), keep=_is_role, limit=limit,
            cursor=cursor, secret=signing_key(),
        )  # fmt: skip
    return Page(_events_by_id([r.event_id for r in roles.items]), roles.next)


def _is_role(item: Any) -> bool:
    return isinstance(item, EventRole)


def publish_event(*, event_id: str, actor: Actor) -> Event:
    """Mark the event published (listed on gsi2); the actor needs a verified email."""
    check_may_publish(actor)
    event = get_event(event_id)
    missing = {
        name: "is required to publish" for name in ("starts_at", "ends_at", "timezone") if not getattr(event, name)
    }
    if missing:
        raise ValidationFailed("Set the event's dates and time zone before publishing.", fields=missing)
    if event.state != "published":
        sort_key = (event.starts_at or event.created_at or clock().now()).isoformat()
        event.update(
            actions=[
                Event.state.set("published"),
                Event.gsi2pk.set(PUBLISHED),
                Event.gsi2sk.set(sort_key),
                Event.updated_at.set(clock().now()),
            ]
        )
    return event


def unpublish_event(*, event_id: str) -> Event:
    """Take the event off the public site (its pages are removed by the next rebuild)."""
    event = get_event(event_id)
    if event.state == "published":
        event.update(
            actions=[
                Event.state.set("draft"),
                Event.gsi2pk.remove(),
                Event.gsi2sk.remove(),
                Event.updated_at.set(clock().now()),
            ]
        )
    return event


SLUG_PATTERN = re.compile(r"^[a-z0-9](?:[a-z0-9-]{1,78}[a-z0-9])$")


def update_event(*, event: Event, fields: dict[str, Any], version: int | None) -> Event:
    """Edit the event's fields if `version` is current; a new slug must be free (409 otherwise)."""
    from chalicelib.domain.content import StaleVersion, coerce_fields  # noqa: PLC0415 — domain.content imports this module at load (through domain.trash)

    if version is None:
        raise ValidationFailed("Send the version you last read.", fields={"version": "is required for updates"})
    if version != event.version:
        raise StaleVersion(event)
    values = coerce_fields({k: v for k, v in fields.items() if k != "version"})
    if "slug" in values:
        _check_slug(values["slug"], event.id)
        values["gsi1pk"] = slug_key(values["slug"])
    starts, ends = values.get("starts_at", event.starts_at), values.get("ends_at", event.ends_at)
    if starts and ends and ends <= starts:
        raise ValidationFailed("The event must end after it starts.", fields={"ends_at": "must be after starts_at"})
    if event.state == "published" and "starts_at" in values:
        values["gsi2sk"] = values["starts_at"].isoformat()
    if "social_links" in values:
        values["social_links"] = [
            Link(name=str(link.get("name", ""))[:100], url=str(link.get("url", ""))[:2000])
            for link in values["social_links"]
        ]
    for name, value in values.items():
        setattr(event, name, value)
    event.stamp()
    try:
        event.save()
    except Exception as err:
        if "ConditionalCheckFailed" in str(getattr(err, "cause", err)):
            raise StaleVersion(get_event(event.id)) from err
        raise
    return event


def _check_slug(slug: str, event_id: str) -> None:
    if not SLUG_PATTERN.match(slug):
        raise ValidationFailed("A slug is 3 to 80 lowercase letters, digits and hyphens.", fields={"slug": "invalid"})
    holders = [e for e in events_with_slug(slug) if e.id != event_id and not e.is_trashed()]
    if holders:
        raise Conflict(f"The slug {slug!r} is taken.", fields={"slug": "is taken"}, suggestion=f"{slug}-2")
