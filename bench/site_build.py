"""Benchmark the static site build for FOSSASIA Summit 2018.

Prints pages written, full-build seconds and pages/s, the render-only floor
(Jinja page templates alone, warm, no I/O), their ratio, and the largest
schedule day page gzipped.
"""

from __future__ import annotations

import importlib.util
import re
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "backend"))

from chalicelib.site import render
from chalicelib.site.openevent import load_bundle
from chalicelib.site.view import EventView
from report import report

EXPORT = ROOT.parent / "shared" / "data" / "openevent" / "FOSSASIASummit2018"
BASE_URL = "http://localhost:8080"
DAY_PAGE = re.compile(r"e/[^/]+/schedule/\d{4}-\d\d-\d\d/index\.html")


def _build_site_module():
    spec = importlib.util.spec_from_file_location("build_site", ROOT / "build_site.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def full_build(out_dir: Path) -> tuple[dict[str, bytes], float]:
    """Parse the export, render every file and write it: what build_site.py does."""
    write_site = _build_site_module().write_site
    started = time.perf_counter()
    bundle = load_bundle(EXPORT)
    files = render.render_site([bundle], base_url=BASE_URL, now=datetime.now(UTC))
    write_site(files, out_dir)
    return files, time.perf_counter() - started


def template_floor(repeats: int = 5) -> float:
    """Best time to render the HTML pages alone from a ready view (no feeds, no I/O)."""
    view = EventView(load_bundle(EXPORT), BASE_URL)
    pages = list(render._event_pages(view))
    best = float("inf")
    for _ in range(repeats):
        started = time.perf_counter()
        for _path, template, context in pages:
            render._render(template, v=view, event=view.event, **context)
        best = min(best, time.perf_counter() - started)
    return best


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        files, seconds = full_build(Path(tmp) / "site")
    pages = sum(1 for p in files if p.endswith(".html"))
    floor = template_floor()
    largest_path, largest = max(
        ((p, render.gzipped_size(d)) for p, d in files.items() if DAY_PAGE.fullmatch(p)),
        key=lambda item: item[1],
    )
    print(f"files written:         {len(files)} ({pages} HTML pages)")
    print(
        f"full build:            {seconds:.3f} s  ({len(files) / seconds:.0f} files/s, {pages / seconds:.0f} pages/s)"
    )
    print(f"render-only floor:     {floor:.3f} s  (HTML templates, warm, no I/O)")
    print(f"full build / floor:    {seconds / floor:.1f}x")
    print(f"largest day page gzip: {largest / 1024:.1f} KB  ({largest_path})")
    report(
        "site_build",
        {
            "pages": pages,
            "full_build_s": round(seconds, 3),
            "pages_per_s": round(pages / seconds),
            "render_floor_s": round(floor, 3),
            "ratio": round(seconds / floor, 1),
            "largest_day_gzip_kb": round(largest / 1024, 1),
        },
    )


if __name__ == "__main__":
    main()
