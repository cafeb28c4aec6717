"""An event with everything an export carries (a team, posts, uploaded files, a call for papers,
tracks, rooms, a sponsor, speakers and timed sessions), and what of it must survive
export → import, in a form two events can be compared by."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

OWNER_ID = "round-trip-owner"


def rich_event() -> str:
    """A published event of its own (new id and slug each call); its id."""
    from chalicelib.db import content, keys
    from chalicelib.db.uploads import StoredFile
    from chalicelib.domain.roles import role_item

    event_id = "rt" + uuid.uuid4().hex[:10]
    start = datetime(2030, 6, 1, 7, tzinfo=UTC)
    cfp = content.CallForPapers(
        announcement="<p>Send talks</p>", starts_at=start - timedelta(days=90), ends_at=start - timedelta(days=30),
        privacy="public",
    )  # fmt: skip
    photo = StoredFile(upload_id="up" + event_id, key=f"files/speaker_photo/{OWNER_ID}/{event_id}/ada.png",
                       content_type="image/png", filename="ada.png", size=10)  # fmt: skip

    def child(model: type, kind: str, item_id: str, **fields: Any) -> Any:
        return model(*keys.child_key(event_id, kind, item_id), id=item_id, event_id=event_id, **fields)

    items = [
        content.Event(
            *keys.event_key(event_id), id=event_id, slug=f"round-trip-{event_id}", name=f"Round Trip {event_id}",
            state="published", timezone="Europe/Berlin", starts_at=start, ends_at=start + timedelta(days=1, hours=9),
            description="<p>All of it</p>", location_name="Hall", call_for_papers=cfp, email="org@example.org",
            gsi1pk=keys.slug_key(f"round-trip-{event_id}"), gsi1sk=keys.EVENT_SK,
        ),
        child(content.Track, "track", "web", name="Web", color="#0050eb"),
        child(content.Room, "room", "hall", name="Main Hall", floor=1),
        child(content.SessionType, "session_type", "talk", name="Talk", length_minutes=30),
        child(content.Sponsor, "sponsor", "acme", name="ACME", url="https://acme.example.org", tier="Gold", level=1),
        child(content.Speaker, "speaker", "ada", name="Ada", email="ada@example.org", photo_file=photo,
              short_biography="Counts", session_ids=["s1", "s2"]),
        child(content.Speaker, "speaker", "bob", name="Bob", organisation="Bobs", session_ids=["s2"]),
        child(content.Session, "session", "s1", title="Engines", state="accepted", track_id="web", room_id="hall",
              session_type_id="talk", speaker_ids=["ada"], starts_at=start + timedelta(hours=1),
              ends_at=start + timedelta(hours=1, minutes=30)),
        child(content.Session, "session", "s2", title="Looms", state="confirmed", room_id="hall",
              speaker_ids=["ada", "bob"], starts_at=start + timedelta(hours=2), ends_at=start + timedelta(hours=3)),
        child(content.Session, "session", "s3", title="Pending idea", state="pending", speaker_ids=["bob"]),
        child(content.Post, "post", "news", title="Doors open", body="<p>At nine</p>", published=True,
              published_at=start - timedelta(days=1)),
        child(content.Post, "post", "draft", title="Not yet", body="<p>Soon</p>", published=False),
    ]  # fmt: skip
    for item in items:
        item.stamp()
        item.save()
    role_item(event_id=event_id, user_id=OWNER_ID, role="owner").save()
    role_item(event_id=event_id, user_id="round-trip-organizer", role="organizer").save()
    return event_id


def _names(items: list[Any], ids: list[str] | None) -> list[str]:
    by_id = {i.id: i.name for i in items}
    return sorted(by_id[i] for i in ids or [] if i in by_id)


def comparable(event_id: str) -> dict[str, Any]:
    """The event's sessions, speakers, tracks, rooms, sponsors, posts and times, by name rather
    than id (an import gives records ids of its own)."""
    from chalicelib.db.queries import event_content

    found = event_content(event_id)
    event = found["event"][0]
    name_of = {kind: {i.id: i.name for i in found[kind]} for kind in ("track", "room", "session_type", "speaker")}
    cfp = event.call_for_papers
    return {
        "event": (event.name, event.starts_at, event.ends_at, event.timezone, cfp and cfp.starts_at, cfp and cfp.ends_at),
        "sessions": sorted(
            (s.title, s.state, s.starts_at, s.ends_at, name_of["track"].get(s.track_id), name_of["room"].get(s.room_id),
             name_of["session_type"].get(s.session_type_id), _names(found["speaker"], s.speaker_ids))
            for s in found["session"]
        ),
        "speakers": sorted(
            (s.name, s.email, s.short_biography, s.organisation, bool(s.photo_file or s.photo_url)) for s in found["speaker"]
        ),
        "tracks": sorted((t.name, t.color) for t in found["track"]),
        "rooms": sorted((r.name, r.floor) for r in found["room"]),
        "sponsors": sorted((s.name, s.url, s.tier, s.level) for s in found["sponsor"]),
        "posts": sorted((p.title, p.body, p.published, p.published_at) for p in found["post"]),
    }


def seen_by_visitors(found: dict[str, Any]) -> dict[str, Any]:
    """What of `comparable(...)` the public site's export carries: accepted and confirmed sessions,
    the speakers giving one (no emails), published posts, no call for papers (the pages show its
    state alone)."""
    sessions = [s for s in found["sessions"] if s[1] in ("accepted", "confirmed")]
    giving = {name for s in sessions for name in s[7]}
    return found | {
        "event": (*found["event"][:4], None, None),
        "sessions": sessions,
        "speakers": [(s[0], None, *s[2:]) for s in found["speakers"] if s[0] in giving],
        "posts": [p for p in found["posts"] if p[2]],
    }
