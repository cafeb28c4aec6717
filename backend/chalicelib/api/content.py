"""Event children over HTTP: /v1/events/{event_id}/{tracks|rooms|session-types|sessions|
speakers|sponsors|posts}[/{item_id}], plus event edits, unpublishing and trashing."""

from __future__ import annotations

from typing import Any

from chalice import Blueprint

from chalicelib.api.http import endpoint, if_match_version, json_response
from chalicelib.api.payloads import CHILD_SCHEMAS, EVENT
from chalicelib.db.pagination import parse_limit
from chalicelib.domain.projections import Audience, audience_of
from chalicelib.request_context import current_context

bp = Blueprint(__name__)

SEGMENTS = {
    "tracks": "track",
    "rooms": "room",
    "session-types": "session_type",
    "sessions": "session",
    "speakers": "speaker",
    "sponsors": "sponsor",
    "posts": "post",
}


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
        from chalicelib.domain.content import child_key

        return [child_key(event_id, kind, item_id)]

    return keys


def _event(event_id: str) -> Any:
    from chalicelib.domain.events import get_event

    return get_event(event_id)


# -- the event itself ----------------------------------------------------------------------


@endpoint(
    bp, "/events/{event_id}", "PATCH", action="event.update", summary="Edit an event (send its version)",
    body=EVENT, errors=(401, 403, 404, 409, 422),
)  # fmt: skip
def update_event(event_id: str, body: dict[str, Any]) -> Any:
    from chalicelib.domain.events import event_view, update_event

    updated = update_event(event=_event(event_id), fields=body, version=client_version(body))
    return etagged(event_view(updated, audience=caller_audience(event_id)))


@endpoint(
    bp, "/events/{event_id}/unpublish", "POST", action="event.publish", summary="Take an event off the public site",
    errors=(401, 403, 404),
)  # fmt: skip
def unpublish_event(event_id: str) -> dict[str, Any]:
    from chalicelib.domain.events import event_view, unpublish_event

    return event_view(unpublish_event(event_id=event_id), audience=caller_audience(event_id))


@endpoint(
    bp, "/events/{event_id}", "DELETE", action="event.delete", summary="Move an event and its children to the trash",
    errors=(401, 403, 404),
)  # fmt: skip
def trash_event(event_id: str) -> dict[str, Any]:
    from chalicelib.domain.trash import trash_event as trash

    return {"trashed": trash(event=_event(event_id), actor=current_context().actor)}


# -- children --------------------------------------------------------------------------------


def _routes(segment: str, kind: str) -> None:
    """Register list/create/read/update/trash for one kind of event child."""
    schema = CHILD_SCHEMAS[kind]
    label = kind.replace("_", " ")
    base = f"/events/{{event_id}}/{segment}"

    def list_items(event_id: str) -> dict[str, Any]:
        from chalicelib.domain import content

        query = bp.current_request.query_params or {}
        views, cursor = content.list_views(
            actor=current_context().actor, event_id=event_id, kind=kind, limit=parse_limit(query.get("limit")),
            cursor=query.get("next"),
        )  # fmt: skip
        return {"items": views, "next": cursor}

    def create_item(event_id: str, body: dict[str, Any]) -> Any:
        from chalicelib.domain import content

        item = content.create_child(event=_event(event_id), kind=kind, fields=body, actor=current_context().actor)
        view = content.view(item, audience=caller_audience(event_id, resource=item))
        return etagged(_with_warnings(view, item), 201)

    def load(event_id: str, item_id: str, **_: Any) -> Any:
        from chalicelib.domain import content

        return content.get_child(event_id=event_id, kind=kind, item_id=item_id)

    def read_item(event_id: str, item_id: str, resource: Any) -> Any:
        from chalicelib.domain import content

        return etagged(content.readable_view(actor=current_context().actor, item=resource))

    def update_item(event_id: str, item_id: str, body: dict[str, Any], resource: Any) -> Any:
        from chalicelib.domain import content

        item = content.update_child(
            event=_event(event_id), item=resource, fields=body, version=client_version(body),
            actor=current_context().actor,
        )  # fmt: skip
        view = content.view(item, audience=caller_audience(event_id, resource=item))
        return etagged(_with_warnings(view, item))

    def trash_item(event_id: str, item_id: str, resource: Any) -> dict[str, Any]:
        from chalicelib.domain import content

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
        bp, base, "GET", action=f"{kind}.read", summary=f"List {label}s (cursor-paginated)", errors=(401, 403, 404)
    )(list_items)
    endpoint(
        bp, base, "POST", action=f"{kind}.create", summary=f"Create a {label}", status=201, body=schema,
        errors=(401, 403, 404, 409),
    )(create_item)  # fmt: skip
    item_path = base + "/{item_id}"
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


def _with_warnings(data: dict[str, Any], item: Any) -> dict[str, Any]:
    """A session's answer carries its schedule warnings (the domain finds them)."""
    from chalicelib.domain.content import warnings_for

    return data | {"warnings": warnings_for(item)} if item.kind_name == "session" else data


def caller_relations(event_id: str, resource: Any = None) -> Any:
    """The caller's relations to the event (the route's own check has already admitted them);
    the event and role come from the request's prefetched reads."""
    from chalicelib.domain.permissions import event_and_role, relations_of

    actor = current_context().actor
    event, role = event_and_role(actor, event_id)
    return relations_of(actor, event=event, role=role, resource=resource)


for _segment, _kind in SEGMENTS.items():
    _routes(_segment, _kind)
