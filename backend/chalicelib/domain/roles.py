"""Event roles as in Open Event: the owner, organizers, coorganizers, track organizers and
moderators, plus reviewers (optionally limited to tracks). Invites go by email with a single-use token valid 7 days."""

from __future__ import annotations

from typing import Any

from pynamodb.exceptions import DoesNotExist, TransactWriteError

from chalicelib.actors import Actor
from chalicelib.clock import clock
from chalicelib.db.base import Item, is_condition_failure, is_transaction_conflict, new_id, transact_write
from chalicelib.db.content import Event, Track
from chalicelib.db.keys import (
    ALL_EVENTS_KEY,
    INVITE_SK_PREFIX,
    ROLE_SK_PREFIX,
    child_key,
    event_key,
    event_pk,
    invite_key,
    role_key,
    time_ordered_sk,
    user_key,
)
from chalicelib.db.live import live_item
from chalicelib.db.users import EventRole, Invite, User, user_pk
from chalicelib.domain import onetime
from chalicelib.domain.accounts import get_user, normalize_email, public_view
from chalicelib.domain.assignments import REVIEWER_ROLE, unassign_reviewer
from chalicelib.domain.permissions import TRACK_SCOPED_ROLES
from chalicelib.errors import Conflict, Forbidden, NotFound, ValidationFailed
from chalicelib.jobs.enqueue import enqueue
from chalicelib.request_context import current_context

INVITE_SECONDS = 7 * 24 * 3600


def role_item(*, event_id: str, user_id: str, role: str, track_ids: list[str] | None = None) -> EventRole:
    """A role item with its lookup keys; the owner's also indexes the event for admins."""
    item = EventRole(
        *role_key(event_id, user_id),
        event_id=event_id,
        user_id=user_id,
        role=role,
        track_ids=list(track_ids or []),
        gsi1pk=user_pk(user_id),
        gsi1sk=event_pk(event_id),
    )
    if role == "owner":
        item.gsi2pk, item.gsi2sk = ALL_EVENTS_KEY, time_ordered_sk(clock().now(), event_id)
    item.stamp()
    return item


def grant_role(*, event_id: str, user_id: str, role: str, track_ids: list[str] | None = None) -> EventRole:
    """Give `user_id` the role (replacing a lesser one); the owner's role is never replaced here."""
    item = _granted(event_id=event_id, user_id=user_id, role=role, track_ids=track_ids)
    item.save()
    return item


def _granted(*, event_id: str, user_id: str, role: str, track_ids: list[str] | None) -> EventRole:
    """The role item to write, conditioned on the stored one's version (none: on there being none)."""
    existing = _role_of(event_id, user_id)
    if existing is not None and existing.role == "owner":
        raise Conflict("The owner keeps their role; transfer the ownership first.")
    item = role_item(event_id=event_id, user_id=user_id, role=role, track_ids=track_ids)
    if existing is not None:
        item.version = existing.version
    return item


def _role_of(event_id: str, user_id: str) -> EventRole | None:
    try:
        return EventRole.get(*role_key(event_id, user_id), consistent_read=True)
    except DoesNotExist:
        return None


def _check_tracks(event_id: str, role: str, track_ids: list[str]) -> None:
    if role not in TRACK_SCOPED_ROLES:
        if track_ids:
            raise ValidationFailed(
                "Only track organizers and reviewers have tracks.",
                fields={"track_ids": "only for track_organizer or reviewer"},
            )
        return
    if not track_ids and role == "track_organizer":  # a reviewer with no tracks reviews every track
        raise ValidationFailed("Name the tracks this organizer manages.", fields={"track_ids": "must not be empty"})
    for track_id in track_ids:
        try:
            Track.get(*child_key(event_id, "track", track_id))
        except DoesNotExist:
            raise ValidationFailed(
                "No such track in this event.", fields={"track_ids": f"{track_id} is unknown"}
            ) from None


def invite(*, event_id: str, email: str, role: str, track_ids: list[str], actor: Actor) -> Invite:
    """Record a pending invite and mail its single-use link (valid 7 days)."""
    _check_tracks(event_id, role, track_ids)
    event = Event.get(*event_key(event_id))
    invite_id = new_id()
    record = Invite(
        *invite_key(event_id, invite_id),
        id=invite_id,
        event_id=event_id,
        email=normalize_email(email),
        role=role,
        track_ids=track_ids,
        invited_by=actor.id,
        expires_at=clock().epoch() + INVITE_SECONDS,
    )
    record.stamp()
    record.save()
    secret = onetime.issue(purpose="invite", ttl_seconds=INVITE_SECONDS, subject=f"{event_id}/{invite_id}")
    link = current_context().absolute_url(f"admin/#/invites/accept?token={secret}")
    enqueue(
        "send_email",
        _event_id=event_id,
        to=record.email,
        subject=f"You are invited to help run {event.name}",
        text=f"{actor.name or 'An organizer'} invites you to be {role.replace('_', ' ')} of {event.name} on Podium.\n\n"
        f"Sign in (or sign up with this email address) and accept here:\n{link}\n\n"
        f"Your invite code: {secret}\n\nThe invite works once, for 7 days.",
        html=None,
    )
    return record


def accept_invite(*, token: str, actor: Actor) -> EventRole:
    """The signed-in user whose email the invite names takes the role. Spending the token, writing
    the role and deleting the invite are one transaction, after every check passed: a refused or
    failed accept leaves the invite usable, and a used token always left its role behind."""
    user = get_user(actor.id)
    record = onetime.peek(token, purpose="invite")
    event_id, _, invite_id = (record.subject or "").partition("/")
    pending = _pending_invite(event_id, invite_id)
    if pending.email != user.email:
        raise Forbidden("This invite is for another email address; sign in with that account.")
    existing = _role_of(event_id, user.id)
    if existing is not None and existing.role == "owner":
        raise Conflict("You own this event already; transfer the ownership before taking another role in it.")
    granted = _granted(event_id=event_id, user_id=user.id, role=pending.role, track_ids=list(pending.track_ids))
    try:
        with transact_write() as transaction:
            onetime.spend(transaction, record)  # first of the deletes: position 0 among the writes
            transaction.delete(pending)
            transaction.save(granted)
    except TransactWriteError as err:
        used = onetime.refused_use(err, position=0)
        if used is not None:
            raise used from err
        if is_condition_failure(err) or is_transaction_conflict(err):
            raise Conflict("The invite or your role in this event changed meanwhile; try again.") from err
        raise
    return granted


def _pending_invite(event_id: str, invite_id: str) -> Invite:
    """The live invite of a live event; an invite to a trashed event answers like a withdrawn one."""
    if not invite_id or len(invite_id) > 64:  # ids are short; a longer one names nothing
        raise NotFound("This invite was withdrawn.")
    withdrawn = "This invite was withdrawn."
    pending = live_item(Invite, *invite_key(event_id, invite_id), missing=withdrawn, consistent_read=True)
    live_item(Event, *event_key(event_id), missing=withdrawn)
    return pending


def withdraw_invite(*, event_id: str, invite_id: str) -> None:
    """Delete a pending invite: its mailed link stops working (404, as a missing invite)."""
    pending = _pending_invite(event_id, invite_id)
    pending.delete()


def mask_email(email: str) -> str:
    """Enough for the organizer who typed it to recognize; no full address in listings."""
    local, _, domain = email.partition("@")
    return f"{local[:2]}…@{domain}"


def list_roles(*, event_id: str) -> dict[str, Any]:
    """Members (id, name, role, tracks) and pending invites (masked email) of an event."""
    roles, invites = [], []
    for item in Item.query(event_pk(event_id), Item.sk.startswith(ROLE_SK_PREFIX)):
        if isinstance(item, EventRole):
            roles.append(item)
    for item in Item.query(event_pk(event_id), Item.sk.startswith(INVITE_SK_PREFIX)):
        if isinstance(item, Invite) and not item.is_gone():
            invites.append(item)
    users = {u.id: u for u in User.batch_get([user_key(r.user_id) for r in roles])} if roles else {}
    members = [
        {
            "user": public_view(users[r.user_id]) if r.user_id in users else {"id": r.user_id},
            "role": r.role,
            "track_ids": list(r.track_ids or []),
        }
        for r in roles
    ]
    pending = [
        {
            "id": i.id,
            "email": mask_email(i.email),
            "role": i.role,
            "track_ids": list(i.track_ids or []),
            "expires_at": i.expires_at,
        }
        for i in invites
    ]
    return {"roles": members, "invites": pending}


def remove_role(*, event_id: str, user_id: str) -> None:
    """Take the user's role away; a reviewer's assignments go with it."""
    existing = _role_of(event_id, user_id)
    if existing is None:
        raise NotFound("This user has no role in the event.")
    if existing.role == "owner":
        raise Conflict("The owner cannot be removed; transfer the ownership first.")
    existing.delete()
    if existing.role == REVIEWER_ROLE:
        unassign_reviewer(event_id=event_id, reviewer_id=user_id)


def transfer_ownership(*, event_id: str, new_owner_id: str, actor: Actor) -> EventRole:
    """Make a member of the event its owner; the previous owner becomes an organizer."""
    new_role = _role_of(event_id, new_owner_id)
    if new_role is None:
        raise ValidationFailed(
            "The new owner must already have a role in the event.", fields={"user_id": "has no role in this event"}
        )
    old_owner = next(
        (
            r
            for r in Item.query(event_pk(event_id), Item.sk.startswith(ROLE_SK_PREFIX))
            if isinstance(r, EventRole) and r.role == "owner"
        ),
        None,
    )
    if old_owner is not None and old_owner.user_id == new_owner_id:
        return old_owner
    promoted = role_item(event_id=event_id, user_id=new_owner_id, role="owner")
    promoted.version = new_role.version
    event = Event.get(*event_key(event_id))
    with transact_write() as transaction:
        transaction.save(promoted)
        if old_owner is not None:
            demoted = role_item(event_id=event_id, user_id=old_owner.user_id, role="organizer")
            demoted.version = old_owner.version
            transaction.save(demoted)
        transaction.update(event, actions=[Event.owner_id.set(new_owner_id), Event.updated_at.set(clock().now())])
    return promoted
