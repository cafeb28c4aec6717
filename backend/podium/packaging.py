"""`make package`: the Lambda deployment package, with templates and site assets inside.

Chalice packages only app.py, chalicelib/ and vendor/ and follows no symlinks, so the build
runs in a staging copy of backend/ (build/package-src/) into which the top-level templates/
and site/assets/ are copied as chalicelib/templates/ and chalicelib/site_assets/ (where the
renderer looks first). The source tree is never changed, so tests and a running stack are
undisturbed; Chalice's wheel cache (.chalice/deployments/) is kept in the staging copy.

Builds are safe to run at once (two test workers, two shells): one build at a time holds
build/package.lock, a cached dependency zip that fails its CRC check is rebuilt rather than
reused, and the output folder appears whole or not at all (built under a temporary name, then
renamed). botocore's data is trimmed to the services the code calls (BOTOCORE_SERVICES): it was
17 MB of a 27 MB zip. The finished zip also replaces Chalice's cached one for these sources, so
a `chalice deploy` of the staging copy after this uploads the same lean zip.
"""

from __future__ import annotations

import argparse
import contextlib
import fcntl
import importlib.util
import json
import marshal
import os
import shutil
import subprocess
import sys
import zipfile
import zlib
from collections.abc import Iterator
from pathlib import Path

from chalice.deploy.packager import LambdaDeploymentPackager
from chalice.utils import OSUtils

REPO = Path(__file__).resolve().parents[2]
BACKEND = REPO / "backend"
STAGING = REPO / "build" / "package-src"
LOCK = REPO / "build" / "package.lock"
_IGNORE = shutil.ignore_patterns("__pycache__", "*.pyc", "deployments", "deployed")
# The deployment zip's ceiling: `make package` fails above it (27.6 MB before the trimming; jsonschema
# and xmlschema for the c3voc and frab readers added 2.9 MB, which leaving out dependencies' own
# tests and Powertools' unused event handler took back).
MAX_ZIP_BYTES = 15_000_000
# botocore/data/<service>/ folders the package keeps: what chalicelib calls through
# adapters/aws.py (dynamodb, s3, ses, sqs, ssm) and pynamodb (dynamodb), plus sesv2 (the
# mailer's successor API), dynamodbstreams (the table's stream) and sts (botocore's
# assume-role credential providers). The files at data/'s top (endpoints, partitions, retry
# and default configuration) are always kept. tests/test_packaging.py checks every service
# the code calls is here and that the zip's clients of each still load.
BOTOCORE_SERVICES = frozenset({"dynamodb", "dynamodbstreams", "s3", "ses", "sesv2", "sqs", "ssm", "sts"})


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


@contextlib.contextmanager
def build_lock(lock_file: Path = LOCK) -> Iterator[None]:
    """Held for a whole build: the staging copy and Chalice's cache are shared by every build of
    this checkout, and Chalice writes its cache zip in place (two builds at once corrupted it)."""
    lock_file.parent.mkdir(parents=True, exist_ok=True)
    with lock_file.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def broken_zip(path: Path) -> bool:
    """True when `path` is not a zip, or one of its entries fails its CRC check."""
    try:
        with zipfile.ZipFile(path) as archive:
            return archive.testzip() is not None
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError):  # a damaged stream fails before its CRC
        return True


def discard_broken_caches(deployments: Path) -> list[Path]:
    """Remove Chalice's cached dependency zips that would fail the build; returns those removed.

    Chalice reuses any zip of the right name, so a cache cut off by a killed build (or written by
    two builds at once) failed every later build until build/ was deleted. Its half-written
    `.tmp.zip` files go too.
    """
    removed = []
    for cached in sorted(deployments.glob("*.zip")):
        if cached.name.endswith(".tmp.zip") or broken_zip(cached):
            cached.unlink()
            removed.append(cached)
    return removed


def package(stage: str, out_dir: Path) -> Path:
    """Run `chalice package` for `stage`; returns the deployment zip in `out_dir`.

    `out_dir` is replaced only by a finished build whose zip passes its CRC check.
    """
    with build_lock():
        project = stage_sources()
        for removed in discard_broken_caches(project / ".chalice" / "deployments"):
            print(f"Rebuilding Chalice's dependency cache: {removed.name} was broken.")
        building = out_dir.with_name(f".{out_dir.name}.{os.getpid()}.tmp")
        shutil.rmtree(building, ignore_errors=True)
        chalice = Path(sys.executable).with_name("chalice")
        # chalice insists on a region even though packaging talks to no AWS service.
        env = {**os.environ, "AWS_DEFAULT_REGION": os.environ.get("AWS_DEFAULT_REGION", "us-east-1")}
        subprocess.run([str(chalice), "package", "--stage", stage, str(building)], cwd=project, check=True, env=env)
        report_batch_item_failures(building / "sam.json")
        compiled, dropped = finish_zip(building / "deployment.zip")
        print(f"Precompiled {compiled} modules (unchecked-hash .pyc) into the package.")
        others = f" ({dropped / 1_000_000:.1f} MB of other services' left out)" if dropped else ""
        print(f"botocore data kept for {', '.join(sorted(BOTOCORE_SERVICES))} only{others}.")
        if broken_zip(building / "deployment.zip"):
            raise RuntimeError(f"{building / 'deployment.zip'} fails its CRC check")
        # `chalice deploy` (CI's deploy job, after this) uploads Chalice's cached zip as it is.
        cached = chalice_cached_zip(project)
        _copy_atomically(building / "deployment.zip", cached)
        for stale in cached.parent.glob("*.zip"):
            if stale != cached:  # named after other sources: one per edit, 12-28 MB each, never reused
                stale.unlink()
        _swap_in(building, out_dir)
    return out_dir / "deployment.zip"


def chalice_cached_zip(project: Path) -> Path:
    """The zip Chalice reuses for `project` as it stands (named by a hash of its requirements and
    app files): `chalice package` copies it, `chalice deploy` uploads it. Chalice picks the
    runtime of the interpreter it runs under, which is this one."""
    python = f"python{sys.version_info.major}.{sys.version_info.minor}"
    # Only the file name is asked for: it needs no dependency builder and no UI.
    packager = LambdaDeploymentPackager(OSUtils(), None, None)  # type: ignore[arg-type]
    return Path(packager.deployment_package_filename(str(project), python))


def _copy_atomically(source: Path, target: Path) -> None:
    partial = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    shutil.copyfile(source, partial)
    partial.replace(target)


def _swap_in(built: Path, out_dir: Path) -> None:
    """Put the finished `built` folder at `out_dir` by renames (a folder cannot replace a
    non-empty one in one rename, so the old one moves aside first)."""
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    old = out_dir.with_name(f".{out_dir.name}.{os.getpid()}.old")
    if out_dir.exists():
        out_dir.rename(old)
    built.rename(out_dir)
    shutil.rmtree(old, ignore_errors=True)


def unused_botocore_data(name: str) -> bool:
    """True for a file of botocore/data/<service>/ whose service is not in BOTOCORE_SERVICES."""
    parts = name.split("/")
    return len(parts) > 3 and parts[:2] == ["botocore", "data"] and parts[2] not in BOTOCORE_SERVICES


# Parts of dependencies nothing in the package imports: their own test suites, and Powertools'
# event handler (Chalice routes the API; Podium uses Powertools' batch utility alone). The packaged
# zip tests import the API and the workers and render a page from the zip in a clean process.
_UNUSED_PREFIXES = ("aws_lambda_powertools/event_handler/",)
_DEPENDENCY_TEST_FOLDERS = frozenset({"tests", "test"})


def left_out(name: str) -> bool:
    """True for a zip entry the package does not ship: unused botocore data, a dependency's own
    tests, a dependency part nothing imports. Podium's own code (app.py, chalicelib/) is all kept."""
    if unused_botocore_data(name) or name.startswith(_UNUSED_PREFIXES):
        return True
    parts = name.split("/")
    return parts[0] not in ("chalicelib", "app.py") and bool(_DEPENDENCY_TEST_FOLDERS & set(parts[1:-1]))


def finish_zip(zip_path: Path) -> tuple[int, int]:
    """Rewrite the deployment zip: what `left_out` names left out, bytecode added for every module.
    Returns the modules compiled and the (uncompressed) bytes left out.

    Lambda's code folder is read-only, so without it every cold start compiles each module it
    imports again. Unchecked-hash .pyc files are used whatever the files' times after unzipping;
    the code is compiled under Lambda's path (/var/task) so tracebacks name the real files.
    The bytecode is this interpreter's: the runtime in the SAM template is its version too.
    Chalice's entries keep their times (so the zip stays the same for the same sources) and
    become readable by all; each .pyc takes its source's time.
    """
    compiled = dropped = 0
    rebuilt = zip_path.with_suffix(".tmp")
    with zipfile.ZipFile(zip_path) as source, zipfile.ZipFile(rebuilt, "w", zipfile.ZIP_DEFLATED) as target:
        for entry in source.infolist():
            if left_out(entry.filename):
                dropped += entry.file_size
                continue
            if "__pycache__/" in entry.filename:
                continue  # a zip finished before (Chalice's cache is): its bytecode is made again below
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
    return compiled, dropped


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
    if size > MAX_ZIP_BYTES:
        print(f"The package is over {MAX_ZIP_BYTES / 1_000_000:.0f} MB: what did it gain?", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
