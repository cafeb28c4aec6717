"""Import time of the API (backend/app.py, production settings) against its unavoidable
dependencies alone (chalice, pynamodb, boto3): median of fresh processes, and the ratio.

Target: ratio <= 1.2, so Jinja2, Pillow and other heavy modules stay off the API's path.

`--package build/package/deployment.zip` measures the same from the unzipped Lambda package
(`make package`) instead of backend/ and the virtualenv: the package's modules come first, as
in /var/task, and boto3, which the Lambda runtime provides, from this interpreter's.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import zipfile
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


def import_seconds(stmt: str, code: Path) -> float:
    """Seconds to run `stmt` in a fresh interpreter under production settings, importing from `code` first."""
    output = subprocess.run(
        [sys.executable, "-c", TIMER.format(stmt=stmt)],
        cwd=code,
        env=PROD_ENV,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return float(output.strip())


def median_import_seconds(*stmts: str, code: Path) -> list[float]:
    """The median import time of each statement; runs alternate, so a machine whose load changes
    during the benchmark weighs on every statement alike."""
    timings: list[list[float]] = [[] for _ in stmts]
    for _ in range(RUNS):
        for spent, stmt in zip(timings, stmts, strict=True):
            spent.append(import_seconds(stmt, code))
    return [statistics.median(spent) for spent in timings]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--package", type=Path, help="a deployment zip to import from instead of backend/")
    args = parser.parse_args()
    if args.package is None:
        measure(ROOT / "backend", "cold_start")
        return
    with tempfile.TemporaryDirectory() as unzipped, zipfile.ZipFile(args.package) as archive:
        archive.extractall(unzipped)
        print(f"package: {args.package} ({args.package.stat().st_size / 1_000_000:.1f} MB)")
        measure(Path(unzipped), "cold_start_package")


def measure(code: Path, name: str) -> None:
    """Print and report the median import times of the API and its dependencies from `code`."""
    baseline, app = median_import_seconds("import chalice, pynamodb.models, boto3", "import app", code=code)
    heavy = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys, app; print(sorted(m for m in ('jinja2', 'PIL', 'nh3', 'icalendar', 'markdown_it', 'aws_lambda_powertools') if m in sys.modules))",
        ],
        cwd=code,
        env=PROD_ENV,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    ratio = app / baseline
    print(f"dependencies alone (chalice, pynamodb, boto3): {baseline * 1000:.0f} ms (median of {RUNS})")
    print(f"backend/app.py under production settings:     {app * 1000:.0f} ms (median of {RUNS})")
    print(f"ratio: {ratio:.2f} (target <= 1.2); heavy modules imported by app: {heavy}")
    report(name, {"deps_ms": round(baseline * 1000), "app_ms": round(app * 1000), "ratio": round(ratio, 2)})


if __name__ == "__main__":
    main()
