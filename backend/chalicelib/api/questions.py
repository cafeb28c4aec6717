"""Custom questions over HTTP: /v1/events/{event_id}/questions[/{item_id}] (organizers keep
them; whoever may propose a talk reads them) and /v1/events/{event_id}/questions-order."""

from __future__ import annotations

from typing import Any

from chalice import Blueprint

from chalicelib.api.content import caller_audience, caller_relations, client_version, etagged
from chalicelib.api.http import endpoint
from chalicelib.api.payloads import QUESTION, QUESTION_EDIT, QUESTION_ORDER
from chalicelib.api.schema import PAGE
from chalicelib.db.keys import child_key
from chalicelib.db.pagination import Page, page_request
from chalicelib.domain import questions
from chalicelib.domain.call_for_papers import readable_cfp
from chalicelib.domain.events import get_event
from chalicelib.domain.permissions import EVENT_MEMBERS
from chalicelib.domain.projections import project
from chalicelib.request_context import current_context

bp = Blueprint(__name__)
PATH = "/events/{event_id}/questions"
ITEM_PATH = PATH + "/{item_id}"


def _load(event_id: str, item_id: str, **_: Any) -> Any:
    return questions.get_question(event_id=event_id, question_id=item_id)


def _prefetch(event_id: str, item_id: str, **_: Any) -> list[tuple[str, str]]:
    return [child_key(event_id, "question", item_id)]


def _check_call_readable(event_id: str) -> None:
    """Outside the event's team, the questions are the call for papers': a private call's need its
    link's ?token= (404 otherwise, as the call itself answers)."""
    if not caller_relations(event_id).names & EVENT_MEMBERS:
        readable_cfp(get_event(event_id), is_team=False, token=(bp.current_request.query_params or {}).get("token"))


def _views(event_id: str, items: list[Any]) -> list[dict[str, Any]]:
    audience = caller_audience(event_id)
    return [project(q, audience) for q in items]


@endpoint(
    bp, PATH, "GET", action="question.read",
    summary="The event's custom questions, in order (cursor-paginated; a private call's need its link's ?token=)",
    response=PAGE, errors=(400, 401, 403, 404),
)  # fmt: skip
def list_questions(event_id: str) -> dict[str, Any]:
    _check_call_readable(event_id)
    limit, cursor = page_request(bp.current_request.query_params)
    page = questions.question_page(event_id=event_id, limit=limit, cursor=cursor)
    return Page(_views(event_id, page.items), page.next).body()


@endpoint(
    bp, PATH, "POST", action="question.create", summary="Add a custom question at the end of the list",
    status=201, body=QUESTION, errors=(401, 403, 404, 422),
)  # fmt: skip
def create_question(event_id: str, body: dict[str, Any]) -> Any:
    question = questions.create_question(event=get_event(event_id), fields=body, actor=current_context().actor)
    return etagged(project(question, caller_audience(event_id)), 201)


@endpoint(
    bp, ITEM_PATH, "GET", action="question.read", summary="One custom question", errors=(401, 403, 404),
    load=_load, prefetch=_prefetch,
)  # fmt: skip
def read_question(event_id: str, item_id: str, resource: Any) -> Any:
    _check_call_readable(event_id)
    return etagged(project(resource, caller_audience(event_id)))


@endpoint(
    bp, ITEM_PATH, "PATCH", action="question.update", summary="Edit a custom question (send its version; its kind is fixed)",
    body=QUESTION_EDIT, errors=(401, 403, 404, 409, 422), load=_load, prefetch=_prefetch,
)  # fmt: skip
def update_question(event_id: str, item_id: str, body: dict[str, Any], resource: Any) -> Any:
    question = questions.update_question(
        event=get_event(event_id), question=resource, fields=body, version=client_version(body),
        actor=current_context().actor,
    )  # fmt: skip
    return etagged(project(question, caller_audience(event_id)))


@endpoint(
    bp, ITEM_PATH, "DELETE", action="question.delete",
    summary="Delete a custom question and its answers on every proposal", errors=(401, 403, 404),
    load=_load, prefetch=_prefetch,
)  # fmt: skip
def delete_question(event_id: str, item_id: str, resource: Any) -> dict[str, Any]:
    cleared = questions.delete_question(event=get_event(event_id), question=resource, actor=current_context().actor)
    return {"deleted": {"kind": "question", "id": item_id}, "answers_deleted": cleared}


@endpoint(
    bp, "/events/{event_id}/questions-order", "PUT", action="question.update",
    summary="Reorder the custom questions (name each once); answers them all in the new order", body=QUESTION_ORDER,
    errors=(401, 403, 404, 422),
)  # fmt: skip
def reorder_questions(event_id: str, body: dict[str, Any]) -> dict[str, Any]:
    ordered = questions.reorder_questions(event=get_event(event_id), order=body["order"], actor=current_context().actor)
    return {"items": _views(event_id, ordered)}
