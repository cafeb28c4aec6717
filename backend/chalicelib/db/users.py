"""Accounts, event roles, one-time tokens and rate counters.

Keys: users `USER#<id>`/`USER` (gsi1 `EMAIL#<email>` lookup, gsi2 `USERS`/email for the admin
prefix search); an `EMAIL#<email>`/`EMAIL` guard item keeps emails unique; event roles live in
the event's partition as `ROLE#<user_id>` (gsi1 `USER#<user_id>`/`EVENT#<id>`: a user's events;
the owner's role also carries gsi2 `EVENTS`/created_at: every event, for admins); pending invites
are `INVITE#<id>` in the event's partition; one-time tokens are `TOKEN#<sha256>`/<purpose>.
"""

from __future__ import annotations

import hashlib

from pynamodb.attributes import BooleanAttribute, ListAttribute, NumberAttribute, UnicodeAttribute, UnicodeSetAttribute

from chalicelib.db.base import Item

USERS_INDEX_KEY = "USERS"
ALL_EVENTS_KEY = "EVENTS"


def user_pk(user_id: str) -> str:
    return f"USER#{user_id}"


def email_key(email: str) -> str:
    return f"EMAIL#{email.strip().lower()}"


def role_sk(user_id: str) -> str:
    return f"ROLE#{user_id}"


def token_pk(token: str) -> str:
    """One-time tokens are stored by hash: a leaked table backup reveals no usable link."""
    return "TOKEN#" + hashlib.sha256(token.encode()).hexdigest()


class User(Item, discriminator="user"):
    id = UnicodeAttribute()
    email = UnicodeAttribute()
    name = UnicodeAttribute()
    password_hash = UnicodeAttribute()
    email_verified = BooleanAttribute(default=False)
    site_roles = UnicodeSetAttribute(null=True)  # {"admin"} or {"admin", "super_admin"}
    # Bumped by every password change: tokens carry it, and older ones stop working.
    token_version = NumberAttribute(default=0)
    avatar_url = UnicodeAttribute(null=True)
    bio = UnicodeAttribute(null=True)

    @property
    def roles(self) -> frozenset[str]:
        return frozenset(self.site_roles or ())


class EmailGuard(Item, discriminator="email_guard"):
    """Exists while an account holds the email; written in one transaction with the user."""

    user_id = UnicodeAttribute()


class EventRole(Item, discriminator="event_role"):
    event_id = UnicodeAttribute()
    user_id = UnicodeAttribute()
    role = UnicodeAttribute()  # owner | organizer | coorganizer | track_organizer | moderator
    track_ids = ListAttribute(of=UnicodeAttribute, default=list)


class Invite(Item, discriminator="invite"):
    id = UnicodeAttribute()
    event_id = UnicodeAttribute()
    email = UnicodeAttribute()
    role = UnicodeAttribute()
    track_ids = ListAttribute(of=UnicodeAttribute, default=list)
    invited_by = UnicodeAttribute()


class OneTimeToken(Item, discriminator="one_time_token"):
    """A mailed secret (verify, reset, invite): consumed by a conditional delete, so once only."""

    purpose = UnicodeAttribute()
    user_id = UnicodeAttribute(null=True)
    subject = UnicodeAttribute(null=True)  # e.g. the invite's "EVENT#<id>/INVITE#<id>"
    token_version = NumberAttribute(null=True)
