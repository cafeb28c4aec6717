"""Benchmark the static site build for FOSSASIA Summit 2018.

Prints pages written, full-build seconds and pages/s, the render-only floor
(Jinja page templates alone, warm, no I/O), their ratio, and the largest
schedule day page gzipped. Then the incremental publish latency against a real
`podium dev` (which seeds and publishes FOSSASIA 2018 on first start): 10 times an
API PATCH of a session title, timed until the new HTML is in the local site bucket,
with the objects written per edit. `--no-incremental` skips that part.
Targets: full build <= 1 s, incremental p50 <= 1 s, <= 10 objects per title edit.
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
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "backend"))

from chalicelib.formats.openevent import read_export
from chalicelib.site import render
from chalicelib.site.from_export import load_bundle
from chalicelib.site.memo import remembering_nothing
from chalicelib.site.view import EventView
from podium.site_folder import build_folder, second_process_available
from report import report

sys.path.insert(0, str(ROOT / "tests"))
from support.dev_stack import start_dev_stack

EXPORT = ROOT.parent / "shared" / "data" / "openevent" / "FOSSASIASummit2018"
BASE_URL = "http://localhost:8080"
DAY_PAGE = re.compile(r"e/[^/]+/schedule/\d{4}-\d\d-\d\d/index\.html")
EDITS = 10
ADMIN = ("bench-admin@example.org", "bench admin password 1")
PUBLISH_TIMEOUT = 120.0


def full_build(out_dir: Path) -> tuple[dict[str, bytes], float]:
    """Parse the export, render every file and write it: what build_site.py does."""
    started = time.perf_counter()
    with remembering_nothing():  # as build_site.py: a process that builds once keeps no pieces
        bundle = load_bundle(EXPORT)
        files = build_folder([bundle], out_dir, base_url=BASE_URL, now=datetime.now(UTC))
    return files, time.perf_counter() - started


def template_floor(repeats: int = 5) -> float:
    """Best time to render the HTML pages alone from a ready view (no feeds, no I/O)."""
    view = EventView(load_bundle(EXPORT), BASE_URL)
    pages = list(render._event_pages(view))
    best = float("inf")
    for _ in range(repeats):
        started = time.perf_counter()
        for _path, template, context in pages:
            render._render(template, **({"v": view, "event": view.event} | context))
        best = min(best, time.perf_counter() - started)
    return best


def main() -> None:
    incremental = _incremental_figures() if "--no-incremental" not in sys.argv else {}
    processes = 2 if second_process_available() else 1
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
        f"full build:            {seconds:.3f} s  ({len(files) / seconds:.0f} files/s, {pages / seconds:.0f} pages/s,"
        f" {processes} process{'es' if processes > 1 else ''})"
    )
    print(f"render-only floor:     {floor:.3f} s  (HTML templates, warm, no I/O)")
    print(f"full build / floor:    {seconds / floor:.1f}x")
    print(f"largest day page gzip: {largest / 1024:.1f} KB  ({largest_path})  (target <= 100 KB)")
    report(
        "site_build",
        {
            "pages": pages,
            "full_build_s": round(seconds, 3),
            "pages_per_s": round(pages / seconds),
            "render_floor_s": round(floor, 3),
            "ratio": round(seconds / floor, 1),
            "largest_day_gzip_kb": round(largest / 1024, 1),
            **incremental,
        },
    )


def _incremental_figures() -> dict[str, object]:
    with tempfile.TemporaryDirectory() as tmp:
        edits = measure_edits(Path(tmp) / "state")
    latencies = sorted(edit.seconds for edit in edits)
    written = [edit.objects_written for edit in edits]
    p50 = statistics.median(latencies)
    p95 = latencies[min(len(latencies) - 1, round(0.95 * (len(latencies) - 1)))]
    print(f"incremental publish:   p50 {p50:.2f} s, p95 {p95:.2f} s over {EDITS} title edits (target p50 <= 1 s)")
    print(f"objects written/edit:  {written}  (target <= 10)")
    for edit in edits:
        answered, queued, begun, done = edit.phases
        print(
            f"  {edit.seconds:5.2f} s  {edit.objects_written:2d} objects  {edit.speakers} speaker(s)  {edit.session_id}"
            f"  (PATCH answered {answered:.2f} s, rebuild queued {queued:.2f} s, started {begun:.2f} s,"
            f" done {done:.2f} s after it was sent)"
        )
    widest = max(edits, key=lambda edit: edit.objects_written)
    print("  files changed by the widest edit: " + ", ".join(widest.changed_keys))
    return {
        "incremental_p50_s": round(p50, 2),
        "incremental_p95_s": round(p95, 2),
        "objects_per_edit_max": max(written),
        "objects_per_edit_median": statistics.median(written),
    }


@dataclass(frozen=True)
class Edit:
    session_id: str
    speakers: int
    seconds: float
    objects_written: int
    changed_keys: list[str]
    phases: tuple[float, float, float, float]  # PATCH sent → answered, → rebuild queued, → started, → finished (s)


def _call(api: str, path: str, method: str = "GET", body: dict | None = None, token: str = "") -> dict:
    headers = {"Content-Type": "application/json"} | ({"Authorization": f"Bearer {token}"} if token else {})
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(api + path, data=data, method=method, headers=headers)
    with urllib.request.urlopen(request, timeout=30) as answer:
        return json.loads(answer.read())


def _admin_token(api: str, state: Path) -> str:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PODIUM_", "AWS_"))}
    env["PYTHONPATH"] = str(ROOT / "backend")
    command = [sys.executable, "-m", "podium.cli", "create-admin", ADMIN[0], "--state-dir", str(state)]
    subprocess.run(command, input=ADMIN[1] + "\n", text=True, env=env, cwd=ROOT, check=True, capture_output=True)
    return _call(api, "/v1/auth/login", "POST", {"email": ADMIN[0], "password": ADMIN[1]})["access_token"]


def _site_objects(s3, bucket: str) -> dict[str, str]:
    found = {}
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket):
        found.update({o["Key"]: o["ETag"] for o in page.get("Contents", [])})
    return found


def _settled_objects(s3, bucket: str) -> dict[str, str]:
    """The bucket once the rebuild stopped writing: two listings half a second apart agree."""
    before = _site_objects(s3, bucket)
    while True:
        time.sleep(0.5)
        after = _site_objects(s3, bucket)
        if after == before:
            return after
        before = after


def _public_sessions(api: str, event_id: str, token: str) -> list[dict]:
    sessions, cursor = [], ""
    while True:
        page = _call(api, f"/v1/events/{event_id}/sessions?limit=100{cursor}", token=token)
        sessions += [s for s in page["items"] if s["state"] in ("accepted", "confirmed")]
        if not page.get("next"):
            return sorted(sessions, key=lambda s: s["id"])
        cursor = f"&next={page['next']}"


def _render_jobs_since(ddb, table: str, since: float) -> list[tuple[float, float, float]]:
    """(created, started, finished) epoch seconds of render jobs made after `since` (a bench-only Scan)."""
    found = []
    pages = ddb.get_paginator("scan").paginate(
        TableName=table,
        FilterExpression="#n = :render",
        ExpressionAttributeNames={"#n": "name"},
        ExpressionAttributeValues={":render": {"S": "render_event"}},
    )
    for item in (item for page in pages for item in page["Items"]):
        times = [datetime.fromisoformat(item[k]["S"]).timestamp() if k in item else 0.0 for k in (
            "created_at", "started_at", "finished_at")]  # fmt: skip
        if times[0] >= since:
            found.append(tuple(times))
    return sorted(found)


def _edit_once(api: str, token: str, aws: tuple, key_prefix: str, session: dict, number: int) -> Edit:
    s3, bucket, ddb, table = aws
    before = _settled_objects(s3, bucket)
    path = f"/v1/events/{session['event_id']}/sessions/{session['id']}"
    current = _call(api, path, token=token)
    title = f"Bench edit {number} of {session['id']}"
    started, patched_at = time.perf_counter(), time.time()
    _call(api, path, "PATCH", {"title": title, "version": current["version"]}, token=token)
    answered = time.perf_counter() - started
    page_key = f"{key_prefix}sessions/{session['id']}/index.html"
    # HEAD until the ETag moves (cheap for the stack, which shares its CPU with this bench), then read.
    while True:
        if s3.head_object(Bucket=bucket, Key=page_key)["ETag"] != before[page_key]:
            if title.encode() in s3.get_object(Bucket=bucket, Key=page_key)["Body"].read():
                break
        if time.perf_counter() - started > PUBLISH_TIMEOUT:
            raise SystemExit(f"{page_key} did not show the new title within {PUBLISH_TIMEOUT} s")
        time.sleep(0.05)
    seconds = time.perf_counter() - started
    after = _settled_objects(s3, bucket)
    changed = sorted(k for k in after.keys() | before.keys() if after.get(k) != before.get(k))
    jobs = _render_jobs_since(ddb, table, patched_at)
    phases = tuple(round(t - patched_at, 2) for t in jobs[0]) if jobs else (0.0, 0.0, 0.0)
    return Edit(
        session["id"], len(session.get("speaker_ids") or []), seconds, len(changed), changed, (answered, *phases)
    )


def measure_edits(state: Path) -> list[Edit]:
    """Start `podium dev` (FOSSASIA 2018 seeded and published), then time EDITS title edits."""
    import boto3

    stack = start_dev_stack(state, timeout=300, seed="sample")
    try:
        api, environ = stack.urls["API"], json.loads((state / "stack.json").read_text())["environ"]
        clients = {
            name: boto3.client(
                name,
                endpoint_url=stack.urls["AWS"],
                region_name=environ.get("AWS_DEFAULT_REGION", "us-east-1"),
                aws_access_key_id="local",
                aws_secret_access_key="local",
            )
            for name in ("s3", "dynamodb")
        }
        aws = (clients["s3"], environ["PODIUM_SITE_BUCKET"], clients["dynamodb"], environ["PODIUM_TABLE_NAME"])
        token = _admin_token(api, state)
        # `podium dev` seeds this export on first start; its ids are derived from the export's.
        event = read_export(EXPORT).event
        sessions = _public_sessions(api, event["id"], token)
        prefix = f"e/{event['slug']}/"
        return [_edit_once(api, token, aws, prefix, s, n) for n, s in enumerate(sessions[:EDITS], start=1)]
    finally:
        try:
            stack.stop(timeout=60)
        except subprocess.TimeoutExpired:
            stack.process.kill()


if __name__ == "__main__":
    main()
