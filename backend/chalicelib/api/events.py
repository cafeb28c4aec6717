"""Events over HTTP: create a draft, list, read, edit, publish and unpublish one, move it to the trash."""

from __future__ import annotations

from typing import Any

from chalice import Blueprint

from chalicelib.api.content import caller_audience, client_version, etagged
from chalicelib.api.http import endpoint
from chalicelib.api.jobs import started_or_done
from chalicelib.api.payloads import EVENT
from chalicelib.api.schema import PAGE, Schema, name_field
from chalicelib.db.pagination import page_request
from chalicelib.domain import events, trash
from chalicelib.domain.projections import ORGANIZERS_AUDIENCE, audiences_for_events
from chalicelib.request_context import current_context

bp = Blueprint(__name__)
EVENT_CREATE = Schema("EventCreate", {"name": name_field()}, frozenset({"name"}))


@endpoint(
    bp,
    "/events",
    "POST",
    action="event.create",
    summary="Create a draft event; the caller owns it",
    status=201,
    body=EVENT_CREATE,
    errors=(401,),
)
def create_event(body: dict[str, Any]) -> dict[str, Any]:
    # The creator owns the new event.
    created = events.create_event(name=body["name"], actor=current_context().actor)
    return events.event_view(created, audience=ORGANIZERS_AUDIENCE)


@endpoint(
    bp,
    "/events",
    "GET",
    action="event.list",
    summary="Events: the caller's (signed in), published (anonymous), all (?all=1, admins)",
    response=PAGE,
    errors=(400,),
)
def list_events() -> dict[str, Any]:
    actor = current_context().actor
    query = bp.current_request.query_params or {}
    limit, cursor = page_request(query)
    found = events.list_events(actor=actor, everything=query.get("all") == "1", limit=limit, cursor=cursor)
    # Each event seen with the caller's role in it.
    audiences = audiences_for_events(actor, found.items)
    return found.map(lambda e: events.event_view(e, audience=audiences[e.id])).body()


@endpoint(bp, "/events/{event_id}", "GET", action="event.read", summary="One event", errors=(401, 403, 404))
def get_event(event_id: str) -> dict[str, Any]:
    return events.event_view(events.get_event(event_id), audience=caller_audience(event_id))


@endpoint(
    bp,
    "/events/{event_id}/publish",
    "POST",
    action="event.publish",
    summary="Publish the event (needs a verified email)",
    errors=(401, 403, 404),
)
def publish_event(event_id: str) -> dict[str, Any]:
    published = events.publish_event(event_id=event_id, actor=current_context().actor)
    return events.event_view(published, audience=caller_audience(event_id))


def _load_event(event_id: str, **_: Any) -> Any:
    # The write check compares the body with the stored event (a field sent unchanged is no change).
    return events.get_event(event_id)


@endpoint(
    bp, "/events/{event_id}", "PATCH", action="event.update", summary="Edit an event (send its version)",
    body=EVENT, errors=(401, 403, 404, 409, 422), load=_load_event,
)  # fmt: skip
def update_event(event_id: str, body: dict[str, Any], resource: Any) -> Any:
    updated = events.update_event(event=resource, fields=body, version=client_version(body))
    return etagged(events.event_view(updated, audience=caller_audience(event_id)))


@endpoint(
    bp, "/events/{event_id}/unpublish", "POST", action="event.publish", summary="Take an event off the public site",
    errors=(401, 403, 404),
)  # fmt: skip
def unpublish_event(event_id: str) -> dict[str, Any]:
    return events.event_view(events.unpublish_event(event_id=event_id), audience=caller_audience(event_id))


@endpoint(
    bp, "/events/{event_id}", "DELETE", action="event.delete", errors=(202, 401, 403, 404),
    summary="Move an event and its children to the trash (202: many items, so a job does it)",
)  # fmt: skip
def trash_event(event_id: str) -> Any:
    result = trash.start_trash_event(event=events.get_event(event_id), actor=current_context().actor)
    return started_or_done(result, lambda trashed: {"trashed": trashed})


@endpoint(
    bp, "/events/{event_id}/removal", "GET", action="event.delete", errors=(401, 403, 404),
    summary="What moving the event to the trash would take: its items by kind and the total (for a confirmation)",
)  # fmt: skip
def event_removal_preview(event_id: str) -> dict[str, Any]:
    return trash.event_removal_preview(event=events.get_event(event_id))
