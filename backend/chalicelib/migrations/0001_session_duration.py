"""Backfill sessions' duration_minutes from their start and end times."""

from __future__ import annotations

from pynamodb.exceptions import UpdateError

from chalicelib.db.content import Session, session_duration_minutes
from chalicelib.migrations.runner import MigrationRun

revision = "0001"
down_revision = None
PAGE_SIZE = 100


def upgrade(run: MigrationRun) -> None:
    """Sessions without duration_minutes get it; a second run finds none left to change."""
    # allow-scan: sessions of every event, drafts included, and no index lists every event.
    # Not a request path: an operator runs it once; it pages and checkpoints its cursor.
    sessions = Session.scan(  # allow-scan: one-off backfill over every event, paged and resumable
        Session.duration_minutes.does_not_exist() & Session.starts_at.exists() & Session.ends_at.exists(),
        page_size=PAGE_SIZE,
        last_evaluated_key=run.cursor,
    )
    run.each(sessions, _set_duration, page_size=PAGE_SIZE)


def _set_duration(session: Session) -> None:
    for _attempt in range(3):
        minutes = session_duration_minutes(session.starts_at, session.ends_at)
        if minutes is None or session.duration_minutes is not None:
            return
        try:
            # The version condition keeps a concurrent edit of the times from being overwritten.
            session.update(actions=[Session.duration_minutes.set(minutes)])
            return
        except UpdateError as err:
            if err.cause_response_code != "ConditionalCheckFailedException":
                raise
            session.refresh(consistent_read=True)
    raise RuntimeError(f"session {session.pk} {session.sk} kept changing; run the upgrade again")
