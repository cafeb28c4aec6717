"""Runs `podium` commands as an operator would, against the test process's moto stack.

A stack.json like the one `podium dev` writes points the command at this process's moto
server (its pid is alive, its environ names the test table), so no second stack starts.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from podium.localstack.state_folder import Holder

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def local_stack(aws_stack, tmp_path) -> Path:
    """A state folder whose stack.json names the running test stack."""
    state_dir = tmp_path / "state"
    state_dir.mkdir()
    environ = {k: v for k, v in os.environ.items() if k.startswith(("PODIUM_", "AWS_"))}
    me = Holder.this_process()  # a live pid with its start time, as the stack writes them
    marker = {"pid": me.pid, "started": me.started, "api": "http://127.0.0.1:1", "aws": environ["AWS_ENDPOINT_URL"]}
    marker["environ"] = environ
    (state_dir / "stack.json").write_text(json.dumps(marker))
    return state_dir


@pytest.fixture
def podium(tmp_path) -> Callable[..., subprocess.CompletedProcess]:
    """`podium ARGS...` in a clean environment (no PODIUM_/AWS_ names), from a scratch folder."""

    def run(
        *args: str, stdin: str = "", cwd: Path | None = None, env: dict[str, str] | None = None
    ) -> subprocess.CompletedProcess:
        clean = {k: v for k, v in os.environ.items() if not k.startswith(("PODIUM_", "AWS_", "FORCE_COLOR"))}
        env = {**clean, "PYTHONPATH": str(REPO / "backend"), **(env or {})}
        return subprocess.run(
            [sys.executable, "-m", "podium.cli", *args],
            input=stdin,
            capture_output=True,
            text=True,
            env=env,
            cwd=cwd or tmp_path,
            timeout=120,
        )

    return run


@pytest.fixture
def clean_migration_state(aws_stack):
    """No recorded revision or checkpoint before and after the test (the table is shared)."""
    from chalicelib.db.base import Item

    def wipe() -> None:
        for item in Item._get_connection().query("MIGRATIONS").get("Items", []):
            Item._get_connection().delete_item(item["pk"]["S"], item["sk"]["S"])

    wipe()
    yield
    wipe()
