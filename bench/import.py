"""Seconds to import FOSSASIA 2018 (371 sessions, 341 speakers) into the local stack.

Starts `podium dev` on free ports with a fresh state folder, then times `podium import`
end to end (zip and upload, the import job in the stack's worker, progress followed to the
end), first as a new event and then as a re-import. Target: <= 3 s for the first import.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from report import report

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT.parent / "shared" / "data" / "openevent" / "FOSSASIASummit2018"
ENV = {k: v for k, v in os.environ.items() if not k.startswith(("PODIUM_", "AWS_"))} | {
    "PYTHONPATH": str(ROOT / "backend")
}


def start_stack(state: Path) -> subprocess.Popen:
    command = [sys.executable, "-m", "podium.cli", "dev", "--api-port", "0", "--site-port", "0", "--aws-port", "0"]
    process = subprocess.Popen(
        [*command, "--state-dir", str(state)],
        cwd=ROOT,
        env=ENV,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    for line in process.stdout:
        if re.match(r"^Ready\.", line):
            return process
    raise SystemExit("podium dev did not start")


def timed_import(state: Path, identifier: str) -> float:
    with tempfile.TemporaryDirectory() as folder:
        export = Path(folder) / "FOSSASIASummit2018"
        subprocess.run(["cp", "-r", str(SAMPLE), str(export)], check=True)
        subprocess.run(["chmod", "-R", "u+w", str(export)], check=True)
        event = (export / "event").read_text()
        (export / "event").write_text(
            re.sub(r'"identifier":\s*"[^"]*"', f'"identifier": "{identifier}"', event, count=1)
        )
        started = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "podium.cli", "import", str(export), "--publish", "--state-dir", str(state)],
            cwd=ROOT, env=ENV, check=True, capture_output=True,
        )  # fmt: skip
        return time.perf_counter() - started


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        state = Path(folder) / "state"
        stack = start_stack(state)
        try:
            identifier = f"bench-{int(time.time())}"
            first = timed_import(state, identifier)
            again = timed_import(state, identifier)
        finally:
            stack.terminate()
            stack.wait(30)
    print(f"podium import FOSSASIA 2018 (new event): {first:.2f} s (target <= 3 s)")
    print(f"podium import FOSSASIA 2018 (re-import):  {again:.2f} s")
    report("import", {"import_s": round(first, 2), "reimport_s": round(again, 2), "target_s": 3})


if __name__ == "__main__":
    main()
