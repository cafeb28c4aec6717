"""The call for papers over HTTP: /v1/events/{event_id}/call-for-papers (read, set, edit) and
its proposals (submit; list the caller's own). Reviewing a proposal is a session state change:
PATCH /v1/events/{event_id}/sessions/{id} with `state`."""

from __future__ import annotations

from typing import Any

from chalice import Blueprint

from chalicelib.api.content import caller_audience, client_version, etagged
from chalicelib.api.http import endpoint
from chalicelib.api.payloads import CALL_FOR_PAPERS, PROPOSAL
from chalicelib.api.schema import PAGE
from chalicelib.db.pagination import page_request
from chalicelib.domain import call_for_papers as cfp
from chalicelib.domain.content import view
from chalicelib.domain.events import get_event
from chalicelib.request_context import current_context

bp = Blueprint(__name__)
PATH = "/events/{event_id}/call-for-papers"


def _link_token() -> str | None:
    """A private CFP's secret, from its link (`?token=`)."""
    return (bp.current_request.query_params or {}).get("token")


@endpoint(
    bp, PATH, "GET", action="call_for_papers.read",
    summary="The call for papers (a private one needs its link's ?token= unless you are on the team)",
    errors=(401, 403, 404),
)  # fmt: skip
def read_call_for_papers(event_id: str) -> Any:
    return etagged(cfp.read_call_for_papers(event=_event(event_id), actor=current_context().actor, token=_link_token()))


def _event(event_id: str) -> Any:
    """The live event (404 otherwise)."""
    return get_event(event_id)


def _save(event_id: str, body: dict[str, Any], *, replace: bool) -> Any:
    event = cfp.set_call_for_papers(event=_event(event_id), fields=body, version=client_version(body), replace=replace)
    return etagged(cfp.cfp_view(event, with_secret=True))


@endpoint(
    bp, PATH, "PUT", action="call_for_papers.update",
    summary="Set the call for papers (send the version you read when one exists)", body=CALL_FOR_PAPERS,
    errors=(401, 403, 404, 409, 422),
)  # fmt: skip
def set_call_for_papers(event_id: str, body: dict[str, Any]) -> Any:
    return _save(event_id, body, replace=True)


@endpoint(
    bp, PATH, "PATCH", action="call_for_papers.update", summary="Edit the call for papers (send its version)",
    body=CALL_FOR_PAPERS, errors=(401, 403, 404, 409, 422),
)  # fmt: skip
def edit_call_for_papers(event_id: str, body: dict[str, Any]) -> Any:
    return _save(event_id, body, replace=False)


@endpoint(
    bp, PATH + "/proposals", "POST", action="proposal.create",
    summary="Submit a proposal while the call is open: a pending session with your speaker profile",
    status=201, body=PROPOSAL, errors=(401, 404, 409, 422),
)  # fmt: skip
def submit_proposal(event_id: str, body: dict[str, Any]) -> Any:
    actor = current_context().actor
    session = cfp.submit_proposal(event=_event(event_id), actor=actor, fields=body, token=_link_token())
    return etagged(view(session, audience=caller_audience(event_id, resource=session)), 201)


@endpoint(
    bp, PATH + "/proposals", "GET", action="proposal.read", summary="Your own proposals to this event (cursor-paginated)",
    response=PAGE, errors=(400, 401, 404),
)  # fmt: skip
def list_own_proposals(event_id: str) -> dict[str, Any]:

    limit, cursor = page_request(bp.current_request.query_params)
    page = cfp.own_proposals(event_id=event_id, user_id=current_context().actor.id, limit=limit, cursor=cursor)
    return page.map(lambda s: view(s, audience=caller_audience(event_id, resource=s))).body()
