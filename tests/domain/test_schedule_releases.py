"""Schedule releases: the changes between releases (new, moved, canceled, room changed), the
release as one state change (version unique, speakers of moved sessions mailed), the draft
changes since the latest release, and the released schedule applied to the live sessions."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from chalicelib.domain.schedule_releases import CHANGE_KINDS, changes_between
from hypothesis import given, settings
from hypothesis import strategies as st
from support.content import ORGANIZER, create, saved_event

BASE = datetime(2026, 3, 22, 1, tzinfo=UTC)


def _entry(start_slot: int | None, room: str | None, state: str = "accepted"):
    if start_slot is None:
        return (None, None, room, state)
    start = BASE + timedelta(minutes=15 * start_slot)
    return (start.isoformat(), (start + timedelta(minutes=30)).isoformat(), room, state)


def test_changes_between_names_each_kind_with_its_places_before_and_after():
    previous = {"a": _entry(0, "r1"), "b": _entry(4, "r1"), "c": _entry(8, "r2"), "d": _entry(9, "r2")}
    current = {"a": _entry(1, "r1"), "b": _entry(4, "r2"), "d": _entry(9, "r2"), "e": _entry(None, None)}

    changes = changes_between(previous, current, titles={"a": "A", "b": "B", "c": "C", "e": "E"},
                              room_names={"r1": "Hall", "r2": "Lab"})  # fmt: skip

    assert {kind: [c["session_id"] for c in found] for kind, found in changes.items()} == {
        "new": ["e"], "moved": ["a"], "canceled": ["c"], "room_changed": ["b"],
    }  # fmt: skip
    assert changes["moved"][0] == {
        "session_id": "a", "title": "A",
        "before": {"starts_at": "2026-03-22T01:00:00+00:00", "ends_at": "2026-03-22T01:30:00+00:00",
                   "room_id": "r1", "room": "Hall"},
        "after": {"starts_at": "2026-03-22T01:15:00+00:00", "ends_at": "2026-03-22T01:45:00+00:00",
                  "room_id": "r1", "room": "Hall"},
    }  # fmt: skip
    assert changes["canceled"][0]["after"] is None and changes["new"][0]["before"] is None
    assert changes["room_changed"][0]["after"]["room"] == "Lab"


def _applied(previous: dict, changes: dict) -> dict:
    """The schedule fields a reader of the changelog rebuilds from the previous release."""
    rebuilt = {session_id: entry[:3] for session_id, entry in previous.items()}
    for kind in CHANGE_KINDS:
        for change in changes[kind]:
            after = change["after"]
            if after is None:
                del rebuilt[change["session_id"]]
            else:
                rebuilt[change["session_id"]] = (after["starts_at"], after["ends_at"], after["room_id"])
    return rebuilt


_MOVE = st.tuples(
    st.sampled_from("abcdefgh"),
    st.one_of(st.none(), st.integers(0, 40)),  # a slot, or unscheduled
    st.sampled_from([None, "r1", "r2", "r3"]),
    st.sampled_from(["accepted", "confirmed", "canceled", "rejected"]),
)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.lists(_MOVE, max_size=6), min_size=1, max_size=6))
def test_changes_of_each_release_turn_the_previous_snapshot_into_the_next(releases):
    # GIVEN a live schedule edited by random moves between releases
    live: dict[str, tuple] = {}
    previous: dict[str, tuple] = {}
    for moves in releases:
        for session_id, slot, room, state in moves:
            live[session_id] = _entry(slot, room, state)
        # WHEN the schedule is released (only public sessions are in a snapshot)
        current = {i: e for i, e in live.items() if e[3] in ("accepted", "confirmed")}
        changes = changes_between(previous, current, titles={}, room_names={})
        # THEN the changes turn the previous release into this one, and nothing unchanged is listed
        assert _applied(previous, changes) == {i: e[:3] for i, e in current.items()}
        listed = [c["session_id"] for kind in CHANGE_KINDS for c in changes[kind]]
        assert len(listed) == len(set(listed))
        assert all(previous.get(i, (0,))[:3] != current.get(i, (1,))[:3] for i in listed)
        previous = current


@pytest.mark.integration
def test_release_schedule_lists_changes_since_the_last_release_and_mails_moved_speakers(stack):
    from chalicelib.db.content import Event
    from chalicelib.domain.outbox import list_mails
    from chalicelib.domain.projections import ORGANIZERS_AUDIENCE
    from chalicelib.domain.schedule_releases import draft_changes, release_schedule, release_view

    # GIVEN an event with one accepted, scheduled session whose speaker has an email
    event = saved_event()
    room = create(event, "room", name="Hall")
    speaker = create(event, "speaker", name="Ada", email="ada@example.org")
    session = create(event, "session", title="Engines", state="accepted", room_id=room.id, speaker_ids=[speaker.id],
                     starts_at="2026-03-22T02:00:00+00:00", ends_at="2026-03-22T03:00:00+00:00")  # fmt: skip
    create(event, "session", title="Pending talk", state="pending")
    assert draft_changes(event_id="ev1")["count"] == 1

    # WHEN v1 is released, the session moved, and v2 released
    first = release_schedule(event=event, version="v1", comment="First", actor=ORGANIZER)
    assert draft_changes(event_id="ev1") == {"changes": {k: [] for k in CHANGE_KINDS}, "count": 0}
    from support.content import fresh

    stored = fresh(session)
    stored.starts_at, stored.ends_at = datetime(2026, 3, 22, 5, tzinfo=UTC), datetime(2026, 3, 22, 6, tzinfo=UTC)
    stored.save()
    draft = draft_changes(event_id="ev1")
    second = release_schedule(event=Event.get(event.pk, event.sk), version="v2", comment="", actor=ORGANIZER)
    _run_release_mail_jobs()

    # THEN v1 lists the session as new, v2 as moved (what the draft said), and its speaker got the mail
    assert [c["title"] for c in release_view(first, audience=ORGANIZERS_AUDIENCE)["changes"]["new"]] == ["Engines"]
    view = release_view(second, audience=ORGANIZERS_AUDIENCE)
    assert (view["version"], view["released_by"], draft["count"]) == ("v2", ORGANIZER.id, 1)
    assert view["changes"]["moved"] == draft["changes"]["moved"]
    assert view["changes"]["moved"][0]["after"] == {
        "starts_at": "2026-03-22T05:00:00+00:00", "ends_at": "2026-03-22T06:00:00+00:00", "room_id": room.id,
        "room": "Hall",
    }  # fmt: skip
    mails = [m for m in list_mails(event_id="ev1", state=None, limit=50, cursor=None).items
             if m.template == "schedule_changed"]  # fmt: skip
    assert [m.to for m in mails] == ["ada@example.org"]
    # 05:00 UTC is 13:00 in Singapore, the event's time zone
    assert "2026-03-22 13:00 Asia/Singapore" in mails[0].text and "Hall" in mails[0].text


@pytest.mark.integration
def test_release_schedule_refuses_a_version_the_event_already_released(stack):
    from chalicelib.domain.schedule_releases import list_releases, release_schedule
    from chalicelib.errors import Conflict

    event = saved_event()
    release_schedule(event=event, version="v1", comment="", actor=ORGANIZER)

    with pytest.raises(Conflict) as refused:
        release_schedule(event=event, version=" V1 ", comment="again", actor=ORGANIZER)

    assert refused.value.fields == {"version": "is taken"}
    assert [r.label for r in list_releases(event_id="ev1", limit=10, cursor=None).items] == ["v1"]


@pytest.mark.integration
def test_release_schedule_made_from_a_stale_head_is_a_conflict(stack, monkeypatch):
    from chalicelib.domain import schedule_releases
    from chalicelib.errors import Conflict

    event = saved_event()
    schedule_releases.release_schedule(event=event, version="v1", comment="", actor=ORGANIZER)
    stale_head = schedule_releases._head("ev1")
    schedule_releases.release_schedule(event=event, version="v2", comment="", actor=ORGANIZER)
    # Another release happened between this one's read of the head and its write.
    monkeypatch.setattr(schedule_releases, "_head", lambda event_id: stale_head)

    with pytest.raises(Conflict) as refused:
        schedule_releases.release_schedule(event=event, version="v3", comment="", actor=ORGANIZER)

    assert "meanwhile" in str(refused.value)
    monkeypatch.undo()
    assert schedule_releases.latest_release(event_id="ev1").label == "v2"


def test_released_sessions_take_schedule_fields_from_the_snapshot_and_drop_unreleased_ones():
    from chalicelib.domain.schedule_releases import released_sessions
    from chalicelib.public.bundle import Session

    live = (
        Session(id="a", title="A", starts_at=BASE, ends_at=BASE + timedelta(hours=1), state="accepted", room_id="r1"),
        Session(id="b", title="B", starts_at=BASE, ends_at=BASE + timedelta(hours=1), state="accepted", room_id="r1"),
    )
    snapshot = {"a": list(_entry(8, "r2", "confirmed"))}

    released = released_sessions(live, snapshot)

    assert [(s.id, s.title, s.starts_at, s.room_id, s.state) for s in released] == [
        ("a", "A", BASE + timedelta(hours=2), "r2", "confirmed")
    ]


@pytest.mark.integration
def test_release_schedule_canceled_by_a_concurrent_write_is_a_conflict(stack, monkeypatch):
    # DynamoDB cancels a transaction with TransactionConflict (not a failed condition) when another
    # request writes one of its items at that moment: two releases at once. That is a 409 to retry,
    # never an unhandled error (a bare 500).
    import json

    from chalicelib.domain import schedule_releases
    from chalicelib.errors import Conflict
    from support.aws_faults import Rule, injected_faults

    event = saved_event()
    canceled = json.dumps({
        "__type": "com.amazonaws.dynamodb.v20120810#TransactionCanceledException",
        "Message": "Transaction cancelled, please refer cancellation reasons for specific reasons [None, None, TransactionConflict]",
        "CancellationReasons": [{"Code": "None"}, {"Code": "None"}, {"Code": "TransactionConflict"}],
    })  # fmt: skip

    with injected_faults(monkeypatch) as faults:
        faults.add(Rule("dynamodb", "TransactWriteItems", (400, canceled), times=1))
        with pytest.raises(Conflict) as refused:
            schedule_releases.release_schedule(event=event, version="v1", comment="", actor=ORGANIZER)

    assert "meanwhile" in str(refused.value)
    assert schedule_releases.latest_release(event_id=event.id) is None


@pytest.mark.integration
def test_release_schedule_mails_the_moved_speakers_from_a_job_once_however_often_it_runs(stack):
    import json

    from chalicelib.db.content import Event
    from chalicelib.db.jobs import Job
    from chalicelib.domain.outbox import list_mails
    from chalicelib.domain.schedule_releases import release_schedule
    from support.content import fresh

    # GIVEN three released sessions, each with a speaker, all moved an hour later since
    event = saved_event()
    room = create(event, "room", name="Hall")
    sessions = []
    for n in range(3):
        speaker = create(event, "speaker", name=f"Speaker {n}", email=f"speaker{n}@example.org")
        sessions.append(create(event, "session", title=f"Talk {n}", state="accepted", room_id=room.id,
                               speaker_ids=[speaker.id], starts_at=f"2026-03-22T0{n + 1}:00:00+00:00",
                               ends_at=f"2026-03-22T0{n + 1}:30:00+00:00"))  # fmt: skip
    release_schedule(event=event, version="v1", comment="", actor=ORGANIZER)
    for session in sessions:
        stored = fresh(session)
        stored.starts_at, stored.ends_at = stored.starts_at + timedelta(hours=1), stored.ends_at + timedelta(hours=1)
        stored.save()

    def mailed() -> list[str]:
        found = list_mails(event_id="ev1", state=None, limit=50, cursor=None).items
        return sorted(m.to for m in found if m.template == "schedule_changed")

    # WHEN v2 is released: the request only queues the mails' job (a release moving hundreds of
    # talks composed hundreds of mails inline, past the API's timeout, after the release was made)
    release_schedule(event=Event.get(event.pk, event.sk), version="v2", comment="", actor=ORGANIZER)
    during_request = mailed()
    assert [json.loads(j.args) for j in Job.scan(Job.name == "mail_schedule_release")] == [
        {"event_id": "ev1", "number": 2}
    ]
    _run_release_mail_jobs()
    _run_release_mail_jobs()  # delivered again

    # THEN each speaker has one mail, however often the job ran
    assert during_request == []
    assert mailed() == ["speaker0@example.org", "speaker1@example.org", "speaker2@example.org"]


def _run_release_mail_jobs() -> None:
    """Run each queued `mail_schedule_release` job (as the queue's worker would)."""
    import json

    from chalicelib.db.jobs import Job
    from chalicelib.jobs.registry import run
    from chalicelib.request_context import RequestContext

    context = RequestContext(actor=ORGANIZER, request_id="r1", base_url="http://127.0.0.1")
    for queued in Job.scan(Job.name == "mail_schedule_release"):
        run("mail_schedule_release", context, json.loads(queued.args))


@pytest.mark.integration
def test_release_schedule_too_large_for_one_item_is_422_and_writes_nothing(stack, monkeypatch):
    from chalicelib.domain import schedule_releases
    from chalicelib.domain.schedule_releases import list_releases, release_schedule
    from chalicelib.errors import ValidationFailed

    # GIVEN a schedule whose release would not fit a DynamoDB item (400 KB; here a smaller bound)
    event = saved_event()
    room = create(event, "room", name="Hall")
    for n in range(3):
        create(event, "session", title=f"Talk {n}", state="accepted", room_id=room.id,
               starts_at=f"2026-03-22T0{n + 1}:00:00+00:00", ends_at=f"2026-03-22T0{n + 1}:30:00+00:00")  # fmt: skip
    monkeypatch.setattr(schedule_releases, "MAX_RELEASE_BYTES", 100)

    # WHEN it is released
    with pytest.raises(ValidationFailed) as refused:
        release_schedule(event=event, version="v1", comment="", actor=ORGANIZER)

    # THEN a 422 says so (DynamoDB refused the item: a bare 500 after the checks), and nothing is written
    assert refused.value.status == 422 and "too large for one release" in str(refused.value)
    assert list_releases(event_id="ev1", limit=10, cursor=None).items == []


def test_release_mail_names_the_released_place_though_the_session_moved_again_before_the_job(stack):
    from chalicelib.db.content import Event
    from chalicelib.domain.outbox import list_mails
    from chalicelib.domain.schedule_releases import release_schedule
    from support.content import fresh

    # GIVEN a talk released at 01:00 UTC, moved to 02:00 and released as v2
    event = saved_event()
    room = create(event, "room", name="Hall")
    speaker = create(event, "speaker", name="Ada", email="ada@example.org")
    talk = create(event, "session", title="Engines", state="accepted", room_id=room.id, speaker_ids=[speaker.id],
                  starts_at="2026-03-22T01:00:00+00:00", ends_at="2026-03-22T01:30:00+00:00")  # fmt: skip
    release_schedule(event=event, version="v1", comment="", actor=ORGANIZER)
    stored = fresh(talk)
    stored.starts_at, stored.ends_at = stored.starts_at + timedelta(hours=1), stored.ends_at + timedelta(hours=1)
    stored.save()
    release_schedule(event=Event.get(event.pk, event.sk), version="v2", comment="", actor=ORGANIZER)

    # WHEN the talk is moved once more in the draft before the release's mail job runs
    again = fresh(talk)
    again.starts_at, again.ends_at = again.starts_at + timedelta(hours=5), again.ends_at + timedelta(hours=5)
    again.save()
    _run_release_mail_jobs()

    # THEN the mail tells the released time (v2's), not the draft's, and the draft is untouched
    [mail] = [m for m in list_mails(event_id="ev1", state=None, limit=50, cursor=None).items if m.template == "schedule_changed"]
    # (Singapore's time: the release's 02:00 UTC is 10:00, the draft's 07:00 UTC 15:00)
    assert "2026-03-22 10:00 Asia/Singapore" in mail.text and "15:00" not in mail.text, mail.text
    assert fresh(talk).starts_at == again.starts_at
