"""Build the public static site.

    python build_site.py --from-openevent PATH --out DIR [--base-url URL]

Renders into a fresh folder beside DIR and swaps it into place, so visitors never
see a half-written site. `--event SLUG` / `--bucket NAME` (from the database) will
call the same `render_site` with bundles loaded elsewhere, then `write_site`.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent / "backend"))

from chalicelib.site.openevent import ExportError, load_bundle
from chalicelib.site.render import render_site

WRITE_THREADS = 8
PROGRESS_THRESHOLD = 500  # files; smaller builds finish before a bar is worth drawing


class UnsafePathError(ValueError):
    """A rendered path would land outside the output folder."""


def safe_target(out_dir: Path, relative: str) -> Path:
    """`out_dir / relative`, refusing absolute paths and `..` escapes."""
    if not relative or relative.startswith(("/", "\\")) or "\\" in relative:
        raise UnsafePathError(f"refusing output path {relative!r}")
    target = (out_dir / relative).resolve()
    if not target.is_relative_to(out_dir.resolve()):
        raise UnsafePathError(f"refusing output path {relative!r}: escapes {out_dir}")
    return target


def _write_files(files: dict[str, bytes], folder: Path, advance: Callable[[], None]) -> None:
    targets = {relative: safe_target(folder, relative) for relative in sorted(files)}
    parents = sorted({t.parent for t in targets.values()})

    def write(relative: str) -> None:
        targets[relative].write_bytes(files[relative])

    # Writing is latency-bound (one syscall per folder and file), so threads overlap the waits.
    with ThreadPoolExecutor(max_workers=WRITE_THREADS) as pool:
        list(pool.map(lambda parent: parent.mkdir(parents=True, exist_ok=True), parents))
        for _ in pool.map(write, targets):
            advance()


def write_site(files: dict[str, bytes], out_dir: str | Path, *, progress: bool = False) -> int:
    """Write rendered files into a fresh folder, then swap it into `out_dir`. Returns the count."""
    out = Path(out_dir).resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}-new-", dir=out.parent))
    try:
        _write_with_progress(files, staging, progress)
        _swap(staging, out)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return len(files)


def _write_with_progress(files: dict[str, bytes], folder: Path, progress: bool) -> None:
    if not progress or len(files) < PROGRESS_THRESHOLD:
        _write_files(files, folder, lambda: None)
        return
    from rich.progress import Progress

    with Progress(transient=True) as bar:
        task = bar.add_task("Writing", total=len(files))
        _write_files(files, folder, lambda: bar.advance(task))


def _swap(staging: Path, out: Path) -> None:
    old = out.parent / f".{out.name}-old-{staging.name.rsplit('-', 1)[-1]}"
    if out.exists():
        out.rename(old)
    staging.rename(out)
    shutil.rmtree(old, ignore_errors=True)


def _parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Build Podium's public static site.")
    parser.add_argument(
        "--from-openevent",
        metavar="PATH",
        required=True,
        help="Open Event export (folder or zip)",
    )
    parser.add_argument(
        "--out",
        metavar="DIR",
        required=True,
        help="output folder (replaced atomically)",
    )
    parser.add_argument(
        "--base-url",
        default="http://localhost:8080",
        help="public URL the site is served at",
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = _parse_args(argv)
    started = time.perf_counter()
    try:
        bundle = load_bundle(args.from_openevent)
    except ExportError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    files = render_site([bundle], base_url=args.base_url, now=datetime.now(UTC))
    count = write_site(files, args.out, progress=sys.stderr.isatty())
    pages = sum(1 for path in files if path.endswith(".html"))
    print(f"Wrote {count} files ({pages} pages) to {args.out} in {time.perf_counter() - started:.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
