"""The site index's list of events whose pages are in the bucket, kept in one table item.

Each event's own render sets its entry once its pages are written (and removes it when the
event leaves the site), so the site index and sitemap are rendered from one GetItem and cost
O(changed events): no Query of every event record, no HEAD of every event's pages. An entry
is present exactly while the bucket holds that event's pages under the entry's slug, so the
index never links to a folder that is not there.

Every update bumps the item's version and returns the whole list; a writer that renders the
index checks the version once more after writing it and renders again if another event's
render changed the list meanwhile, so concurrent renders of different events converge.

Limit: DynamoDB items stop at 400 KB, and an entry takes about 200-400 bytes, so one stage lists
about a thousand published events; past that an event's listing update fails and its render job
fails visibly (retried, then the DLQ). Splitting the list over several items is the way on.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from chalicelib.db import site_listing
from chalicelib.public import bundle as public
from chalicelib.settings import settings

# Attribute names per UpdateItem: keeps the expression far below DynamoDB's 4 KB limit.
UPDATE_CHUNK = 50


@dataclass(frozen=True)
class Listing:
    events: list[public.Event]  # listed events: their pages are in the bucket
    version: int
    entries: dict[str, str]  # event id → its stored entry

    def lists(self, event: public.Event) -> bool:
        """Whether the event is listed with its index fields as they are now."""
        return self.entries.get(event.id) == _entry(event)

    def slug_of(self, event_id: str) -> str | None:
        """The slug the event's pages are listed under; None when it is not listed."""
        return next((e.slug for e in self.events if e.id == event_id), None)


def _entry(event: public.Event) -> str:
    # Only what the index and sitemap show: the index never needs an event's children.
    return json.dumps(
        {
            "slug": event.slug,
            "name": event.name,
            "starts_at": event.starts_at.isoformat() if event.starts_at else None,
            "ends_at": event.ends_at.isoformat() if event.ends_at else None,
            "timezone": event.timezone,
            "location_name": event.location_name,
        },
        sort_keys=True,
    )


def _event(event_id: str, stored: str) -> public.Event:
    fields = json.loads(stored)
    return public.Event(
        id=event_id,
        slug=fields["slug"],
        name=fields["name"],
        starts_at=datetime.fromisoformat(fields["starts_at"]) if fields["starts_at"] else None,  # type: ignore[arg-type]
        ends_at=datetime.fromisoformat(fields["ends_at"]) if fields["ends_at"] else None,  # type: ignore[arg-type]
        timezone=fields["timezone"],
        location_name=fields["location_name"],
    )


def _listing(stored: tuple[dict[str, str], int]) -> Listing:
    entries, version = stored
    events = [_event(event_id, entries[event_id]) for event_id in sorted(entries)]
    return Listing(events, version, entries)


def listed(*, bucket: str | None = None) -> Listing:
    """The events listed now (one consistent GetItem)."""
    return _listing(site_listing.read_entries(bucket or settings().site_bucket))


def update(
    *, listed_now: Sequence[public.Event] = (), unlisted: Sequence[str] = (), bucket: str | None = None
) -> Listing:
    """List `listed_now` (their pages are written) and drop the events with ids in `unlisted`;
    returns the list as it stands after the (last) update."""
    bucket = bucket or settings().site_bucket
    changes = [("SET", e.id, _entry(e)) for e in listed_now] + [("REMOVE", i, None) for i in unlisted]
    result = _listing(site_listing.update_entries(bucket, changes[:UPDATE_CHUNK]))
    for start in range(UPDATE_CHUNK, len(changes), UPDATE_CHUNK):
        result = _listing(site_listing.update_entries(bucket, changes[start : start + UPDATE_CHUNK]))
    return result
