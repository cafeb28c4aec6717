"""Seconds to import FOSSASIA 2018 (371 sessions, 341 speakers) into the local stack.

Starts `podium dev` on free ports with a fresh state folder, then times `podium import`
end to end (CLI start, zip and upload, the import job in the stack's worker, progress
followed to the end, then the event's sessions read through the API), first as a new event
three times (the median is reported, each run printed), then as a re-import. The stack works its
jobs one at a time, so before the re-import the bench waits for the queue to drain (the
first import's site rebuild), or it would time that rebuild too. Also prints the domain
import alone, in-process against moto (no CLI, no worker). Target: <= 3 s for the first import.
"""

from __future__ import annotations

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


def in_process_import() -> list[float]:
    """The domain import alone against an in-process moto server (client and server CPU in one
    process, so its CPU seconds hardly depend on other load): new event and re-import, wall and CPU."""
    code = f"""
import os, sys, time
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
figures = []
for _ in range(2):
    started, cpu = time.perf_counter(), time.process_time()
    import_event(export=read_source({str(SAMPLE)!r}), actor=SYSTEM, owner_id="system", publish=True)
    figures += [time.perf_counter() - started, time.process_time() - cpu]
print(*figures)
server.stop()
"""
    answer = subprocess.run([sys.executable, "-c", code], env=ENV, capture_output=True, text=True, check=True)
    return [float(value) for value in answer.stdout.split()[-4:]]


def main() -> None:
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
    domain_first, domain_first_cpu, domain_again, domain_again_cpu = in_process_import()
    first = statistics.median(firsts)
    print(
        f"podium import FOSSASIA 2018 (new event): {first:.2f} s (target <= 3 s; median of {NEW_EVENT_RUNS},"
        f" each run: {', '.join(f'{seconds:.2f}' for seconds in firsts)} s)"
    )
    print(f"podium import FOSSASIA 2018 (re-import):  {again:.2f} s  (after the stack went idle: {rebuild:.1f} s)")
    print(
        f"import_event in-process (new / re-import): {domain_first:.2f} s / {domain_again:.2f} s"
        f"  (CPU {domain_first_cpu:.2f} s / {domain_again_cpu:.2f} s, moto included)"
    )
    report(
        "import",
        {
            "import_s": round(first, 2),
            "reimport_s": round(again, 2),
            "domain_import_s": round(domain_first, 2),
            "domain_reimport_s": round(domain_again, 2),
            "domain_import_cpu_s": round(domain_first_cpu, 2),
            "target_s": 3,
        },
    )


if __name__ == "__main__":
    main()
