"""The schedule's conflict rules (domain/schedule_conflicts.py): each rule with a case that must warn
and a neighbouring one that must not, properties over random schedules, and the table readers
agreeing with the pure rules."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from itertools import count

import pytest
from chalicelib.db import content
from chalicelib.db.keys import child_key, event_key
from chalicelib.domain.schedule_conflicts import conflicts_in, conflicts_naming, event_days
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

DAY = datetime(2026, 3, 22, tzinfo=UTC)
_ids = count()


def at(hours: float) -> datetime:
    """A moment `hours` after midnight UTC of the test day."""
    return DAY + timedelta(hours=hours)


def event(starts: float | None = 1, ends: float | None = 2 * 24 + 10, timezone: str | None = "Asia/Singapore"):
    return content.Event(
        *event_key("ev1"), id="ev1", slug="ev", name="Ev", timezone=timezone,
        starts_at=at(starts) if starts is not None else None, ends_at=at(ends) if ends is not None else None,
    )  # fmt: skip


def session(title: str, start: float | None, end: float | None, room: str | None = "hall", speakers=(), **more):
    item_id = more.pop("id", f"s{next(_ids):05d}")
    return content.Session(
        *child_key("ev1", "session", item_id), id=item_id, event_id="ev1", title=title, room_id=room,
        starts_at=at(start) if start is not None else None, ends_at=at(end) if end is not None else None,
        speaker_ids=list(speakers), state=more.pop("state", "accepted"), **more,
    )  # fmt: skip


def speaker(item_id: str, name: str, *ranges: tuple[float, float]):
    return content.Speaker(
        *child_key("ev1", "speaker", item_id), id=item_id, event_id="ev1", name=name,
        availability=[content.TimeRange(starts_at=at(a), ends_at=at(b)) for a, b in ranges] or None,
    )  # fmt: skip


def room(item_id: str, name: str):
    return content.Room(*child_key("ev1", "room", item_id), id=item_id, event_id="ev1", name=name)


def block(title: str, start: float, end: float, rooms=(), block_type: str = "break"):
    item_id = f"b{next(_ids):05d}"
    return content.ScheduleBlock(
        *child_key("ev1", "schedule_block", item_id), id=item_id, event_id="ev1", title=title,
        block_type=block_type, room_ids=list(rooms), starts_at=at(start), ends_at=at(end),
    )  # fmt: skip


ROOMS = [room("hall", "Hall"), room("lab", "Lab")]


def found(sessions, *, speakers=(), blocks=(), of_event=None):
    conflicts = conflicts_in(event=of_event or event(), sessions=sessions, speakers=speakers, rooms=ROOMS, blocks=blocks)
    return [c.as_json() for c in conflicts]


# -- room_overlap ------------------------------------------------------------------------------------


def test_room_overlap_two_sessions_in_one_room_at_once_warn_naming_titles_and_room():
    keynote, clash = session("Keynote", 2, 3, id="s-a"), session("Clash", 2.5, 3.5, id="s-b")

    assert found([keynote, clash]) == [
        {
            "rule": "room_overlap",
            "message": "“Keynote” and “Clash” are in Hall at the same time.",
            "session_ids": ["s-a", "s-b"],
            "room_id": "hall",
        }
    ]


def test_room_overlap_touching_sessions_or_other_rooms_do_not_warn():
    first, touching = session("First", 2, 3), session("Touching", 3, 4)
    elsewhere = session("Elsewhere", 2, 4, room="lab")

    assert found([first, touching, elsewhere]) == []


# -- speaker_overlap ---------------------------------------------------------------------------------


def test_speaker_overlap_a_speaker_in_two_rooms_at_once_warns_naming_them():
    ada = speaker("ada", "Ada")
    one = session("One", 2, 3, room="hall", speakers=["ada"], id="s-1")
    two = session("Two", 2.5, 3.5, room="lab", speakers=["ada"], id="s-2")

    assert found([one, two], speakers=[ada]) == [
        {
            "rule": "speaker_overlap",
            "message": "Ada speaks in “One” and “Two” at the same time.",
            "session_ids": ["s-1", "s-2"],
            "speaker_ids": ["ada"],
        }
    ]


def test_speaker_overlap_touching_talks_or_other_speakers_do_not_warn():
    one = session("One", 2, 3, room="hall", speakers=["ada"])
    next_one = session("Next", 3, 4, room="lab", speakers=["ada"])
    other = session("Other", 2, 3, room="lab", speakers=["bob"])

    assert found([one, next_one, other], speakers=[speaker("ada", "Ada"), speaker("bob", "Bob")]) == []


def test_speaker_overlap_two_shared_speakers_make_one_conflict_naming_both():
    duet = session("Duet", 2, 3, room="hall", speakers=["ada", "bob"])
    panel = session("Panel", 2, 3, room="lab", speakers=["bob", "ada"])

    conflicts = found([duet, panel], speakers=[speaker("ada", "Ada"), speaker("bob", "Bob")])

    assert [(c["rule"], c["speaker_ids"], c["message"]) for c in conflicts] == [
        ("speaker_overlap", ["ada", "bob"], "Ada, Bob speak in “Duet” and “Panel” at the same time.")
    ]


# -- speaker_unavailable -----------------------------------------------------------------------------


def test_speaker_unavailable_talk_outside_the_speakers_ranges_warns():
    ada = speaker("ada", "Ada", (1, 4), (8, 10))
    late = session("Late talk", 5, 6, speakers=["ada"], id="s-late")

    assert found([late], speakers=[ada]) == [
        {
            "rule": "speaker_unavailable",
            "message": "Ada is not available during “Late talk”.",
            "session_ids": ["s-late"],
            "speaker_ids": ["ada"],
        }
    ]


def test_speaker_unavailable_talk_within_touching_ranges_or_without_ranges_does_not_warn():
    ada = speaker("ada", "Ada", (1, 3), (3, 6))  # two ranges that meet at 03:00
    bob = speaker("bob", "Bob")  # gave no availability: nothing to check against
    across = session("Across the join", 2, 4, speakers=["ada"])
    anytime = session("Any time", 20, 21, room="lab", speakers=["bob"])

    assert found([across, anytime], speakers=[ada, bob]) == []


def test_speaker_unavailable_talk_running_past_the_range_end_warns():
    ada = speaker("ada", "Ada", (1, 3))

    assert [c["rule"] for c in found([session("Overruns", 2, 3.5, speakers=["ada"])], speakers=[ada])] == [
        "speaker_unavailable"
    ]


# -- outside_event -----------------------------------------------------------------------------------


def test_outside_event_the_last_day_counts_in_the_events_time_zone():
    # The event runs 22–24 March in Singapore (UTC+8): 23:00 on the 24th there is 15:00 UTC, and
    # 01:00 on the 25th there is 17:00 UTC on the 24th.
    singapore = event(starts=1, ends=2 * 24 + 10, timezone="Asia/Singapore")
    last_evening = session("Last evening", 2 * 24 + 14, 2 * 24 + 15)
    after_midnight = session("After midnight", 2 * 24 + 16.5, 2 * 24 + 17.5, room="lab", id="s-after")

    assert found([last_evening, after_midnight], of_event=singapore) == [
        {
            "rule": "outside_event",
            "message": "“After midnight” is outside the event's days (2026-03-22 to 2026-03-24).",
            "session_ids": ["s-after"],
        }
    ]


def test_outside_event_the_day_before_warns_and_the_first_morning_does_not():
    singapore = event(starts=1, ends=2 * 24 + 10, timezone="Asia/Singapore")
    first_morning = session("First morning", -7.5, -7)  # 00:30 on the 22nd in Singapore
    day_before = session("Day before", -9, -8.5, room="lab")  # 23:00 on the 21st there

    assert [c["session_ids"] for c in found([first_morning, day_before], of_event=singapore)] == [[day_before.id]]


def test_outside_event_needs_the_events_dates_and_reads_an_unknown_zone_as_utc():
    assert event_days(event(starts=None)) is None
    assert event_days(event(timezone="Not/A_Zone")) == (DAY, DAY + timedelta(days=3))
    assert found([session("Whenever", 24 * 40, 24 * 40 + 1)], of_event=event(starts=None, ends=None)) == []


# -- block_overlap -----------------------------------------------------------------------------------


def test_block_overlap_a_break_in_all_rooms_warns_in_every_room():
    lunch = block("Lunch", 4, 5)
    in_hall = session("Hall talk", 4.5, 5.5, room="hall", id="s-hall")
    in_lab = session("Lab talk", 3, 4.25, room="lab", id="s-lab")

    assert found([in_hall, in_lab], blocks=[lunch]) == [
        {
            "rule": "block_overlap",
            "message": "“Hall talk” overlaps the break “Lunch” (all rooms).",
            "session_ids": ["s-hall"],
            "room_id": "hall",
            "block_id": lunch.id,
        },
        {
            "rule": "block_overlap",
            "message": "“Lab talk” overlaps the break “Lunch” (all rooms).",
            "session_ids": ["s-lab"],
            "room_id": "lab",
            "block_id": lunch.id,
        },
    ]


def test_block_overlap_a_blocker_warns_only_in_its_rooms_and_touching_does_not():
    setup = block("Stage set-up", 4, 5, rooms=["hall"], block_type="blocker")
    during_in_lab = session("Lab talk", 4, 5, room="lab")
    touching = session("Before set-up", 3, 4, room="hall")
    during = session("During set-up", 4.5, 6, room="hall", id="s-during")

    assert found([during_in_lab, touching, during], blocks=[setup]) == [
        {
            "rule": "block_overlap",
            "message": "“During set-up” overlaps the blocker “Stage set-up” (Hall).",
            "session_ids": ["s-during"],
            "room_id": "hall",
            "block_id": setup.id,
        }
    ]


def test_block_overlap_trashed_blocks_do_not_warn():
    lunch = block("Lunch", 4, 5)
    lunch.trashed_at = at(0)

    assert found([session("Talk", 4, 5)], blocks=[lunch]) == []


def test_block_overlap_a_block_whose_only_room_went_to_the_trash_blocks_no_other_room():
    # Trashing a room leaves the blocks naming it as they are: the block must not turn into an
    # all-rooms one (room_ids [] means every room).
    setup = block("Set-up", 4, 5, rooms=["gone"], block_type="blocker")

    assert found([session("Hall talk", 4, 5, room="hall")], blocks=[setup]) == []


# -- what counts -------------------------------------------------------------------------------------


def test_sessions_without_room_or_times_or_in_a_dropped_state_hold_no_place():
    ada = speaker("ada", "Ada", (0, 1))
    placed = session("Placed", 2, 3, speakers=["ada"], id="s-placed")
    others = [
        session("No room", 2, 3, room=None, speakers=["ada"]),
        session("No times", None, None, speakers=["ada"]),
        *(session(f"{state.title()}", 2, 3, speakers=["ada"], state=state) for state in ("rejected", "withdrawn", "canceled")),
    ]  # fmt: skip
    binned = session("Trashed", 2, 3, speakers=["ada"])
    binned.trashed_at = at(0)

    conflicts = found([placed, *others, binned], speakers=[ada])

    assert [(c["rule"], c["session_ids"]) for c in conflicts] == [("speaker_unavailable", ["s-placed"])]


# -- properties ---------------------------------------------------------------------------------------

SPEAKER_IDS = ["ada", "bob", "cy"]
SPEAKERS = [speaker("ada", "Ada", (0, 30)), speaker("bob", "Bob"), speaker("cy", "Cy", (2, 6), (6, 12))]


@st.composite
def schedules(draw):
    """A few sessions (some unscheduled, rejected or trashed) and blocks over two rooms and a day."""
    sessions = []
    for index in range(draw(st.integers(1, 12))):
        start = draw(st.integers(0, 40)) / 2
        length = draw(st.integers(1, 6)) / 2
        item = session(
            f"Talk {index}", start, start + length, room=draw(st.sampled_from(["hall", "lab", None])),
            speakers=draw(st.lists(st.sampled_from(SPEAKER_IDS), max_size=2, unique=True)),
            state=draw(st.sampled_from(["accepted", "confirmed", "pending", "rejected", "canceled"])),
        )  # fmt: skip
        if draw(st.booleans()) and draw(st.booleans()):
            item.trashed_at = at(0)
        sessions.append(item)
    blocks = []
    for index in range(draw(st.integers(0, 3))):
        start = draw(st.integers(0, 40)) / 2
        rooms = draw(st.sampled_from([[], ["hall"], ["lab"], ["hall", "lab"]]))
        blocks.append(block(f"Block {index}", start, start + 1, rooms=rooms, block_type=draw(st.sampled_from(["break", "blocker"]))))
    return sessions, blocks


PROPERTY = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@PROPERTY
@given(schedules())
def test_conflicts_of_a_pair_are_the_same_for_both_sessions(schedule):
    sessions, blocks = schedule
    conflicts = conflicts_in(event=event(), sessions=sessions, speakers=SPEAKERS, rooms=ROOMS, blocks=blocks)

    for conflict in conflicts:
        if conflict.rule in ("room_overlap", "speaker_overlap"):
            first, second = conflict.session_ids
            assert conflict in conflicts_naming(conflicts, first)
            assert conflict in conflicts_naming(conflicts, second)
            assert first < second  # one conflict per pair, never the pair twice
    assert len(set(conflicts)) == len(conflicts)


@PROPERTY
@given(schedules())
def test_conflicts_never_name_a_trashed_unscheduled_or_dropped_session(schedule):
    sessions, blocks = schedule
    placed = {
        s.id for s in sessions
        if s.room_id and s.starts_at and not getattr(s, "trashed_at", None) and s.state not in ("rejected", "canceled")
    }  # fmt: skip

    conflicts = conflicts_in(event=event(), sessions=sessions, speakers=SPEAKERS, rooms=ROOMS, blocks=blocks)

    assert {i for c in conflicts for i in c.session_ids} <= placed


@PROPERTY
@given(schedules(), st.data())
def test_moving_a_session_far_from_everything_clears_its_conflicts(schedule, data):
    sessions, blocks = schedule
    moved = data.draw(st.sampled_from(sessions))
    # After every other item, inside the event's days, with speakers who gave no availability.
    moved.starts_at, moved.ends_at = at(40), at(41)
    moved.speaker_ids = [i for i in moved.speaker_ids if i == "bob"]

    conflicts = conflicts_in(event=event(), sessions=sessions, speakers=SPEAKERS, rooms=ROOMS, blocks=blocks)

    assert conflicts_naming(conflicts, moved.id) == []


# -- reading from the table -----------------------------------------------------------------------


@pytest.mark.integration
def test_session_conflicts_read_from_the_table_match_the_events_list(stack):
    from chalicelib.domain.content import trash_child
    from chalicelib.domain.schedule_conflicts import event_conflicts, session_conflicts
    from support.content import ORGANIZER, create, saved_event

    ev = saved_event()
    hall = create(ev, "room", name="Hall")
    ada = create(ev, "speaker", name="Ada")
    slot = {"starts_at": "2026-03-22T10:00:00+08:00", "ends_at": "2026-03-22T11:00:00+08:00"}
    one = create(ev, "session", title="One", room_id=hall.id, speaker_ids=[ada.id], state="accepted", **slot)
    two = create(ev, "session", title="Two", room_id=hall.id, speaker_ids=[ada.id], state="accepted", **slot)
    binned = create(ev, "session", title="Binned", room_id=hall.id, state="accepted", **slot)
    trash_child(event=ev, item=binned, actor=ORGANIZER)
    create(ev, "schedule_block", title="Coffee", block_type="break", room_ids=[], **slot)

    every = event_conflicts(event=ev)

    for talk in (one, two):
        assert session_conflicts(event=ev, session=talk) == conflicts_naming(every, talk.id)
    assert sorted(c.rule for c in every) == ["block_overlap", "block_overlap", "room_overlap", "speaker_overlap"]


@pytest.mark.integration
def test_session_conflicts_read_only_live_sessions_sharing_its_time(stack):
    from chalicelib.domain.content import trash_child
    from chalicelib.domain.schedule_conflicts import session_conflicts
    from support.content import ORGANIZER, create, saved_event

    ev = saved_event()
    hall = create(ev, "room", name="Hall")

    def timed(title: str, start: str, end: str):
        return create(ev, "session", title=title, room_id=hall.id, starts_at=start, ends_at=end, state="accepted")

    talk = timed("Talk", "2026-03-22T10:00:00+08:00", "2026-03-22T11:00:00+08:00")
    during = timed("During", "2026-03-22T02:30:00+00:00", "2026-03-22T02:45:00+00:00")  # 10:30 in Singapore
    around = timed("Around", "2026-03-22T09:00:00+08:00", "2026-03-22T12:00:00+08:00")
    timed("Before, touching", "2026-03-22T09:00:00+08:00", "2026-03-22T10:00:00+08:00")
    timed("After, touching", "2026-03-22T11:00:00+08:00", "2026-03-22T12:00:00+08:00")
    create(ev, "session", title="Unscheduled", room_id=hall.id, state="accepted")
    binned = timed("Trashed", "2026-03-22T10:15:00+08:00", "2026-03-22T10:45:00+08:00")
    trash_child(event=ev, item=binned, actor=ORGANIZER)

    found = session_conflicts(event=ev, session=talk)

    assert sorted(c.session_ids for c in found) == sorted(tuple(sorted((talk.id, o.id))) for o in (during, around))
    assert {c.rule for c in found} == {"room_overlap"}
