"""The audit log: who did what to which item, and when. One writer, `record`, for every
source: the request pipeline (api/http.py records each successful change a signed-in caller
makes) and the trash (its trash, restore, purge and expiry records carry item counts)."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from chalicelib.actors import Actor
from chalicelib.clock import clock
from chalicelib.db.audit import AuditRecord
from chalicelib.db.base import new_id
from chalicelib.db.content import CHILD_KINDS
from chalicelib.db.keys import audit_month_pk, audit_pk, time_ordered_sk
from chalicelib.db.pagination import Page, read_page
from chalicelib.domain.permissions import authorize, split
from chalicelib.domain.tokens import signing_key
from chalicelib.errors import BadRequest

_ID = re.compile(r"[A-Za-z0-9_-]{1,64}")  # ASCII only, as ids are made
_MONTH = re.compile(r"[0-9]{4}-(0[1-9]|1[0-2])")  # ASCII digits only: \d matches any script's digits
# Actions the pipeline leaves to their domain's own record (the trash writes one per operation,
# with what went along) and those no signed-in change makes worth a line (signing in or up).
_RECORDED_ELSEWHERE = frozenset({"trash", "auth"})
# The kinds the trash holds (domain/trash.py's KINDS): their deletes are trash operations, which the
# trash records with what went along. Other deletes (a member's role, an invite, a question) are
# final and recorded here like any change.
TRASH_KINDS = ("user", "event", *CHILD_KINDS)
_ITEM_PARAMS = ("item_id", "trashed_id", "user_id", "invite_id", "mail_id", "upload_id", "name")


def record(
    action: str, *, actor: Actor, kind: str, item_id: str, event_id: str | None, count: int = 1,
    at: datetime | None = None, record_id: str | None = None, item_name: str | None = None,
) -> None:  # fmt: skip
    """Write one audit record (`record_id` makes a repeated record the same one)."""
    at = at or clock().now()
    record_id = record_id or new_id()
    AuditRecord(
        audit_pk(at), time_ordered_sk(at, record_id), id=record_id, at=at.isoformat(), action=action,
        actor_id=actor.id, actor_name=actor.name or None, item_kind=kind, item_id=item_id, event_id=event_id,
        item_count=count, item_name=(item_name or "")[:200] or None,
    ).save(add_version_condition=False)  # an expiry's record is written again, unchanged, on a retry  # fmt: skip


def record_request(*, action: str, method: str, actor: Actor, params: dict[str, Any], result: Any) -> None:
    """The pipeline's record of a successful change (any method but GET) by a signed-in caller:
    the route's action, the item its path names (or the id a create answers), its event."""
    kind, verb = split(action)
    if method == "GET" or actor.is_anonymous or kind in _RECORDED_ELSEWHERE or (verb == "delete" and kind in TRASH_KINDS):
        return
    item_id = next((str(params[p]) for p in _ITEM_PARAMS if isinstance(params.get(p), str)), None)
    if item_id is None and isinstance(result, dict) and isinstance(result.get("id"), str):
        item_id = result["id"]
    event_id = params.get("event_id") if isinstance(params.get("event_id"), str) else None
    answer = result if isinstance(result, dict) else {}
    name = next((answer[f] for f in ("name", "title") if isinstance(answer.get(f), str)), None)
    item_id = item_id or event_id or actor.id
    if kind == "event":  # an event's own record is filed under it, its creation too
        event_id = item_id
    record(verb, actor=actor, kind=kind, item_id=item_id, event_id=event_id, item_name=name)


def list_audit(
    *, actor: Actor, month: str | None = None, event_id: str | None = None, actor_id: str | None = None,
    limit: int = 50, cursor: str | None = None,
) -> Page:  # fmt: skip
    """A month's audit records (default: this month), oldest first, optionally only those about
    one event or by one user; admins only."""
    authorize(actor, "audit.read", event_id=None)
    if month is not None and not _MONTH.fullmatch(month):
        raise BadRequest("month is yyyy-mm, e.g. 2026-01.", fields={"month": "must be yyyy-mm"})
    condition = None
    for name, value, attribute in (("event_id", event_id, AuditRecord.event_id), ("actor_id", actor_id, AuditRecord.actor_id)):
        if value is None:
            continue
        if not _ID.fullmatch(value):
            raise BadRequest(f"{name} is an id (letters, digits, - and _).", fields={name: "must be an id"})
        condition = attribute == value if condition is None else condition & (attribute == value)
    pk = audit_month_pk(month) if month else audit_pk(clock().now())
    return read_page(AuditRecord, pk, filter_condition=condition, limit=limit, cursor=cursor, secret=signing_key())


def audit_view(record: AuditRecord) -> dict[str, Any]:
    """An audit record as admins read it."""
    return {
        "id": record.id,
        "at": record.at,
        "action": record.action,
        "actor": {"id": record.actor_id, "name": record.actor_name},
        "kind": record.item_kind,
        "item_id": record.item_id,
        "item_name": record.item_name,
        "event_id": record.event_id,
        "count": int(record.item_count),
    }
