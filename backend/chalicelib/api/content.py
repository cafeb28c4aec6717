"""Event children over HTTP: /v1/events/{event_id}/{tracks|rooms|session-types|sessions|
speakers|sponsors|posts|schedule-blocks}[/{item_id}] (the event itself is api/events.py's), and the
event's schedule conflicts."""

from __future__ import annotations

from typing import Any

from chalice import Blueprint

from chalicelib.api.http import endpoint, if_match_version, json_response
from chalicelib.api.payloads import CHILD_SCHEMAS
from chalicelib.api.schema import PAGE, Field, Schema
from chalicelib.db.keys import child_key
from chalicelib.db.pagination import page_request
from chalicelib.domain import content
from chalicelib.domain.events import get_event
from chalicelib.domain.permissions import decide, event_and_role, relations_of
from chalicelib.domain.projections import Audience, audience_of
from chalicelib.domain.schedule_conflicts import RULES, event_conflicts, session_conflicts
from chalicelib.request_context import current_context

bp = Blueprint(__name__)

# Each kind's list route and item route, written out so that grepping a route finds it here.
ROUTES = {
    "track": ("/events/{event_id}/tracks", "/events/{event_id}/tracks/{item_id}"),
    "room": ("/events/{event_id}/rooms", "/events/{event_id}/rooms/{item_id}"),
    "session_type": ("/events/{event_id}/session-types", "/events/{event_id}/session-types/{item_id}"),
    "session": ("/events/{event_id}/sessions", "/events/{event_id}/sessions/{item_id}"),
    "speaker": ("/events/{event_id}/speakers", "/events/{event_id}/speakers/{item_id}"),
    "sponsor": ("/events/{event_id}/sponsors", "/events/{event_id}/sponsors/{item_id}"),
    "post": ("/events/{event_id}/posts", "/events/{event_id}/posts/{item_id}"),
    "schedule_block": ("/events/{event_id}/schedule-blocks", "/events/{event_id}/schedule-blocks/{item_id}"),
}
# Who may read the schedule's conflicts, in the list below and on each session write's answer.
CONFLICTS_ACTION = "schedule_conflict.read"


def client_version(body: dict[str, Any]) -> int | None:
    """The version the client read: the body's `version`, else the If-Match header."""
    header_version = if_match_version(bp.current_request.headers)  # a malformed header is 400 either way
    return body["version"] if "version" in body else header_version


def etagged(data: dict[str, Any], status: int = 200) -> Any:
    return json_response(data, status, {"ETag": f'"{data.get("version", "")}"'})


def caller_audience(event_id: str, resource: Any = None) -> Audience:
    """Who the caller is to the event (and `resource`) for domain/projections.py, which decides
    every field and item they see."""
    return audience_of(caller_relations(event_id, resource=resource))


def _prefetch(kind: str) -> Any:
    """The item route's own key, read in the request's one BatchGetItem (see `endpoint`)."""

    def keys(event_id: str, item_id: str, **_: Any) -> list[tuple[str, str]]:

        return [child_key(event_id, kind, item_id)]

    return keys


def _event(event_id: str) -> Any:
    return get_event(event_id)


# -- children --------------------------------------------------------------------------------


def _routes(kind: str, base: str, item_path: str) -> None:
    """Register list/create/read/update/trash for one kind of event child."""
    schema = CHILD_SCHEMAS[kind]
    label = kind.replace("_", " ")

    def list_items(event_id: str) -> dict[str, Any]:

        limit, cursor = page_request(bp.current_request.query_params)
        return content.list_views(
            actor=current_context().actor, event_id=event_id, kind=kind, limit=limit, cursor=cursor
        ).body()

    def create_item(event_id: str, body: dict[str, Any]) -> Any:
        item = content.create_child(event=_event(event_id), kind=kind, fields=body, actor=current_context().actor)
        view = content.view(item, audience=caller_audience(event_id, resource=item))
        return etagged(_with_conflicts(view, item, event_id), 201)

    def load(event_id: str, item_id: str, **_: Any) -> Any:
        return content.get_child(event_id=event_id, kind=kind, item_id=item_id)

    def read_item(event_id: str, item_id: str, resource: Any) -> Any:
        return etagged(content.readable_view(actor=current_context().actor, item=resource))

    def update_item(event_id: str, item_id: str, body: dict[str, Any], resource: Any) -> Any:
        item = content.update_child(
            event=_event(event_id), item=resource, fields=body, version=client_version(body),
            actor=current_context().actor,
        )  # fmt: skip
        view = content.view(item, audience=caller_audience(event_id, resource=item))
        return etagged(_with_conflicts(view, item, event_id))

    def trash_item(event_id: str, item_id: str, resource: Any) -> dict[str, Any]:
        item = resource
        detach = (bp.current_request.query_params or {}).get("detach") == "true"
        content.trash_child(event=_event(event_id), item=item, actor=current_context().actor, detach=detach)
        return {"trashed": {"kind": kind, "id": item_id}}

    for view, name in (
        (list_items, "list"),
        (create_item, "create"),
        (read_item, "read"),
        (update_item, "update"),
        (trash_item, "trash"),
    ):
        view.__name__ = f"{name}_{kind}"
    endpoint(
        bp, base, "GET", action=f"{kind}.read", summary=f"List {label}s (cursor-paginated)", response=PAGE,
        errors=(400, 401, 403, 404),
    )(list_items)  # fmt: skip
    endpoint(
        bp, base, "POST", action=f"{kind}.create", summary=f"Create a {label}", status=201, body=schema,
        errors=(401, 403, 404, 409),
    )(create_item)  # fmt: skip
    # `load` hands the item to the permission check: track organizers and speakers are
    # allowed only on their own tracks and talks.
    prefetch = _prefetch(kind)
    endpoint(
        bp, item_path, "GET", action=f"{kind}.read", summary=f"One {label}", errors=(401, 403, 404), load=load,
        prefetch=prefetch,
    )(read_item)  # fmt: skip
    endpoint(
        bp, item_path, "PATCH", action=f"{kind}.update", summary=f"Edit a {label} (send its version)", body=schema,
        errors=(401, 403, 404, 409, 422), load=load, prefetch=prefetch,
    )(update_item)  # fmt: skip
    endpoint(
        bp, item_path, "DELETE", action=f"{kind}.delete", summary=f"Move a {label} to the trash",
        errors=(401, 403, 404, 409), load=load, prefetch=prefetch,
    )(trash_item)  # fmt: skip


def _with_conflicts(data: dict[str, Any], item: Any, event_id: str) -> dict[str, Any]:
    """A session's answer carries its schedule conflicts (domain/schedule_conflicts.py), as
    `conflicts` and as readable `warnings`, for callers who may read the event's conflicts; a
    speaker editing their talk gets empty lists (the conflicts name other talks and speakers)."""
    if item.kind_name != "session":
        return data
    found = []
    if decide(caller_relations(event_id, resource=item), CONFLICTS_ACTION):
        found = session_conflicts(event=_event(event_id), session=item)
    return data | {"warnings": [c.message for c in found], "conflicts": [c.as_json() for c in found]}


def caller_relations(event_id: str, resource: Any = None) -> Any:
    """The caller's relations to the event (the route's own check has already admitted them);
    the event and role come from the request's prefetched reads."""
    actor = current_context().actor
    event, role = event_and_role(actor, event_id)
    return relations_of(actor, event=event, role=role, resource=resource)


for _kind, (_list_path, _item_path) in ROUTES.items():
    _routes(_kind, _list_path, _item_path)


# At most this many conflicts in the list's answer (`count` is all of them): a schedule where every
# talk shares one room and hour would otherwise answer more than a Lambda response may hold.
MAX_LISTED_CONFLICTS = 2_000
CONFLICTS = Schema(
    "ScheduleConflicts",
    {
        "items": Field(
            "array", items=Field("object"),
            description="{rule, message, session_ids, speaker_ids?, room_id?, block_id?}; rule one of "
            + ", ".join(RULES) + f"; the first {MAX_LISTED_CONFLICTS} when there are more",
        ),
        "count": Field("integer", minimum=0),
    },
    required=frozenset({"items", "count"}),
)


@endpoint(
    bp, "/events/{event_id}/schedule/conflicts", "GET", action=CONFLICTS_ACTION, response=CONFLICTS,
    summary="Every conflict on the event's schedule (rooms, speakers, availability, event days, breaks)",
    errors=(401, 403, 404),
)  # fmt: skip
def list_schedule_conflicts(event_id: str) -> dict[str, Any]:
    found = event_conflicts(event=_event(event_id))
    return {"items": [c.as_json() for c in found[:MAX_LISTED_CONFLICTS]], "count": len(found)}
