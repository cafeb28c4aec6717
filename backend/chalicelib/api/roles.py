"""Event roles: list, invite by email, withdraw or accept an invite, remove, transfer the ownership."""

from __future__ import annotations

from typing import Any

from chalice import Blueprint

from chalicelib.api.http import endpoint
from chalicelib.api.schema import EMAIL, ID, Field, Schema
from chalicelib.domain import roles
from chalicelib.domain.permissions import INVITABLE_ROLES
from chalicelib.request_context import current_context

bp = Blueprint(__name__)
INVITE = Schema(
    "RoleInvite",
    {
        "email": EMAIL,
        "role": Field("string", max_length=32, choices=INVITABLE_ROLES),
        "track_ids": Field("array", items=ID, max_items=50),
    },
    frozenset({"email", "role"}),
)
ACCEPT = Schema("InviteAccept", {"token": Field("string", max_length=200, min_length=1)}, frozenset({"token"}))
TRANSFER = Schema("OwnershipTransfer", {"user_id": ID}, frozenset({"user_id"}))


@endpoint(
    bp,
    "/events/{event_id}/roles",
    "GET",
    action="role.read",
    summary="Members and pending invites",
    errors=(401, 403, 404),
)
def list_roles(event_id: str) -> dict[str, Any]:
    return roles.list_roles(event_id=event_id)


@endpoint(
    bp,
    "/events/{event_id}/roles",
    "POST",
    action="role.create",
    status=201,
    summary="Invite someone by email to a role (single-use link, 7 days)",
    body=INVITE,
    errors=(401, 403, 404),
)
def invite(event_id: str, body: dict[str, Any]) -> dict[str, Any]:
    record = roles.invite(
        event_id=event_id,
        email=body["email"],
        role=body["role"],
        track_ids=body.get("track_ids", []),
        actor=current_context().actor,
    )
    return {
        "id": record.id,
        "email": record.email,
        "role": record.role,
        "track_ids": list(record.track_ids),
        "expires_at": record.expires_at,
    }


@endpoint(
    bp,
    "/events/{event_id}/roles/{user_id}",
    "DELETE",
    action="role.delete",
    summary="Remove someone's role (not the owner's)",
    errors=(401, 403, 404, 409),
)
def remove_role(event_id: str, user_id: str) -> dict[str, Any]:
    roles.remove_role(event_id=event_id, user_id=user_id)
    return {"removed": user_id}


@endpoint(
    bp,
    "/events/{event_id}/invites/{invite_id}",
    "DELETE",
    action="role.delete",
    summary="Withdraw a pending invite (its link stops working)",
    errors=(401, 403, 404),
)
def withdraw_invite(event_id: str, invite_id: str) -> dict[str, Any]:
    roles.withdraw_invite(event_id=event_id, invite_id=invite_id)
    return {"withdrawn": invite_id}


@endpoint(
    bp,
    "/events/{event_id}/owner",
    "POST",
    action="event.transfer",
    summary="Transfer the ownership to a member; the old owner becomes an organizer",
    body=TRANSFER,
    errors=(401, 403, 404),
)
def transfer_ownership(event_id: str, body: dict[str, Any]) -> dict[str, Any]:
    role = roles.transfer_ownership(event_id=event_id, new_owner_id=body["user_id"], actor=current_context().actor)
    return {"owner_id": role.user_id}


@endpoint(
    bp,
    "/invites/accept",
    "POST",
    action="role.accept",
    summary="Accept an event role invite (signed in)",
    body=ACCEPT,
    errors=(401, 403, 404, 409, 410),
)
def accept(body: dict[str, Any]) -> dict[str, Any]:
    role = roles.accept_invite(token=body["token"], actor=current_context().actor)
    return {"event_id": role.event_id, "role": role.role, "track_ids": list(role.track_ids or [])}
