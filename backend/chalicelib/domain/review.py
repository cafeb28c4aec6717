"""Review of proposals: the event's review settings (phase, anonymity, criteria), reviews by
reviewers, the organizers' dashboard and their bulk decisions.

A review belongs to one reviewer and one proposal (a session in a submitted state,
`REVIEWABLE_STATES`): a whole-number score per criterion, a comment for the review team, or an
abstention. What a reviewer may see of a proposal is domain/projections.py's reviewer audience;
which proposals are theirs is the permission table's `review` row (their tracks, never their own).
"""

from __future__ import annotations

import statistics
from typing import Any

from pynamodb.exceptions import PutError

from chalicelib.actors import Actor
from chalicelib.db import content
from chalicelib.db.base import Item, is_condition_failure, new_id
from chalicelib.db.keys import (
    ROLE_SK_PREFIX,
    child_sk_prefix,
    event_pk,
    review_key,
    review_list_key,
    review_sk_prefix,
)
from chalicelib.db.live import is_live
from chalicelib.db.pagination import Page, page_of_list, read_page
from chalicelib.db.users import EventRole
from chalicelib.domain.content import StaleVersion, get_child, set_session_state
from chalicelib.domain.permissions import Relations, decide, event_and_role, relations_of
from chalicelib.domain.projections import ORGANIZERS_AUDIENCE, Audience, audience_of, project, reviewer_audience
from chalicelib.domain.questions import reviewable_question_ids
from chalicelib.domain.speaker_names import listed_names
from chalicelib.domain.tokens import signing_key
from chalicelib.errors import Conflict, NotFound, PodiumError, ValidationFailed

# Submitted proposals: what reviewers see and score (drafts are not sent yet, withdrawn ones are gone).
REVIEWABLE_STATES = frozenset({"pending", "waitlisted", "accepted", "confirmed", "rejected"})
# What a bulk decision may make of proposals.
DECISIONS = ("accepted", "rejected", "waitlisted")
MAX_CRITERIA = 20
SORTS = ("mean", "median", "spread", "count", "title")
_UNREAD = object()  # `in_review`'s role argument when the caller's role is still to be read


def settings_of(event: content.Event) -> content.ReviewSettings:
    """The event's review settings; an event that never set them has review closed and anonymised."""
    return event.review or content.ReviewSettings(phase="closed", anonymised=True, scores_after_own=True, criteria=[])


def settings_view(event: content.Event) -> dict[str, Any]:
    review = settings_of(event)
    return {
        "phase": review.phase,
        "anonymised": review.anonymised,
        "scores_after_own": review.scores_after_own,
        "criteria": [_criterion_view(c) for c in review.criteria or []],
        "version": event.version,  # the settings are part of the event: edits are checked on its version
    }


def _criterion_view(criterion: content.Criterion) -> dict[str, Any]:
    return {
        "id": criterion.id,
        "name": criterion.name,
        "minimum": int(criterion.minimum),
        "maximum": int(criterion.maximum),
        "weight": criterion.weight,
    }


def set_review_settings(*, event: content.Event, fields: dict[str, Any], version: int | None) -> content.Event:
    """Change the event's review settings if `version` is the event's current one (409 otherwise).
    Criteria are replaced as a whole; one without an id gets a new one, and scores of a criterion
    no longer listed stop counting."""
    if version is None:
        raise ValidationFailed(
            "Send the version you last read (If-Match header or `version` field).",
            fields={"version": "is required for updates"},
        )
    if version != event.version:
        raise StaleVersion(event)
    review = settings_of(event)
    for name in ("phase", "anonymised", "scores_after_own"):
        if name in fields:
            setattr(review, name, fields[name])
    if "criteria" in fields:
        review.criteria = _criteria(fields["criteria"])
    event.review = review
    event.stamp()
    try:
        event.save()
    except PutError as err:
        if is_condition_failure(err):
            raise StaleVersion(event) from err
        raise
    return event


def _criteria(given: list[dict[str, Any]]) -> list[content.Criterion]:
    """Criteria from the payload (api/schema.py checked each one's shape): ids unique."""
    ids = [c.get("id") or new_id() for c in given]
    if len(set(ids)) != len(ids):
        raise ValidationFailed("Each criterion needs its own id.", fields={"criteria": "ids must be unique"})
    return [
        content.Criterion(
            id=criterion_id, name=c["name"], minimum=c["minimum"], maximum=c["maximum"], weight=c.get("weight", 1)
        )
        for criterion_id, c in zip(ids, given, strict=True)
    ]


# -- what a reviewer sees -------------------------------------------------------------------


def audience_in_review(*, event: content.Event, relations: Relations) -> Audience:
    """How the caller sees proposals on the review routes: organizers as organizers; reviewers
    through the reviewer audience the event's anonymity setting picks."""
    audience = audience_of(relations)
    if audience is ORGANIZERS_AUDIENCE:
        return audience
    anonymised = bool(settings_of(event).anonymised)
    return reviewer_audience(
        anonymised=anonymised, open_questions=reviewable_question_ids(event_id=event.id, anonymised=anonymised)
    )


def caller_relations(actor: Actor, event: content.Event, resource: Any = None) -> Relations:
    _, role = event_and_role(actor, event.id)
    return relations_of(actor, event=event, role=role, resource=resource)


def in_review(actor: Actor, event: content.Event, session: Any, *, role: Any = _UNREAD) -> bool:
    """Whether the caller sees this proposal under review: a live, submitted proposal that the
    permission table puts in their scope (a reviewer's tracks, never a talk of their own).
    `role`: the caller's role item in the event when already read (a list checks many proposals)."""
    if session.kind_name != "session" or not is_live(session) or session.state not in REVIEWABLE_STATES:
        return False
    if role is _UNREAD:
        _, role = event_and_role(actor, event.id)
    return decide(relations_of(actor, event=event, role=role, resource=session), "review.read", resource=session)


def proposal_view(*, event: content.Event, audience: Audience, session: Any) -> dict[str, Any]:
    """A proposal as `audience` sees it; its speakers only for an audience that may know them."""
    data = project(session, audience)
    if audience.reviewing == "anonymised":
        return data
    names = listed_names(event_id=event.id, sessions=[session])
    data["speakers"] = [{"id": i, "name": names[i]} for i in session.speaker_ids or [] if i in names]
    return data


def review_queue(*, event: content.Event, actor: Actor, limit: int, cursor: str | None) -> Page:
    """The proposals the caller reviews (or, for organizers, every submitted one), each with the
    caller's own review (None until they write one)."""
    _, role = event_and_role(actor, event.id)
    audience = audience_in_review(event=event, relations=relations_of(actor, event=event, role=role))
    page = read_page(
        content.Session,
        event_pk(event.id),
        Item.sk.startswith(child_sk_prefix("session")),
        keep=lambda s: in_review(actor, event, s, role=role),
        limit=limit,
        cursor=cursor,
        secret=signing_key(),
        page_size=max(limit + 1, 100),
    )
    own = _reviews_at(event.id, [(s.id, actor.id) for s in page.items])
    return page.map(
        lambda s: proposal_view(event=event, audience=audience, session=s) | {"my_review": _own_view(own.get(s.id))}
    )


def read_proposal(*, event: content.Event, actor: Actor, session: Any) -> dict[str, Any]:
    """One proposal under review with the caller's own review and, when they may see them, the
    others' (after their own, unless the event shows them before)."""
    if not in_review(actor, event, session):
        raise NotFound("No such proposal under review.")
    relations = caller_relations(actor, event, session)
    audience = audience_in_review(event=event, relations=relations)
    reviews = proposal_reviews(event_id=event.id, session_id=session.id)
    mine = next((r for r in reviews if r.reviewer_id == actor.id), None)
    data = proposal_view(event=event, audience=audience, session=session) | {"my_review": _own_view(mine)}
    sees_others = audience is ORGANIZERS_AUDIENCE or mine is not None or not settings_of(event).scores_after_own
    data["reviews"] = [review_view(r) for r in reviews] if sees_others else None
    return data


def review_view(review: content.Review) -> dict[str, Any]:
    """A review as the review team sees it (reviewers and organizers; never speakers)."""
    return {
        "reviewer_id": review.reviewer_id,
        "session_id": review.session_id,
        "scores": dict(review.scores.as_dict() if review.scores else {}),
        "comment": review.comment,
        "abstain": review.abstain,
        "version": review.version,
        "updated_at": review.updated_at,
    }


def _own_view(review: content.Review | None) -> dict[str, Any] | None:
    return review_view(review) if review is not None else None


# -- writing a review -------------------------------------------------------------------------


def write_review(*, event: content.Event, actor: Actor, session: Any, fields: dict[str, Any]) -> content.Review:
    """Create or replace the caller's review of `session` while review is open: a score for every
    criterion (within its scale) and an optional comment, or `abstain`. One review per reviewer
    and proposal: a second write replaces the first (409 if another write came between)."""
    review = settings_of(event)
    if not in_review(actor, event, session):
        raise NotFound("No such proposal under review.")
    if review.phase != "open":
        raise Conflict("Review is closed for this event.", fields={"phase": "closed"})
    abstain = bool(fields.get("abstain", False))
    scores = {} if abstain else _checked_scores(review, fields.get("scores") or {})
    found = _reviews_at(event.id, [(session.id, actor.id)]).get(session.id)
    stored = found or content.Review(
        *review_key(event.id, session.id, actor.id), event_id=event.id, session_id=session.id, reviewer_id=actor.id
    )
    if "version" in fields and found is not None and fields["version"] != found.version:
        raise StaleReview(found)
    stored.scores, stored.abstain = scores or None, abstain
    stored.comment = fields.get("comment") or None
    stored.stamp()
    try:
        stored.save()
    except PutError as err:
        if is_condition_failure(err):
            raise Conflict("Your review changed meanwhile; reload it and try again.") from err
        raise
    return stored


class StaleReview(Conflict):
    """The caller's review changed since they read it; the answer carries that review (theirs alone)."""

    code = "version_conflict"

    def __init__(self, review: content.Review) -> None:
        super().__init__(
            f"Your review changed meanwhile (now version {review.version}); reload it.", current=review_view(review)
        )


def _checked_scores(review: content.ReviewSettings, scores: dict[str, Any]) -> dict[str, int]:
    criteria = {c.id: c for c in review.criteria or []}
    if not criteria:
        raise Conflict("This event has no review criteria yet; abstain or ask the organizers.")
    problems = {f"scores.{name}": "is not a criterion of this event" for name in scores if name not in criteria}
    for criterion_id, criterion in criteria.items():
        value = scores.get(criterion_id)
        low, high = int(criterion.minimum), int(criterion.maximum)
        if value is None:
            problems[f"scores.{criterion_id}"] = "is required (or abstain)"
        elif isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            problems[f"scores.{criterion_id}"] = f"must be a whole number from {low} to {high}"
    if problems:
        raise ValidationFailed(f"{next(iter(problems))} {next(iter(problems.values()))}.", fields=problems)
    return {name: scores[name] for name in criteria}


# -- reads of reviews -------------------------------------------------------------------------


def _reviews_at(event_id: str, pairs: list[tuple[str, str]]) -> dict[str, content.Review]:
    """The reviews of (session id, reviewer id) pairs, by session id (one BatchGet)."""
    if not pairs:
        return {}
    keys = [review_key(event_id, session_id, user_id) for session_id, user_id in pairs]
    found = Item.batch_get(keys, consistent_read=True)
    return {r.session_id: r for r in found if isinstance(r, content.Review)}


def proposal_reviews(*, event_id: str, session_id: str) -> list[content.Review]:
    """Every review of one proposal (one Query on its sort-key prefix)."""
    found = content.Review.query(
        event_pk(event_id), Item.sk.startswith(review_sk_prefix(session_id)), consistent_read=True
    )
    return [r for r in found if isinstance(r, content.Review)]


def event_reviews(event_id: str) -> list[content.Review]:
    """Every review in the event (one paginated Query)."""
    found = content.Review.query(event_pk(event_id), Item.sk.startswith(review_sk_prefix()))
    return [r for r in found if isinstance(r, content.Review)]


def submitted_proposals(event_id: str) -> list[Any]:
    found = content.Session.query(event_pk(event_id), Item.sk.startswith(child_sk_prefix("session")))
    return [s for s in found if isinstance(s, content.Session) and is_live(s) and s.state in REVIEWABLE_STATES]


# -- the dashboard ----------------------------------------------------------------------------


def weighted_score(review: content.Review, criteria: list[content.Criterion]) -> float | None:
    """Σ weight × score / Σ weight over the event's current criteria that the review scored."""
    scores = review.scores.as_dict() if review.scores else {}
    scored = [(c.weight, scores[c.id]) for c in criteria if c.id in scores]
    total_weight = sum(w for w, _ in scored)
    if review.abstain or not scored or total_weight <= 0:
        return None
    return sum(w * s for w, s in scored) / total_weight


def proposal_stats(reviews: list[content.Review], criteria: list[content.Criterion]) -> dict[str, Any]:
    """The weighted mean, median and spread (highest minus lowest) of the proposal's scored
    reviews, their count and the abstentions; None for the figures of an unscored proposal."""
    totals = [t for t in (weighted_score(r, criteria) for r in reviews) if t is not None]
    return {
        "mean": round(statistics.fmean(totals), 3) if totals else None,
        "median": round(statistics.median(totals), 3) if totals else None,
        "spread": round(max(totals) - min(totals), 3) if totals else None,
        "count": len(totals),
        "abstained": sum(1 for r in reviews if r.abstain),
    }


def dashboard(
    *, event: content.Event, filters: dict[str, str], sort: str, descending: bool, limit: int, cursor: str | None
) -> Page:
    """A page of the submitted proposals with their review figures, filtered by track, session
    type and state and sorted by `sort` (unscored proposals last)."""
    criteria = list(settings_of(event).criteria or [])
    by_session: dict[str, list[content.Review]] = {}
    for review in event_reviews(event.id):
        by_session.setdefault(review.session_id, []).append(review)
    proposals = [s for s in submitted_proposals(event.id) if all(getattr(s, k) == v for k, v in filters.items())]
    names = listed_names(event_id=event.id, sessions=proposals)
    rows = [
        {
            "id": s.id, "title": s.title, "state": s.state, "track_id": s.track_id,
            "session_type_id": s.session_type_id,
            "speakers": [{"id": i, "name": names[i]} for i in s.speaker_ids or [] if i in names],
            **proposal_stats(by_session.get(s.id, []), criteria),
        }
        for s in proposals
    ]  # fmt: skip
    rows.sort(key=lambda r: (r["id"],))
    if sort == "title":
        rows.sort(key=lambda r: r["title"].lower(), reverse=descending)
    else:
        scored = sorted((r for r in rows if r[sort] is not None), key=lambda r: r[sort], reverse=descending)
        rows = scored + [r for r in rows if r[sort] is None]
    partition = review_list_key(event.id, "dashboard")
    return page_of_list(rows, partition=partition, limit=limit, cursor=cursor, secret=signing_key())


def reviewer_progress(*, event: content.Event, actor: Actor, limit: int, cursor: str | None) -> Page:
    """Each reviewer's progress (reviews written, of the proposals in their scope): organizers see
    every reviewer, a reviewer only themselves."""
    relations = caller_relations(actor, event)
    everyone = decide(relations, "review.dashboard")
    roles = [
        r for r in EventRole.query(event_pk(event.id), Item.sk.startswith(ROLE_SK_PREFIX))
        if isinstance(r, EventRole) and r.role == "reviewer" and (everyone or r.user_id == actor.id)
    ]  # fmt: skip
    proposals = {s.id: s for s in submitted_proposals(event.id)}
    reviewed: dict[str, set[str]] = {}
    for review in event_reviews(event.id):
        reviewed.setdefault(review.reviewer_id, set()).add(review.session_id)
    rows = []
    for role in sorted(roles, key=lambda r: r.user_id):
        # Reviews of proposals since trashed, withdrawn or moved out of their tracks do not count.
        scope = {i for i, s in proposals.items() if _in_reviewer_scope(role, s)}
        rows.append({
            "reviewer_id": role.user_id, "track_ids": list(role.track_ids or []),
            "done": len(reviewed.get(role.user_id, set()) & scope), "in_scope": len(scope),
        })  # fmt: skip
    partition = review_list_key(event.id, "reviewers")
    return page_of_list(rows, partition=partition, limit=limit, cursor=cursor, secret=signing_key())


def _in_reviewer_scope(role: EventRole, session: Any) -> bool:
    own = role.user_id in (session.speaker_user_ids or ())
    return not own and (not role.track_ids or session.track_id in role.track_ids)


# -- decisions --------------------------------------------------------------------------------


def decide_proposals(*, event: content.Event, actor: Actor, session_ids: list[str], state: str) -> dict[str, Any]:
    """Move each proposal to `state` (accepted, rejected or waitlisted) through the one session
    state change (domain/content.py: its permission checks, write and one mail to each speaker).
    A proposal that cannot move is reported with the reason and the others still move."""
    done: list[str] = []
    refused: list[dict[str, Any]] = []
    for session_id in dict.fromkeys(session_ids):
        try:
            session = get_child(event_id=event.id, kind="session", item_id=session_id)
            if session.state not in REVIEWABLE_STATES:  # type: ignore[attr-defined]
                raise Conflict(f"This proposal is {session.state}, not under review.")  # type: ignore[attr-defined]
            set_session_state(event=event, session=session, state=state, actor=actor)
            done.append(session_id)
        except PodiumError as refusal:
            refused.append({"id": session_id, "code": refusal.code, "message": refusal.message})
    return {"state": state, "done": done, "refused": refused}

