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
import zipfile
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
    Chalice's entries keep their times (so the zip stays the same for the same sources) and
    become readable by all; each .pyc takes its source's time.
    """
    import importlib.util

    compiled = 0
    rebuilt = zip_path.with_suffix(".tmp")
    with zipfile.ZipFile(zip_path) as source, zipfile.ZipFile(rebuilt, "w", zipfile.ZIP_DEFLATED) as target:
        for entry in source.infolist():
            data = source.read(entry)
            target.writestr(_readable_by_all(entry), data)
            if not entry.filename.endswith(".py"):
                continue
            try:
                code = compile(data, f"/var/task/{entry.filename}", "exec", dont_inherit=True)
            except (SyntaxError, ValueError):
                continue  # not Python 3 (a dependency's test fixture): imported from source, if ever
            pyc = zipfile.ZipInfo(importlib.util.cache_from_source(entry.filename), date_time=entry.date_time)
            pyc.external_attr = 0o100644 << 16
            pyc.compress_type = zipfile.ZIP_DEFLATED
            source_hash = importlib.util.source_hash(data)
            target.writestr(pyc, _unchecked_hash_pyc(code, source_hash))
            compiled += 1
    rebuilt.replace(zip_path)
    return compiled


def _readable_by_all(entry: zipfile.ZipInfo) -> zipfile.ZipInfo:
    """The entry, readable (and, where its owner may run it, runnable) by every user: Lambda runs
    the code as another user than the one that built the zip, whose umask Chalice copies."""
    mode = entry.external_attr >> 16
    if mode:
        mode |= 0o444 | (0o111 if mode & 0o100 else 0)
        entry.external_attr = (mode << 16) | (entry.external_attr & 0xFFFF)
    return entry


def _unchecked_hash_pyc(code: object, source_hash: bytes) -> bytes:
    """A .pyc the interpreter loads without looking at the source (PEP 552, unchecked hash)."""
    import importlib.util
    import marshal

    flags = 0b01  # hash-based, check_source off
    return importlib.util.MAGIC_NUMBER + flags.to_bytes(4, "little") + source_hash + marshal.dumps(code)


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
