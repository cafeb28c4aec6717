"""Accounts (with their photo), email guards, event roles, invites and one-time tokens.

Their keys (db/keys.py): a user is `user_key`, found by email on gsi1 (`email_key`) and listed
on gsi2 (`USERS_INDEX_KEY`); a guard item at `email_guard_key` keeps emails unique; a role lives
in the event's partition (`role_key`, gsi1 `user_pk`/`event_pk`: a user's events; the owner's
role also carries gsi2 `ALL_EVENTS_KEY`); invites are `invite_sk`; tokens `token_pk`/<purpose>.
"""

from __future__ import annotations

from pynamodb.attributes import BooleanAttribute, ListAttribute, NumberAttribute, UnicodeAttribute, UnicodeSetAttribute

from chalicelib.db import table
from chalicelib.db.base import Item
from chalicelib.db.keys import (
    ROLE_SK_PREFIX,
    event_id_from_pk,
    event_pk,
    role_user_id_from_sk,
    user_key,
    user_pk,
)
from chalicelib.db.uploads import StoredFile


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
    # The uploaded avatar (kind `avatar`); written only by the photo functions below, whose
    # conditional updates keep a replaced file from getting an older upload's thumbnails.
    photo_file = StoredFile(null=True)

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


# -- the user's photo ---------------------------------------------------------------------------


def user_photo(user_id: str) -> StoredFile | None:
    """The user's uploaded photo (consistent read); None without one or without the user."""
    item = table.get_item(user_key(user_id), ProjectionExpression="photo_file")
    raw = (item or {}).get("photo_file")
    return StoredFile().deserialize(raw["M"]) if raw else None


def set_user_photo(user_id: str, stored: StoredFile) -> StoredFile | None:
    """Put `stored` on the user (which must exist: else User.DoesNotExist); returns the file it replaced."""
    answer = table.update_item(
        user_key(user_id),
        UpdateExpression="SET photo_file = :file ADD version :one",
        ConditionExpression="attribute_exists(pk)",
        ExpressionAttributeValues={":file": {"M": stored.serialize(stored)}, ":one": {"N": "1"}},
        ReturnValues="UPDATED_OLD",
    )
    if answer is None:
        raise User.DoesNotExist(f"No user {user_id}.")
    old = answer.get("photo_file")
    return StoredFile().deserialize(old["M"]) if old else None


def set_user_photo_thumbnails(user_id: str, *, upload_id: str, thumbnails: dict[str, str]) -> bool:
    """Store thumbnail keys on the user's photo if it is still upload `upload_id`'s; False otherwise."""
    written = table.update_item(
        user_key(user_id),
        UpdateExpression="SET photo_file.thumbnails = :thumbs ADD version :one",
        ConditionExpression="photo_file.upload_id = :upload",
        ExpressionAttributeValues={
            ":thumbs": {"M": {name: {"S": key} for name, key in thumbnails.items()}},
            ":upload": {"S": upload_id},
            ":one": {"N": "1"},
        },
    )
    return written is not None


# -- reads of roles --------------------------------------------------------------------------


def roles_of_user(user_id: str) -> list[tuple[str, str]]:
    """(event id, role) of each role item the user holds, through gsi1 (`user_pk`/`event_pk`)."""
    found = table.query_items(
        IndexName="gsi1",
        KeyConditionExpression="gsi1pk = :user AND begins_with(gsi1sk, :events)",
        ExpressionAttributeValues={":user": {"S": user_pk(user_id)}, ":events": {"S": event_pk("")}},
    )
    return [
        (event_id_from_pk(item["gsi1sk"]["S"]) or "", item.get("role", {}).get("S", ""))
        for item in found
        if role_user_id_from_sk(item.get("sk", {}).get("S", "")) is not None
    ]


def roles_in_event(event_id: str) -> dict[str, str]:
    """user id → role in the event (the role items in its partition; consistent read)."""
    found = table.query_items(
        KeyConditionExpression="pk = :pk AND begins_with(sk, :roles)",
        ExpressionAttributeValues={":pk": {"S": event_pk(event_id)}, ":roles": {"S": ROLE_SK_PREFIX}},
        ConsistentRead=True,
    )
    return {role_user_id_from_sk(item["sk"]["S"]) or "": item.get("role", {}).get("S", "") for item in found}

