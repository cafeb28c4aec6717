"""Site administration of accounts: list and search users, grant or remove the admin role."""

from __future__ import annotations

from typing import Any

from chalice import Blueprint

from chalicelib.api.http import endpoint
from chalicelib.api.jobs import started_or_done
from chalicelib.api.schema import PAGE, Field, Schema
from chalicelib.db.pagination import page_request
from chalicelib.domain import accounts, trash
from chalicelib.errors import BadRequest
from chalicelib.request_context import current_context

bp = Blueprint(__name__)
ADMIN_CHANGE = Schema("AdminChange", {"is_admin": Field("boolean")}, frozenset({"is_admin"}))


def _load_user(user_id: str, **_: str) -> Any:
    return accounts.get_user(user_id)


@endpoint(
    bp, "/users", "GET", action="user.list", response=PAGE, errors=(400, 401, 403, 404),
    summary="Users by email (admins); ?q= email prefix, ?name= part of the name (any case)",
)  # fmt: skip
def list_users() -> dict[str, Any]:
    query = bp.current_request.query_params or {}
    prefix, name = query.get("q", ""), query.get("name", "")
    if len(prefix) > 254:
        raise BadRequest("q is an email prefix of at most 254 characters.", fields={"q": "at most 254 characters"})
    if len(name) > 200:
        raise BadRequest("name is part of a name, at most 200 characters.", fields={"name": "at most 200 characters"})
    limit, cursor = page_request(query)
    found = accounts.list_users(prefix=prefix, name=name, limit=limit, cursor=cursor)
    return found.map(accounts.private_view).body()


@endpoint(
    bp,
    "/users/{user_id}",
    "GET",
    action="user.read",
    summary="One user (admins, or the user)",
    load=_load_user,
    errors=(401, 403, 404),
)
def get_user(user_id: str, resource: Any) -> dict[str, Any]:
    return accounts.private_view(resource)


@endpoint(
    bp,
    "/users/{user_id}",
    "PATCH",
    action="user.grant_admin",
    summary="Grant or remove the admin role (super admins)",
    body=ADMIN_CHANGE,
    load=_load_user,
    errors=(401, 403, 404, 409),
)
def change_admin(user_id: str, resource: Any, body: dict[str, Any]) -> dict[str, Any]:
    return accounts.private_view(accounts.set_admin(user_id=user_id, is_admin=body["is_admin"]))


@endpoint(
    bp, "/users/{user_id}", "DELETE", action="user.delete", load=_load_user, errors=(202, 401, 403, 404, 409),
    summary="Move the user (and events they alone own) to the trash (admins); 409 lists shared events; 202: a job",
)  # fmt: skip
def delete_user(user_id: str, resource: Any) -> Any:
    result = trash.start_trash_user(user=resource, actor=current_context().actor)
    return started_or_done(result, lambda _done: trash.trash_view(trash.get_trashed(kind="user", item_id=user_id)))


@endpoint(
    bp, "/users/{user_id}/removal", "GET", action="user.delete", load=_load_user, errors=(401, 403, 404, 409),
    summary="What trashing the user would take: the events they alone run and the item count (admins)",
)  # fmt: skip
def removal_preview(user_id: str, resource: Any) -> dict[str, Any]:
    return trash.user_removal_preview(user=resource, actor=current_context().actor)
