from __future__ import annotations

import pytest
from chalicelib.domain.session_states import (
    ORGANIZER_TRANSITIONS,
    SPEAKER_TRANSITIONS,
    STATES,
    allowed_next,
    check_transition,
    is_public,
)
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


ORGANIZER_ONLY = frozenset({"accepted", "rejected", "canceled"})
moves = st.lists(st.tuples(st.booleans(), st.sampled_from((*STATES, "published", "", "ACCEPTED"))), max_size=30)


def _walk(start: str, steps) -> list[tuple[str, str, bool]]:
    """Apply each (as_organizer, wanted) step the check allows; returns the moves taken."""
    current, taken = start, []
    for as_organizer, wanted in steps:
        try:
            check_transition(current, wanted, as_organizer=as_organizer)
        except Conflict:
            continue
        taken.append((current, wanted, as_organizer))
        current = wanted
    return taken


@given(st.sampled_from(STATES), moves)
def test_random_transition_sequences_stay_on_the_graph(start, steps):
    taken = _walk(start, steps)

    for before, after, as_organizer in taken:
        table = ORGANIZER_TRANSITIONS if as_organizer else SPEAKER_TRANSITIONS
        assert after in STATES
        assert after == before or after in table[before]


@given(st.sampled_from(("draft", "pending", "withdrawn")), moves.map(lambda s: [(False, wanted) for _, wanted in s]))
def test_speakers_alone_never_reach_an_organizer_only_state(start, steps):
    reached = {after for _, after, _ in _walk(start, steps)}

    assert not reached & ORGANIZER_ONLY
    assert "confirmed" not in reached  # a speaker confirms only a talk an organizer accepted


def test_is_speaker_draft_needs_a_proposal_in_state_draft():
    from types import SimpleNamespace

    from chalicelib.domain.session_states import is_speaker_draft

    cases = {
        "speaker draft": SimpleNamespace(kind_name="session", state="draft", proposed_by="u1"),
        "submitted": SimpleNamespace(kind_name="session", state="pending", proposed_by="u1"),
        "organizers' draft": SimpleNamespace(kind_name="session", state="draft", proposed_by=None),
        "a speaker": SimpleNamespace(kind_name="speaker", state="draft", proposed_by="u1"),
    }

    assert {name: is_speaker_draft(item) for name, item in cases.items()} == {
        "speaker draft": True, "submitted": False, "organizers' draft": False, "a speaker": False,
    }  # fmt: skip


def test_proposals_editable_until_the_close_unless_locked():
    from datetime import UTC, datetime

    from chalicelib.db.content import CallForPapers
    from chalicelib.domain.session_states import proposals_editable

    closes = datetime(2030, 2, 1, tzinfo=UTC)
    before, after = datetime(2030, 1, 31, tzinfo=UTC), datetime(2030, 2, 2, tzinfo=UTC)

    assert [
        proposals_editable(CallForPapers(ends_at=closes), before),
        proposals_editable(CallForPapers(ends_at=closes), closes),
        proposals_editable(CallForPapers(ends_at=closes), after),
        proposals_editable(CallForPapers(ends_at=closes, editing_locked=True), before),
        proposals_editable(None, after),
    ] == [True, True, False, False, True]


def test_speaker_mails_link_to_the_speaker_portal():
    from chalicelib.domain.speaker_pages import speaker_portal_path

    assert speaker_portal_path("proposals/e1/s1") == "admin/#/speaker/proposals/e1/s1"
