"""A small published demo event, so a first `podium dev` shows something real."""

from __future__ import annotations

from datetime import timedelta

from chalicelib.clock import clock
from chalicelib.db import content
from chalicelib.db.base import Item
from chalicelib.db.keys import EVENT_SK, PUBLISHED, child_sk, event_key, event_pk, slug_key

DEMO_ID = "demo00000001"


def seed_demo_event() -> str:
    """Write the demo event with tracks, rooms, speakers and sessions; returns its slug."""
    start = (clock().now() + timedelta(days=30)).replace(hour=1, minute=0, second=0, microsecond=0)
    pk = event_pk(DEMO_ID)
    items: list[Item] = [
        content.Event(
            *event_key(DEMO_ID),
            id=DEMO_ID,
            slug="podium-demo-conf",
            name="Podium Demo Conf",
            description="<p>A small conference to show what Podium builds. Edit it in the admin page.</p>",
            starts_at=start,
            ends_at=start + timedelta(days=1, hours=9),
            timezone="Asia/Singapore",
            location_name="Lifelong Learning Institute, Singapore",
            latitude=1.3202,
            longitude=103.8978,
            state="published",
            source_key="demo",
            gsi1pk=slug_key("podium-demo-conf"),
            gsi1sk=EVENT_SK,
            gsi2pk=PUBLISHED,
            gsi2sk=start.isoformat(),
        ),
        content.Track(pk, child_sk("track", "web"), id="web", event_id=DEMO_ID, name="Web", color="#0050eb"),
        content.Track(pk, child_sk("track", "data"), id="data", event_id=DEMO_ID, name="Data", color="#f5a623"),
        content.Room(pk, child_sk("room", "hall"), id="hall", event_id=DEMO_ID, name="Main Hall", floor=1, position=1),
        content.Room(pk, child_sk("room", "lab"), id="lab", event_id=DEMO_ID, name="Lab 2", floor=2, position=2),
        content.SessionType(pk, child_sk("session_type", "talk"), id="talk", event_id=DEMO_ID, name="Talk", length_minutes=30),
    ]
    speakers = [
        ("ada", "Ada Tan", "Open Data Lab"),
        ("ravi", "Ravi Kumar", "Static Sites Inc."),
        ("mei", "Mei Lin", "Podium"),
    ]
    talks = [
        ("intro", "Welcome to Podium Demo Conf", "hall", "web", ["mei"], 0),
        ("static", "Prerendered sites that never go down", "hall", "web", ["ravi"], 1),
        ("feeds", "Schedules every conference app can read", "lab", "data", ["ada", "mei"], 1),
        ("offline", "Offline schedules with service workers", "hall", "web", ["ravi"], 2),
        ("data", "Open data for open events", "lab", "data", ["ada"], 25),
    ]
    for speaker_id, name, organisation in speakers:
        session_ids = [t[0] for t in talks if speaker_id in t[4]]
        items.append(
            content.Speaker(
                pk,
                child_sk("speaker", speaker_id),
                id=speaker_id,
                event_id=DEMO_ID,
                name=name,
                organisation=organisation,
                email=f"{speaker_id}@example.org",
                session_ids=session_ids,
            )
        )
    for session_id, title, room, track, speaker_ids, hour in talks:
        begins = start + timedelta(hours=hour)
        items.append(
            content.Session(
                pk,
                child_sk("session", session_id),
                id=session_id,
                event_id=DEMO_ID,
                title=title,
                short_abstract=f"{title}: a demo session.",
                starts_at=begins,
                ends_at=begins + timedelta(minutes=45),
                room_id=room,
                track_id=track,
                session_type_id="talk",
                speaker_ids=speaker_ids,
                state="accepted",
            )
        )
    for item in items:
        item.stamp()
        item.save()
    return "podium-demo-conf"
