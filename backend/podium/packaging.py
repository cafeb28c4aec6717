"""`make package`: the Lambda deployment package, with templates and site assets inside.

Chalice packages only app.py, chalicelib/ and vendor/ and follows no symlinks, so the build
runs in a staging copy of backend/ (build/package-src/) into which the top-level templates/
and site/assets/ are copied as chalicelib/templates/ and chalicelib/site_assets/ (where the
renderer looks first). The source tree is never changed, so tests and a running stack are
undisturbed; Chalice's wheel cache (.chalice/deployments/) is kept in the staging copy.
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
STAGING = REPO / "build" / "package-src"
_IGNORE = shutil.ignore_patterns("__pycache__", "*.pyc", "deployments", "deployed")


def stage_sources() -> Path:
    """Refresh build/package-src/ from backend/, templates/ and site/assets/; returns it."""
    STAGING.mkdir(parents=True, exist_ok=True)
    for name in ("app.py", "requirements.txt"):
        shutil.copy2(BACKEND / name, STAGING / name)
    for source, target in (
        (BACKEND / "chalicelib", STAGING / "chalicelib"),
        (REPO / "templates", STAGING / "chalicelib" / "templates"),
        (REPO / "site" / "assets", STAGING / "chalicelib" / "site_assets"),
    ):
        shutil.rmtree(target, ignore_errors=True)
        shutil.copytree(source, target, ignore=_IGNORE)
    chalice_dir = STAGING / ".chalice"
    chalice_dir.mkdir(exist_ok=True)
    for config in (BACKEND / ".chalice").glob("*.json"):
        shutil.copy2(config, chalice_dir / config.name)
    return STAGING


def package(stage: str, out_dir: Path) -> Path:
    """Run `chalice package` for `stage` into `out_dir`; returns the deployment zip."""
    project = stage_sources()
    shutil.rmtree(out_dir, ignore_errors=True)
    chalice = Path(sys.executable).with_name("chalice")
    # chalice insists on a region even though packaging talks to no AWS service.
    env = {**os.environ, "AWS_DEFAULT_REGION": os.environ.get("AWS_DEFAULT_REGION", "us-east-1")}
    subprocess.run([str(chalice), "package", "--stage", stage, str(out_dir)], cwd=project, check=True, env=env)
    report_batch_item_failures(out_dir / "sam.json")
    compiled = precompile(out_dir / "deployment.zip")
    print(f"Precompiled {compiled} modules (unchecked-hash .pyc) into the package.")
    return out_dir / "deployment.zip"


def precompile(zip_path: Path) -> int:
    """Add bytecode for every module in the deployment zip; returns the modules compiled.

    Lambda's code folder is read-only, so without it every cold start compiles each module it
    imports again. Unchecked-hash .pyc files are used whatever the files' times after unzipping;
    the code is compiled under Lambda's path (/var/task) so tracebacks name the real files.
    The bytecode is this interpreter's: the runtime in the SAM template is its version too.
    """
    import compileall
    import py_compile
    import tempfile
    import zipfile

    with tempfile.TemporaryDirectory() as scratch:
        tree = Path(scratch)
        with zipfile.ZipFile(zip_path) as archive:
            archive.extractall(tree)
        sources = [path for path in tree.rglob("*.py") if "__pycache__" not in path.parts]
        ok = compileall.compile_dir(
            tree, quiet=2, ddir="/var/task", workers=0, invalidation_mode=py_compile.PycInvalidationMode.UNCHECKED_HASH
        )
        if not ok:  # a file that is not Python 3 (a test fixture of some dependency) keeps its source only
            print("Some files in the package did not compile; they are imported from source.", file=sys.stderr)
        rebuilt = zip_path.with_suffix(".tmp")
        with zipfile.ZipFile(rebuilt, "w", zipfile.ZIP_DEFLATED) as archive:
            for path in sorted(tree.rglob("*")):
                if path.is_file():
                    archive.write(path, path.relative_to(tree).as_posix())
        rebuilt.replace(zip_path)
    return len(sources)


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
