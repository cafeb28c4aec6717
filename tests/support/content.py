"""Event content test support: a draft event "ev1" and children made through the domain.

A plain module (tests/ is on sys.path) that test modules import.
"""

from __future__ import annotations

from datetime import UTC, datetime

from chalicelib.actors import Actor

ORGANIZER = Actor(id="org1", kind="user", name="Org")


def saved_event():
    """The draft event "ev1" (two days in Singapore's time zone), saved, with ORGANIZER its organizer."""
    from chalicelib.db.content import Event
    from chalicelib.db.keys import event_pk
    from chalicelib.domain.roles import role_item

    item = Event(
        event_pk("ev1"),
        "EVENT",
        id="ev1",
        slug="conf",
        name="Conf",
        state="draft",
        timezone="Asia/Singapore",
        starts_at=datetime(2026, 3, 22, 1, tzinfo=UTC),
        ends_at=datetime(2026, 3, 24, 10, tzinfo=UTC),
    )
    item.stamp()
    item.save()
    role_item(event_id="ev1", user_id=ORGANIZER.id, role="organizer").save()  # the domain checks who changes items
    return item


def create(event, kind: str, **fields):
    """A child of `event` created as the organizer would."""
    from chalicelib.domain.content import create_child

    return create_child(event=event, kind=kind, fields=fields, actor=ORGANIZER)


def fresh(item):
    """The item as stored now (consistent read)."""
    return type(item).get(item.pk, item.sk, consistent_read=True)
