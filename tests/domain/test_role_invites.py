"""Accepting an invite: the token is spent and the role written in one transaction."""

from __future__ import annotations

import pytest
from support.api import mailed_code
from support.aws_faults import Rule
from support.uploads import OWNER_ID, actor, put_user, seed_event

pytestmark = pytest.mark.integration

FAILING = (500, '{"__type": "com.amazonaws.dynamodb.v20120810#InternalServerError", "message": "Broken"}')


def _invited(user_id: str, role: str = "coorganizer") -> str:
    """An invite to the seeded event for `user_id`'s address; returns the mailed code."""
    from chalicelib.domain import roles

    seeded = seed_event()
    put_user(user_id)
    roles.invite(event_id=seeded.event_id, email=f"{user_id}@example.org", role=role, track_ids=[], actor=actor(OWNER_ID))
    return mailed_code(f"{user_id}@example.org", "You are invited")


def _writes_role_of(user_id: str):
    """A DynamoDB write (an item put, alone or in a transaction) of the user's role item."""
    return lambda body: b'"Item"' in body and f"ROLE#{user_id}".encode() in body


def test_accept_invite_keeps_the_token_when_the_role_write_fails(faults):
    from chalicelib.domain.roles import accept_invite
    from pynamodb.exceptions import PynamoDBException

    code = _invited("invitee1")
    faults.add(Rule("dynamodb", None, FAILING, when=_writes_role_of("invitee1")))

    with pytest.raises(PynamoDBException):
        accept_invite(token=code, actor=actor("invitee1"))
    faults.clear()
    granted = accept_invite(token=code, actor=actor("invitee1"))

    assert sum(faults.injected.values()) >= 1
    assert (granted.event_id, granted.user_id, granted.role) == ("ev1", "invitee1", "coorganizer")


def test_accept_invite_spends_the_token_and_the_invite_once(stack):
    from chalicelib.db.base import Item
    from chalicelib.db.keys import event_pk
    from chalicelib.domain.roles import accept_invite
    from chalicelib.errors import Gone

    code = _invited("invitee2", role="moderator")

    granted = accept_invite(token=code, actor=actor("invitee2"))
    with pytest.raises(Gone):
        accept_invite(token=code, actor=actor("invitee2"))

    assert granted.role == "moderator"
    assert list(Item.query(event_pk("ev1"), Item.sk.startswith("INVITE#"))) == []
