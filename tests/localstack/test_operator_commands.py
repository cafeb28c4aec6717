"""`podium shell` and `podium db` find a running `podium dev` through its state folder."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.integration


def _podium(*args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PODIUM_", "AWS_"))}
    env["PYTHONPATH"] = str(REPO / "backend")
    return subprocess.run(
        [sys.executable, "-m", "podium.cli", *args], capture_output=True, text=True, env=env, cwd=REPO, timeout=120
    )


def test_operator_commands_act_on_the_running_dev_stack(dev_stack_factory, tmp_path):
    dev_stack_factory(tmp_path / "state")
    state = ["--state-dir", str(tmp_path / "state")]

    code = "first = published_events()[0]; print(event_by_slug(first.slug).id == first.id)"
    shell = _podium("shell", *state, "-c", code)
    upgrade = _podium("db", "upgrade", *state)
    current = _podium("db", "current", *state)

    assert (shell.returncode, shell.stdout) == (0, "True\n"), shell.stderr
    assert upgrade.stdout.startswith("Up to date at 0002"), upgrade.stderr  # `podium dev` migrated at its start
    assert current.stdout.startswith("0002 (current)")
