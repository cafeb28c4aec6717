"""Schedule conflicts: every rule that says something on an event's schedule clashes, in one place.

Rules (`RULES`): `room_overlap` (two sessions in one room at once), `speaker_overlap` (a speaker
in two sessions at once), `speaker_unavailable` (a session outside a speaker's availability, when
they gave any), `outside_event` (a session not within the event's days, in its time zone) and
`block_overlap` (a session overlapping a break or blocker of its room, or of all rooms).

`conflicts_in` is pure: it takes the items and decides. Times are half-open ranges, so a session
ending at 11:00 and one starting at 11:00 do not clash. Overlaps are found by sorting each room's
and each speaker's sessions by start and sweeping, never by comparing all pairs: 600 sessions in
20 rooms take milliseconds (bench/schedule_conflicts.py). `session_conflicts` and
`event_conflicts` read what the rules need from the table and call it: every session write
answer, the conflicts list and the admin grid get the same warnings from here.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from chalicelib.db import content
from chalicelib.db.base import Item
from chalicelib.db.keys import child_key
from chalicelib.db.live import is_live
from chalicelib.db.queries import child_models
from chalicelib.domain.content import NOT_TRASHED, list_all
from chalicelib.domain.session_states import is_speaker_draft

RULES = ("room_overlap", "speaker_overlap", "speaker_unavailable", "outside_event", "block_overlap")
# Sessions in these states hold no place on the schedule, whatever times they still carry.
NOT_SCHEDULED_STATES = frozenset({"rejected", "withdrawn", "canceled"})


@dataclass(frozen=True)
class ScheduleConflict:
    """One clash: the rule, a sentence naming titles, speakers and rooms, and the ids involved."""

    rule: str
    message: str
    session_ids: tuple[str, ...]
    speaker_ids: tuple[str, ...] = ()
    room_id: str | None = None
    block_id: str | None = None

    def as_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"rule": self.rule, "message": self.message, "session_ids": list(self.session_ids)}
        if self.speaker_ids:
            data["speaker_ids"] = list(self.speaker_ids)
        if self.room_id is not None:
            data["room_id"] = self.room_id
        if self.block_id is not None:
            data["block_id"] = self.block_id
        return data


def is_scheduled(session: Any) -> bool:
    """Whether a session holds a place on the schedule: a room, times in order, a live state."""
    return bool(
        session.room_id
        and session.starts_at
        and session.ends_at
        and session.starts_at < session.ends_at
        and session.state not in NOT_SCHEDULED_STATES
        and not getattr(session, "trashed_at", None)
        and not is_speaker_draft(session)  # the organizers do not even see it
    )


def conflicts_in(
    *,
    event: Any,
    sessions: Iterable[Any],
    speakers: Iterable[Any] = (),
    rooms: Iterable[Any] = (),
    blocks: Iterable[Any] = (),
) -> list[ScheduleConflict]:
    """Every conflict among these items of one event, in a stable order. Speakers, rooms and
    blocks missing from the lists only lose their names (and a missing speaker's availability)."""
    scheduled = sorted((s for s in sessions if is_scheduled(s)), key=_by_time)
    speakers_by_id = {s.id: s for s in speakers}
    names = _Names(speakers_by_id, {r.id: r for r in rooms})
    live_blocks = [b for b in blocks if b.starts_at and b.ends_at and b.starts_at < b.ends_at
                   and not getattr(b, "trashed_at", None)]  # fmt: skip
    found = [
        *_room_overlaps(scheduled, names),
        *_speaker_overlaps(scheduled, names),
        *_unavailable_speakers(scheduled, speakers_by_id, names),
        *_outside_event(scheduled, event),
        *_block_overlaps(scheduled, live_blocks, names),
    ]
    return sorted(found, key=lambda c: (RULES.index(c.rule), c.session_ids, c.speaker_ids, c.block_id or ""))


def conflicts_naming(conflicts: Iterable[ScheduleConflict], session_id: str) -> list[ScheduleConflict]:
    """The conflicts `session_id` is part of."""
    return [c for c in conflicts if session_id in c.session_ids]


# -- the rules ---------------------------------------------------------------------------------


def _by_time(item: Any) -> tuple[datetime, datetime, str]:
    return item.starts_at, item.ends_at, item.id


def _overlapping_pairs(items: list[Any]) -> Iterator[tuple[Any, Any]]:
    """Each pair of `items` (sorted by `_by_time`) whose times overlap, once and in id order (a
    pair's conflict is the same whichever item is written): a sweep that keeps only the items
    still running at each start, so its cost follows the overlaps, not all pairs."""
    running: list[Any] = []
    for item in items:
        running = [r for r in running if r.ends_at > item.starts_at]
        for earlier in running:
            yield _pair(earlier, item)
        running.append(item)


def _pair(a: Any, b: Any) -> tuple[Any, Any]:
    """The two in id order."""
    return (a, b) if a.id <= b.id else (b, a)


def _room_overlaps(scheduled: list[Any], names: _Names) -> Iterator[ScheduleConflict]:
    by_room: dict[str, list[Any]] = defaultdict(list)
    for session in scheduled:
        by_room[session.room_id].append(session)
    for room_id, in_room in by_room.items():
        for a, b in _overlapping_pairs(in_room):
            yield ScheduleConflict(
                "room_overlap",
                f"“{a.title}” and “{b.title}” are in {names.room(room_id)} at the same time.",
                (a.id, b.id),
                room_id=room_id,
            )


def _speaker_overlaps(scheduled: list[Any], names: _Names) -> Iterator[ScheduleConflict]:
    by_speaker: dict[str, list[Any]] = defaultdict(list)
    for session in scheduled:
        for speaker_id in dict.fromkeys(session.speaker_ids or []):
            by_speaker[speaker_id].append(session)
    shared: dict[tuple[str, str], tuple[Any, Any, set[str]]] = {}
    for speaker_id, talks in by_speaker.items():
        for a, b in _overlapping_pairs(talks):
            shared.setdefault((a.id, b.id), (a, b, set()))[2].add(speaker_id)
    for a, b, speaker_ids in shared.values():
        ordered = tuple(sorted(speaker_ids))
        who = ", ".join(names.speaker(i) for i in ordered)
        verb = "speaks" if len(ordered) == 1 else "speak"
        yield ScheduleConflict(
            "speaker_overlap", f"{who} {verb} in “{a.title}” and “{b.title}” at the same time.", (a.id, b.id), ordered
        )


def _unavailable_speakers(
    scheduled: list[Any], speakers: dict[str, Any], names: _Names
) -> Iterator[ScheduleConflict]:
    available = {i: _merged(s.availability) for i, s in speakers.items() if getattr(s, "availability", None)}
    for session in scheduled:
        for speaker_id in dict.fromkeys(session.speaker_ids or []):
            ranges = available.get(speaker_id)
            if ranges and not any(start <= session.starts_at and session.ends_at <= end for start, end in ranges):
                yield ScheduleConflict(
                    "speaker_unavailable",
                    f"{names.speaker(speaker_id)} is not available during “{session.title}”.",
                    (session.id,),
                    (speaker_id,),
                )


def _merged(ranges: Iterable[Any]) -> list[tuple[datetime, datetime]]:
    """Availability ranges joined where they touch or overlap: a talk across two ranges that meet
    (09:00–12:00 and 12:00–18:00) is within the speaker's time."""
    merged: list[list[datetime]] = []
    for start, end in sorted((r.starts_at, r.ends_at) for r in ranges if r.starts_at and r.ends_at):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return [(start, end) for start, end in merged]


def event_days(event: Any) -> tuple[datetime, datetime] | None:
    """The event's days as one range: from midnight of its first day to midnight after its last,
    in the event's time zone (UTC when it names none or an unknown one); None without dates."""
    if not event.starts_at or not event.ends_at:
        return None
    try:
        zone = ZoneInfo(event.timezone or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        zone = ZoneInfo("UTC")
    first = datetime.combine(event.starts_at.astimezone(zone).date(), time(), zone)
    last = datetime.combine(event.ends_at.astimezone(zone).date() + timedelta(days=1), time(), zone)
    return first, last


def _outside_event(scheduled: list[Any], event: Any) -> Iterator[ScheduleConflict]:
    days = event_days(event)
    if days is None:
        return
    first, after_last = days
    span = f"{first.date().isoformat()} to {(after_last - timedelta(days=1)).date().isoformat()}"
    for session in scheduled:
        if session.starts_at < first or session.ends_at > after_last:
            yield ScheduleConflict(
                "outside_event", f"“{session.title}” is outside the event's days ({span}).", (session.id,)
            )


def _block_overlaps(scheduled: list[Any], blocks: list[Any], names: _Names) -> Iterator[ScheduleConflict]:
    if not blocks:
        return
    everywhere = [b for b in blocks if not b.room_ids]
    by_room: dict[str, list[Any]] = defaultdict(list)
    for block in blocks:
        for room_id in dict.fromkeys(block.room_ids or []):
            by_room[room_id].append(block)
    sessions_by_room: dict[str, list[Any]] = defaultdict(list)
    for session in scheduled:
        sessions_by_room[session.room_id].append(session)
    block_ids = {id(b) for b in blocks}
    for room_id, in_room in sessions_by_room.items():
        mixed = sorted([*in_room, *by_room.get(room_id, ()), *everywhere], key=_by_time)
        for a, b in _overlapping_pairs(mixed):
            if (id(a) in block_ids) == (id(b) in block_ids):
                continue  # two sessions (room_overlap's) or two blocks (allowed)
            block, session = (a, b) if id(a) in block_ids else (b, a)
            where = "all rooms" if not block.room_ids else names.room(room_id)
            yield ScheduleConflict(
                "block_overlap",
                f"“{session.title}” overlaps the {block.block_type} “{block.title}” ({where}).",
                (session.id,),
                room_id=room_id,
                block_id=block.id,
            )


class _Names:
    """Speakers' and rooms' names for the messages; an item not at hand is named by its id."""

    def __init__(self, speakers: dict[str, Any], rooms: dict[str, Any]) -> None:
        self.speakers, self.rooms = speakers, rooms

    def speaker(self, speaker_id: str) -> str:
        found = self.speakers.get(speaker_id)
        return found.name if found is not None and found.name else f"speaker {speaker_id}"

    def room(self, room_id: str) -> str:
        found = self.rooms.get(room_id)
        return found.name if found is not None and found.name else f"room {room_id}"


# -- reading what the rules need -----------------------------------------------------------------


def session_conflicts(*, event: content.Event, session: content.Session) -> list[ScheduleConflict]:
    """The conflicts `session` (as saved) is part of. Reads only what could clash with it: the
    sessions and blocks sharing its time (filtered Queries), its speakers and its room."""
    if not is_scheduled(session):
        return []
    others = _sharing_time(content.Session, "session", event_id=event.id, item=session)
    blocks = _sharing_time(content.ScheduleBlock, "schedule_block", event_id=event.id, item=session)
    keys = [child_key(event.id, "speaker", i) for i in dict.fromkeys(session.speaker_ids or [])]
    keys.append(child_key(event.id, "room", session.room_id))
    read = [i for i in Item.batch_get(keys) if is_live(i)]
    found = conflicts_in(
        event=event,
        sessions=[session, *(o for o in others if o.id != session.id)],
        speakers=[i for i in read if i.kind_name == "speaker"],
        rooms=[i for i in read if i.kind_name == "room"],
        blocks=blocks,
    )
    return conflicts_naming(found, session.id)


def event_conflicts(*, event: content.Event) -> list[ScheduleConflict]:
    """Every conflict on the event's schedule (one Query per kind read)."""
    return conflicts_in(
        event=event,
        sessions=list_all(event_id=event.id, kind="session"),
        speakers=list_all(event_id=event.id, kind="speaker"),
        rooms=list_all(event_id=event.id, kind="room"),
        blocks=list_all(event_id=event.id, kind="schedule_block"),
    )


def _sharing_time(model: type[Item], kind: str, *, event_id: str, item: Any) -> list[Any]:
    """The event's live `kind` items whose times overlap `item`'s. The overlap is the Query's
    filter: times are stored as fixed-width UTC text, which sorts as time does, so a save reads
    back the few items it could clash with, not the whole schedule."""
    times = content.Session.starts_at
    return child_models(
        model,
        event_id=event_id,
        kind=kind,
        filter_expression=f"{NOT_TRASHED} AND starts_at < :end AND ends_at > :start",
        values={":start": {"S": times.serialize(item.starts_at)}, ":end": {"S": times.serialize(item.ends_at)}},
    )
