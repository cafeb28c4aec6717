from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

pytestmark = pytest.mark.integration
START = datetime(2031, 5, 2, 10, 0, tzinfo=UTC)


@pytest.fixture
def sessions(aws_stack):
    """Sessions of two events as older code saved them: no duration_minutes."""
    from chalicelib.db.content import Session
    from chalicelib.db.keys import event_pk

    made = []
    for event_id, count in (("dur00000001", 130), ("dur00000002", 3)):
        for number in range(count):
            session = Session(event_pk(event_id), f"SESSION#{number}", id=str(number), event_id=event_id, title="T")
            session.starts_at, session.ends_at = START, START + timedelta(minutes=number % 90)
            made.append(session)
    untimed = Session(event_pk("dur00000002"), "SESSION#untimed", id="untimed", event_id="dur00000002", title="U")
    made.append(untimed)
    with Session.batch_write() as batch:
        for session in made:
            batch.save(session)
    yield made
    with Session.batch_write() as batch:
        for session in made:
            batch.delete(session)


def test_backfill_sets_every_timed_sessions_duration_once(sessions):
    from chalicelib.db.content import Session
    from chalicelib.migrations.runner import MigrationRun, load_revisions

    backfill = load_revisions().by_revision["0001"]

    first = MigrationRun("0001")
    backfill.upgrade(first)
    stored = {(s.pk, s.sk): s for s in Session.batch_get([(s.pk, s.sk) for s in sessions])}
    second = MigrationRun("0001")
    backfill.upgrade(second)

    expected = {
        (s.pk, s.sk): (None if s.starts_at is None else int((s.ends_at - s.starts_at).total_seconds() // 60))
        for s in sessions
    }
    assert {key: s.duration_minutes for key, s in stored.items()} == expected
    assert first.done >= 133  # other tests' sessions in the shared table may be backfilled too
    assert second.done == 0
    assert first.cursor is None
