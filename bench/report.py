"""The one line each benchmark ends with, so `make bench` can print one summary table."""

from __future__ import annotations

import json

MARK = "BENCH-RESULT "


def report(name: str, figures: dict[str, object]) -> None:
    """Print `figures` for the summary table (after the benchmark's own readable output)."""
    print(MARK + json.dumps({"bench": name, "figures": figures}), flush=True)
