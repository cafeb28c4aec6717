"""Trash test support: an event with one of each child, files on S3, roles, actors, a clock.

A plain module (tests/ is on sys.path) that test modules import.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime

START = datetime(2026, 1, 10, 12, tzinfo=UTC)
OWNER, ORGANIZER, COORGANIZER, STRANGER, ADMIN = "owner1", "org1", "coorg1", "stranger1", "admin1"
CHILDREN = {"track": "tr1", "room": "ro1", "session_type": "st1", "session": "se1", "speaker": "sp1", "sponsor": "so1",
            "post": "po1"}  # fmt: skip


def actor(user_id: str, *roles: str):
    from chalicelib.actors import Actor

    return Actor(id=user_id, kind="user", roles=frozenset(roles), name=user_id)


@contextmanager
def frozen_clock(at: datetime = START) -> Iterator[object]:
    from chalicelib.clock import FrozenClock, use_clock

    moving = FrozenClock(at)
    previous = use_clock(moving)
    try:
        yield moving
    finally:
        use_clock(previous)


def put_role(event_id: str, user_id: str, role: str) -> None:
    """A role item as identity writes it (gsi1: the user's events)."""
    from chalicelib.domain.roles import role_item

    role_item(event_id=event_id, user_id=user_id, role=role).save()


def put_user(user_id: str, *site_roles: str, photo: bool = False):
    """An account as identity stores it (no password anyone knows), optionally with an avatar."""
    from chalicelib.db.keys import USERS_INDEX_KEY, email_key, user_pk
    from chalicelib.db.users import EmailGuard, User

    email = f"{user_id}@example.org"
    user = User(user_pk(user_id), "USER", id=user_id, email=email, name=user_id.title(), password_hash="x",
                email_verified=True, site_roles=set(site_roles) or None, gsi1pk=email_key(email), gsi1sk="USER",
                gsi2pk=USERS_INDEX_KEY, gsi2sk=email)  # fmt: skip
    user.stamp()
    user.save()
    EmailGuard(email_key(email), "EMAIL", user_id=user_id).save()
    if photo:
        from chalicelib.domain.uploads import attach_avatar

        attach_avatar(user_id=user_id, stored=put_file(f"avatar/{user_id}/c", "me.png"))
    return user


def token_for(user_id: str) -> str:
    """A fresh access token at the current (possibly moved) clock."""
    from chalicelib.domain.tokens import issue_access_token

    return issue_access_token(user_id=user_id, token_version=0)[0]


def put_file(prefix: str, name: str):
    """An uploaded file (original and a thumbnail in S3) as stored on its target."""
    import boto3
    from chalicelib.db.uploads import StoredFile
    from chalicelib.settings import settings

    s3 = boto3.client("s3")
    key = f"{prefix}/{name}"
    s3.put_object(Bucket=settings().uploads_bucket, Key=key, Body=b"\x89PNG\r\n\x1a\n", ContentType="image/png")
    s3.put_object(Bucket=settings().uploads_bucket, Key=f"{prefix}/thumb-100x100.webp", Body=b"RIFF")
    return StoredFile(upload_id=name, key=key, content_type="image/png", filename=name, size=8,
                      thumbnails={"100x100.webp": f"{prefix}/thumb-100x100.webp"})  # fmt: skip


@dataclass(frozen=True)
class Seeded:
    event_id: str
    slug: str


def seed_event(
    event_id: str = "ev1", slug: str = "conf", *, owner: str = OWNER, published: bool = True, organizers: bool = True
) -> Seeded:
    """A published event with one child of each kind (files on the speaker and sponsor), an
    owner, an organizer and a coorganizer."""
    from chalicelib.db import content, keys

    pk = keys.event_pk(event_id)
    ids = {kind: f"{event_id}-{item_id}" for kind, item_id in CHILDREN.items()}
    event = content.Event(
        pk, "EVENT", id=event_id, slug=slug, name="Conf", owner_id=owner, timezone="UTC",
        state="published" if published else "draft", gsi1pk=f"SLUG#{slug}", gsi1sk="EVENT",
        starts_at=datetime(2026, 3, 20, 9, tzinfo=UTC), ends_at=datetime(2026, 3, 21, 18, tzinfo=UTC),
    )  # fmt: skip
    if published:
        event.gsi2pk, event.gsi2sk = "PUBLISHED", event.starts_at.isoformat()
    sk = keys.child_sk
    items = [
        event,
        content.Track(pk, sk("track", ids["track"]), id=ids["track"], event_id=event_id, name="Web"),
        content.Room(pk, sk("room", ids["room"]), id=ids["room"], event_id=event_id, name="Hall"),
        content.SessionType(pk, sk("session_type", ids["session_type"]), id=ids["session_type"], event_id=event_id,
                            name="Talk"),
        content.Session(pk, sk("session", ids["session"]), id=ids["session"], event_id=event_id, title="Keynote",
                        state="accepted", track_id=ids["track"], room_id=ids["room"], speaker_ids=[ids["speaker"]],
                        starts_at=datetime(2026, 3, 20, 10, tzinfo=UTC), ends_at=datetime(2026, 3, 20, 11, tzinfo=UTC)),
        content.Speaker(pk, sk("speaker", ids["speaker"]), id=ids["speaker"], event_id=event_id, name="Ada",
                        email="ada@example.org", session_ids=[ids["session"]],
                        photo_file=put_file(f"speaker_photo/{event_id}/a", "ada.png")),
        content.Sponsor(pk, sk("sponsor", ids["sponsor"]), id=ids["sponsor"], event_id=event_id, name="ACME",
                        logo_file=put_file(f"sponsor_logo/{event_id}/b", "acme.png")),
        content.Post(pk, sk("post", ids["post"]), id=ids["post"], event_id=event_id, title="News", published=True),
    ]  # fmt: skip
    for item in items:
        item.stamp()
        item.save()
    put_role(event_id, owner, "owner")
    if organizers:
        put_role(event_id, ORGANIZER, "organizer")
        put_role(event_id, COORGANIZER, "coorganizer")
    return Seeded(event_id, slug)


def child_id(event_id: str, kind: str) -> str:
    return f"{event_id}-{CHILDREN[kind]}"


def load(kind: str, item_id: str, event_id: str):
    from chalicelib.db import content, keys

    model = content.Event if kind == "event" else content.CHILD_KINDS[kind]
    sk = "EVENT" if kind == "event" else keys.child_sk(kind, item_id)
    return model.get(keys.event_pk(event_id), sk, consistent_read=True)


def uploads_keys() -> list[str]:
    import boto3
    from chalicelib.settings import settings

    pages = boto3.client("s3").get_paginator("list_objects_v2").paginate(Bucket=settings().uploads_bucket)
    return sorted(obj["Key"] for page in pages for obj in page.get("Contents", []))


def content_state(event_id: str) -> dict[str, dict]:
    """Every content item of the event as stored, minus what trash and restore may change."""
    from chalicelib.db.base import Item

    changing = {"version", "updated_at"}
    return {
        item.sk: {k: v for k, v in item.serialize().items() if k not in changing}
        for item in Item.query(f"EVENT#{event_id}", consistent_read=True)
    }
