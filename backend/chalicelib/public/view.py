"""Lookups and local times of one public bundle, computed once per render."""

from __future__ import annotations

import bisect
import copy
import functools
import hashlib
import pickle
import sys
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from zoneinfo import ZoneInfo

from .bundle import Break, EventBundle, Room, Session, SessionType, Speaker, Sponsor, Track
from .memo import SameInputs

NO_ROOM = Room(id="", name="Room to be announced", position=10_000)

# Views of unchanged records stay the same objects from one render to the next (memo.SameInputs),
# so the pages made from them are known unchanged by identity.
SESSION_VIEWS: SameInputs = SameInputs(65536)
SPEAKER_VIEWS: SameInputs = SameInputs(65536)
BREAK_VIEWS: SameInputs = SameInputs(4096)
EVENT_PICKLES: SameInputs[bytes] = SameInputs(1024)


@dataclass(frozen=True)
class SessionView:
    session: Session
    url: str
    track: Track | None
    room: Room | None
    session_type: SessionType | None
    speakers: tuple[Speaker, ...]
    local_start: datetime | None
    local_end: datetime | None
    # The integer id formats want (frab, c3voc): unique in the event (session_numbers), 0 outside one.
    number: int = 0

    @property
    def day(self) -> str | None:
        return self.local_start.date().isoformat() if self.local_start else None

    @property
    def duration_minutes(self) -> int:
        if not self.local_start or not self.local_end:
            return 0
        # Instants, not wall clocks: in one zone Python subtracts wall times, and a talk across a
        # night's clock change lasted an hour more or less in every feed.
        return max(0, int((self.local_end.timestamp() - self.local_start.timestamp()) // 60))


@dataclass(frozen=True)
class BreakView:
    """A break in the event's local time."""

    brk: Break
    local_start: datetime
    local_end: datetime


def breaks_of_day(breaks: Iterable[BreakView], day: date) -> tuple[BreakView, ...]:
    """The breaks starting on `day` (local)."""
    return tuple(b for b in breaks if b.local_start.date() == day)


@dataclass(frozen=True)
class DayView:
    index: int
    date: date
    sessions: tuple[SessionView, ...]
    breaks: tuple[BreakView, ...] = ()  # the event's breaks that day (public day grids draw them)

    @property
    def iso(self) -> str:
        return self.date.isoformat()


@dataclass(frozen=True)
class SpeakerView:
    speaker: Speaker
    url: str
    sessions: tuple[SessionView, ...]


@dataclass
class EventView:
    bundle: EventBundle
    base_url: str
    tz: ZoneInfo = field(init=False)
    root: str = field(init=False)

    def __post_init__(self) -> None:
        # Interned: pieces made from them find them the very same objects next render (memo.same).
        self.base_url = sys.intern(self.base_url.rstrip("/"))
        self.tz = ZoneInfo(self.event.timezone)
        self.root = sys.intern(f"/e/{self.event.slug}/")
        self.tracks_by_id = {t.id: t for t in self.bundle.tracks}
        self.rooms_by_id = {r.id: r for r in self.bundle.rooms}
        self.types_by_id = {t.id: t for t in self.bundle.session_types}
        self.speakers_by_id = {s.id: s for s in self.bundle.speakers}
        # A session listed twice (exports do that) is shown once: every feed's guid and UID is per session.
        unique = {}
        for session in self.bundle.sessions:
            unique.setdefault(session.id, session)
        self.numbers = session_numbers(unique)
        self.sessions = tuple(sorted((self._session_view(s) for s in unique.values()), key=_session_order))
        self.sessions_by_id = {v.session.id: v for v in self.sessions}
        self.sessions_by_track = _grouped(self.sessions, lambda v: v.track.id if v.track else None)
        self.sessions_by_room = _grouped(self.sessions, lambda v: v.room.id if v.room else None)
        self.breaks = tuple(
            BREAK_VIEWS.get((self.root, b.id), (b, self.event.timezone),
                            lambda b=b: BreakView(b, self.local(b.starts_at), self.local(b.ends_at)))
            for b in sorted(self.bundle.breaks, key=lambda b: (b.starts_at, b.id))
        )  # fmt: skip
        self.days = self._days()
        self.speakers = self._speaker_views()

    @property
    def event(self):
        return self.bundle.event

    @functools.cached_property
    def event_pickle(self) -> bytes:
        """The event record as bytes: what pieces made from it compare (it is read afresh each render);
        the same bytes object as last render's while equal, so comparing it is one identity check."""
        made = pickle.dumps(self.event, protocol=5)
        return EVENT_PICKLES.get(self.root, (made,), lambda: made)

    def local(self, moment: datetime | None) -> datetime | None:
        return moment.astimezone(self.tz) if moment else None

    def absolute(self, path: str) -> str:
        return f"{self.base_url}{path}"

    def _session_view(self, session: Session) -> SessionView:
        speakers = tuple(self.speakers_by_id[i] for i in session.speaker_ids if i in self.speakers_by_id)
        track = self.tracks_by_id.get(session.track_id or "")
        room = self.rooms_by_id.get(session.room_id or "")
        session_type = self.types_by_id.get(session.session_type_id or "")
        number = self.numbers.get(session.id, 0)
        return SESSION_VIEWS.get(
            (self.root, session.id),
            (session, track, room, session_type, speakers, self.event.timezone, number),
            lambda: SessionView(
                session=session,
                url=f"{self.root}sessions/{session.id}/",
                track=track,
                room=room,
                session_type=session_type,
                speakers=speakers,
                local_start=self.local(session.starts_at),
                local_end=self.local(session.ends_at),
                number=number,
            ),
        )

    def _days(self) -> tuple[DayView, ...]:
        by_day: dict[date, list[SessionView]] = {}
        for view in self.sessions:
            if view.local_start:
                by_day.setdefault(view.local_start.date(), []).append(view)
        return tuple(
            DayView(i, d, tuple(by_day[d]), breaks_of_day(self.breaks, d)) for i, d in enumerate(sorted(by_day), start=1)
        )

    @property
    def unscheduled(self) -> tuple[SessionView, ...]:
        return tuple(v for v in self.sessions if not v.local_start)

    def _speaker_views(self) -> tuple[SpeakerView, ...]:
        return tuple(map(self._speaker_view, sorted(self.bundle.speakers, key=_speaker_order)))

    def _speaker_view(self, speaker: Speaker) -> SpeakerView:
        sessions = tuple(self.sessions_by_id[i] for i in speaker.session_ids if i in self.sessions_by_id)
        ordered = tuple(sorted(sessions, key=_session_order))
        return SPEAKER_VIEWS.get(
            (self.root, speaker.id),
            (speaker, ordered),
            lambda: SpeakerView(speaker, f"{self.root}speakers/{speaker.id}/", ordered),
        )

    def patched(
        self, bundle: EventBundle, changed: Sequence[tuple[Session, Session]], changed_speakers: Sequence[str] = ()
    ) -> EventView:
        """The view of `bundle`, which differs from this view's bundle in the own fields of the
        `changed` sessions ((before, after)) and `changed_speakers` alone (bundle.patched_public_bundle):
        their views and those of the sessions of those speakers are made again and put in their
        places, then the speakers' views of all of those and the groups; the rest is kept."""
        view = copy.copy(self)
        view.bundle = bundle
        view.__dict__.pop("event_pickle", None)  # read afresh from the new event record
        if changed_speakers:  # a session's view holds its speakers: theirs are made again too
            view.speakers_by_id = {s.id: s for s in bundle.speakers}
            again = {after.id for _, after in changed}
            spoken = dict.fromkeys(i for s in changed_speakers for i in view.speakers_by_id[s].session_ids)
            changed = [*changed, *((self.sessions_by_id[i].session,) * 2 for i in spoken
                                   if i in self.sessions_by_id and i not in again)]  # fmt: skip
        sessions, speaker_ids = list(self.sessions), set(changed_speakers)
        for before, after in changed:
            del sessions[bisect.bisect_left(sessions, _session_order(self.sessions_by_id[before.id]), key=_session_order)]
            bisect.insort(sessions, view._session_view(after), key=_session_order)
            speaker_ids.update(after.speaker_ids)
        view.sessions = tuple(sessions)
        view.sessions_by_id = {v.session.id: v for v in view.sessions}
        view.sessions_by_track = _grouped(view.sessions, lambda v: v.track.id if v.track else None)
        view.sessions_by_room = _grouped(view.sessions, lambda v: v.room.id if v.room else None)
        view.days = view._days()
        kept = {v.speaker.id: v for v in self.speakers} if changed_speakers else {}
        view.speakers = (
            tuple(view._speaker_view(s) if s.id in speaker_ids else kept[s.id] for s in sorted(bundle.speakers, key=_speaker_order))
            if changed_speakers  # a name may have moved in the list
            else tuple(view._speaker_view(v.speaker) if v.speaker.id in speaker_ids else v for v in self.speakers)
        )
        return view

    def rooms_in_order(self) -> tuple[Room, ...]:
        return tuple(sorted(self.bundle.rooms, key=lambda r: (r.position, r.name, r.id)))

    def tracks_in_order(self) -> tuple[Track, ...]:
        return tuple(sorted(self.bundle.tracks, key=lambda t: (t.name.casefold(), t.id)))

    def sponsors_by_tier(self) -> list[tuple[str, list[Sponsor]]]:
        tiers: dict[tuple[int, str], list[Sponsor]] = {}
        for sponsor in sorted(
            self.bundle.sponsors,
            key=lambda s: (s.level, s.tier, s.name.casefold(), s.id),
        ):
            tiers.setdefault((sponsor.level, sponsor.tier), []).append(sponsor)
        return [(tier or "Sponsors", sponsors) for (_, tier), sponsors in tiers.items()]

    def session_uuid(self, session_id: str) -> str:
        return str(uuid.uuid5(uuid.NAMESPACE_URL, f"podium:{self.event.id}:session:{session_id}"))

    def room_uuid(self, room_id: str) -> str:
        return str(uuid.uuid5(uuid.NAMESPACE_URL, f"podium:{self.event.id}:room:{room_id}"))

    def speaker_uuid(self, speaker_id: str) -> str:
        return str(uuid.uuid5(uuid.NAMESPACE_URL, f"podium:{self.event.id}:speaker:{speaker_id}"))


def _grouped(sessions: tuple[SessionView, ...], key) -> dict[str, tuple[SessionView, ...]]:
    """Sessions by a key (None left out), each group in the sessions' order."""
    groups: dict[str, list[SessionView]] = {}
    for view in sessions:
        if (found := key(view)) is not None:
            groups.setdefault(found, []).append(view)
    return {k: tuple(v) for k, v in groups.items()}


def session_numbers(session_ids: Iterable[str]) -> dict[str, int]:
    """Each session's integer id: its `stable_number`, or the next free one when another session of
    the event has it (ids taken in sorted order, so the same sessions always get the same numbers)."""
    numbers: dict[str, int] = {}
    taken: set[int] = set()
    for session_id in sorted(session_ids):
        number = stable_number(session_id)
        while number in taken:
            number = number % 999_999_999 + 1
        taken.add(number)
        numbers[session_id] = number
    return numbers


def stable_number(text: str) -> int:
    return int.from_bytes(hashlib.sha1(text.encode(), usedforsecurity=False).digest()[:4], "big") % 999_999_999 + 1


def _speaker_order(speaker: Speaker) -> tuple[str, str]:
    return (speaker.name.casefold(), speaker.id)


def _session_order(view: SessionView) -> tuple:
    start = view.session.starts_at.timestamp() if view.session.starts_at else float("inf")
    room = view.room.position if view.room else NO_ROOM.position
    return (start, room, view.session.title.casefold(), view.session.id)
