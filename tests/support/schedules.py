"""Small public bundles for the schedule writers and readers (c3voc schedule.json, frab XML, iCalendar),
and the shared exchange schemas they are checked against."""

from __future__ import annotations

import functools
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import jsonschema
import xmlschema
from chalicelib.public.bundle import Event, EventBundle, Room, Session, SessionType, Speaker, Track, public_bundle
from chalicelib.public.view import EventView

# CI clones the repo with ../shared beside it.
SCHEMAS = Path(__file__).resolve().parents[3] / "shared" / "schemas"
BASE_URL = "http://podium.test"
START = datetime(2026, 3, 14, 9, 0, tzinfo=UTC)


@functools.cache
def c3voc_validator() -> jsonschema.Draft7Validator:
    schema = json.loads((SCHEMAS / "c3voc-schedule.schema.json").read_text())
    return jsonschema.Draft7Validator(schema, format_checker=jsonschema.Draft7Validator.FORMAT_CHECKER)


@functools.cache
def frab_schema() -> xmlschema.XMLSchema:
    return xmlschema.XMLSchema(str(SCHEMAS / "frab-schedule.xml.xsd"))


def session(session_id: str, *, minutes_in: int = 0, length: int = 30, **fields) -> Session:
    starts_at = START + timedelta(minutes=minutes_in)
    values = {
        "id": session_id,
        "title": f"Talk {session_id}",
        "starts_at": starts_at,
        "ends_at": starts_at + timedelta(minutes=length),
        "state": "accepted",
        "room_id": "r1",
        "track_id": "t1",
        "session_type_id": "st1",
        "speaker_ids": ("p1",),
    }
    return Session(**(values | fields))


def bundle(*sessions: Session, event_id: str = "ev1", slug: str = "demo-2026", timezone: str = "Europe/Berlin") -> EventBundle:
    """A published event with one room, track, type and speaker around `sessions`."""
    event = Event(
        id=event_id,
        slug=slug,
        name="Demo Conference",
        starts_at=START,
        ends_at=START + timedelta(days=1),
        timezone=timezone,
    )
    return EventBundle(
        event=event,
        tracks=(Track(id="t1", name="Main Track", color="#336699"),),
        rooms=(Room(id="r1", name="Hall A"),),
        session_types=(SessionType(id="st1", name="Lightning Talk"),),
        sessions=sessions,
        speakers=(Speaker(id="p1", name="Ada Lovelace", session_ids=tuple(s.id for s in sessions)),),
    )


def view(made: EventBundle) -> EventView:
    return EventView(public_bundle(made), BASE_URL)

