"""Export an event as an Open Event export: which items, for whom, and the job that does it.

The file format itself (v2, kebab-case, the shape `read_export` reads) is written by
chalicelib/formats/openevent.py. Each field the projections (domain/projections.py) keep
from the audience stays out of the file: the same rule as the API's.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from chalicelib.actors import Actor
from chalicelib.db import content
from chalicelib.db.queries import event_items
from chalicelib.domain.event_access import require
from chalicelib.domain.events import get_event
from chalicelib.domain.projections import Audience
from chalicelib.errors import NotFound
from chalicelib.formats import openevent
from chalicelib.jobs.enqueue import enqueue


def start_export(*, actor: Actor, event_id: str) -> str:
    """Start the export job of a live event the actor may export (returns its id; 404 for a
    trashed or missing event)."""
    require(actor, "event.export", event_id)
    get_event(event_id)
    return enqueue("export_event", _event_id=event_id, event_id=event_id)


def export_files(*, event_id: str, audience: Audience) -> dict[str, bytes]:
    """File name → JSON bytes of the event's Open Event export. Raises NotFound."""
    items_by_kind: dict[str, list[Any]] = defaultdict(list)
    # Roles, invites and the like stay out; custom questions go in Podium's own file.
    exported = {content.Event, *content.CHILD_KINDS.values(), content.Question}
    for item in event_items(event_id):
        if type(item) in exported and not item.is_trashed():
            items_by_kind[item.kind_name].append(item)
    if not items_by_kind["event"]:
        raise NotFound("no such event")
    return openevent.write_files(items_by_kind, audience=audience)


def export_zip(*, event_id: str, audience: Audience) -> bytes:
    """The export as a zip with one file per kind (no extension, as Open Event writes them)."""
    return openevent.zip_files(export_files(event_id=event_id, audience=audience))
