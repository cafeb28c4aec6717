"""The visitors' search index (e/<slug>/search.json, feeds.search_index) at FOSSASIA 2018 size:
its bytes raw and gzipped (what a visitor downloads once, then reads offline), what the text
in it weighs (abstracts, biographies), and the time to make it cold.
Target (issue 25): compact; every searchable field kept (titles, abstracts, speakers' names and
biographies, tracks, rooms, types, languages)."""

from __future__ import annotations

import gzip
import json
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "backend"))

from report import report

EXPORT = ROOT.parent / "shared" / "data" / "openevent" / "FOSSASIASummit2018"


def main() -> None:
    from chalicelib.site import feeds
    from chalicelib.site.from_export import load_bundle
    from chalicelib.site.render import event_view

    view = event_view(load_bundle(EXPORT, now=datetime(2026, 1, 1, tzinfo=UTC)), base_url="https://podium.example")
    started = time.perf_counter()
    data = feeds.search_index(view)
    seconds = time.perf_counter() - started
    index = json.loads(data)
    abstracts = sum(len(e["abstract"].encode()) for e in index["sessions"])
    biographies = sum(len(bio.encode()) for _, bio in index["speakers"].values())
    gzipped = len(gzip.compress(data, compresslevel=9, mtime=0))
    print(f"search.json, FOSSASIA 2018: {len(index['sessions'])} sessions, {len(index['speakers'])} speakers")
    print(f"  {len(data):,} bytes, {gzipped:,} gzipped; abstracts {abstracts:,} and biographies {biographies:,} of it")
    print(f"  made cold in {seconds * 1000:.0f} ms")
    report("search_index", {"bytes": len(data), "gzipped bytes": gzipped, "cold ms": round(seconds * 1000)})


if __name__ == "__main__":
    main()
