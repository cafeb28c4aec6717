"""The Makefile's entry points take what README says they take."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

pytestmark = pytest.mark.unit
REPO = Path(__file__).resolve().parents[1]


def test_make_run_passes_args_to_podium_dev(tmp_path):
    venv = tmp_path / "venv"  # a venv that does not exist: `make -n` only prints what it would run

    dry_run = subprocess.run(
        # --no-print-directory: under `make test` this make is nested and would add "Leaving directory" lines.
        ["make", "-n", "--no-print-directory", "run", f"VENV={venv}", "ARGS=--seed demo --api-port 9000 --state-dir /tmp/podium-x"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert dry_run.returncode == 0, dry_run.stderr
    assert dry_run.stdout.splitlines()[-1] == f"{venv}/bin/podium dev --seed demo --api-port 9000 --state-dir /tmp/podium-x"
