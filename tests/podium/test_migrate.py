from __future__ import annotations

import re
import textwrap
from datetime import UTC, datetime, timedelta

import pytest

pytestmark = pytest.mark.integration
START = datetime(2031, 3, 14, 9, 0, tzinfo=UTC)


@pytest.fixture
def untimed_session(aws_stack):
    """A session saved before duration_minutes existed."""
    from chalicelib.db.content import Session
    from chalicelib.db.keys import event_pk

    session = Session(event_pk("migr0001"), "SESSION#s1", id="s1", event_id="migr0001", title="Old talk")
    session.starts_at, session.ends_at = START, START + timedelta(minutes=45)
    session.save()
    yield session
    session.delete(add_version_condition=False)


def _write_migrations(folder, graph: dict[str, str | None]):
    folder.mkdir()
    for revision, down in graph.items():
        (folder / f"{revision}_step.py").write_text(
            textwrap.dedent(f'''
                """Step {revision}."""
                revision = "{revision}"
                down_revision = {down!r}

                def upgrade(run):
                    run.checkpoint(None, 0)
            ''')
        )
    return folder


def test_history_marks_head_and_current(local_stack, podium, clean_migration_state, tmp_path):
    folder = _write_migrations(tmp_path / "migrations", {"0001": None, "0002": "0001", "0003": "0002"})
    podium("db", "stamp", "0002", "--yes", "--state-dir", str(local_stack), "--migrations-dir", str(folder))

    result = podium("db", "history", "--state-dir", str(local_stack), "--migrations-dir", str(folder))

    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        "0002 -> 0003 (head), Step 0003.",
        "0001 -> 0002 (current), Step 0002.",
        "<base> -> 0001, Step 0001.",
    ]


def test_history_colors_the_marks_only_on_a_terminal(local_stack, podium, clean_migration_state):
    piped = podium("db", "history", "--state-dir", str(local_stack))
    terminal = podium("db", "history", "--state-dir", str(local_stack), env={"FORCE_COLOR": "1"})

    assert re.search(r"\x1b\[", piped.stdout) is None
    assert "0001 -> 0002 (head), Backfill the speakers' names sessions keep" in piped.stdout
    assert "<base> -> 0001, Backfill sessions' duration_minutes" in piped.stdout
    assert piped.stdout.endswith("<base> (current): no migration applied yet\n")
    assert re.search(r"\x1b\[[0-9;]*m\(head\)\x1b\[0m", terminal.stdout), terminal.stdout


def test_upgrade_from_base_applies_the_backfill_then_does_nothing(
    local_stack, podium, clean_migration_state, untimed_session
):
    from chalicelib.db.content import Session

    first = podium("db", "upgrade", "--state-dir", str(local_stack))
    after_first = Session.get(untimed_session.pk, untimed_session.sk, consistent_read=True)
    second = podium("db", "upgrade", "--state-dir", str(local_stack))
    after_second = Session.get(untimed_session.pk, untimed_session.sk, consistent_read=True)
    current = podium("db", "current", "--state-dir", str(local_stack))

    assert first.returncode == 0, first.stderr
    assert first.stdout == (
        "Applied 0001, Backfill sessions' duration_minutes from their start and end times.\n"
        "Applied 0002, Backfill the speakers' names sessions keep, for sessions saved before they were kept.\n"
    )
    assert after_first.duration_minutes == 45
    assert after_first.speaker_names.as_dict() == {}
    assert second.stdout == "Up to date at 0002; nothing to apply.\n"
    assert after_second.version == after_first.version
    assert current.stdout.startswith("0002 (current), Backfill the speakers' names")


def test_stamp_moves_current_after_confirmation_only(local_stack, podium, clean_migration_state, tmp_path):
    folder = _write_migrations(tmp_path / "migrations", {"0001": None, "0002": "0001"})
    args = ["--state-dir", str(local_stack), "--migrations-dir", str(folder)]

    refused = podium("db", "stamp", "0002", *args, stdin="n\n")
    after_refusal = podium("db", "current", *args)
    accepted = podium("db", "stamp", "0002", *args, stdin="y\n")
    after_stamp = podium("db", "current", *args)
    upgraded = podium("db", "upgrade", *args)

    assert refused.returncode == 1 and "without running any migration? [y/N]" in refused.stderr
    assert after_refusal.stdout == "<base> (current): no migration applied yet\n"
    assert (accepted.returncode, accepted.stdout) == (0, "Stamped 0002 (current)\n")
    assert after_stamp.stdout == "0002 (current), Step 0002.\n"
    assert upgraded.stdout == "Up to date at 0002; nothing to apply.\n"


def test_a_second_head_is_reported_and_blocks_upgrade(local_stack, podium, clean_migration_state, tmp_path):
    folder = _write_migrations(tmp_path / "migrations", {"0001": None, "0002": "0001", "0003": "0001"})
    args = ["--state-dir", str(local_stack), "--migrations-dir", str(folder)]

    heads = podium("db", "heads", *args)
    upgrade = podium("db", "upgrade", *args)
    history = podium("db", "history", *args)

    assert heads.returncode == 1
    assert heads.stdout == "0002 (head), Step 0002.\n0003 (head), Step 0003.\n"
    assert "warning: 2 heads (0002, 0003)" in heads.stderr
    assert upgrade.returncode == 1 and "several heads: 0002, 0003" in upgrade.stderr
    assert history.stdout.count("(head)") == 2


def test_db_without_a_running_stack_says_how_to_start_one(podium, tmp_path):
    result = podium("db", "current", "--state-dir", str(tmp_path / "none"))

    assert result.returncode == 1
    assert "No local stack is running" in result.stderr and "make run" in result.stderr
