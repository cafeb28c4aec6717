"""`make package`: the Lambda deployment package, with templates and site assets inside.

Chalice packages only app.py, chalicelib/ and vendor/ and follows no symlinks, so the
top-level templates/ and site/assets/ are copied into chalicelib/templates/ and
chalicelib/site_assets/ for the build (where the renderer looks first) and removed after.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
BACKEND = REPO / "backend"
COPIES = {
    REPO / "templates": BACKEND / "chalicelib" / "templates",
    REPO / "site" / "assets": BACKEND / "chalicelib" / "site_assets",
}


def bundle_static_files() -> None:
    """Copy templates/ and site/assets/ into the package tree (replacing older copies)."""
    remove_static_copies()
    for source, copy in COPIES.items():
        shutil.copytree(source, copy)


def remove_static_copies() -> None:
    for copy in COPIES.values():
        shutil.rmtree(copy, ignore_errors=True)


def package(stage: str, out_dir: Path) -> Path:
    """Run `chalice package` for `stage` into `out_dir`; returns the deployment zip."""
    bundle_static_files()
    try:
        shutil.rmtree(out_dir, ignore_errors=True)
        chalice = Path(sys.executable).with_name("chalice")
        # chalice insists on a region even though packaging talks to no AWS service.
        env = {**os.environ, "AWS_DEFAULT_REGION": os.environ.get("AWS_DEFAULT_REGION", "us-east-1")}
        subprocess.run([str(chalice), "package", "--stage", stage, str(out_dir)], cwd=BACKEND, check=True, env=env)
    finally:
        remove_static_copies()
    report_batch_item_failures(out_dir / "sam.json")
    return out_dir / "deployment.zip"


def report_batch_item_failures(sam_template: Path) -> list[str]:
    """Turn on ReportBatchItemFailures for every SQS event source in the SAM template.

    Chalice cannot set it, and without it Lambda ignores the worker's partial batch answer and
    retries the whole batch (re-running jobs that succeeded). Returns the functions changed.
    """
    template = json.loads(sam_template.read_text())
    changed = []
    for name, resource in template.get("Resources", {}).items():
        for source in resource.get("Properties", {}).get("Events", {}).values():
            if source.get("Type") == "SQS":
                source.setdefault("Properties", {})["FunctionResponseTypes"] = ["ReportBatchItemFailures"]
                changed.append(name)
    sam_template.write_text(json.dumps(template, indent=2))
    return changed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m podium.packaging")
    parser.add_argument("--stage", default="dev", choices=["dev", "staging", "prod"])
    parser.add_argument("--out", type=Path, default=REPO / "build" / "package")
    args = parser.parse_args(argv)
    zip_path = package(args.stage, args.out.resolve())
    size = zip_path.stat().st_size
    print(f"Package: {zip_path} ({size / 1_000_000:.1f} MB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
