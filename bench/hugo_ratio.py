"""Our static build against Hugo's, on the same pages from the same export (issue 25).

Times `build_site.py --from-openevent EXPORT --out DIR` (a fresh process, as a user runs it) and
Debian's `hugo` (`make hugo`) rendering the same public files (every page kind, the per-room and
per-track grids, search, my schedule and news pages, the feeds, the calendars, the sitemap, the
service worker and the assets; the bench prints both outputs' counts and sizes) from a Hugo site that
bench/hugo/content.py writes from that export beforehand (not timed: a Hugo site is given its
data ready-made). At FOSSASIA 2018's size and `--scale` times it (sessions, speakers, tracks and
rooms copied under new ids). Runs alternate, ours then Hugo's, so both see the same load.
Prints both medians and ours/Hugo's; the goal is <= 1.0 at both sizes.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "backend"))
sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent / "hugo"))

from content import write_hugo_site
from report import report

EXPORT = ROOT.parent / "shared" / "data" / "openevent" / "FOSSASIASummit2018"
COPY_STEP = 10_000_000  # added to every id per copy: FOSSASIA's ids are below it


def write_scaled_export(source: Path, target: Path, scale: int) -> Path:
    """The export at `source` with its sessions, speakers, tracks and rooms copied `scale` times
    under new ids (references rewritten to the copy's), written as an export folder."""
    shutil.copytree(source, target)
    files = {name: json.loads((source / name).read_text()) for name in ("sessions", "speakers", "tracks", "microlocations")}

    def moved(ref: dict | None, n: int) -> dict | None:
        return dict(ref, id=ref["id"] + n * COPY_STEP) if isinstance(ref, dict) and "id" in ref else ref

    def copy(record: dict, n: int) -> dict:
        copied = dict(record, id=record["id"] + n * COPY_STEP)
        for field in ("track", "microlocation"):
            if field in copied:
                copied[field] = moved(copied[field], n)
        for field in ("speakers", "sessions"):
            if isinstance(copied.get(field), list):
                copied[field] = [moved(ref, n) for ref in copied[field]]
        return copied

    for name, records in files.items():
        (target / name).write_text(json.dumps([copy(r, n) for n in range(scale) for r in records]))
    return target


def _timed(command: list[str], **kwargs) -> tuple[float, float]:
    """(wall seconds, CPU seconds) of a command, its forked helpers included (they are waited for)."""
    before, began = resource.getrusage(resource.RUSAGE_CHILDREN), time.perf_counter()
    subprocess.run(command, check=True, capture_output=True, **kwargs)
    wall, after = time.perf_counter() - began, resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def time_ours(export: Path, out: Path) -> tuple[float, float]:
    # As a user runs it: Python keeps its compiled modules (.pyc), here in the bench's temp folder
    # (a PYTHONDONTWRITEBYTECODE=1 shell would otherwise compile every module each run: 0.03-0.05 s).
    environ = {name: value for name, value in os.environ.items() if name != "PYTHONDONTWRITEBYTECODE"}
    return _timed(
        [sys.executable, str(ROOT / "build_site.py"), "--from-openevent", str(export), "--out", str(out)],
        env=environ | {"PYTHONPATH": str(ROOT / "backend"), "PYTHONPYCACHEPREFIX": str(out.parent.parent / "pycache")},
    )  # fmt: skip


def time_hugo(site: Path, out: Path) -> tuple[float, float]:
    return _timed(["hugo", "--quiet", "--source", str(site), "--destination", str(out)])


def compare(export: Path, work: Path, runs: int) -> tuple[tuple[float, float], tuple[float, float], tuple, tuple]:
    """Our and Hugo's median (wall s, CPU s) and outputs (`_output`); `runs` alternating runs each."""
    site = work / "hugo-site"
    write_hugo_site(export, site)
    ours, hugos = [], []
    time_ours(export, work / "ours")  # one warm-up each: the page cache and Jinja's compiled templates
    time_hugo(site, work / "hugo-out")
    for _ in range(runs):
        # Both write a fresh folder, the last run's removed beforehand (not timed): our build would
        # otherwise also remove the folder it replaces (0.4 s of CPU at 8x), which Hugo never does.
        shutil.rmtree(work / "ours")
        ours.append(time_ours(export, work / "ours"))
        shutil.rmtree(work / "hugo-out")
        hugos.append(time_hugo(site, work / "hugo-out"))
    outputs = [_output(work / name) for name in ("ours", "hugo-out")]
    medians = [tuple(statistics.median(run[i] for run in runs_) for i in (0, 1)) for runs_ in (ours, hugos)]
    return medians[0], medians[1], outputs[0], outputs[1]


def _output(folder: Path) -> tuple[int, int, int]:
    """(event pages, files, bytes) of a build: both must make the same files of about the same size."""
    files = [path for path in folder.rglob("*") if path.is_file()]
    pages = sum(1 for path in files if path.suffix == ".html" and path.parts[len(folder.parts)] == "e")
    return pages, len(files), sum(path.stat().st_size for path in files)


def _described(output: tuple[int, int, int]) -> str:
    pages, files, size = output
    return f"{pages} event pages, {files} files, {size / 1e6:.2f} MB"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, default=8)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    if shutil.which("hugo") is None:
        print("hugo is missing: run `make hugo`", file=sys.stderr)
        return 2
    version = subprocess.run(["hugo", "version"], capture_output=True, text=True, check=True).stdout.split()[1]
    print(f"hugo {version}; {os.cpu_count()} cores; load average {os.getloadavg()[0]:.1f} at start")
    figures = {}
    with tempfile.TemporaryDirectory(prefix="podium-hugo-") as temp:
        for scale in (1, args.scale):
            work = Path(temp) / f"{scale}x"
            work.mkdir()
            export = EXPORT if scale == 1 else write_scaled_export(EXPORT, work / "export", scale)
            (ours, ours_cpu), (hugo, hugo_cpu), our_output, hugo_output = compare(export, work, args.runs)
            print(f"{scale}x: build_site.py {ours:.2f} s ({_described(our_output)}), hugo {hugo:.2f} s ({_described(hugo_output)}):"
                  f" ratio {ours / hugo:.2f}; CPU {ours_cpu:.2f} s vs {hugo_cpu:.2f} s, ratio {ours_cpu / hugo_cpu:.2f}"
                  f" (medians of {args.runs} alternating runs)", flush=True)  # fmt: skip
            figures |= {f"{scale}x_ours_s": round(ours, 2), f"{scale}x_hugo_s": round(hugo, 2),
                        f"{scale}x_ratio": round(ours / hugo, 2), f"{scale}x_cpu_ratio": round(ours_cpu / hugo_cpu, 2)}
    print(f"load average {os.getloadavg()[0]:.1f} at the end")
    report("hugo_ratio", figures)
    return 0


if __name__ == "__main__":
    sys.exit(main())
