"""The content change signal: which events' public pages a batch of table changes affects.

Wired once, at the data layer: the table's stream feeds `events_touched`, so no write path
has to remember to ask for a rebuild.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from chalicelib.db.keys import event_id_from_pk

# Kinds whose items appear on public pages. Roles, jobs, markers and the like never do.
# A schedule release changes what the site shows (manual mode) and its changelog.
PUBLIC_KINDS = frozenset(
    {"event", "track", "room", "session_type", "session", "speaker", "sponsor", "post", "schedule_block", "schedule_release"}
)


def _image_value(image: dict[str, Any], name: str) -> str | None:
    value = (image or {}).get(name)
    return value.get("S") if isinstance(value, dict) else None


def events_touched(records: Iterable[dict[str, Any]]) -> dict[str, str | None]:
    """event id → its slug as last seen in the batch (None when only children changed)."""
    touched: dict[str, str | None] = {}
    for record in records:
        change = record.get("dynamodb", {})
        keys = change.get("Keys", {})
        event_id = event_id_from_pk(keys.get("pk", {}).get("S", ""))
        image = change.get("NewImage") or change.get("OldImage") or {}
        if event_id is None or _image_value(image, "kind") not in PUBLIC_KINDS:
            continue
        slug = _image_value(change.get("OldImage", {}), "slug") if _image_value(image, "kind") == "event" else None
        touched[event_id] = slug or touched.get(event_id)
    return touched


# Stream records carry their creation time rounded down to the second.
STREAM_TIME_RESOLUTION = 1.0


def change_times(records: Iterable[dict[str, Any]]) -> dict[str, float]:
    """event id → the latest moment (epoch seconds, rounded up) a public item of it changed in the batch.

    A rebuild that started after this moment has read the change, so a rebuild requested for
    it can be skipped: the stream may hand over an import's records seconds after they were
    written, and timing them by their own clock keeps that lag from costing extra rebuilds.
    Events whose records carry no creation time are left out.
    """
    latest: dict[str, float] = {}
    for record in records:
        change = record.get("dynamodb", {})
        created = change.get("ApproximateCreationDateTime")
        event_id = event_id_from_pk(change.get("Keys", {}).get("pk", {}).get("S", ""))
        image = change.get("NewImage") or change.get("OldImage") or {}
        if created is None or event_id is None or _image_value(image, "kind") not in PUBLIC_KINDS:
            continue
        latest[event_id] = max(latest.get(event_id, 0.0), float(created) + STREAM_TIME_RESOLUTION)
    return latest
