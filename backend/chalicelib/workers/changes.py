"""The table's stream: every content change to an event queues a rebuild of its pages, and
DynamoDB's own TTL deletions get their files deleted."""

from __future__ import annotations

from typing import Any

from chalice import Blueprint

from chalicelib.clock import clock
from chalicelib.db.keys import event_id_from_pk
from chalicelib.domain.publishing import change_times, events_touched
from chalicelib.domain.trash import clean_up_after_expiry
from chalicelib.jobs.enqueue import enqueue
from chalicelib.request_context import system_context
from chalicelib.settings import settings

bp = Blueprint(__name__)


@bp.on_dynamodb_record(
    stream_arn=settings().table_stream_arn or "arn:aws:dynamodb:local:0:table/podium/stream/0", batch_size=100
)
def on_table_change(event: Any) -> None:
    records = event.to_dict()["Records"]
    clean_up_after_expiry(records)  # DynamoDB's TTL deletions leave files behind
    now = clock().now().timestamp()
    changed = change_times(records)
    items = _items_changed(records)
    for event_id, old_slug in events_touched(records).items():
        enqueue(
            "render_event", _ctx=system_context(), _event_id=event_id,
            event_id=event_id, old_slug=old_slug, requested_at=min(changed.get(event_id, now), now),
            changed=sorted(items.get(event_id, ())),
        )  # fmt: skip


def _items_changed(records: list[dict[str, Any]]) -> dict[str, set[str]]:
    """event id → the sort keys of its items the records name (the render reads only these)."""
    items: dict[str, set[str]] = {}
    for record in records:
        keys = record.get("dynamodb", {}).get("Keys", {})
        event_id, sk = event_id_from_pk(keys.get("pk", {}).get("S", "")), keys.get("sk", {}).get("S")
        if event_id is not None and sk:
            items.setdefault(event_id, set()).add(sk)
    return items
