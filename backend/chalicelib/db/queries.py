"""Reads that every capability shares. All are Queries or Gets: never a Scan."""

from __future__ import annotations

from collections.abc import Iterator

from chalicelib.db import content
from chalicelib.db.base import Item

PUBLISHED = "PUBLISHED"


def event_items(event_id: str) -> Iterator[Item]:
    """The event and all its children in one paginated Query, expired trash left out."""
    for item in Item.query(content.event_pk(event_id)):
        if not item.is_gone():
            yield item


def published_events() -> list[content.Event]:
    """Published events, soonest first, through the gsi2 index."""
    found = content.Event.gsi2.query(PUBLISHED)
    return [e for e in found if isinstance(e, content.Event) and not e.is_trashed() and not e.is_gone()]
