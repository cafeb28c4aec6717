"""The event's view model (public/view.py): what every page and feed reads of a session."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from datetime import UTC, datetime

import pytest
from chalicelib.public.bundle import Event, EventBundle, Room, Session
from chalicelib.site.render import event_view, render_event

pytestmark = pytest.mark.unit

BASE_URL = "http://podium.test"


@pytest.mark.parametrize(
    ("starts_at", "ends_at", "minutes"),
    [
        # New York springs forward at 02:00 on 8 March 2026: 01:30 EST to 03:30 EDT is one hour
        (datetime(2026, 3, 8, 6, 30, tzinfo=UTC), datetime(2026, 3, 8, 7, 30, tzinfo=UTC), 60),
        # and falls back at 02:00 on 1 November: 01:30 EDT to 01:30 EST is one hour too
        (datetime(2026, 11, 1, 5, 30, tzinfo=UTC), datetime(2026, 11, 1, 6, 30, tzinfo=UTC), 60),
    ],
)
def test_session_across_a_dst_change_lasts_its_real_minutes_in_every_feed(starts_at, ends_at, minutes):
    # GIVEN a talk in New York across the night's clock change
    event = Event(id="e1", slug="dst", name="DST", starts_at=starts_at, ends_at=ends_at, timezone="America/New_York")
    talk = Session(id="s1", title="Night talk", starts_at=starts_at, ends_at=ends_at, state="accepted", room_id="r1")
    bundle = EventBundle(event=event, rooms=(Room(id="r1", name="Hall"),), sessions=(talk,))

    # WHEN the view and the feeds are made
    [view] = event_view(bundle, base_url=BASE_URL).sessions
    files = render_event(bundle, base_url=BASE_URL)

    # THEN the talk lasts an hour everywhere (the wall clocks' difference said 2 hours, then 0)
    schedule = json.loads(files["e/dst/schedule.json"])["schedule"]
    [c3voc] = [t for day in schedule["conference"]["days"] for talks in day["rooms"].values() for t in talks]
    frab = ET.fromstring(files["e/dst/schedule.xml"]).find("day/room/event")
    assert view.duration_minutes == minutes
    assert c3voc["duration"] == frab.findtext("duration") == f"{minutes // 60:02d}:{minutes % 60:02d}"
