"""Review assignments of an event: assign by hand, run the automatic assignment, remove one,
list them, and a reviewer's declared conflict of interest. The rule (scope, conflicts) and the
plan are domain/review_assignment.py's; this module reads the event's team and proposals and
stores the outcome. Proposals are the sessions in state `pending`; reviewers hold the event role
`reviewer` (their `track_ids`, when given, are their scope)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pynamodb.exceptions import DeleteError, DoesNotExist, PutError, TransactWriteError

from chalicelib.actors import Actor
from chalicelib.clock import clock
from chalicelib.db.base import Item, is_condition_failure, transact_write
from chalicelib.db.content import Session, Speaker
from chalicelib.db.keys import (
    REVIEW_ASSIGNMENT_SK_PREFIX,
    REVIEW_CONFLICT_SK_PREFIX,
    ROLE_SK_PREFIX,
    child_key,
    child_sk_prefix,
    event_pk,
    review_assignment_key,
    review_conflict_key,
    review_run_key,
)
from chalicelib.db.live import is_live
from chalicelib.db.pagination import Page, read_page
from chalicelib.db.review_assignments import ReviewAssignment, ReviewConflict, ReviewRun
from chalicelib.db.users import EventRole
from chalicelib.domain.review_assignment import Plan, Proposal, Reviewer, conflict, in_scope, plan_assignments
from chalicelib.domain.tokens import signing_key
from chalicelib.errors import Conflict, NotFound, ValidationFailed

REVIEWER_ROLE = "reviewer"
REVIEWABLE_STATES = frozenset({"pending"})
RUN_LOCK_SECONDS = 120  # far above a run's time (bench/review_assign.py: 0.1 s to plan 1,800)


@dataclass(frozen=True)
class Team:
    """What assigning needs of an event, read in one pass over its partition."""

    proposals: dict[str, Proposal]
    reviewers: dict[str, Reviewer]
    existing: frozenset[tuple[str, str]]


def _query(event_id: str, prefix: str) -> list[Any]:
    return [i for i in Item.query(event_pk(event_id), Item.sk.startswith(prefix)) if is_live(i)]


def read_team(*, event_id: str) -> Team:
    """The event's proposals (pending sessions with their speakers' users and organisations), its
    reviewers (scope, organisation declared on their speaker profile here, flagged proposals, own
    proposals in any state) and the assignments made so far."""
    sessions = [s for s in _query(event_id, child_sk_prefix("session")) if isinstance(s, Session)]
    speakers = {s.id: s for s in _query(event_id, child_sk_prefix("speaker")) if isinstance(s, Speaker)}
    flagged: dict[str, set[str]] = {}
    for item in _query(event_id, REVIEW_CONFLICT_SK_PREFIX):
        flagged.setdefault(item.reviewer_id, set()).add(item.proposal_id)
    assigned = [(a.proposal_id, a.reviewer_id) for a in _query(event_id, REVIEW_ASSIGNMENT_SK_PREFIX)]
    proposals = {
        s.id: Proposal(
            s.id,
            s.track_id,
            frozenset(s.speaker_user_ids or ()),
            frozenset(speakers[i].organisation for i in s.speaker_ids or () if i in speakers and speakers[i].organisation),
        )
        for s in sessions
        if s.state in REVIEWABLE_STATES
    }
    reviewers = {}
    for role in _query(event_id, ROLE_SK_PREFIX):
        if not isinstance(role, EventRole) or role.role != REVIEWER_ROLE:
            continue
        own = [s for s in sessions if role.user_id in (s.speaker_user_ids or ())]
        declared = [p.organisation for p in speakers.values() if p.user_id == role.user_id and p.organisation]
        reviewers[role.user_id] = Reviewer(
            role.user_id,
            frozenset(role.track_ids) if role.track_ids else None,
            min(declared) if declared else None,
            frozenset(flagged.get(role.user_id, ())),
            frozenset(s.id for s in own),
            frozenset(u for s in own for u in s.speaker_user_ids or ()) - {role.user_id},
        )
    # Someone who no longer reviews here (their role removed or changed) reviews nothing: their
    # assignments count for no proposal, so the next run fills the gap.
    existing = frozenset((pid, rid) for pid, rid in assigned if rid in reviewers)
    return Team(proposals, reviewers, existing)


def _assignment(event_id: str, proposal_id: str, reviewer_id: str, *, manual: bool, actor: Actor) -> ReviewAssignment:
    item = ReviewAssignment(
        *review_assignment_key(event_id, proposal_id, reviewer_id),
        event_id=event_id,
        proposal_id=proposal_id,
        reviewer_id=reviewer_id,
        manual=manual,
        assigned_by=actor.id,
    )
    item.stamp()
    return item


def assign_reviewer(*, event_id: str, proposal_id: str, reviewer_id: str, actor: Actor) -> ReviewAssignment:
    """Put one reviewer on one proposal by hand, through the same rule as the automatic runs:
    422 when they are no reviewer here, the proposal is not under review or lies outside their
    tracks; 409 on a conflict of interest or when they are on it already."""
    team = read_team(event_id=event_id)
    proposal = team.proposals.get(proposal_id)
    if proposal is None:
        raise ValidationFailed(
            "No proposal under review with this id.", fields={"proposal_id": "must name a pending session"}
        )
    reviewer = team.reviewers.get(reviewer_id)
    if reviewer is None:
        raise ValidationFailed("This user is no reviewer of the event.", fields={"reviewer_id": "must hold the reviewer role"})
    if not in_scope(reviewer, proposal):
        raise ValidationFailed(
            "This reviewer reviews other tracks than this proposal's.",
            fields={"reviewer_id": "reviews only their own tracks"},
        )
    reason = conflict(reviewer, proposal)
    if reason is not None:
        raise Conflict(f"Conflict of interest: {reason}.", fields={"reviewer_id": reason})
    item = _assignment(event_id, proposal_id, reviewer_id, manual=True, actor=actor)
    try:
        item.save()  # a new item's version: the write holds only if no such assignment exists
    except PutError as err:
        if is_condition_failure(err):
            raise Conflict("This reviewer is assigned to this proposal already.", fields={"reviewer_id": "assigned already"}) from err
        raise
    return item


def auto_assign(*, event_id: str, per_proposal: int, actor: Actor) -> dict[str, Any]:
    """Give every proposal under review `per_proposal` reviews (domain/review_assignment.py),
    keeping the assignments made so far; answers what was added, each proposal's shortfall and
    each reviewer's load. One run at a time per event: 409 while another holds the lock."""
    lock = _hold_run_lock(event_id, actor)
    try:
        return _auto_assign(event_id, per_proposal, actor)
    finally:
        _release_run_lock(lock)


def _hold_run_lock(event_id: str, actor: Actor) -> ReviewRun:
    now = clock().epoch()
    lock = ReviewRun(*review_run_key(event_id), event_id=event_id, started_by=actor.id, expires_at=now + RUN_LOCK_SECONDS)
    try:
        lock.save(condition=ReviewRun.pk.does_not_exist() | (ReviewRun.expires_at <= now), add_version_condition=False)
    except PutError as err:
        if is_condition_failure(err):
            raise Conflict("Another automatic assignment of this event is running; try again in a minute.") from err
        raise
    return lock


def _release_run_lock(lock: ReviewRun) -> None:
    try:  # only our own: after it expired, another run may hold a newer one
        lock.delete(condition=ReviewRun.expires_at == lock.expires_at, add_version_condition=False)
    except DeleteError as err:
        if not is_condition_failure(err):
            raise


def _auto_assign(event_id: str, per_proposal: int, actor: Actor) -> dict[str, Any]:
    team = read_team(event_id=event_id)
    plan: Plan = plan_assignments(
        proposals=sorted(team.proposals.values(), key=lambda p: p.id),
        reviewers=sorted(team.reviewers.values(), key=lambda r: r.id),
        per_proposal=per_proposal,
        existing=team.existing,
    )
    # At-least-once friendly: each pair has one key, so a repeated write overwrites itself.
    with ReviewAssignment.batch_write() as batch:
        for proposal_id, reviewer_id in plan.added:
            batch.save(_assignment(event_id, proposal_id, reviewer_id, manual=False, actor=actor))
    return {
        "added": len(plan.added),
        "shortfall": [{"proposal_id": pid, "missing": missing} for pid, missing in plan.shortfall.items()],
        "loads": reviewer_loads(team, plan.loads),
    }


def reviewer_loads(team: Team, loads: dict[str, int] | None = None) -> list[dict[str, Any]]:
    """Each reviewer's scope and number of assignments (those stored, unless `loads` is given)."""
    if loads is None:
        loads = dict.fromkeys(team.reviewers, 0)
        for _, reviewer_id in team.existing:
            if reviewer_id in loads:
                loads[reviewer_id] += 1
    return [
        {
            "reviewer_id": r.id,
            "track_ids": sorted(r.track_ids) if r.track_ids is not None else None,
            "assigned": loads.get(r.id, 0),
        }
        for r in sorted(team.reviewers.values(), key=lambda r: r.id)
    ]


def loads_of(*, event_id: str) -> list[dict[str, Any]]:
    return reviewer_loads(read_team(event_id=event_id))


def remove_assignment(*, event_id: str, proposal_id: str, reviewer_id: str) -> None:
    try:
        ReviewAssignment.get(*review_assignment_key(event_id, proposal_id, reviewer_id)).delete()
    except DoesNotExist:
        raise NotFound("No such assignment.") from None


def unassign_reviewer(*, event_id: str, reviewer_id: str) -> int:
    """Delete every assignment of one reviewer in the event (their role is gone); returns how many."""
    theirs = [
        a
        for a in ReviewAssignment.query(
            event_pk(event_id),
            Item.sk.startswith(REVIEW_ASSIGNMENT_SK_PREFIX),
            filter_condition=ReviewAssignment.reviewer_id == reviewer_id,
        )
        if isinstance(a, ReviewAssignment)
    ]
    with ReviewAssignment.batch_write() as batch:
        for assignment in theirs:
            batch.delete(assignment)
    return len(theirs)


def list_assignments(*, event_id: str, reviewer_id: str | None, limit: int, cursor: str | None) -> Page:
    """The event's assignments in proposal order; with `reviewer_id`, only theirs."""
    only_theirs = ReviewAssignment.reviewer_id == reviewer_id if reviewer_id is not None else None
    return read_page(
        ReviewAssignment,
        event_pk(event_id),
        Item.sk.startswith(REVIEW_ASSIGNMENT_SK_PREFIX),
        filter_condition=only_theirs,
        limit=limit,
        cursor=cursor,
        secret=signing_key(),
        page_size=max(limit + 1, 100) if reviewer_id is not None else None,
    )


def declare_conflict(*, event_id: str, proposal_id: str, actor: Actor) -> ReviewConflict:
    """The reviewer (the actor) declares a conflict of interest on a proposal: no run assigns
    them to it again, and their assignment on it, if any, goes in the same transaction."""
    try:
        Session.get(*child_key(event_id, "session", proposal_id))
    except DoesNotExist:
        raise ValidationFailed("No such proposal in this event.", fields={"proposal_id": "is unknown"}) from None
    record = ReviewConflict(
        *review_conflict_key(event_id, proposal_id, actor.id),
        event_id=event_id,
        proposal_id=proposal_id,
        reviewer_id=actor.id,
    )
    record.stamp()
    try:
        assigned = ReviewAssignment.get(*review_assignment_key(event_id, proposal_id, actor.id), consistent_read=True)
    except DoesNotExist:
        assigned = None
    try:
        with transact_write() as transaction:
            transaction.save(record)
            if assigned is not None:
                transaction.delete(assigned)
    except TransactWriteError as err:
        if is_condition_failure(err) and assigned is None:
            return ReviewConflict.get(*review_conflict_key(event_id, proposal_id, actor.id))  # declared before
        if is_condition_failure(err):
            raise Conflict("Your assignment on this proposal changed meanwhile; try again.") from err
        raise
    return record
