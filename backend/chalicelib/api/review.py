"""Review over HTTP: /v1/events/{event_id}/review/… — the settings (phase, anonymity, criteria),
the proposals under review and one's own review of each, the organizers' dashboard and bulk
decisions, and each reviewer's progress. The domain is domain/review.py."""

from __future__ import annotations

from typing import Any

from chalice import Blueprint

from chalicelib.api.content import client_version, etagged
from chalicelib.api.http import endpoint
from chalicelib.api.payloads import DECISION, REVIEW, REVIEW_SETTINGS
from chalicelib.api.schema import PAGE
from chalicelib.db.keys import child_key
from chalicelib.db.pagination import page_request
from chalicelib.domain import review
from chalicelib.domain.content import get_child
from chalicelib.domain.events import get_event
from chalicelib.errors import BadRequest
from chalicelib.request_context import current_context

bp = Blueprint(__name__)
BASE = "/events/{event_id}/review"
PROPOSAL = BASE + "/proposals/{session_id}"
FILTERS = ("track_id", "session_type_id", "state")


def _proposal(event_id: str, session_id: str, **_: Any) -> Any:
    return get_child(event_id=event_id, kind="session", item_id=session_id)


def _proposal_key(event_id: str, session_id: str, **_: Any) -> list[tuple[str, str]]:
    return [child_key(event_id, "session", session_id)]


@endpoint(
    bp, BASE + "/settings", "GET", action="review_settings.read",
    summary="The event's review settings: phase, anonymity, criteria", errors=(401, 403, 404),
)  # fmt: skip
def read_review_settings(event_id: str) -> Any:
    return etagged(review.settings_view(get_event(event_id)))


@endpoint(
    bp, BASE + "/settings", "PATCH", action="review_settings.update",
    summary="Change the review settings (send the event's version; criteria are replaced whole)",
    body=REVIEW_SETTINGS, errors=(401, 403, 404, 409, 422),
)  # fmt: skip
def edit_review_settings(event_id: str, body: dict[str, Any]) -> Any:
    event = review.set_review_settings(event=get_event(event_id), fields=body, version=client_version(body))
    return etagged(review.settings_view(event))


@endpoint(
    bp, BASE + "/proposals", "GET", action="review.read",
    summary="The submitted proposals you review, with your own review (cursor-paginated)", response=PAGE,
    errors=(400, 401, 403, 404),
)  # fmt: skip
def list_review_proposals(event_id: str) -> dict[str, Any]:
    limit, cursor = page_request(bp.current_request.query_params)
    actor = current_context().actor
    return review.review_queue(event=get_event(event_id), actor=actor, limit=limit, cursor=cursor).body()


@endpoint(
    bp, PROPOSAL, "GET", action="review.read",
    summary="One proposal under review, your review and (once you reviewed it) the others'",
    errors=(401, 403, 404), load=_proposal, prefetch=_proposal_key,
)  # fmt: skip
def read_review_proposal(event_id: str, session_id: str, resource: Any) -> dict[str, Any]:
    return review.read_proposal(event=get_event(event_id), actor=current_context().actor, session=resource)


@endpoint(
    bp, PROPOSAL + "/review", "PUT", action="review.write",
    summary="Write or replace your review of a proposal while review is open (scores, comment, or abstain)",
    body=REVIEW, errors=(401, 403, 404, 409, 422), load=_proposal, prefetch=_proposal_key,
)  # fmt: skip
def write_review(event_id: str, session_id: str, body: dict[str, Any], resource: Any) -> dict[str, Any]:
    actor = current_context().actor
    written = review.write_review(event=get_event(event_id), actor=actor, session=resource, fields=body)
    return review.review_view(written)


@endpoint(
    bp, BASE + "/dashboard", "GET", action="review.dashboard",
    summary="Submitted proposals with weighted mean, median, spread and count of their reviews; "
    "?track_id= &session_type_id= &state= filter, ?sort=mean|median|spread|count|title &order=asc|desc",
    response=PAGE, errors=(400, 401, 403, 404),
)  # fmt: skip
def list_review_dashboard(event_id: str) -> dict[str, Any]:
    query = bp.current_request.query_params or {}
    limit, cursor = page_request(query)
    sort, order = query.get("sort", "mean"), query.get("order", "desc")
    if sort not in review.SORTS:
        raise BadRequest(f"sort must be one of {', '.join(review.SORTS)}.", fields={"sort": "unknown sort"})
    if order not in ("asc", "desc"):
        raise BadRequest("order must be asc or desc.", fields={"order": "asc or desc"})
    filters = {name: query[name] for name in FILTERS if query.get(name)}
    for name, value in filters.items():
        if len(value) > 64:
            raise BadRequest(f"{name} is too long.", fields={name: "at most 64 characters"})
    page = review.dashboard(
        event=get_event(event_id), filters=filters, sort=sort, descending=order == "desc", limit=limit, cursor=cursor
    )
    return page.body()


@endpoint(
    bp, BASE + "/reviewers", "GET", action="review.read",
    summary="Reviewers' progress: organizers see every reviewer, a reviewer themselves (cursor-paginated)",
    response=PAGE, errors=(400, 401, 403, 404),
)  # fmt: skip
def list_reviewer_progress(event_id: str) -> dict[str, Any]:
    limit, cursor = page_request(bp.current_request.query_params)
    actor = current_context().actor
    return review.reviewer_progress(event=get_event(event_id), actor=actor, limit=limit, cursor=cursor).body()


@endpoint(
    bp, BASE + "/decisions", "POST", action="review.decide",
    summary="Accept, reject or waitlist proposals in bulk (one mail to each speaker); answers which moved",
    body=DECISION, errors=(401, 403, 404, 422),
)  # fmt: skip
def decide_proposals(event_id: str, body: dict[str, Any]) -> dict[str, Any]:
    return review.decide_proposals(
        event=get_event(event_id), actor=current_context().actor, session_ids=body["session_ids"], state=body["state"]
    )
