"""Public view model of one event: what a visitor may see, and nothing else.

There are deliberately no private fields here (email, phone, comments), so a
template cannot leak them however it is written.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import datetime

from .safe_values import safe_record

# The session states visitors see. Defined here, in the public model, because the schedule
# writers (formats/) sit below the domain; domain/session_states.py and the projections read it
# from here. Every field below is held to the projections: tests/domain/test_projections.py
# checks these classes hold only fields public there.
PUBLIC_SESSION_STATES = frozenset({"accepted", "confirmed"})


@dataclass(frozen=True)
class Event:
    id: str
    slug: str
    name: str
    starts_at: datetime
    ends_at: datetime
    timezone: str
    description: str = ""
    location_name: str = ""
    latitude: float | None = None
    longitude: float | None = None
    logo_url: str = ""
    banner_url: str = ""
    organizer_name: str = ""
    organizer_description: str = ""
    ticket_url: str = ""
    code_of_conduct: str = ""
    licence: str = ""
    social_links: tuple[tuple[str, str], ...] = ()
    cfp_state: str | None = None
    proposal_url: str = ""  # where visitors submit talks while the call is open (sites built from the table)
    published: bool = True


@dataclass(frozen=True)
class Track:
    id: str
    name: str
    description: str = ""
    color: str = "#5c6b7a"
    text_color: str = "#ffffff"


@dataclass(frozen=True)
class Room:
    id: str
    name: str
    floor: int | None = None
    position: int = 0


@dataclass(frozen=True)
class SessionType:
    id: str
    name: str
    length_minutes: int | None = None


@dataclass(frozen=True)
class Session:
    id: str
    title: str
    starts_at: datetime | None
    ends_at: datetime | None
    state: str
    subtitle: str = ""
    short_abstract: str = ""
    long_abstract: str = ""
    language: str = ""
    level: str = ""
    track_id: str | None = None
    room_id: str | None = None
    session_type_id: str | None = None
    speaker_ids: tuple[str, ...] = ()
    slides_url: str = ""
    video_url: str = ""
    audio_url: str = ""


@dataclass(frozen=True)
class Speaker:
    id: str
    name: str
    photo_url: str = ""
    short_biography: str = ""
    long_biography: str = ""
    organisation: str = ""
    position: str = ""
    country: str = ""
    website: str = ""
    twitter: str = ""
    featured: bool = False
    session_ids: tuple[str, ...] = ()


@dataclass(frozen=True)
class Sponsor:
    id: str
    name: str
    description: str = ""
    url: str = ""
    logo_url: str = ""
    tier: str = ""
    level: int = 0


@dataclass(frozen=True)
class Post:
    id: str
    title: str
    body: str
    published_at: datetime


@dataclass(frozen=True)
class EventBundle:
    event: Event
    tracks: tuple[Track, ...] = ()
    rooms: tuple[Room, ...] = ()
    session_types: tuple[SessionType, ...] = ()
    sessions: tuple[Session, ...] = ()
    speakers: tuple[Speaker, ...] = ()
    sponsors: tuple[Sponsor, ...] = ()
    posts: tuple[Post, ...] = ()


def safe_bundle(bundle: EventBundle) -> EventBundle:
    """Every record of the bundle through safe_values.safe_record."""
    where = f"event {bundle.event.id}: "
    return EventBundle(
        event=safe_record(bundle.event),
        **{
            name: tuple(safe_record(record, where=where) for record in getattr(bundle, name))
            for name in ("tracks", "rooms", "session_types", "sessions", "speakers", "sponsors", "posts")
        },
    )


def is_public_session(session: Session) -> bool:
    return session.state in PUBLIC_SESSION_STATES


def public_bundle(bundle: EventBundle) -> EventBundle:
    """Keep accepted/confirmed sessions and only the speakers who give one, every value made
    safe for the site's formats (safe_values.py)."""
    bundle = safe_bundle(bundle)
    sessions = tuple(s for s in bundle.sessions if is_public_session(s))
    sessions_by_speaker: dict[str, list[str]] = {}
    for session in sessions:
        for speaker_id in session.speaker_ids:
            sessions_by_speaker.setdefault(speaker_id, []).append(session.id)
    public_ids = {s.id for s in sessions}
    speakers = []
    for speaker in bundle.speakers:
        listed = [i for i in speaker.session_ids if i in public_ids]
        session_ids = tuple(dict.fromkeys(sessions_by_speaker.get(speaker.id, []) + listed))
        if session_ids:
            speakers.append(dataclasses.replace(speaker, session_ids=session_ids))
    speaker_ids = {s.id for s in speakers}
    sessions = tuple(
        dataclasses.replace(s, speaker_ids=tuple(i for i in s.speaker_ids if i in speaker_ids)) for s in sessions
    )
    return dataclasses.replace(bundle, sessions=sessions, speakers=tuple(speakers))
