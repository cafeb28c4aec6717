"""events.adopt_ownerless_events: a local stack's seed becomes the super admin's."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.integration


def test_adopt_ownerless_events_owns_published_events_nobody_owns_once(stack):
    from chalicelib.actors import Actor
    from chalicelib.db.content import Event
    from chalicelib.domain.event_access import event_role
    from chalicelib.domain.events import adopt_ownerless_events, create_event, get_event, publish_event
    from podium.localstack.demo import DEMO_ID, seed_demo_event

    # GIVEN the demo seed (published, no owner) and a published event someone owns
    seed_demo_event()
    owner = Actor(id="owner-1", kind="user", roles=frozenset({"admin"}), name="Owner")
    owned = create_event(name="Owned Conf", actor=owner)
    dates = [Event.starts_at.set(owned.created_at), Event.ends_at.set(owned.created_at), Event.timezone.set("UTC")]
    owned.update(actions=dates)
    publish_event(event_id=owned.id, actor=owner)

    # WHEN the super admin adopts, twice
    first = adopt_ownerless_events(user_id="root-1")
    second = adopt_ownerless_events(user_id="root-2")

    # THEN only the ownerless published event is adopted, by the first caller
    assert [event.id for event in first] == [DEMO_ID]
    assert second == []
    assert (event_role(event_id=DEMO_ID, user_id="root-1"), get_event(DEMO_ID).owner_id) == ("owner", "root-1")
    assert event_role(event_id=owned.id, user_id="root-1") is None


def test_list_events_gives_every_event_to_admins_only(stack):
    from chalicelib.actors import ANONYMOUS, Actor
    from chalicelib.domain.events import create_event, list_events

    ada = Actor(id="ada-1", kind="user", name="Ada")
    bob = Actor(id="bob-1", kind="user", name="Bob")
    admin = Actor(id="admin-1", kind="user", roles=frozenset({"admin"}), name="Admin")
    adas, bobs = create_event(name="Ada Conf", actor=ada), create_event(name="Bob Conf", actor=bob)

    asked_by_ada, _ = list_events(actor=ada, everything=True, limit=10, cursor=None)
    asked_by_admin, _ = list_events(actor=admin, everything=True, limit=10, cursor=None)
    anonymous, _ = list_events(actor=ANONYMOUS, everything=True, limit=10, cursor=None)

    assert [e.id for e in asked_by_ada] == [adas.id]
    assert sorted(e.id for e in asked_by_admin) == sorted([adas.id, bobs.id])
    assert anonymous == []
