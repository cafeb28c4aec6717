"""One Lambda package build per test run, shared by every xdist worker (a build takes up to a
minute, and two at once used to corrupt Chalice's cache)."""

from __future__ import annotations

import fcntl
import json
import os
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
# CI writes the real stream ARN into the stage config from the infra stack's outputs
# (python -m podium.stages); a realistic one stands in for it here.
STREAM_ARN = "arn:aws:dynamodb:us-east-1:123456789012:table/podium-prod/stream/2031-01-01T00:00:00.000"


@dataclass(frozen=True)
class Build:
    """What one `python -m podium.packaging` run left: its output folder and its exit."""

    out: Path
    returncode: int
    stdout: str
    stderr: str
    builder_pid: int


def build_once(folder: Path, build: Callable[[Path], subprocess.CompletedProcess]) -> Build:
    """`build(folder / "out")` run by the first process to get here with this `folder`; the others
    wait on the lock and get its result (a failed build too, rather than failing a minute later)."""
    folder.mkdir(parents=True, exist_ok=True)
    result = folder / "build.json"
    with (folder / "build.lock").open("a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not result.exists():
            finished = build(folder / "out")
            recorded = {"returncode": finished.returncode, "stdout": finished.stdout, "stderr": finished.stderr}
            result.write_text(json.dumps({**recorded, "builder_pid": os.getpid()}))
    return Build(out=folder / "out", **json.loads(result.read_text()))


def package_prod(out: Path) -> subprocess.CompletedProcess:
    """`python -m podium.packaging --stage prod` from this checkout, without the tests' AWS settings."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PODIUM_", "AWS_"))}
    env.update({"PYTHONPATH": str(REPO / "backend"), "PODIUM_TABLE_STREAM_ARN": STREAM_ARN})
    return subprocess.run(
        [sys.executable, "-m", "podium.packaging", "--stage", "prod", "--out", str(out)],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )


def run_folder(base_temp: Path) -> Path:
    """A folder shared by this run's xdist workers and by no other run: a worker's base temp
    folder (popen-gwN) sits in the run's own; a run without workers has it to itself."""
    return base_temp.parent if os.environ.get("PYTEST_XDIST_WORKER") else base_temp
