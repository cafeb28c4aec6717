"""Who reviews which proposal: the conflict-of-interest rule and the automatic assignment.
Pure functions, no I/O (domain/assignments.py reads the team and proposals and stores the plan).

The rule (`conflict`, `in_scope`): a reviewer never reviews a proposal outside their tracks (a
reviewer without tracks reviews every track; a proposal without a track needs such a reviewer),
nor one they are in a conflict of interest with: their own, a co-speaker's (someone who speaks
with them on any proposal), one whose speakers declare the reviewer's declared organisation, or
one they flagged. Manual assignments go through the same rule.

The automatic assignment (`plan_assignments`) gives each proposal `k` reviews, counting those it
has (manual ones are kept and count for both the proposal and the reviewer's load). When fewer
than the missing number of reviewers may review a proposal, all of them are assigned and the
rest is reported as its shortfall: nobody conflicted or out of scope ever fills the gap.

Balance. It is a min-cost flow with a convex cost per reviewer (the sum of squared loads):
proposals need their reviews, every eligible reviewer is an edge of capacity one. Reviewers
have no capacity, so each proposal gets min(missing, eligible) reviews whatever the others get;
what is left to choose is who, and a greedy pass (most constrained proposal first, least loaded
reviewer first) followed by chain moves decides it. A chain moves one automatic review from a
reviewer with load L along reviewers that may each take over one of the previous one's
automatic reviews, to a reviewer with load at most L - 2: the sum of squares drops by at least
two, so the loop ends, and when no chain is left the flow has no negative cycle, hence its cost
is minimal (the standard optimality condition of min-cost flow).
What that gives in a pool (the reviewers with the same tracks): if A's load exceeds B's by two
or more, B may take none of A's automatic reviews (a one-step chain would exist otherwise). So
without conflicts and manual assignments, loads within a pool differ by at most one: A's
reviews all lie in B's tracks, and B already reviews at most load(B) < load(A) - 1 of them.
Deterministic: every choice is made in a fixed order (load, then id).
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field

MAX_PER_PROPOSAL = 10


@dataclass(frozen=True)
class Proposal:
    """What the rule needs of a proposal: its track and its speakers (users and organisations)."""

    id: str
    track_id: str | None = None
    speaker_user_ids: frozenset[str] = frozenset()
    organisations: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Reviewer:
    """A reviewer: their tracks (None: every track), declared organisation, flagged proposals,
    own proposals (any state, so co-speakers of withdrawn talks count too) and their speakers."""

    id: str
    track_ids: frozenset[str] | None = None
    organisation: str | None = None
    flagged: frozenset[str] = frozenset()
    own_proposal_ids: frozenset[str] = frozenset()
    co_speaker_ids: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Plan:
    """The new assignments (proposal id, reviewer id), the reviews each proposal still lacks,
    and every reviewer's load (existing assignments included)."""

    added: tuple[tuple[str, str], ...]
    shortfall: dict[str, int] = field(default_factory=dict)
    loads: dict[str, int] = field(default_factory=dict)


def _organisation(name: str | None) -> str:
    return " ".join((name or "").split()).casefold()


def in_scope(reviewer: Reviewer, proposal: Proposal) -> bool:
    """A reviewer with tracks reviews proposals in those tracks only."""
    return reviewer.track_ids is None or proposal.track_id in reviewer.track_ids


def conflict(reviewer: Reviewer, proposal: Proposal) -> str | None:
    """Why `reviewer` may not review `proposal` (a conflict of interest), or None."""
    if reviewer.id in proposal.speaker_user_ids or proposal.id in reviewer.own_proposal_ids:
        return "own proposal"
    if proposal.speaker_user_ids & reviewer.co_speaker_ids:
        return "a co-speaker's proposal"
    organisation = _organisation(reviewer.organisation)
    if organisation and organisation in {_organisation(o) for o in proposal.organisations}:
        return "same organisation"
    if proposal.id in reviewer.flagged:
        return "flagged by the reviewer"
    return None


def may_review(reviewer: Reviewer, proposal: Proposal) -> bool:
    return in_scope(reviewer, proposal) and conflict(reviewer, proposal) is None


def with_co_speakers(reviewers: list[Reviewer], proposals: list[Proposal]) -> list[Reviewer]:
    """The reviewers with the speakers of their own proposals among `proposals` added to their co-speakers."""
    completed = []
    for reviewer in reviewers:
        mine = [p for p in proposals if reviewer.id in p.speaker_user_ids or p.id in reviewer.own_proposal_ids]
        others = frozenset().union(*(p.speaker_user_ids for p in mine)) - {reviewer.id}
        completed.append(
            Reviewer(
                reviewer.id,
                reviewer.track_ids,
                reviewer.organisation,
                reviewer.flagged,
                reviewer.own_proposal_ids | {p.id for p in mine},
                reviewer.co_speaker_ids | others,
            )
        )
    return completed


def plan_assignments(
    *,
    proposals: list[Proposal],
    reviewers: list[Reviewer],
    per_proposal: int,
    existing: frozenset[tuple[str, str]] = frozenset(),
) -> Plan:
    """k (`per_proposal`) reviews per proposal where the eligible reviewers allow it, balanced (see
    the module's docstring); `existing` (proposal id, reviewer id) pairs are kept and counted."""
    if not 1 <= per_proposal <= MAX_PER_PROPOSAL:
        raise ValueError(f"per_proposal must be from 1 to {MAX_PER_PROPOSAL}")
    team = sorted(with_co_speakers(reviewers, proposals), key=lambda r: r.id)
    order = {r.id: i for i, r in enumerate(team)}
    loads = {r.id: 0 for r in team}
    on: dict[str, set[str]] = {p.id: set() for p in proposals}
    for proposal_id, reviewer_id in existing:
        on.setdefault(proposal_id, set()).add(reviewer_id)
        if reviewer_id in loads:
            loads[reviewer_id] += 1
    # Who may still be added to each proposal, and how many it needs.
    candidates = {p.id: [r.id for r in team if r.id not in on[p.id] and may_review(r, p)] for p in proposals}
    need = {p.id: max(0, per_proposal - len(on[p.id])) for p in proposals}
    auto: dict[str, set[str]] = {r.id: set() for r in team}  # the reviews this plan adds, by reviewer
    for proposal_id in sorted(need, key=lambda pid: (len(candidates[pid]), pid)):
        chosen = sorted(candidates[proposal_id], key=lambda rid: (loads[rid], order[rid]))[: need[proposal_id]]
        for reviewer_id in chosen:
            on[proposal_id].add(reviewer_id)
            auto[reviewer_id].add(proposal_id)
            loads[reviewer_id] += 1
    eligible = {pid: set(rids) for pid, rids in candidates.items()}
    # x -> y: y may take over one of x's automatic reviews (the first such proposal, by id). Kept
    # up to date row by row: a move changes only the rows of the reviewers on the moved proposals.
    takes = {r.id: _takes_row(r.id, auto, on, eligible) for r in team}
    while (path := _chain(loads, takes)) is not None:
        for giver, taker, proposal_id in path:
            auto[giver].discard(proposal_id)
            on[proposal_id].discard(giver)
            auto[taker].add(proposal_id)
            on[proposal_id].add(taker)
        loads[path[0][0]] -= 1
        loads[path[-1][1]] += 1
        changed = {giver for giver, _, _ in path} | {rid for _, _, pid in path for rid in on[pid] if rid in takes}
        for reviewer_id in changed:
            takes[reviewer_id] = _takes_row(reviewer_id, auto, on, eligible)
    added = tuple(sorted((pid, rid) for rid, pids in auto.items() for pid in pids))
    shortfall = {pid: need[pid] - len(candidates[pid]) for pid in sorted(need) if need[pid] > len(candidates[pid])}
    return Plan(added, shortfall, loads)


def _takes_row(
    reviewer_id: str, auto: dict[str, set[str]], on: dict[str, set[str]], eligible: dict[str, set[str]]
) -> dict[str, str]:
    """Who may take over one of `reviewer_id`'s automatic reviews, and which (the first by id)."""
    row: dict[str, str] = {}
    for proposal_id in sorted(auto[reviewer_id]):
        for other in eligible[proposal_id] - on[proposal_id]:
            row.setdefault(other, proposal_id)
    return row


def _chain(loads: dict[str, int], takes: dict[str, dict[str, str]]) -> list[tuple[str, str, str]] | None:
    """A chain of moves (giver, taker, proposal) from the busiest reviewer that has one to a reviewer
    at least two reviews idler; None when no reviewer has one (the plan is balanced)."""
    for source in sorted(loads, key=lambda rid: (-loads[rid], rid)):
        path = _chain_from(source, takes, loads)
        if path is not None:
            return path
    return None


def _chain_from(source: str, takes: dict[str, dict[str, str]], loads: dict[str, int]) -> list[tuple[str, str, str]] | None:
    """The shortest chain from `source` to a reviewer with load ≤ source's - 2 (breadth first, ids in order)."""
    before: dict[str, tuple[str, str]] = {}
    queue = deque([source])
    while queue:
        giver = queue.popleft()
        for taker in sorted(takes[giver]):
            if taker == source or taker in before:
                continue
            before[taker] = (giver, takes[giver][taker])
            if loads[taker] <= loads[source] - 2:
                path = []
                node = taker
                while node != source:
                    previous, proposal_id = before[node]
                    path.append((previous, node, proposal_id))
                    node = previous
                return path[::-1]
            queue.append(taker)
    return None
