"""Place one day's sessions and breaks on a rooms x time grid (CSS grid lines)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from chalicelib.public.bundle import Room
from chalicelib.public.view import NO_ROOM, BreakView, DayView, SessionView, breaks_of_day

SLOT_MINUTES = 5
FIRST_ROW = 2  # row 1 holds the room headers
FIRST_COLUMN = 2  # column 1 holds the time labels


@dataclass(frozen=True)
class Placed:
    view: SessionView
    row_start: int
    row_end: int
    column: int
    is_break = False


@dataclass(frozen=True)
class PlacedBreak:
    """A break drawn as a row across its rooms' columns (one piece per run of adjacent columns)."""

    view: BreakView
    row_start: int
    row_end: int
    column: int
    span: int
    is_break = True


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
    breaks: tuple[PlacedBreak, ...] = ()

    @property
    def entries(self) -> tuple[Placed | PlacedBreak, ...]:
        """Sessions and breaks in time order (the order a narrow screen lists them in)."""
        return tuple(sorted((*self.placed, *self.breaks), key=lambda p: (p.row_start, p.column, p.is_break)))


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


def _rooms_of(day: DayView) -> list[tuple[Room, list[SessionView]]]:
    by_room: dict[Room, list[SessionView]] = {}
    for view in day.sessions:
        by_room.setdefault(view.room or NO_ROOM, []).append(view)
    return [(room, by_room[room]) for room in sorted(by_room, key=lambda r: (r.position, r.name, r.id))]


def _break_runs(brk: BreakView, columns: list[RoomColumn]) -> list[tuple[int, int]]:
    """(first column, span) of each run of adjacent columns the break covers: all rooms' when it
    names none; none when it names only rooms this grid does not show."""
    runs: list[list[int]] = []
    for rc in columns:
        if brk.brk.room_ids and rc.room.id not in brk.brk.room_ids:
            continue
        if runs and runs[-1][0] + runs[-1][1] == rc.column:
            runs[-1][1] += rc.span
        else:
            runs.append([rc.column, rc.span])
    return [(column, span) for column, span in runs]


def day_grid(day: DayView) -> DayGrid:
    rooms = _rooms_of(day)
    columns, next_column = [], FIRST_COLUMN
    lanes_of = []
    for room, sessions in rooms:
        lanes = _lanes(sessions)
        lanes_of.append(lanes)
        columns.append(RoomColumn(room, next_column, max(lanes) + 1))
        next_column += max(lanes) + 1
    # Breaks in the shown rooms widen the day's span as sessions do; the edges stay trimmed to both.
    shown = [(b, runs) for b in day.breaks if (runs := _break_runs(b, columns))]
    start = _floor_half_hour(min([v.local_start for v in day.sessions] + [b.local_start for b, _ in shown]))
    last_end = max([(v.local_end or v.local_start) for v in day.sessions] + [b.local_end for b, _ in shown])
    placed = []
    for (_, sessions), rc, lanes in zip(rooms, columns, lanes_of, strict=True):
        for view, lane in zip(sessions, lanes, strict=True):
            row_start = _row(start, view.local_start)
            row_end = max(row_start + 1, _row(start, view.local_end or view.local_start))
            placed.append(Placed(view, row_start, row_end, rc.column + lane))
    breaks = [
        PlacedBreak(b, row_start, max(row_start + 1, _row(start, b.local_end)), column, span)
        for b, runs in shown
        for column, span in runs
        for row_start in (_row(start, b.local_start),)
    ]
    rows = _row(start, last_end) + 1
    labels = []
    moment = start
    while moment < last_end:
        labels.append(TimeLabel(moment, _row(start, moment)))
        moment += timedelta(minutes=30)
    placed.sort(key=lambda p: (p.row_start, p.column))
    return DayGrid(tuple(columns), tuple(placed), tuple(labels), next_column - FIRST_COLUMN, rows, tuple(breaks))


def day_grids(
    sessions: tuple[SessionView, ...], breaks: tuple[BreakView, ...] = ()
) -> tuple[tuple[DayView, DayGrid], ...]:
    """A grid per day of some of the event's sessions (one room's, one track's), days in order,
    with the event's breaks in their rooms; unscheduled sessions are left out."""
    by_day: dict[date, list[SessionView]] = {}
    for view in sessions:
        if view.local_start:
            by_day.setdefault(view.local_start.date(), []).append(view)
    days = (DayView(i, d, tuple(by_day[d]), breaks_of_day(breaks, d)) for i, d in enumerate(sorted(by_day), start=1))
    return tuple((day, day_grid(day)) for day in days)
