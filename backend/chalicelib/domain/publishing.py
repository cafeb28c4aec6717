"""The content change signal: which events' public pages a batch of table changes affects.

Wired once, at the data layer: the table's stream feeds `events_touched`, so no write path
has to remember to ask for a rebuild.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

# Kinds whose items appear on public pages. Roles, jobs, markers and the like never do.
PUBLIC_KINDS = frozenset({"event", "track", "room", "session_type", "session", "speaker", "sponsor", "post"})


def _image_value(image: dict[str, Any], name: str) -> str | None:
    value = (image or {}).get(name)
    return value.get("S") if isinstance(value, dict) else None


def events_touched(records: Iterable[dict[str, Any]]) -> dict[str, str | None]:
    """event id → its slug as last seen in the batch (None when only children changed)."""
    touched: dict[str, str | None] = {}
    for record in records:
        change = record.get("dynamodb", {})
        keys = change.get("Keys", {})
        pk = keys.get("pk", {}).get("S", "")
        image = change.get("NewImage") or change.get("OldImage") or {}
        if not pk.startswith("EVENT#") or _image_value(image, "kind") not in PUBLIC_KINDS:
            continue
        event_id = pk.removeprefix("EVENT#")
        slug = _image_value(change.get("OldImage", {}), "slug") if _image_value(image, "kind") == "event" else None
        touched[event_id] = slug or touched.get(event_id)
    return touched
