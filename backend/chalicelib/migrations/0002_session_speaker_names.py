"""Backfill the speakers' names sessions keep, for sessions saved before they were kept."""

from __future__ import annotations

from pynamodb.exceptions import DoesNotExist, TransactWriteError

from chalicelib.db.base import is_condition_failure, transact_write
from chalicelib.db.content import Session, Speaker
from chalicelib.db.keys import child_key
from chalicelib.domain.content import is_live
from chalicelib.domain.speaker_names import check_unchanged, names_of
from chalicelib.migrations.runner import MigrationRun

revision = "0002"
down_revision = "0001"
PAGE_SIZE = 100
ATTEMPTS = 3


def upgrade(run: MigrationRun) -> None:
    """Sessions without speaker_names get their live speakers' names; a second run finds none."""
    # Not a request path: an operator runs it once; it pages and checkpoints its cursor.
    sessions = Session.scan(  # allow-scan: one-off backfill over every event, paged and resumable
        Session.speaker_names.does_not_exist(), page_size=PAGE_SIZE, last_evaluated_key=run.cursor
    )
    run.each(sessions, _keep_names, page_size=PAGE_SIZE)


def _keep_names(session: Session) -> None:
    """Store the names as an edit of the session would (domain/speaker_names.py): only if the
    session still keeps none and none of the speakers read changed before the write lands."""
    for _attempt in range(ATTEMPTS):
        if session.speaker_names is not None:
            return
        keys = [child_key(session.event_id, "speaker", i) for i in session.speaker_ids or []]
        speakers = [s for s in Speaker.batch_get(keys, consistent_read=True) if is_live(s)] if keys else []
        try:
            with transact_write() as transaction:
                transaction.update(
                    session,
                    actions=[Session.speaker_names.set(names_of(speakers))],
                    condition=Session.speaker_names.does_not_exist(),
                )
                check_unchanged(transaction, speakers)
            return
        except TransactWriteError as err:
            if not is_condition_failure(err):
                raise
        try:
            session.refresh(consistent_read=True)
        except DoesNotExist:
            return
    raise RuntimeError(f"session {session.pk} {session.sk} kept changing; run the upgrade again")
