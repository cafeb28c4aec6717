"""The event's public Open Event export, `e/<slug>/openevent.zip`: what its pages show, in the
file `podium import`, `build_site.py --from-openevent` and Open Event's own tools read.

Written by the writer `podium export` uses (formats/openevent.py) for the visitors' audience
(domain/projections.py; its table, public/audiences.py, loads without the table models, which
a build from an export never reads), from the public bundle the pages are made from. The bundle
holds no private field and no unpublished item (public/bundle.py), and the writer leaves out
every field the projections keep from visitors: the file cannot carry more than the pages,
whichever of the two changes. One zip rather than a folder of files: one download that every
reader takes as it is, one file for the publish to compare. Its bytes depend on the bundle alone
(records sorted, keys sorted, fixed zip dates), so a render that changes nothing in it writes
nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from types import SimpleNamespace
from typing import Any

from chalicelib.formats import openevent
from chalicelib.public.audiences import VISITORS
from chalicelib.public.bundle import EventBundle
from chalicelib.public.memo import SameInputs
from chalicelib.public.view import EventView

FILE_NAME = "openevent.zip"


class _Fields(SimpleNamespace):
    """A public record as the writer reads an item: its own fields, the given ones, and None for
    any other (a field the public model does not hold is one visitors are not shown)."""

    def __getattr__(self, name: str) -> Any:  # only asked for names the record does not have
        return None


def _fields(record: Any, **given: Any) -> _Fields:
    return _Fields(**(vars(record) | given), _record=record)


def _unique(records: Iterable[Any]) -> list[Any]:
    """One record per id (an export may list a session twice; the pages show it once)."""
    return list({record.id: record for record in records}.values())


# Uploaded files are written as the links the pages show (the bundle's `*_url`), never as files.
_NO_FILES = {"logo_file": None, "banner_file": None, "photo_file": None, "slides_file": None}


def _items_by_kind(bundle: EventBundle) -> dict[str, list[Any]]:
    """The bundle as the writer's items by kind (formats/openevent.py `write_files`)."""
    event = bundle.event
    social = [SimpleNamespace(name=name, url=url) for name, url in event.social_links]
    return {
        # Only published events have a site; their call for papers shows as a state alone, so none is written.
        "event": [_fields(event, state="published", social_links=social, call_for_papers=None, **_NO_FILES)],
        "track": [_fields(t) for t in _unique(bundle.tracks)],
        "room": [_fields(r) for r in _unique(bundle.rooms)],
        "session_type": [_fields(t) for t in _unique(bundle.session_types)],
        "session": [_fields(s, **_NO_FILES) for s in _unique(bundle.sessions)],
        # A speaker's talks in id order: the table and an export list them in different orders.
        "speaker": [_fields(s, session_ids=sorted(s.session_ids), **_NO_FILES) for s in _unique(bundle.speakers)],
        "sponsor": [_fields(s, **_NO_FILES) for s in _unique(bundle.sponsors)],
        "post": [_fields(p, published=True) for p in _unique(bundle.posts)],  # the bundle holds published ones only
    }


def _written_from(bundle: EventBundle) -> dict[tuple[str, str], tuple]:
    """(kind, id) → the records a record's JSON is written from: its own, and those whose names or
    titles it carries (a session names its track, room, type and speakers; a speaker its talks)."""
    by_id = {
        kind: {r.id: r for r in records}
        for kind, records in (("track", bundle.tracks), ("room", bundle.rooms), ("session_type", bundle.session_types),
                              ("session", bundle.sessions), ("speaker", bundle.speakers))
    }  # fmt: skip
    found: dict[tuple[str, str], tuple] = {}
    for s in by_id["session"].values():
        speakers = tuple(by_id["speaker"].get(i) for i in s.speaker_ids)
        named = (by_id["track"].get(s.track_id), by_id["room"].get(s.room_id), by_id["session_type"].get(s.session_type_id))
        found["session", s.id] = (s, *named, *speakers)
    for sp in by_id["speaker"].values():
        found["speaker", sp.id] = (sp, *(by_id["session"].get(i) for i in sp.session_ids))
    return found


# Each record's JSON as last made, given back while what it is written from is the same objects
# (an unchanged record stays one object between renders: public/bundle.py), so an edit writes its
# own records again, not the event's thousands; and the zip while every record is the same.
RECORDS: SameInputs[bytes] = SameInputs(65536)
ZIPS: SameInputs[bytes] = SameInputs(256)


def public_export_zip(view: EventView) -> bytes:
    """The event's public Open Event export (v2, kebab-case) as a deterministic zip."""
    bundle = view.bundle
    # The event record is read afresh each render: its pickle is the same object while equal (and
    # holds the time zone every time is written in).
    made_with = view.event_pickle
    inputs = (made_with, bundle.tracks, bundle.rooms, bundle.session_types, bundle.sessions, bundle.speakers,
              bundle.sponsors, bundle.posts)  # fmt: skip

    def make() -> bytes:
        written_from = _written_from(bundle)

        def kept(kind: str, item: Any, make_record: Callable[[], bytes]) -> bytes:
            record_inputs = written_from.get((kind, item.id)) or (item._record,)
            return RECORDS.get((view.root, kind, item.id), (made_with, *record_inputs), make_record)

        files = openevent.write_files(_items_by_kind(bundle), audience=VISITORS, compact=True, kept=kept)
        return openevent.zip_files(files)

    return ZIPS.get(bundle.event.id, inputs, make)
