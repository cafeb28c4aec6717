"""Review's rules without HTTP: a reviewer's scope (their tracks, never their own talk) as the
permission table decides it, and the dashboard's figures (weighted per review, then mean, median,
spread and count over the proposal's scored reviews). The routes are tests/api/test_review_http.py's."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from hypothesis import given
from hypothesis import strategies as st

pytestmark = pytest.mark.unit

TRACKS = ["a", "b", "c"]


def _criteria():
    from chalicelib.db.content import Criterion

    return [
        Criterion(id="content", name="Content", minimum=1, maximum=5, weight=2),
        Criterion(id="delivery", name="Delivery", minimum=1, maximum=5, weight=1),
    ]


def _review(scores=None, *, abstain=False):
    from chalicelib.db.content import Review

    return Review("pk", "sk", event_id="e", session_id="s", reviewer_id="r", scores=scores, abstain=abstain)


def test_weighted_score_weighs_each_criterion_and_ignores_removed_ones():
    from chalicelib.domain.review import weighted_score

    scored = weighted_score(_review({"content": 5, "delivery": 2, "removed": 1}), _criteria())
    partial = weighted_score(_review({"delivery": 4}), _criteria())

    assert (scored, partial) == (4.0, 4.0)
    assert weighted_score(_review(abstain=True), _criteria()) is None
    assert weighted_score(_review({"removed": 3}), _criteria()) is None


def test_proposal_stats_mean_median_spread_count_and_abstentions():
    from chalicelib.domain.review import proposal_stats

    reviews = [
        _review({"content": 5, "delivery": 2}),  # 4.0
        _review({"content": 2, "delivery": 5}),  # 3.0
        _review({"content": 1, "delivery": 1}),  # 1.0
        _review(abstain=True),
    ]

    stats = proposal_stats(reviews, _criteria())

    assert stats == {"mean": 2.667, "median": 3.0, "spread": 3.0, "count": 3, "abstained": 1}
    assert proposal_stats([], _criteria()) == {"mean": None, "median": None, "spread": None, "count": 0,
                                               "abstained": 0}  # fmt: skip


def _relations(track_ids, *, linked=False):
    from chalicelib.domain.permissions import Relations

    names = {"anyone", "signed_in", "reviewer"} | ({"speaker"} if linked else set())
    return Relations(frozenset(names), frozenset(track_ids), linked)


@given(
    reviewer_tracks=st.lists(st.sampled_from(TRACKS), unique=True, max_size=3),
    proposal_track=st.sampled_from([*TRACKS, None]),
    own=st.booleans(),
)
def test_a_reviewer_reads_and_writes_exactly_the_proposals_of_their_tracks_never_their_own(
    reviewer_tracks, proposal_track, own
):
    from chalicelib.domain.permissions import decide

    proposal = SimpleNamespace(kind_name="session", track_id=proposal_track)
    relations = _relations(reviewer_tracks, linked=own)

    allowed = {verb: decide(relations, f"review.{verb}", resource=proposal) for verb in ("read", "write")}

    expected = not own and (not reviewer_tracks or proposal_track in reviewer_tracks)
    assert allowed == {"read": expected, "write": expected}


def test_a_reviewer_has_no_content_route_nor_the_dashboard():
    from chalicelib.domain.permissions import decide

    relations = _relations([])
    actions = ["session.read", "speaker.read", "role.read", "event.export", "review.dashboard", "review.decide",
               "review_settings.update", "call_for_papers.read"]  # fmt: skip

    assert {a: decide(relations, a) for a in actions} == dict.fromkeys(actions, False)
    assert [decide(relations, a) for a in ("event.read", "review_settings.read", "review.read")] == [True] * 3


def test_organizers_read_decide_and_see_the_dashboard_but_write_no_review():
    from chalicelib.domain.permissions import Relations, decide

    for role in ("owner", "organizer", "coorganizer"):
        relations = Relations(frozenset({"anyone", "signed_in", role}))
        verbs = {v: decide(relations, f"review.{v}") for v in ("read", "dashboard", "decide", "write")}
        assert verbs == {"read": True, "dashboard": True, "decide": True, "write": False}, role
