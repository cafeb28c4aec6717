from __future__ import annotations

from datetime import UTC, datetime

import pytest

pytestmark = pytest.mark.integration
EVENT_ID = "names000001"


@pytest.fixture
def saved(aws_stack):
    """Speakers, and sessions as code before kept names saved them: no speaker_names."""
    from chalicelib.db.content import Session, Speaker
    from chalicelib.db.keys import child_sk, event_pk

    pk = event_pk(EVENT_ID)
    speakers = [
        Speaker(pk, child_sk("speaker", "ada"), id="ada", event_id=EVENT_ID, name="Ada Lovelace"),
        Speaker(pk, child_sk("speaker", "bob"), id="bob", event_id=EVENT_ID, name="Bob Trashed"),
    ]
    speakers[1].trashed_at = datetime(2031, 1, 1, tzinfo=UTC)
    sessions = [
        Session(pk, child_sk("session", f"s{n}"), id=f"s{n}", event_id=EVENT_ID, title=f"T{n}", speaker_ids=ids)
        for n, ids in enumerate([["ada", "bob"], [], ["ada", "gone"], ["ada"]])
    ]
    sessions[2].trashed_at = datetime(2031, 1, 2, tzinfo=UTC)  # a trashed session keeps names too
    sessions[3].speaker_names = {"ada": "Kept Name"}  # already keeps names: left as it is
    with Session.batch_write() as batch:
        for item in [*speakers, *sessions]:
            batch.save(item)
    yield sessions
    with Session.batch_write() as batch:
        for item in [*speakers, *sessions]:
            batch.delete(item)


def test_backfill_keeps_the_live_speakers_names_of_every_session_once(saved):
    from chalicelib.db.content import Session
    from chalicelib.migrations.runner import MigrationRun, load_revisions

    backfill = load_revisions().by_revision["0002"]

    first = MigrationRun("0002")
    backfill.upgrade(first)
    stored = {s.id: s for s in Session.batch_get([(s.pk, s.sk) for s in saved])}
    second = MigrationRun("0002")
    backfill.upgrade(second)

    assert {i: s.speaker_names.as_dict() for i, s in stored.items()} == {
        "s0": {"ada": "Ada Lovelace"},  # the trashed speaker's name is not kept, as trashing drops it
        "s1": {},
        "s2": {"ada": "Ada Lovelace"},  # a speaker that no longer exists is left out
        "s3": {"ada": "Kept Name"},
    }
    assert stored["s3"].version == saved[3].version  # untouched
    assert first.done >= 3  # other tests' sessions in the shared table may be backfilled too
    assert second.done == 0
    assert first.cursor is None


def test_backfill_that_races_a_rename_stores_the_new_name(saved, faults):
    from chalicelib.db.content import Session, Speaker
    from chalicelib.db.keys import child_sk, event_pk
    from chalicelib.migrations.runner import MigrationRun, load_revisions
    from support.aws_faults import Rule

    def rename_first(body: bytes) -> bool:
        # Another request renames Ada after the backfill read her and before its write lands.
        if b"Ada Lovelace" in body:
            ada = Speaker.get(event_pk(EVENT_ID), child_sk("speaker", "ada"), consistent_read=True)
            ada.update(actions=[Speaker.name.set("Ada Renamed")])
        return False  # the write itself goes through, and meets the speaker's new version

    faults.add(Rule("dynamodb", "TransactWriteItems", answer=(500, ""), when=rename_first))

    load_revisions().by_revision["0002"].upgrade(MigrationRun("0002"))

    first = Session.get(saved[0].pk, saved[0].sk, consistent_read=True)
    assert first.speaker_names.as_dict() == {"ada": "Ada Renamed"}
