"""Seconds to import FOSSASIA 2018 (371 sessions, 341 speakers) into the local stack, and the import's
own work for it and for a synthetic export 8 times its size.

Starts `podium dev` on free ports with a fresh state folder, then times `podium import`
end to end (CLI start, zip and upload, the import job in the stack's worker, progress
followed to the end, then the event's sessions read through the API), first as a new event
three times (the median is reported, each run printed), then as a re-import. The stack works its
jobs one at a time, so before the re-import the bench waits for the queue to drain (the
first import's site rebuild), or it would time that rebuild too. Target: <= 3 s for the first import.

Then the import's work alone, in-process against moto (no CLI, no worker): reading the export
(with its repair report) and `import_event`, for FOSSASIA 2018 (target <= 1 s) and for an export
with every session, speaker, track and room copied 8 times (target <= 8 s). Wall and CPU seconds
are printed; moto's own CPU is in the same process, so the CPU figure is an upper bound.
`--work-only` skips the stack.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from report import report

ROOT = Path(__file__).resolve().parents[1]
NEW_EVENT_RUNS = 3  # a single run varies by about a second with what the one-process stack does meanwhile
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
        done = subprocess.run(
            [sys.executable, "-m", "podium.cli", "import", str(export), "--publish", "--state-dir", str(state)],
            cwd=ROOT, env=ENV, check=True, capture_output=True, text=True,
        )  # fmt: skip
        _check_api_serves(state, slug=done.stdout.split()[-1])
        return time.perf_counter() - started


def _check_api_serves(state: Path, *, slug: str) -> None:
    """The imported event's sessions, read anonymously through the stack's API (part of the time)."""
    api = json.loads((state / "stack.json").read_text())["api"]

    def get(path: str) -> dict:
        with urllib.request.urlopen(f"{api}/v1{path}", timeout=30) as answer:
            return json.load(answer)

    [event] = [e for e in get("/events?limit=100")["events"] if e["slug"] == slug]
    if not get(f"/events/{event['id']}/sessions?limit=100")["items"]:  # anonymous: the public ones
        raise SystemExit(f"the API lists no sessions of {slug}")


def wait_until_idle(state: Path, timeout: float = 300.0) -> float:
    """Seconds until the stack's jobs queue stays empty for a second (the rebuild is done)."""
    import boto3

    marker = json.loads((state / "stack.json").read_text())
    environ = marker["environ"]
    sqs = boto3.client(
        "sqs", endpoint_url=marker["aws"], region_name=environ.get("AWS_DEFAULT_REGION", "us-east-1"),
        aws_access_key_id="local", aws_secret_access_key="local",
    )  # fmt: skip
    names = ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"]
    started = quiet_since = time.perf_counter()
    while time.perf_counter() - started < timeout:
        counts = sqs.get_queue_attributes(QueueUrl=environ["PODIUM_JOBS_QUEUE_URL"], AttributeNames=names)
        if any(int(counts["Attributes"][name]) for name in names):
            quiet_since = time.perf_counter()
        elif time.perf_counter() - quiet_since >= 1.0:
            break
        time.sleep(0.2)
    return time.perf_counter() - started


SCALE = 8


def synthetic_export(folder: Path, scale: int) -> Path:
    """FOSSASIA 2018's files with every session, speaker, track and room copied `scale` times under
    ids of their own (links follow), as one event of its own."""
    files = {name: json.loads((SAMPLE / name).read_text()) for name in ("event", "sessions", "speakers", "tracks", "microlocations")}

    def moved(value: object, n: int) -> object:  # every "id" inside a record shifted into copy n's range
        if isinstance(value, dict):
            return {k: (v + n * 1_000_000 if k == "id" and isinstance(v, int) else moved(v, n)) for k, v in value.items()}
        if isinstance(value, list):
            return [moved(v, n) for v in value]
        return value

    target = folder / f"synthetic-{scale}x"
    target.mkdir()
    for name, records in files.items():
        if name != "event":
            (target / name).write_text(json.dumps([moved(record, n) for n in range(scale) for record in records]))
    event = files["event"] | {"identifier": f"synthetic-{scale}x", "name": f"Synthetic {scale}x FOSSASIA"}
    (target / "event").write_text(json.dumps(event))
    return target


def in_process_import(paths: list[Path]) -> list[dict[str, float]]:
    """The import's work alone against an in-process moto server (client and server CPU in one
    process, so its CPU seconds hardly depend on other load): for each export, reading it and
    import_event as a new event, then as a re-import; wall and CPU seconds."""
    code = f"""
import json, os, sys, time
sys.path.insert(0, {str(ROOT / "backend")!r})
os.environ["AWS_ACCESS_KEY_ID"] = os.environ["AWS_SECRET_ACCESS_KEY"] = "testing"
from podium.localstack import aws
server = aws.start_moto(0)
aws.point_boto_at("http://{{}}:{{}}".format(*server.get_host_and_port()))
outputs = aws.deploy_stack("bench", site_origin="http://127.0.0.1:8080")
os.environ.update(aws.settings_environ(outputs, stage="bench", site_base_url="http://127.0.0.1:8080/"))
from chalicelib.db.queries import published_events
from chalicelib.actors import SYSTEM
from chalicelib.domain.imports import import_event, read_source
published_events()  # clients made, as in a warm worker
for path in {[str(p) for p in paths]!r}:
    figures = {{}}
    for run in ("new", "again"):
        started, cpu = time.perf_counter(), time.process_time()
        export = read_source(path)
        figures[run + "_read_s"] = time.perf_counter() - started
        result = import_event(export=export, actor=SYSTEM, owner_id="system", publish=True)
        figures[run + "_s"], figures[run + "_cpu_s"] = time.perf_counter() - started, time.process_time() - cpu
    figures["sessions"] = sum(result.counts["sessions"].values())
    figures["repairs"] = len(result.repairs)
    print(json.dumps(figures))
server.stop()
"""
    answer = subprocess.run([sys.executable, "-c", code], env=ENV, capture_output=True, text=True, check=True)
    return [json.loads(line) for line in answer.stdout.splitlines()[-len(paths) :]]


def _print_work(label: str, figures: dict[str, float], target: float) -> None:
    print(
        f"import work, {label} ({figures['sessions']:.0f} sessions, {figures['repairs']:.0f} repairs): "
        f"{figures['new_s']:.2f} s (target <= {target:g} s; reading {figures['new_read_s']:.2f} s, CPU {figures['new_cpu_s']:.2f} s"
        f" moto included); re-import {figures['again_s']:.2f} s"
    )


def stack_figures() -> dict[str, float]:
    """`podium import` end to end against `podium dev`, as printed lines and figures."""
    with tempfile.TemporaryDirectory() as folder:
        state = Path(folder) / "state"
        stack = start_stack(state)
        try:
            identifier = f"bench-{int(time.time())}"
            firsts = []
            for attempt in range(NEW_EVENT_RUNS):  # each a new event: the stack holds one more each time
                firsts.append(timed_import(state, f"{identifier}-{attempt}"))
                rebuild = wait_until_idle(state)
            again = timed_import(state, f"{identifier}-0")
        finally:
            stack.terminate()
            stack.wait(30)
    first = statistics.median(firsts)
    print(
        f"podium import FOSSASIA 2018 (new event): {first:.2f} s (target <= 3 s; median of {NEW_EVENT_RUNS},"
        f" each run: {', '.join(f'{seconds:.2f}' for seconds in firsts)} s)"
    )
    print(f"podium import FOSSASIA 2018 (re-import):  {again:.2f} s  (after the stack went idle: {rebuild:.1f} s)")
    return {"import_s": round(first, 2), "reimport_s": round(again, 2), "target_s": 3}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--work-only", action="store_true", help="only the in-process import work (no podium dev)")
    args = parser.parse_args()
    figures = {} if args.work_only else stack_figures()
    with tempfile.TemporaryDirectory() as folder:
        sample, synthetic = in_process_import([SAMPLE, synthetic_export(Path(folder), SCALE)])
    _print_work("FOSSASIA 2018", sample, 1)
    _print_work(f"{SCALE}x FOSSASIA 2018", synthetic, 8)
    report(
        "import",
        figures
        | {
            "work_s": round(sample["new_s"], 2),
            "work_reimport_s": round(sample["again_s"], 2),
            "work_cpu_s": round(sample["new_cpu_s"], 2),
            "work_target_s": 1,
            f"work_{SCALE}x_s": round(synthetic["new_s"], 2),
            f"work_{SCALE}x_cpu_s": round(synthetic["new_cpu_s"], 2),
            f"work_{SCALE}x_target_s": 8,
        },
    )


if __name__ == "__main__":
    main()
