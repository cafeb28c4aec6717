from __future__ import annotations

import pytest
from chalicelib.domain.session_states import STATES, allowed_next, check_transition, is_public
from chalicelib.errors import Conflict
from hypothesis import given
from hypothesis import strategies as st

pytestmark = pytest.mark.unit


def test_speaker_cannot_accept_own_proposal():
    with pytest.raises(Conflict) as raised:
        check_transition("pending", "accepted", as_organizer=False)

    assert raised.value.fields == {"state": "pending → accepted is not allowed"}


def test_organizer_accepts_then_confirms():
    check_transition("pending", "accepted", as_organizer=True)
    check_transition("accepted", "confirmed", as_organizer=True)


def test_speaker_withdraws_a_confirmed_talk():
    check_transition("confirmed", "withdrawn", as_organizer=False)


@given(st.sampled_from(STATES), st.sampled_from(STATES), st.booleans())
def test_transition_check_agrees_with_the_table(current, new, as_organizer):
    allowed = new == current or new in allowed_next(current, as_organizer=as_organizer)
    try:
        check_transition(current, new, as_organizer=as_organizer)
        accepted = True
    except Conflict:
        accepted = False

    assert accepted == allowed


def test_only_accepted_and_confirmed_are_public():
    assert [s for s in STATES if is_public(s)] == ["accepted", "confirmed"]


def test_no_speaker_move_ever_publishes_a_rejected_or_canceled_talk():
    assert allowed_next("rejected", as_organizer=False) == frozenset()
    assert allowed_next("canceled", as_organizer=False) == frozenset()
