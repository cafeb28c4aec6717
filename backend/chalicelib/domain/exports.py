"""Export an event as an Open Event export: which items, for whom, and the job that does it.

The file format itself (v2, kebab-case, the shape `read_export` reads) is written by
chalicelib/formats/openevent.py. Each field the projections (domain/projections.py) keep
from the audience stays out of the file: the same rule as the API's.
"""

from __future__ import annotations

from chalicelib.actors import Actor
from chalicelib.db.queries import event_content
from chalicelib.domain.event_access import require
from chalicelib.domain.events import get_event
from chalicelib.domain.projections import Audience, for_items, visible_items
from chalicelib.domain.uploads import public_url
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
    items_by_kind = event_content(event_id)
    # The team's exports leave out what the team does not see (speakers' unsubmitted proposals).
    if audience.sees_unpublished:
        items = [item for kind_items in items_by_kind.values() for item in kind_items]
        audience = for_items(audience, items, event_id=event_id)
        shown = {id(item) for item in visible_items(items, audience)}
        items_by_kind = {kind: [i for i in kind_items if id(i) in shown] for kind, kind_items in items_by_kind.items()}
    if not items_by_kind["event"]:
        raise NotFound("no such event")
    return openevent.write_files(items_by_kind, audience=audience, file_url=lambda stored: public_url(stored.key))


def export_zip(*, event_id: str, audience: Audience) -> bytes:
    """The export as a zip with one file per kind (no extension, as Open Event writes them)."""
    return openevent.zip_files(export_files(event_id=event_id, audience=audience))
