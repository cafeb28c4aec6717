"""One stack per state folder, and a folder only its user can read (podium/localstack/state_folder.py)."""

from __future__ import annotations

import json
import logging
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from podium.localstack.state_folder import (
    LOCK_NAME,
    Holder,
    StateFolderBusy,
    StateLock,
    open_private_append,
    process_started,
    tighten,
    write_private,
)

pytestmark = pytest.mark.unit
REPO = Path(__file__).resolve().parents[2]
HOLD = (
    "import sys; from pathlib import Path; from podium.localstack.state_folder import StateLock; "
    "StateLock.take(Path(sys.argv[1])); print('held', flush=True); sys.stdin.read()"
)


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.lstat().st_mode)


def _holding_process(state_dir: Path) -> subprocess.Popen:
    """Another process that takes the folder's lock and keeps it until its stdin closes."""
    env = {**os.environ, "PYTHONPATH": str(REPO / "backend")}
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(state_dir)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=env
    )
    assert holder.stdout.readline() == "held\n"  # waits until the lock is taken
    return holder


def test_state_lock_refuses_a_folder_another_process_holds_naming_its_pid(tmp_path):
    holder = _holding_process(tmp_path / "state")
    try:
        with pytest.raises(StateFolderBusy, match=rf"another stack \(pid {holder.pid}\) is running from"):
            StateLock.take(tmp_path / "state")
    finally:
        holder.stdin.close()
        holder.wait(10)


def test_state_lock_takes_over_from_a_holder_that_died_without_releasing(tmp_path):
    holder = _holding_process(tmp_path / "state")
    holder.kill()
    holder.wait(10)

    lock = StateLock.take(tmp_path / "state")

    assert lock.previous is not None and lock.previous.pid == holder.pid
    assert Holder.from_json((tmp_path / "state" / LOCK_NAME).read_text()) == Holder.this_process()
    lock.release()


def test_state_lock_takes_over_a_lock_naming_a_live_pid_that_started_at_another_time(tmp_path):
    # GIVEN a lock file naming a pid that now belongs to another live process (pid reuse)
    state = tmp_path / "state"
    state.mkdir()
    parent = os.getppid()
    (state / LOCK_NAME).write_text(json.dumps({"pid": parent, "started": "boot+0"}))

    lock = StateLock.take(state)

    assert lock.previous == Holder(parent, "boot+0")
    assert Holder(parent, process_started(parent)).is_running()
    assert not Holder(parent, "boot+0").is_running()
    lock.release()


def test_state_lock_released_names_no_holder_and_the_next_take_is_no_takeover(tmp_path):
    StateLock.take(tmp_path / "state").release()

    again = StateLock.take(tmp_path / "state")

    assert (again.previous, again.held) == (None, True)
    again.release()
    assert (tmp_path / "state" / LOCK_NAME).read_text() == ""


def test_state_lock_refuses_a_second_take_in_the_same_process_and_keeps_the_first(tmp_path):
    first = StateLock.take(tmp_path / "state")

    with pytest.raises(StateFolderBusy):
        StateLock.take(tmp_path / "state")  # POSIX record locks alone would let this through

    assert first.held
    first.release()
    StateLock.take(tmp_path / "state").release()


def test_state_lock_makes_a_new_folder_private(tmp_path):
    StateLock.take(tmp_path / "state").release()

    assert (_mode(tmp_path / "state"), _mode(tmp_path / "state" / LOCK_NAME)) == (0o700, 0o600)


def test_tighten_makes_a_loose_folder_and_everything_in_it_private(tmp_path, caplog):
    # GIVEN a state folder made by an older podium: 0755 folders and 0644 files
    state = tmp_path / "state"
    (state / "blobs").mkdir(parents=True)
    for path in (state / "items.jsonl", state / "journal.jsonl", state / "blobs" / "abc"):
        path.write_text("x")
        path.chmod(0o644)
    state.chmod(0o755)
    (state / "blobs").chmod(0o755)

    with caplog.at_level(logging.WARNING, logger="podium.local"):
        changed = tighten(state)

    assert len(changed) == 5
    assert {_mode(p) for p in (state, state / "blobs")} == {0o700}
    assert {_mode(p) for p in (state / "items.jsonl", state / "journal.jsonl", state / "blobs" / "abc")} == {0o600}
    assert "5 entries were open to other users" in caplog.text
    assert tighten(state) == []


def test_write_private_and_open_private_append_create_files_only_their_user_reads(tmp_path):
    stale_temp = tmp_path / "items.jsonl.tmp"  # left by a crash, with a loose mode
    stale_temp.write_text("old")
    stale_temp.chmod(0o644)

    write_private(tmp_path / "items.jsonl", "{}\n")
    with open_private_append(tmp_path / "journal.jsonl") as journal:
        journal.write("{}\n")

    assert (_mode(tmp_path / "items.jsonl"), _mode(tmp_path / "journal.jsonl")) == (0o600, 0o600)
    assert (tmp_path / "items.jsonl").read_text() == "{}\n"


def test_stopping_a_stack_that_never_owned_its_folder_removes_nothing(tmp_path):
    from podium.localstack.stack import LocalStack

    # GIVEN a folder another stack runs from: its marker and journal
    state = tmp_path / "state"
    state.mkdir()
    (state / "stack.json").write_text(json.dumps({"pid": os.getppid(), "started": process_started(os.getppid())}))
    (state / "journal.jsonl").write_text('{"put": {}}\n')

    LocalStack(state).stop()  # as `podium dev` does after a start that failed

    assert sorted(p.name for p in state.iterdir()) == ["journal.jsonl", "stack.json"]
