"""The user partition's speaker items: the proposal pointers the dashboard pages through."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.integration


def test_proposal_pointer_pages_hold_the_users_pointers_only_in_signed_pages(stack):
    from chalicelib.db.keys import proposal_ids_from_sk, user_proposal_key
    from chalicelib.db.speaker_profiles import ProposalPointer, proposal_pointer_page

    for user_id, event_id, session_id in [("ptr-u1", "e1", "s1"), ("ptr-u1", "e2", "s9"), ("ptr-u2", "e1", "s2")]:
        key = user_proposal_key(user_id, event_id, session_id)
        ProposalPointer(*key, user_id=user_id, event_id=event_id, session_id=session_id).save()

    first = proposal_pointer_page("ptr-u1", limit=1, cursor=None, secret="test secret")
    second = proposal_pointer_page("ptr-u1", limit=1, cursor=first.next, secret="test secret")

    assert [(p.event_id, p.session_id) for p in first.items + second.items] == [("e1", "s1"), ("e2", "s9")]
    assert second.next is None
    assert (proposal_ids_from_sk("PROPOSAL#e1#s1"), proposal_ids_from_sk("USER")) == (("e1", "s1"), None)
