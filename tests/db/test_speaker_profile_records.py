"""The user partition's speaker items: the profile and the proposal pointers the dashboard Queries."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.integration


def test_proposal_pointers_are_read_back_from_the_users_partition_only(stack):
    from chalicelib.db.keys import proposal_ids_from_sk, user_proposal_key
    from chalicelib.db.speaker_profiles import ProposalPointer, proposal_pointers

    for user_id, event_id, session_id in [("ptr-u1", "e1", "s1"), ("ptr-u1", "e2", "s9"), ("ptr-u2", "e1", "s2")]:
        key = user_proposal_key(user_id, event_id, session_id)
        ProposalPointer(*key, user_id=user_id, event_id=event_id, session_id=session_id).save()

    assert proposal_pointers("ptr-u1") == [("e1", "s1"), ("e2", "s9")]
    assert proposal_ids_from_sk("USER") is None
