"""Review assignments over HTTP: assign by hand or automatically, list (a reviewer: their own),
remove, each reviewer's load; reviewers declare conflicts of interest. Organizers assign."""

from __future__ import annotations

from typing import Any

from chalice import Blueprint

from chalicelib.api.content import caller_audience, caller_relations
from chalicelib.api.http import endpoint
from chalicelib.api.payloads import REVIEW_ASSIGNMENT, REVIEW_CONFLICT
from chalicelib.api.schema import PAGE
from chalicelib.db.pagination import page_request
from chalicelib.domain import assignments
from chalicelib.domain.permissions import decide
from chalicelib.domain.projections import project
from chalicelib.errors import ValidationFailed
from chalicelib.request_context import current_context

bp = Blueprint(__name__)
PATH = "/events/{event_id}/review-assignments"


def _manual_or_auto(body: dict[str, Any]) -> tuple[str, str] | int:
    """The pair to assign by hand, or the automatic run's reviews per proposal; 422 naming the field otherwise."""
    if body.get("auto"):
        extra = sorted({"proposal_id", "reviewer_id"} & body.keys())
        if extra or "per_proposal" not in body:
            fields = dict.fromkeys(extra, "not with auto") or {"per_proposal": "is required with auto"}
            raise ValidationFailed("An automatic run takes per_proposal only.", fields=fields)
        return int(body["per_proposal"])
    missing = {name: "is required" for name in ("proposal_id", "reviewer_id") if name not in body}
    if "per_proposal" in body:
        missing["per_proposal"] = "only with auto: true"
    if missing:
        raise ValidationFailed("Name the proposal and the reviewer, or send auto: true.", fields=missing)
    return body["proposal_id"], body["reviewer_id"]


@endpoint(
    bp, PATH, "POST", action="review_assignment.create", status=201, body=REVIEW_ASSIGNMENT,
    summary="Assign a reviewer to a proposal ({proposal_id, reviewer_id}) or every proposal under review "
    "automatically ({auto: true, per_proposal: k}: balanced, tracks and conflicts of interest respected)",
    errors=(401, 403, 404, 409, 422),
)  # fmt: skip
def create_assignment(event_id: str, body: dict[str, Any]) -> Any:
    actor = current_context().actor
    wanted = _manual_or_auto(body)
    if isinstance(wanted, int):
        return assignments.auto_assign(event_id=event_id, per_proposal=wanted, actor=actor)
    proposal_id, reviewer_id = wanted
    item = assignments.assign_reviewer(event_id=event_id, proposal_id=proposal_id, reviewer_id=reviewer_id, actor=actor)
    return project(item, caller_audience(event_id))


@endpoint(
    bp, PATH, "GET", action="review_assignment.read", response=PAGE, errors=(400, 401, 403, 404),
    summary="The event's review assignments (a reviewer sees their own), cursor-paginated",
)  # fmt: skip
def list_assignments(event_id: str) -> dict[str, Any]:
    limit, cursor = page_request(bp.current_request.query_params)
    sees_all = decide(caller_relations(event_id), "review_load.read")
    reviewer_id = None if sees_all else current_context().actor.id
    page = assignments.list_assignments(event_id=event_id, reviewer_id=reviewer_id, limit=limit, cursor=cursor)
    audience = caller_audience(event_id)
    return page.map(lambda item: project(item, audience)).body()


@endpoint(
    bp, PATH + "/loads", "GET", action="review_load.read", response=PAGE, errors=(401, 403, 404),
    summary="Every reviewer's tracks and number of assignments (one page: the event's reviewers)",
)  # fmt: skip
def list_loads(event_id: str) -> dict[str, Any]:
    return {"items": assignments.loads_of(event_id=event_id), "next": None}


@endpoint(
    bp, PATH + "/{proposal_id}/{reviewer_id}", "DELETE", action="review_assignment.delete",
    summary="Remove a reviewer from a proposal", errors=(401, 403, 404),
)  # fmt: skip
def remove_assignment(event_id: str, proposal_id: str, reviewer_id: str) -> dict[str, Any]:
    assignments.remove_assignment(event_id=event_id, proposal_id=proposal_id, reviewer_id=reviewer_id)
    return {"removed": {"proposal_id": proposal_id, "reviewer_id": reviewer_id}}


@endpoint(
    bp, "/events/{event_id}/review-conflicts", "POST", action="review_conflict.create", status=201,
    body=REVIEW_CONFLICT, errors=(401, 403, 404, 422),
    summary="As a reviewer, declare a conflict of interest on a proposal (removes your assignment on it)",
)  # fmt: skip
def declare_conflict(event_id: str, body: dict[str, Any]) -> dict[str, Any]:
    record = assignments.declare_conflict(
        event_id=event_id, proposal_id=body["proposal_id"], actor=current_context().actor
    )
    return {"proposal_id": record.proposal_id, "reviewer_id": record.reviewer_id}
