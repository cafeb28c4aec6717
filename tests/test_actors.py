"""Who is acting: users, the system, nobody; and the actor a job carries as JSON."""

from __future__ import annotations

import pytest
from chalicelib.actors import ANONYMOUS, SYSTEM, Actor

pytestmark = pytest.mark.unit


def test_actor_site_roles_decide_admin_and_super_admin():
    people = [
        Actor(id="u1", kind="user"),
        Actor(id="u2", kind="user", roles=frozenset({"admin"})),
        Actor(id="u3", kind="user", roles=frozenset({"super_admin"})),
    ]
    assert [(a.is_admin, a.is_super_admin) for a in people] == [(False, False), (True, False), (True, True)]


def test_actor_system_is_super_admin_and_anonymous_is_nobody():
    assert (SYSTEM.is_super_admin, SYSTEM.is_anonymous) == (True, False)
    assert (ANONYMOUS.is_admin, ANONYMOUS.is_anonymous) == (False, True)


def test_actor_round_trips_through_json_with_roles_sorted():
    actor = Actor(id="u1", kind="user", roles=frozenset({"super_admin", "admin"}), name="Ada")

    assert actor.to_json() == {"id": "u1", "kind": "user", "roles": ["admin", "super_admin"], "name": "Ada"}
    assert Actor.from_json(actor.to_json()) == actor


def test_actor_from_json_of_a_record_without_roles_or_name_defaults_them():
    assert Actor.from_json({"id": "u1", "kind": "user"}) == Actor(id="u1", kind="user")
