"""`podium dev` owns its state folder: a second stack on it refuses to start, a crashed stack's lock is
taken over, and what it writes there only its user can read."""

from __future__ import annotations

import signal
import stat
import subprocess
import time
from pathlib import Path

import pytest
from support.dev_stack import dev_command, podium_environ, run_podium
from support.http_client import HttpApi

pytestmark = pytest.mark.integration


def _modes(state: Path) -> dict[str, int]:
    return {str(p.relative_to(state)): stat.S_IMODE(p.lstat().st_mode) for p in [state, *state.rglob("*")]}


def _wait_for(condition, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "condition not met in time"
        time.sleep(0.05)


def _create_event(api: HttpApi, name: str) -> tuple[dict[str, str], str]:
    """A new account and a draft event it owns; returns the account's credentials and the event's id."""
    account = {"email": f"{name.lower().replace(' ', '-')}@example.org", "password": "owner password 1"}
    api.json("POST", "/v1/auth/signup", {**account, "name": name}, expect=201)
    token = api.json("POST", "/v1/auth/login", account, expect=200)["access_token"]
    return account, api.json("POST", "/v1/events", {"name": name}, token=token, expect=201)["id"]


def test_second_dev_stack_on_the_same_state_folder_refuses_and_the_first_keeps_its_data(dev_stack_factory, tmp_path):
    # GIVEN a running stack
    state = tmp_path / "state"
    first = dev_stack_factory(state)
    api = HttpApi(first.urls["API"])

    # WHEN a second `podium dev` is started on the same folder
    second = subprocess.run(
        dev_command(state), capture_output=True, text=True, env=podium_environ(), cwd=state.parent, timeout=60
    )
    account, event_id = _create_event(api, "After The Refusal")  # the first keeps journaling
    _wait_for(lambda: "After The Refusal" in (state / "journal.jsonl").read_text())
    current = run_podium("db", "current", "--state-dir", str(state))
    first.stop()
    restarted = HttpApi(dev_stack_factory(state).urls["API"])
    token = restarted.json("POST", "/v1/auth/login", account, expect=200)["access_token"]
    kept = restarted.json("GET", f"/v1/events/{event_id}", token=token, expect=200)

    # THEN it exits non-zero naming the running stack's pid and URLs; the first stack is untouched
    assert second.returncode == 1
    assert f"another stack (pid {first.process.pid}) is running from {state}" in second.stderr
    assert first.urls["API"] in second.stderr and first.urls["Admin"] in second.stderr
    assert "API:" not in second.stdout  # it never started a server
    assert current.returncode == 0, current.stderr  # operator commands still find the first stack
    assert kept["name"] == "After The Refusal"  # written after the refusal, kept across the restart


def test_dev_stack_killed_leaves_a_lock_the_next_start_takes_over_and_says_so(dev_stack_factory, tmp_path):
    state = tmp_path / "state"
    first = dev_stack_factory(state)
    first.process.send_signal(signal.SIGKILL)
    first.process.wait(10)

    second = dev_stack_factory(state)

    took_over = [line for line in second.output if "took over" in line]
    assert took_over == [
        f"WARNING podium.local: took over {state}/stack.lock from pid {first.process.pid}, which is not running any "
        "more (it stopped without releasing it)"
    ]
    assert HttpApi(second.urls["API"]).call("GET", "/v1/health").status_code == 200
    assert second.stop()[0] == 0
    assert not (state / "stack.json").exists()  # its owner removed it at the stop


def test_dev_stack_state_files_are_readable_by_their_user_only(dev_stack_factory, tmp_path):
    # GIVEN a state folder made with loose modes (an older podium, or a umask of 022)
    state = tmp_path / "state"
    state.mkdir(mode=0o755)
    (state / "jwt-secret").write_text("a-secret-kept-from-before-the-upgrade")
    (state / "jwt-secret").chmod(0o644)

    # WHEN the stack starts on it and writes a password hash and an uploads manifest
    stack = dev_stack_factory(state)
    _create_event(HttpApi(stack.urls["API"]), "Private Conf")
    _wait_for(lambda: (state / "journal.jsonl").exists() and "password_hash" in (state / "journal.jsonl").read_text())
    running = _modes(state)
    stack.stop()

    # THEN the folders are 0700 and every file 0600, and the start said what it tightened
    assert {"items.jsonl", "journal.jsonl", "objects.jsonl", "jwt-secret", "stack.json", "stack.lock"} <= set(running)
    assert {name: mode for name, mode in running.items() if mode not in (0o700, 0o600)} == {}
    assert {name for name, mode in running.items() if mode == 0o700} == {".", "blobs"}
    assert {name: mode for name, mode in _modes(state).items() if mode not in (0o700, 0o600)} == {}
    assert any("2 entries were open to other users (., jwt-secret)" in line for line in stack.output)
