"""Public view model of one event: what a visitor may see, and nothing else.

There are deliberately no private fields here (email, phone, comments), so a
template cannot leak them however it is written.
"""

from __future__ import annotations

import dataclasses
import operator
import sys
import weakref
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from .memo import SameInputs
from .safe_values import safe_record

# The session states visitors see. Defined here, in the public model, because the schedule
# writers (formats/) sit below the domain; domain/session_states.py and the projections read it
# from here. Every field below is held to the projections: tests/domain/test_projections.py
# checks these classes hold only fields public there.
PUBLIC_SESSION_STATES = frozenset({"accepted", "confirmed"})


@dataclass(frozen=True)
class Picture:
    """An uploaded image as the site shows it: its thumbnails as (url, width, height), smallest
    first, each with its real size, so every <img> can carry width and height (no layout shift)."""

    versions: tuple[tuple[str, int, int], ...]

    def __bool__(self) -> bool:
        """A picture with no thumbnail is no picture: templates test `{% if picture %}`."""
        return bool(self.versions)

    def shown(self, box_width: int, box_height: int) -> tuple[str, int, int]:
        """(url, width, height) to show the image inside a box of CSS pixels: aspect kept, never
        enlarged past the file, from the smallest thumbnail sharp on a 2x screen (else the largest)."""
        fitted = [(url, *_fit(width, height, box_width, box_height)) for url, width, height in self.versions]
        for (url, shown_width, shown_height), (_, width, _) in zip(fitted, self.versions, strict=True):
            if width >= 2 * shown_width:
                return url, shown_width, shown_height
        return fitted[-1]


def _fit(width: int, height: int, box_width: int, box_height: int) -> tuple[int, int]:
    scale = min(box_width / width, box_height / height, 1.0)
    return max(1, round(width * scale)), max(1, round(height * scale))


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
    logo_file: Picture | None = None
    banner_file: Picture | None = None
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
class Break:
    """A break on the schedule (lunch, coffee): public, in the rooms it names or in every room when
    it names none. Live in both release modes: a release snapshots sessions, not breaks."""

    id: str
    title: str
    starts_at: datetime
    ends_at: datetime
    room_ids: tuple[str, ...] = ()


@dataclass(frozen=True)
class Room:
    id: str
    name: str
    floor: int | None = None
    position: int = 0
    guid: str = ""  # kept from a c3voc/frab schedule


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
    # (question, answer) of the custom questions published with the session, in the questions' order
    # (site/from_db.py joins them): organizer-only answers never reach this model.
    published_answers: tuple[tuple[str, str], ...] = ()
    # Kept from c3voc/frab schedules (db/content.py): the origin's guid, links and attachments as
    # (type, title, url) with type and title possibly empty, and the recording wishes.
    guid: str = ""
    links: tuple[tuple[str, str, str], ...] = ()
    attachments: tuple[tuple[str, str, str], ...] = ()
    logo_url: str = ""
    feedback_url: str = ""
    recording_license: str = ""
    do_not_record: bool | None = None
    do_not_stream: bool | None = None


def references(listed: Iterable[Any] | None) -> tuple[tuple[str, str, str], ...]:
    """Links or attachments, stored (maps) or read ({"type", "title", "url"} dicts), as the bundle keeps them."""
    found = []
    for reference in listed or ():
        get = reference.get if isinstance(reference, dict) else lambda name, r=reference: getattr(r, name, None)
        if get("url"):
            found.append((str(get("type") or ""), str(get("title") or ""), str(get("url"))))
    return tuple(found)


@dataclass(frozen=True)
class Speaker:
    id: str
    name: str
    photo_url: str = ""
    photo_file: Picture | None = None
    short_biography: str = ""
    long_biography: str = ""
    organisation: str = ""
    position: str = ""
    country: str = ""
    website: str = ""
    twitter: str = ""
    featured: bool = False
    session_ids: tuple[str, ...] = ()
    guid: str = ""  # kept from a c3voc/frab schedule


@dataclass(frozen=True)
class Sponsor:
    id: str
    name: str
    description: str = ""
    url: str = ""
    logo_url: str = ""
    logo_file: Picture | None = None
    tier: str = ""
    level: int = 0


@dataclass(frozen=True)
class Post:
    id: str
    title: str
    body: str
    published_at: datetime


@dataclass(frozen=True)
class ScheduleChange:
    """One line of a release's changelog: a session new to the schedule, moved, canceled or in
    another room; its place before and after (times UTC, room names as they were at the release)."""

    kind: str  # new | moved | canceled | room_changed
    session_id: str
    title: str
    before_starts_at: datetime | None = None
    before_ends_at: datetime | None = None
    before_room: str = ""
    after_starts_at: datetime | None = None
    after_ends_at: datetime | None = None
    after_room: str = ""


@dataclass(frozen=True)
class ScheduleRelease:
    """A released version of the schedule, for the public changelog and its Atom feed."""

    id: str
    number: int  # 1, 2, … in the order released
    version: str
    comment: str
    released_at: datetime
    changes: tuple[ScheduleChange, ...] = ()


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
    # The schedule's released versions, oldest first (the changelog), and the version string the
    # feeds carry: the shown release's in manual mode, "" in auto mode (the feeds' own default).
    releases: tuple[ScheduleRelease, ...] = ()
    schedule_version: str = ""
    breaks: tuple[Break, ...] = ()


def safe_bundle(bundle: EventBundle) -> EventBundle:
    """Every record of the bundle through safe_values.safe_record."""
    where = sys.intern(f"event {bundle.event.id}: ")  # the same object each render: compared by identity
    return EventBundle(
        event=safe_record(bundle.event),
        **{
            name: SAFE_KINDS.get(
                (name, where), (getattr(bundle, name),), lambda name=name: _safe_records(getattr(bundle, name), where)
            )
            for name in ("tracks", "rooms", "session_types", "sessions", "speakers", "sponsors", "posts", "breaks")
        },
        releases=bundle.releases,  # made safe when read (site/from_db.py)
        schedule_version=bundle.schedule_version,
    )


def _safe_records(records: tuple, where: str) -> tuple:
    return tuple(_safe_record(r, where) for r in records)


def _safe_record(record: Any, where: str) -> Any:
    return SAFE_RECORDS.get((type(record).__name__, record.id), (record, where), lambda: safe_record(record, where=where))


# Each record's safe form and its public cross-links, kept while the record is the same object:
# an unchanged record then stays one object through the whole render (memo.SameInputs), so the
# pages made from it are found unchanged without being compared byte by byte.
SAFE_RECORDS: SameInputs = SameInputs(65536)
# A kind whose records are all the very same as last render's (one identity check each, in C)
# gives back the same tuple of safe records without asking per record.
SAFE_KINDS: SameInputs = SameInputs(1024)
LINKED_RECORDS: SameInputs = SameInputs(65536)


def is_public_session(session: Session) -> bool:
    return session.state in PUBLIC_SESSION_STATES


# The bundles public_bundle made, while they live: given one again (an export's bundle reaching
# render.event_view), it is public already and is given back rather than cleaned a second time
# (0.09 s at 8 times FOSSASIA's size). Keyed by id: an entry goes when its bundle does.
_MADE_PUBLIC: weakref.WeakValueDictionary[int, EventBundle] = weakref.WeakValueDictionary()


def public_bundle(bundle: EventBundle) -> EventBundle:
    """Keep accepted/confirmed sessions and only the speakers who give one, every value made
    safe for the site's formats (safe_values.py)."""
    if _MADE_PUBLIC.get(id(bundle)) is bundle:
        return bundle
    made = _made_public(bundle)
    _MADE_PUBLIC[id(made)] = made
    return made


def _made_public(bundle: EventBundle) -> EventBundle:
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
            speakers.append(_linked(speaker, "session_ids", session_ids))
    speaker_ids = {s.id for s in speakers}
    sessions = tuple(_linked(s, "speaker_ids", tuple(i for i in s.speaker_ids if i in speaker_ids)) for s in sessions)
    return dataclasses.replace(bundle, sessions=sessions, speakers=tuple(speakers))


# Past this many changed sessions and speakers an edit's view is made whole (a schedule import).
PATCHED_RECORDS = 64
# Kinds whose records must all be the very same objects for a bundle to be patched.
KEPT_KINDS = ("tracks", "rooms", "session_types", "sponsors", "posts", "releases", "breaks")


def patched_public_bundle(
    before: EventBundle, public_before: EventBundle, bundle: EventBundle
) -> tuple[EventBundle, list[tuple[Session, Session]], list[str]] | None:
    """`public_bundle(bundle)`, made from `public_before` (`public_bundle(before)`) when `bundle`
    differs from `before` in a few sessions' and speakers' own fields alone (each keeps its id, its
    links, and a session whether it is public): only those are made safe and linked again. Beside
    it, (before, after) of each public session and the id of each public speaker that changed.
    None for any other change: then make it whole."""
    if bundle.event != before.event or bundle.schedule_version != before.schedule_version:
        return None
    if any(not _all_same(getattr(bundle, kind), getattr(before, kind)) for kind in KEPT_KINDS):
        return None
    sessions = _changed_alone(before.sessions, bundle.sessions, lambda s: (s.id, s.speaker_ids, is_public_session(s)))
    speakers = _changed_alone(before.speakers, bundle.speakers, lambda s: (s.id, s.session_ids))
    if sessions is None or speakers is None or len(sessions) + len(speakers) > PATCHED_RECORDS:
        return None
    public_sessions, public_speakers = list(public_before.sessions), list(public_before.speakers)
    at = {s.id: k for k, s in enumerate(public_sessions)}
    speaker_at = {s.id: k for k, s in enumerate(public_speakers)}
    if len(at) != len(public_sessions) or len(speaker_at) != len(public_speakers):  # a record listed twice
        return None
    where = sys.intern(f"event {bundle.event.id}: ")
    speaker_ids = set(speaker_at)
    pairs, changed_speakers = [], []
    for session in (s for s in sessions if is_public_session(s)):
        safe = _safe_record(session, where)
        linked = _linked(safe, "speaker_ids", tuple(i for i in safe.speaker_ids if i in speaker_ids))
        pairs.append((public_sessions[at[session.id]], linked))
        public_sessions[at[session.id]] = linked
    for speaker in (s for s in speakers if s.id in speaker_at):  # the others give no public session
        kept = public_speakers[speaker_at[speaker.id]]
        # Its links are those it had: the same session ids, and no session changed its speakers.
        public_speakers[speaker_at[speaker.id]] = _linked(_safe_record(speaker, where), "session_ids", kept.session_ids)
        changed_speakers.append(speaker.id)
    public = dataclasses.replace(
        public_before, event=safe_record(bundle.event), sessions=tuple(public_sessions), speakers=tuple(public_speakers)
    )
    return public, pairs, changed_speakers


def _changed_alone(old: tuple, new: tuple, links: Callable[[Any], tuple]) -> list | None:
    """The records of `new` that are not the very same objects as in `old`, when at most
    PATCHED_RECORDS changed and each kept its place and its `links`."""
    if len(old) != len(new):
        return None
    changed = [i for i, kept in enumerate(map(operator.is_, old, new)) if not kept]
    if len(changed) > PATCHED_RECORDS or any(links(old[i]) != links(new[i]) for i in changed):
        return None
    return [new[i] for i in changed]


def _all_same(a: tuple, b: tuple) -> bool:
    return a is b or (len(a) == len(b) and all(map(operator.is_, a, b)))


def _linked(record, field: str, ids: tuple[str, ...]):
    """`record` with `field` set to `ids`; the same object as last time for the same inputs."""
    return LINKED_RECORDS.get(
        (type(record).__name__, record.id), (record, ids), lambda: dataclasses.replace(record, **{field: ids})
    )
