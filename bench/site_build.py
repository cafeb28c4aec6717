"""Benchmark publishing one event, at FOSSASIA 2018's size or `--scale N` times it (8: FOSDEM's).

Embedded moto + the local poller, in this process (as a warm render Lambda). Prints:
- import seconds (the export, every child copied N times under new ids, published);
- full-build seconds: `build_site.py --event SLUG --bucket NAME` from the table, a fresh process;
- incremental publish: session title edits through the stream handler and the render job
  (drained here), seconds until the page holds the new title (its PutObject answered: the job
  writes it before the list pages and feeds), p50/p95 over `--edits` (>= 10) edits after one
  warm-up edit (the worker's first render after the full build reads the event), and the process's
  CPU seconds until then; beside it the whole job's seconds and the process's CPU seconds per edit
  (moto's own work included), the figures to compare on a machine shared with other work;
- per edit, from counted requests: DynamoDB read and write capacity units (computed from the
  item sizes the requests and answers carry, by DynamoDB's rounding: 4 KB per strongly
  consistent read, 1 KB per write, GSI writes left out), S3 PUTs, and the job's seconds;
- a burst: 20 edits in 2 s with the poller's threads running: seconds from the last edit until
  it is public, and the renders it cost.
Targets (issue 22): p50 <= 0.3 s at 1x and 8x, p95 <= 1 s, burst <= 2 s, 8x/1x p50 <= 1.5.
"""

from __future__ import annotations

import argparse
import logging
import math
import os
import statistics
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "backend"))

from report import report
from site_events import drain, page_has, percentiles, scaled_export, start_stack

BURST_EDITS, BURST_SECONDS = 20, 2.0
# The poller's own polling is not the edit's cost.
POLLING = {"ReceiveMessage", "GetRecords", "GetShardIterator", "DescribeStream", "ListStreams"}
S3_PUTS = {"PutObject", "CopyObject", "DeleteObjects", "ListObjectsV2"}  # billed in S3's PUT/COPY/POST/LIST class


def item_bytes(item: dict) -> int:
    """An item's size as DynamoDB bills it: attribute names plus values (numbers about 1 byte per 2 digits)."""
    return sum(len(name.encode()) + _value_bytes(value) for name, value in item.items())


def _value_bytes(value: dict) -> int:
    (kind, inner), = value.items()
    if kind == "S":
        return len(inner.encode())
    if kind == "N":
        return math.ceil(len(inner.lstrip("-").replace(".", "")) / 2) + 1
    if kind == "B":
        return len(inner)
    if kind in ("BOOL", "NULL"):
        return 1
    if kind in ("SS", "NS", "BS"):
        return sum(_value_bytes({kind[0]: x}) for x in inner)
    if kind == "L":
        return 3 + sum(1 + _value_bytes(x) for x in inner)
    return 3 + sum(1 + len(k.encode()) + _value_bytes(x) for k, x in inner.items())  # M


class Costs:
    """Requests by operation and DynamoDB capacity units, counted by botocore event hooks."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.reset()

    def reset(self) -> dict:
        with self.lock:
            taken = getattr(self, "counted", None)
            self.counted = {"requests": Counter(), "rcu": 0.0, "wcu": 0.0, "written": [], "put_at": {}, "cpu_at": {}}
        return taken

    def before(self, params, context, event_name: str = "", **_kwargs) -> None:
        context["bench_params"] = params

    def after(self, parsed, context, event_name: str = "", **_kwargs) -> None:
        _, service, operation = event_name.split(".", 2)
        if operation in POLLING:
            return
        params = context.get("bench_params", {})
        rcu, wcu, written = _capacity(operation, params, parsed) if service == "dynamodb" else (0.0, 0.0, [])
        with self.lock:
            if operation == "PutObject":  # when each file became public
                self.counted["put_at"][params.get("Key")] = time.perf_counter()
                self.counted["cpu_at"][params.get("Key")] = time.process_time()
            self.counted["requests"][f"{service}.{operation}"] += 1
            self.counted["rcu"] += rcu
            self.counted["wcu"] += wcu
            self.counted["written"] += written


def _capacity(operation: str, params: dict, parsed: dict) -> tuple[float, float, list]:
    """(read units, write units, (table, key) of items updated: their size is read after the edit)."""
    reads = lambda items, consistent: sum(max(1, math.ceil(item_bytes(i) / 4096)) for i in items) * (  # noqa: E731
        1 if consistent else 0.5
    )
    if operation == "GetItem":
        return reads([parsed.get("Item", {})], params.get("ConsistentRead", False)), 0.0, []
    if operation == "BatchGetItem":
        rcu = 0.0
        for table, wanted in params["RequestItems"].items():
            found = parsed.get("Responses", {}).get(table, [])
            missing = len(wanted["Keys"]) - len(found)
            rcu += reads(found, wanted.get("ConsistentRead", False)) + missing * (1 if wanted.get("ConsistentRead") else 0.5)
        return rcu, 0.0, []
    if operation in ("Query", "Scan"):
        total = sum(item_bytes(i) for i in parsed.get("Items", []))
        return max(1, math.ceil(total / 4096)) * (1 if params.get("ConsistentRead") else 0.5), 0.0, []
    if operation == "PutItem":
        return 0.0, max(1, math.ceil(item_bytes(params["Item"]) / 1024)), []
    if operation in ("UpdateItem", "DeleteItem"):
        return 0.0, 0.0, [(params["TableName"], params["Key"])]
    if operation == "BatchWriteItem":
        wcu = 0.0
        for requests in params["RequestItems"].values():
            for request in requests:
                item = request.get("PutRequest", {}).get("Item")
                wcu += max(1, math.ceil(item_bytes(item) / 1024)) if item else 1
        return 0.0, wcu, []
    if operation == "TransactWriteItems":
        return 0.0, 2.0 * len(params["TransactItems"]), []  # at least 2 units per item in a transaction
    return 0.0, 0.0, []


def updated_wcu(written: list) -> float:
    """Write units of UpdateItem/DeleteItem calls: the item's size now (DynamoDB bills the larger of
    before and after; a deleted item counts 1). Read outside the counted requests."""
    import boto3

    ddb, units = boto3.client("dynamodb"), 0.0
    for table, key in written:
        item = ddb.get_item(TableName=table, Key=key).get("Item")
        units += max(1, math.ceil(item_bytes(item) / 1024)) if item else 1
    return units


def hook_every_client(costs: Costs) -> None:
    import botocore.session

    create_client = botocore.session.Session.create_client

    def hooked(self, *args, **kwargs):
        made = create_client(self, *args, **kwargs)
        made.meta.events.register_first("before-parameter-build", costs.before)
        made.meta.events.register_first("after-call", costs.after)
        return made

    botocore.session.Session.create_client = hooked


def full_build(slug: str, bucket: str) -> float:
    """`build_site.py --event SLUG --bucket NAME` in a fresh process, timed."""
    began = time.perf_counter()
    subprocess.run(
        [sys.executable, str(ROOT / "build_site.py"), "--event", slug, "--bucket", bucket],
        env=os.environ | {"PYTHONPATH": str(ROOT / "backend")}, cwd=ROOT, check=True, capture_output=True,
    )  # fmt: skip
    return time.perf_counter() - began


def retitle(event_id: str, session_id: str, title: str) -> None:
    from chalicelib.db.content import Session
    from chalicelib.db.keys import child_key

    Session.get(*child_key(event_id, "session", session_id)).update(actions=[Session.title.set(title)])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, default=1)
    parser.add_argument("--edits", type=int, default=10)
    args = parser.parse_args()
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    costs = Costs()
    hook_every_client(costs)
    server, outputs = start_stack()
    from app import app
    from chalicelib.actors import SYSTEM
    from chalicelib.domain.imports import import_event
    from chalicelib.site import publish
    from podium.localstack.poller import LocalPoller

    export = scaled_export(args.scale)
    began = time.perf_counter()
    imported = import_event(export=export, actor=SYSTEM, owner_id=SYSTEM.id, publish=True)
    import_seconds = time.perf_counter() - began
    build_seconds = full_build(imported.slug, outputs.site_bucket)

    poller = LocalPoller(app, outputs)
    poller._start_stream_at_latest()
    public = [s["id"] for s in export.sessions if s.get("state") in ("accepted", "confirmed")]
    chosen = public[:: max(1, len(public) // (args.edits + 1))][: args.edits + 1]
    latencies, per_edit, jobs, cpu, cpu_until_public = [], [], [], [], []
    for n, session_id in enumerate(chosen):
        title = f"Bench edit {n}"
        retitle(imported.event_id, session_id, title)
        costs.reset()
        began, began_cpu = time.perf_counter(), time.process_time()
        drain(poller)
        seconds, cpu_seconds = time.perf_counter() - began, time.process_time() - began_cpu
        counted = costs.reset()
        key = f"e/{imported.slug}/sessions/{session_id}/index.html"
        assert page_has(outputs.site_bucket, key, title)
        if n == 0:
            warm_up = seconds  # the worker's first render after the full build reads the whole event
            continue
        counted["wcu"] += updated_wcu(counted["written"])
        latencies.append(counted["put_at"][key] - began)
        cpu_until_public.append(counted["cpu_at"][key] - began_cpu)
        jobs.append(seconds)
        cpu.append(cpu_seconds)
        per_edit.append(counted)

    renders: list[float] = []
    real_render = publish._render_event

    def counted_render(event_id: str, **kwargs):
        renders.append(time.perf_counter())
        return real_render(event_id, **kwargs)

    publish._render_event = counted_render
    poller.start()
    page = f"e/{imported.slug}/sessions/{chosen[0]}/index.html"
    for n in range(BURST_EDITS):
        retitle(imported.event_id, chosen[0], f"Burst edit {n}")
        time.sleep(BURST_SECONDS / BURST_EDITS)
    last_edit = time.perf_counter()
    while not page_has(outputs.site_bucket, page, f"Burst edit {BURST_EDITS - 1}"):
        time.sleep(0.02)
    burst_seconds = time.perf_counter() - last_edit
    poller.stop()
    server.stop()
    _print(args, export, import_seconds, build_seconds, warm_up, (latencies, jobs, cpu, cpu_until_public), per_edit, burst_seconds,
           len(renders))  # fmt: skip


def _print(args, export, import_s, build_s, warm_up, timings, per_edit, burst_s, renders) -> None:
    latencies, jobs, cpu, cpu_until_public = timings
    p50, p95 = percentiles(latencies)
    job_p50, cpu_p50, public_cpu_p50 = statistics.median(jobs), statistics.median(cpu), statistics.median(cpu_until_public)
    load = os.getloadavg()[0]
    rcu = statistics.median(c["rcu"] for c in per_edit)
    wcu = statistics.median(c["wcu"] for c in per_edit)
    puts = statistics.median(sum(v for k, v in c["requests"].items() if k.split(".")[1] in S3_PUTS) for c in per_edit)
    typical = sorted(per_edit, key=lambda c: sum(c["requests"].values()))[len(per_edit) // 2]["requests"]
    print(f"scale {args.scale}x:              {len(export.sessions)} sessions, {len(export.speakers)} speakers,"
          f" {len(export.rooms)} rooms")  # fmt: skip
    print(f"import:                {import_s:.1f} s")
    print(f"full build:            {build_s:.1f} s  (build_site.py --event, a fresh process)")
    print(f"incremental publish:   p50 {p50:.2f} s, p95 {p95:.2f} s over {len(latencies)} title edits"
          f" (stream + job; the first, {warm_up:.2f} s, warmed the worker)")  # fmt: skip
    print(f"until public:          CPU p50 {public_cpu_p50:.3f} s from the edit's stream record to its page's PutObject answered"
          " (process, moto included)")  # fmt: skip
    print(f"whole job:             p50 {job_p50:.2f} s until every file is written; CPU {cpu_p50:.2f} s per edit"
          f" (process, moto included); load {load:.1f}")  # fmt: skip
    print(f"cost of one edit:      DynamoDB {rcu:.1f} RCU, {wcu:.0f} WCU; S3 {puts:.0f} PUT-class requests;"
          f" Lambda {job_p50:.2f} s (median)")  # fmt: skip
    print("requests of one edit:  " + ", ".join(f"{op} {count}" for op, count in sorted(typical.items())))
    print(f"burst:                 {BURST_EDITS} edits in {BURST_SECONDS:.0f} s; last public {burst_s:.2f} s after it;"
          f" {renders} renders")  # fmt: skip
    report(
        f"site_build_{args.scale}x",
        {
            "import_s": round(import_s, 1),
            "full_build_s": round(build_s, 1),
            "edit_p50_s": round(p50, 2),
            "edit_p95_s": round(p95, 2),
            "edit_job_s": round(job_p50, 2),
            "edit_cpu_s": round(cpu_p50, 2),
            "edit_cpu_until_public_s": round(public_cpu_p50, 3),
            "edit_rcu": round(rcu, 1),
            "edit_wcu": round(wcu),
            "edit_s3_puts": puts,
            "burst_last_public_s": round(burst_s, 2),
            "burst_renders": renders,
        },
    )


if __name__ == "__main__":
    main()
