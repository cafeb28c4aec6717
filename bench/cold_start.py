"""Import time of the API (backend/app.py, production settings) against its unavoidable
dependencies alone (chalice, pynamodb, boto3): median of fresh processes, and the ratio.

Target: ratio <= 1.2, so Jinja2, Pillow and other heavy modules stay off the API's path.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
from pathlib import Path

from report import report

ROOT = Path(__file__).resolve().parents[1]
RUNS = 15
TIMER = "import time; t = time.perf_counter(); {stmt}; print(time.perf_counter() - t)"
PROD_ENV = {
    "PODIUM_STAGE": "prod",
    "PODIUM_TABLE_NAME": "podium-prod",
    "PODIUM_JOBS_QUEUE_NAME": "podium-prod-jobs",
    "AWS_DEFAULT_REGION": "us-east-1",
    "PATH": os.environ.get("PATH", ""),
}


def import_seconds(stmt: str) -> float:
    """Seconds to run `stmt` in a fresh interpreter under production settings."""
    output = subprocess.run(
        [sys.executable, "-c", TIMER.format(stmt=stmt)],
        cwd=ROOT / "backend",
        env=PROD_ENV,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return float(output.strip())


def median_import_seconds(*stmts: str) -> list[float]:
    """The median import time of each statement; runs alternate, so a machine whose load changes
    during the benchmark weighs on every statement alike."""
    timings: list[list[float]] = [[] for _ in stmts]
    for _ in range(RUNS):
        for spent, stmt in zip(timings, stmts, strict=True):
            spent.append(import_seconds(stmt))
    return [statistics.median(spent) for spent in timings]


def main() -> None:
    baseline, app = median_import_seconds("import chalice, pynamodb.models, boto3", "import app")
    heavy = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys, app; print(sorted(m for m in ('jinja2', 'PIL', 'nh3', 'icalendar', 'markdown_it', 'aws_lambda_powertools') if m in sys.modules))",
        ],
        cwd=ROOT / "backend",
        env=PROD_ENV,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    ratio = app / baseline
    print(f"dependencies alone (chalice, pynamodb, boto3): {baseline * 1000:.0f} ms (median of {RUNS})")
    print(f"backend/app.py under production settings:     {app * 1000:.0f} ms (median of {RUNS})")
    print(f"ratio: {ratio:.2f} (target <= 1.2); heavy modules imported by app: {heavy}")
    report("cold_start", {"deps_ms": round(baseline * 1000), "app_ms": round(app * 1000), "ratio": round(ratio, 2)})


if __name__ == "__main__":
    main()
