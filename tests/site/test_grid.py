"""One day's sessions on a rooms x time grid: rows of five minutes, a column per room, and
overlapping sessions of one room side by side."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from chalicelib.public.bundle import Room
from chalicelib.public.view import NO_ROOM, DayView, SessionView
from chalicelib.site.grid import day_grid

pytestmark = pytest.mark.unit

MAIN = Room(id="r1", name="Main Hall", position=1)
SIDE = Room(id="r2", name="Side Room", position=2)


def _at(hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 3, 1, hour, minute)


def _session(title: str, room: Room | None, start: datetime, end: datetime | None) -> SessionView:
    # The grid reads only the room and the local times; the session record stays a label.
    return SessionView(title, f"/{title}/", None, room, None, (), start, end)  # type: ignore[arg-type]


def _day(*sessions: SessionView) -> DayView:
    return DayView(index=0, date=date(2026, 3, 1), sessions=sessions)


def test_day_grid_places_sessions_in_five_minute_rows_from_the_half_hour_before_the_first():
    grid = day_grid(_day(_session("a", MAIN, _at(9, 40), _at(10, 10)), _session("b", SIDE, _at(10, 0), _at(10, 30))))

    assert [(p.view.session, p.row_start, p.row_end, p.column) for p in grid.placed] == [
        ("a", 4, 10, 2),  # 09:40 is two rows after 09:30, below the headers' row
        ("b", 8, 14, 3),
    ]
    assert [(c.room, c.column, c.span) for c in grid.rooms] == [(MAIN, 2, 1), (SIDE, 3, 1)]
    assert [(label.moment, label.row) for label in grid.labels] == [(_at(9, 30), 2), (_at(10, 0), 8)]
    assert (grid.columns, grid.rows) == (2, 15)


def test_day_grid_sets_overlapping_sessions_of_one_room_side_by_side_and_reuses_freed_lanes():
    grid = day_grid(
        _day(
            _session("long", MAIN, _at(9), _at(11)),
            _session("overlap", MAIN, _at(9, 30), _at(10)),
            _session("after", MAIN, _at(10), _at(10, 30)),
        )
    )

    assert [(p.view.session, p.column) for p in grid.placed] == [("long", 2), ("overlap", 3), ("after", 3)]
    assert [(c.room, c.column, c.span) for c in grid.rooms] == [(MAIN, 2, 2)]


def test_day_grid_puts_sessions_without_room_or_end_in_a_last_column_one_row_tall():
    grid = day_grid(_day(_session("open", None, _at(9), None), _session("talk", MAIN, _at(9), _at(9, 30))))

    assert [(c.room, c.column) for c in grid.rooms] == [(MAIN, 2), (NO_ROOM, 3)]
    assert [(p.view.session, p.row_start, p.row_end) for p in grid.placed] == [("talk", 2, 8), ("open", 2, 3)]


def test_day_grid_trims_the_empty_hours_at_both_ends_of_the_day():
    # The event day runs 08:00-20:00; nothing is scheduled before 13:10 or after 15:00.
    grid = day_grid(_day(_session("a", MAIN, _at(13, 10), _at(14, 0)), _session("b", SIDE, _at(14, 30), _at(15, 0))))

    assert [label.moment for label in grid.labels] == [_at(13), _at(13, 30), _at(14), _at(14, 30)]
    # Grid lines: after the header row, one per 5 minutes from 13:00 to 15:00 only, and the last.
    assert grid.rows == 2 + (15 - 13) * 12 + 1
    assert max(p.row_end for p in grid.placed) == grid.rows - 1


def test_day_grids_make_one_grid_per_day_of_the_given_sessions_only():
    from chalicelib.site.grid import day_grids

    monday = _session("m", MAIN, datetime(2026, 3, 2, 9), datetime(2026, 3, 2, 10))
    sunday = _session("s", MAIN, _at(11), _at(12))
    unscheduled = SessionView("u", "/u/", None, MAIN, None, (), None, None)  # type: ignore[arg-type]

    grids = day_grids((monday, sunday, unscheduled))

    assert [(day.date, [p.view.session for p in grid.placed]) for day, grid in grids] == [
        (date(2026, 3, 1), ["s"]), (date(2026, 3, 2), ["m"]),
    ]  # fmt: skip
    assert [label.moment for label in grids[0][1].labels] == [_at(11), _at(11, 30)]


def _break(title: str, start: datetime, end: datetime, *room_ids: str):
    from chalicelib.public.bundle import Break
    from chalicelib.public.view import BreakView

    return BreakView(Break(id=title, title=title, starts_at=start, ends_at=end, room_ids=room_ids), start, end)


def test_day_grid_draws_a_break_for_all_rooms_as_one_row_across_every_column_and_widens_the_span():
    third = Room(id="r3", name="Third", position=3)
    sessions = (_session("a", MAIN, _at(10), _at(11)), _session("b", SIDE, _at(10), _at(11)), _session("c", third, _at(10), _at(11)))
    lunch = _break("Lunch", _at(12), _at(13))
    grid = day_grid(DayView(index=0, date=date(2026, 3, 1), sessions=sessions, breaks=(lunch,)))

    # One piece from the first room's column across all three, rows 12:00-13:00 (the span reaches 13:00)
    assert [(b.view.brk.title, b.column, b.span, b.row_start, b.row_end) for b in grid.breaks] == [("Lunch", 2, 3, 26, 38)]
    assert grid.rows == 2 + 3 * 12 + 1
    # Listed after the sessions it follows in time (a narrow screen shows the grid as a list)
    assert [getattr(e.view, "session", None) or e.view.brk.title for e in grid.entries] == ["a", "b", "c", "Lunch"]


def test_day_grid_draws_a_break_of_some_rooms_only_in_their_columns_and_not_where_none_is_shown():
    third = Room(id="r3", name="Third", position=3)
    sessions = (_session("a", MAIN, _at(10), _at(11)), _session("b", SIDE, _at(10), _at(11)), _session("c", third, _at(10), _at(11)))
    coffee = _break("Coffee", _at(10, 30), _at(11), "r1", "r3")  # two runs: Main Hall and Third
    elsewhere = _break("Elsewhere", _at(15), _at(16), "r9")  # a room this grid does not show
    grid = day_grid(DayView(index=0, date=date(2026, 3, 1), sessions=sessions, breaks=(coffee, elsewhere)))

    assert [(b.view.brk.title, b.column, b.span) for b in grid.breaks] == [("Coffee", 2, 1), ("Coffee", 4, 1)]
    assert grid.labels[-1].moment == _at(10, 30)  # the break elsewhere does not widen the span
