"""The reviewer assignment rule and algorithm (domain/review_assignment.py): conflicts, scopes,
k per proposal, balance within a pool, manual assignments kept, determinism."""

from __future__ import annotations

from collections import Counter, defaultdict

import pytest
from chalicelib.domain.review_assignment import (
    Proposal,
    Reviewer,
    conflict,
    in_scope,
    plan_assignments,
    with_co_speakers,
)
from hypothesis import given, settings
from hypothesis import strategies as st

pytestmark = pytest.mark.unit


def _proposals(count: int, tracks: list[str], **extra) -> list[Proposal]:
    return [Proposal(f"p{i:03}", tracks[i % len(tracks)], frozenset({f"s{i}"}), **extra) for i in range(count)]


def _per_pool_spread(plan, reviewers: list[Reviewer]) -> dict[frozenset[str] | None, int]:
    pools = defaultdict(list)
    for reviewer in reviewers:
        pools[reviewer.track_ids].append(plan.loads[reviewer.id])
    return {scope: max(loads) - min(loads) for scope, loads in pools.items()}


def test_conflict_own_proposal_is_named():
    assert conflict(Reviewer("u1"), Proposal("p1", "t", frozenset({"u1", "u2"}))) == "own proposal"


def test_conflict_co_speaker_counts_from_another_proposal():
    proposals = [Proposal("p1", "t", frozenset({"u1", "u2"})), Proposal("p2", "t", frozenset({"u2"}))]
    (reviewer,) = with_co_speakers([Reviewer("u1")], proposals)
    assert conflict(reviewer, proposals[1]) == "a co-speaker's proposal"


def test_conflict_same_organisation_ignores_case_and_spaces():
    proposal = Proposal("p1", "t", frozenset({"s"}), frozenset({"  ACME  Corp"}))
    assert conflict(Reviewer("u1", organisation="acme corp"), proposal) == "same organisation"


def test_conflict_undeclared_organisation_is_none():
    assert conflict(Reviewer("u1", organisation=""), Proposal("p1", "t", frozenset({"s"}), frozenset({""}))) is None


def test_conflict_flagged_is_named():
    assert conflict(Reviewer("u1", flagged=frozenset({"p1"})), Proposal("p1", "t")) == "flagged by the reviewer"


def test_in_scope_track_reviewer_refuses_other_track_and_trackless():
    reviewer = Reviewer("u1", track_ids=frozenset({"a"}))
    assert (in_scope(reviewer, Proposal("p", "a")), in_scope(reviewer, Proposal("p", "b")), in_scope(reviewer, Proposal("p"))) == (
        True,
        False,
        False,
    )


def test_plan_assignments_balanced_without_conflicts():
    reviewers = [Reviewer(f"r{i:02}") for i in range(7)]
    plan = plan_assignments(proposals=_proposals(50, ["a"]), reviewers=reviewers, per_proposal=3)
    assert len(plan.added) == 150
    assert max(plan.loads.values()) - min(plan.loads.values()) == 1  # 150 over 7: 21 or 22
    assert plan.shortfall == {}


def test_plan_assignments_small_pool_reports_shortfall():
    reviewers = [Reviewer("r1", track_ids=frozenset({"a"})), Reviewer("r2", track_ids=frozenset({"b"}))]
    plan = plan_assignments(proposals=_proposals(2, ["a"]), reviewers=reviewers, per_proposal=3)
    assert plan.added == (("p000", "r1"), ("p001", "r1"))
    assert plan.shortfall == {"p000": 2, "p001": 2}


def test_plan_assignments_keeps_and_counts_manual_assignments():
    reviewers = [Reviewer("r1"), Reviewer("r2"), Reviewer("r3")]
    existing = frozenset({("p000", "r1"), ("p001", "r1")})
    plan = plan_assignments(proposals=_proposals(3, ["a"]), reviewers=reviewers, per_proposal=2, existing=existing)
    reviews = Counter(pid for pid, _ in plan.added) + Counter(pid for pid, _ in existing)
    assert reviews == {"p000": 2, "p001": 2, "p002": 2}
    assert plan.loads == {"r1": 2, "r2": 2, "r3": 2}
    assert not set(plan.added) & existing


def test_plan_assignments_same_input_same_plan():
    reviewers = [Reviewer(f"r{i}", organisation="x" if i % 3 else None) for i in range(9)]
    proposals = _proposals(40, ["a", "b"], organisations=frozenset({"x"}))
    first = plan_assignments(proposals=proposals, reviewers=reviewers, per_proposal=2)
    second = plan_assignments(proposals=list(reversed(proposals)), reviewers=list(reversed(reviewers)), per_proposal=2)
    assert first == second


def test_plan_assignments_chain_moves_through_an_all_tracks_reviewer():
    # Track a's only reviewer would get everything; the all-tracks reviewer takes a's surplus only
    # if it hands its track b reviews to track b's reviewer: a chain of two moves.
    reviewers = [
        Reviewer("ra", track_ids=frozenset({"a"})),
        Reviewer("rall"),
        Reviewer("rb", track_ids=frozenset({"b"})),
    ]
    proposals = _proposals(6, ["a"]) + [Proposal(f"q{i}", "b", frozenset({f"t{i}"})) for i in range(3)]
    plan = plan_assignments(proposals=proposals, reviewers=reviewers, per_proposal=1)
    assert plan.loads == {"ra": 3, "rall": 3, "rb": 3}


def test_plan_assignments_refuses_k_out_of_range():
    with pytest.raises(ValueError, match="per_proposal"):
        plan_assignments(proposals=[], reviewers=[], per_proposal=0)


# -- properties over random teams and proposals ------------------------------------------------

TRACKS = ["t1", "t2", "t3"]
ORGS = ["acme", "globex", "initech", None]


@st.composite
def teams(draw):
    speakers = [f"u{i}" for i in range(draw(st.integers(3, 14)))]
    reviewer_ids = draw(st.lists(st.sampled_from(speakers), min_size=1, max_size=9, unique=True))
    proposals = []
    for i in range(draw(st.integers(0, 30))):
        speaking = frozenset(draw(st.lists(st.sampled_from(speakers), min_size=1, max_size=3, unique=True)))
        track = draw(st.sampled_from([*TRACKS, None]))
        organisations = frozenset(o for o in draw(st.lists(st.sampled_from(ORGS), max_size=2)) if o)
        proposals.append(Proposal(f"p{i:02}", track, speaking, organisations))
    ids = [p.id for p in proposals]
    reviewers = []
    for rid in reviewer_ids:
        scope = draw(st.one_of(st.none(), st.frozensets(st.sampled_from(TRACKS), min_size=1)))
        flagged = frozenset(draw(st.lists(st.sampled_from(ids), max_size=4))) if ids else frozenset()
        reviewers.append(Reviewer(rid, scope, draw(st.sampled_from(ORGS)), flagged))
    manual = set()
    if ids:
        for _ in range(draw(st.integers(0, 5))):
            manual.add((draw(st.sampled_from(ids)), draw(st.sampled_from(reviewer_ids))))
    return proposals, reviewers, frozenset(manual), draw(st.integers(1, 4))


@settings(max_examples=80, deadline=None)
@given(teams())
def test_plan_assignments_never_conflicted_nor_out_of_scope(team):
    proposals, reviewers, manual, k = team
    plan = plan_assignments(proposals=proposals, reviewers=reviewers, per_proposal=k, existing=manual)
    by_id = {p.id: p for p in proposals}
    completed = {r.id: r for r in with_co_speakers(reviewers, proposals)}
    for proposal_id, reviewer_id in plan.added:
        reviewer, proposal = completed[reviewer_id], by_id[proposal_id]
        assert conflict(reviewer, proposal) is None
        assert in_scope(reviewer, proposal)
        # Checked by hand too, not only through the rule under test.
        assert reviewer_id not in proposal.speaker_user_ids
        assert proposal_id not in reviewer.flagged
        assert reviewer.track_ids is None or proposal.track_id in reviewer.track_ids


@settings(max_examples=80, deadline=None)
@given(teams())
def test_plan_assignments_reaches_k_whenever_the_pool_allows(team):
    proposals, reviewers, manual, k = team
    plan = plan_assignments(proposals=proposals, reviewers=reviewers, per_proposal=k, existing=manual)
    completed = with_co_speakers(reviewers, proposals)
    assigned = defaultdict(set)
    for proposal_id, reviewer_id in [*plan.added, *manual]:
        assigned[proposal_id].add(reviewer_id)
    assert len(plan.added) == len(set(plan.added))
    for proposal in proposals:
        manual_here = {rid for pid, rid in manual if pid == proposal.id}
        eligible = {r.id for r in completed if r.id not in manual_here and in_scope(r, proposal) and not conflict(r, proposal)}
        expected = min(len(manual_here) + len(eligible), max(k, len(manual_here)))
        assert len(assigned[proposal.id]) == expected
        assert plan.shortfall.get(proposal.id, 0) == max(0, k - expected)


@settings(max_examples=80, deadline=None)
@given(teams())
def test_plan_assignments_pool_spread_above_one_only_when_blocked(team):
    """In a pool (same tracks), a reviewer two reviews busier than another holds no automatic
    review the idler one could take: the idler is conflicted or on it already."""
    proposals, reviewers, manual, k = team
    plan = plan_assignments(proposals=proposals, reviewers=reviewers, per_proposal=k, existing=manual)
    completed = {r.id: r for r in with_co_speakers(reviewers, proposals)}
    by_id = {p.id: p for p in proposals}
    on = defaultdict(set)
    for proposal_id, reviewer_id in [*plan.added, *manual]:
        on[proposal_id].add(reviewer_id)
    for busy in reviewers:
        for idle in reviewers:
            if busy.track_ids != idle.track_ids or plan.loads[busy.id] < plan.loads[idle.id] + 2:
                continue
            for proposal_id, reviewer_id in plan.added:
                if reviewer_id == busy.id:
                    blocked = idle.id in on[proposal_id] or conflict(completed[idle.id], by_id[proposal_id])
                    assert blocked


@settings(max_examples=80, deadline=None)
@given(
    st.integers(1, 60),
    st.lists(st.one_of(st.none(), st.frozensets(st.sampled_from(TRACKS), min_size=1)), min_size=1, max_size=12),
    st.integers(1, 4),
)
def test_plan_assignments_pool_spread_at_most_one_without_conflicts(count, scopes, k):
    proposals = [Proposal(f"p{i:02}", TRACKS[i % 3], frozenset({f"s{i}"})) for i in range(count)]
    reviewers = [Reviewer(f"r{i:02}", scope) for i, scope in enumerate(scopes)]
    plan = plan_assignments(proposals=proposals, reviewers=reviewers, per_proposal=k)
    assert all(spread <= 1 for spread in _per_pool_spread(plan, reviewers).values())
