"""`make bench`: runs every benchmark script in bench/ and prints one summary table."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from report import MARK

SKIP = {"run_all.py", "report.py"}


def main() -> int:
    rows: list[tuple[str, str, str]] = []
    failed = []
    for script in sorted(HERE.glob("*.py")):
        if script.name in SKIP:
            continue
        print(f"== {script.name}", flush=True)
        result = subprocess.run(
            [sys.executable, str(script)], capture_output=True, text=True, timeout=1800, check=False
        )
        print(result.stdout, end="")
        if result.returncode != 0:
            failed.append(script.name)
            print(result.stderr, file=sys.stderr)
            continue
        for line in result.stdout.splitlines():
            if line.startswith(MARK):
                payload = json.loads(line[len(MARK) :])
                rows.extend((payload["bench"], key, str(value)) for key, value in payload["figures"].items())
    width = max((len(r[0]) + len(r[1]) for r in rows), default=20) + 3
    print("\nSummary")
    print(f"{'benchmark / figure':<{width}} value")
    for bench, key, value in rows:
        print(f"{bench + ' / ' + key:<{width}} {value}")
    if failed:
        print("failed: " + ", ".join(failed), file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
