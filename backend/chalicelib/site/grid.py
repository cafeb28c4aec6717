"""Place one day's sessions on a rooms x time grid (CSS grid lines)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from chalicelib.public.bundle import Room
from chalicelib.public.view import NO_ROOM, DayView, SessionView

SLOT_MINUTES = 5
FIRST_ROW = 2  # row 1 holds the room headers
FIRST_COLUMN = 2  # column 1 holds the time labels


@dataclass(frozen=True)
class Placed:
    view: SessionView
    row_start: int
    row_end: int
    column: int


@dataclass(frozen=True)
class RoomColumn:
    room: Room
    column: int
    span: int


@dataclass(frozen=True)
class TimeLabel:
    moment: datetime
    row: int


@dataclass(frozen=True)
class DayGrid:
    rooms: tuple[RoomColumn, ...]
    placed: tuple[Placed, ...]
    labels: tuple[TimeLabel, ...]
    columns: int
    rows: int


def _floor_half_hour(moment: datetime) -> datetime:
    return moment.replace(minute=0 if moment.minute < 30 else 30, second=0, microsecond=0)


def _row(start: datetime, moment: datetime) -> int:
    return FIRST_ROW + int((moment - start).total_seconds() // (SLOT_MINUTES * 60))


def _lanes(sessions: list[SessionView]) -> list[int]:
    """Greedy interval partitioning so overlapping sessions in one room sit side by side."""
    lane_ends: list[datetime] = []
    lanes = []
    for view in sessions:
        end = view.local_end or view.local_start
        for lane, lane_end in enumerate(lane_ends):
            if lane_end <= view.local_start:
                lane_ends[lane] = end
                lanes.append(lane)
                break
        else:
            lane_ends.append(end)
            lanes.append(len(lane_ends) - 1)
    return lanes


def day_grid(day: DayView) -> DayGrid:
    start = _floor_half_hour(min(v.local_start for v in day.sessions))
    last_end = max((v.local_end or v.local_start) for v in day.sessions)
    by_room: dict[Room, list[SessionView]] = {}
    for view in day.sessions:
        by_room.setdefault(view.room or NO_ROOM, []).append(view)
    columns, placed, next_column = [], [], FIRST_COLUMN
    for room in sorted(by_room, key=lambda r: (r.position, r.name, r.id)):
        sessions = by_room[room]
        lanes = _lanes(sessions)
        for view, lane in zip(sessions, lanes, strict=True):
            row_start = _row(start, view.local_start)
            row_end = max(row_start + 1, _row(start, view.local_end or view.local_start))
            placed.append(Placed(view, row_start, row_end, next_column + lane))
        columns.append(RoomColumn(room, next_column, max(lanes) + 1))
        next_column += max(lanes) + 1
    rows = _row(start, last_end) + 1
    labels = []
    moment = start
    while moment < last_end:
        labels.append(TimeLabel(moment, _row(start, moment)))
        moment += timedelta(minutes=30)
    placed.sort(key=lambda p: (p.row_start, p.column))
    return DayGrid(tuple(columns), tuple(placed), tuple(labels), next_column - FIRST_COLUMN, rows)


def day_grids(sessions: tuple[SessionView, ...]) -> tuple[tuple[DayView, DayGrid], ...]:
    """A grid per day of some of the event's sessions (one room's, one track's), days in order;
    unscheduled sessions are left out."""
    by_day: dict[date, list[SessionView]] = {}
    for view in sessions:
        if view.local_start:
            by_day.setdefault(view.local_start.date(), []).append(view)
    days = (DayView(i, d, tuple(by_day[d])) for i, d in enumerate(sorted(by_day), start=1))
    return tuple((day, day_grid(day)) for day in days)
