"""Benchmark publishing with many events in one table: embedded moto + the local poller, in process.

Seeds the demo event and 49 small published events (50 in all), publishes them once, then:
- 10 session title edits of the demo event, each through the stream handler and the render
  job (drained in this thread): seconds until the page holds the new title, and every AWS
  request the edit caused, by operation; requests naming another event's partition or files
  must be 0 (the site index comes from the listing item, not from the other events);
- a burst of 20 title edits in 2 s with the poller's threads running (as `podium dev`):
  seconds from the last edit until it is public, and how many renders the burst cost.
One big event (`--scale N`: FOSSASIA 2018 copied N times) is bench/site_build.py's.
Targets (issue 22): no request touching another event, burst <= 2 s.
"""

from __future__ import annotations

import logging
import os
import statistics
import sys
import threading
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "backend"))

from report import report

EXPORT = ROOT.parent / "shared" / "data" / "openevent" / "FOSSASIASummit2018"
STAGE = "bench"
OTHER_EVENTS = 49
EDITS = 10
BURST_EDITS, BURST_SECONDS = 20, 2.0
# The poller's own polling is not the edit's cost.
POLLING = {"ReceiveMessage", "GetRecords", "GetShardIterator", "DescribeStream", "ListStreams"}


class Requests:
    """Every AWS request any botocore client makes, recorded by a before-send hook."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.sent: list[tuple[str, str, str, bytes]] = []

    def hook(self, request, event_name: str = "", **_kwargs) -> None:
        _, service, operation = event_name.split(".", 2)
        raw = request.body.getvalue() if hasattr(request.body, "getvalue") else request.body
        body = raw if isinstance(raw, bytes) else (raw or "").encode()
        with self.lock:
            self.sent.append((service, operation, request.url, body))

    def take(self) -> list[tuple[str, str, str, bytes]]:
        with self.lock:
            taken, self.sent = self.sent, []
        return [s for s in taken if s[1] not in POLLING]


def hook_every_client(requests: Requests) -> None:
    import botocore.session

    create_client = botocore.session.Session.create_client

    def hooked(self, *args, **kwargs):
        made = create_client(self, *args, **kwargs)
        made.meta.events.register_first("before-send", requests.hook)
        return made

    botocore.session.Session.create_client = hooked


def start_stack():
    os.environ.update({"PODIUM_STAGE": STAGE, "PODIUM_LOG_LEVEL": "WARNING", "AWS_DEFAULT_REGION": "us-east-1"})
    from podium.localstack import aws

    server = aws.start_moto(0)
    aws.point_boto_at("http://{}:{}".format(*server.get_host_and_port()))
    outputs = aws.deploy_stack(STAGE, site_origin="http://127.0.0.1:8080")
    os.environ.update(aws.settings_environ(outputs, stage=STAGE, site_base_url="http://127.0.0.1:8080/"))
    return server, outputs


def seed_other_events(count: int) -> list[tuple[str, str]]:
    from chalicelib.clock import clock
    from chalicelib.db.content import Event, Session
    from chalicelib.db.keys import PUBLISHED, event_pk

    start = clock().now().replace(microsecond=0) + timedelta(days=60)
    made = []
    for n in range(count):
        event_id, slug, day = f"other{n:02d}", f"other-conf-{n:02d}", start + timedelta(days=n)
        pk = event_pk(event_id)
        Event(
            pk, "EVENT", id=event_id, slug=slug, name=f"Other Conf {n}", starts_at=day,
            ends_at=day + timedelta(hours=8), timezone="UTC", state="published",
            gsi1pk=f"SLUG#{slug}", gsi1sk="EVENT", gsi2pk=PUBLISHED, gsi2sk=day.isoformat(),
        ).save()  # fmt: skip
        Session(
            pk, f"SESSION#{event_id}-talk", id=f"{event_id}-talk", event_id=event_id, title=f"Talk {n}",
            state="accepted", starts_at=day + timedelta(hours=1), ends_at=day + timedelta(hours=2),
        ).save()  # fmt: skip
        made.append((event_id, slug))
    return made


def retitle(event_id: str, title: str) -> None:
    from chalicelib.db.content import Session
    from chalicelib.db.keys import event_pk

    Session.get(event_pk(event_id), "SESSION#static").update(actions=[Session.title.set(title)])


def page_has(bucket: str, key: str, text: str) -> bool:
    from chalicelib.adapters.aws import client

    return text.encode() in client("s3").get_object(Bucket=bucket, Key=key)["Body"].read()


def scaled_export(scale: int):
    """The FOSSASIA 2018 export with every child record copied `scale` times under new ids."""
    sys.path.insert(0, str(ROOT / "tests"))  # tests/support/
    from support.scaled import scaled_export as scaled

    return scaled(EXPORT, scale)


def percentiles(values: list[float]) -> tuple[float, float]:
    ordered = sorted(values)
    return statistics.median(ordered), ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def drain(poller) -> None:
    while poller.poll_stream_once() or poller.poll_jobs_once(wait_seconds=0):
        pass


def main() -> None:
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    requests = Requests()
    hook_every_client(requests)
    server, outputs = start_stack()
    from app import app
    from chalicelib.site import publish
    from chalicelib.site.publish import publish_site
    from podium.localstack.demo import DEMO_ID, seed_demo_event
    from podium.localstack.poller import LocalPoller

    slug = seed_demo_event()
    others = seed_other_events(OTHER_EVENTS)
    started = time.perf_counter()
    publish_site().raise_for_failures()
    full_seconds = time.perf_counter() - started
    renders: list[float] = []
    real_render = publish._render_event

    def counted_render(event_id: str, **kwargs):
        renders.append(time.perf_counter())
        return real_render(event_id, **kwargs)

    publish._render_event = counted_render
    page = f"e/{slug}/sessions/static/index.html"
    poller = LocalPoller(app, outputs)
    poller._start_stream_at_latest()

    # Single edits, drained here: the time and the requests are the edit's alone.
    latencies, per_edit, touching = [], [], 0
    for n in range(EDITS):
        retitle(DEMO_ID, f"Counted edit {n}")
        requests.take()
        began = time.perf_counter()
        while poller.poll_stream_once() or poller.poll_jobs_once(wait_seconds=0):
            pass
        latencies.append(time.perf_counter() - began)
        sent = requests.take()
        assert page_has(outputs.site_bucket, page, f"Counted edit {n}")
        per_edit.append(Counter(f"{service}.{operation}" for service, operation, _, _ in sent))
        touching += sum(
            1
            for service, _, url, body in sent
            for other_id, other_slug in others
            if f"/e/{other_slug}/" in url or (service == "dynamodb" and f"EVENT#{other_id}".encode() in body)
        )

    # A burst with the poller's threads running, as in `podium dev`.
    poller.start()
    renders.clear()
    for n in range(BURST_EDITS):
        retitle(DEMO_ID, f"Burst edit {n}")
        time.sleep(BURST_SECONDS / BURST_EDITS)
    last_edit = time.perf_counter()
    while not page_has(outputs.site_bucket, page, f"Burst edit {BURST_EDITS - 1}"):
        time.sleep(0.02)
    burst_seconds = time.perf_counter() - last_edit
    time.sleep(1.0)  # let a render still running finish, so it is counted
    poller.stop()
    server.stop()

    typical = per_edit[len(per_edit) // 2]
    p50 = statistics.median(latencies)
    p95 = sorted(latencies)[min(len(latencies) - 1, round(0.95 * (len(latencies) - 1)))]
    print(f"events published:      {OTHER_EVENTS + 1} (full publish {full_seconds:.1f} s)")
    print(f"edit to one event:     p50 {p50:.2f} s, p95 {p95:.2f} s over {EDITS} title edits (stream + job, drained)")
    print(f"requests touching the other {OTHER_EVENTS} events: {touching}  (target 0)")
    print("requests of one edit:  " + ", ".join(f"{op} {count}" for op, count in sorted(typical.items())))
    print(f"burst:                 {BURST_EDITS} edits in {BURST_SECONDS:.0f} s; last public {burst_seconds:.2f} s after it"
          f" (target <= 2 s); {len(renders)} renders")  # fmt: skip
    report(
        "site_events",
        {
            "events": OTHER_EVENTS + 1,
            "edit_p50_s": round(p50, 2),
            "edit_p95_s": round(p95, 2),
            "requests_touching_other_events": touching,
            "requests_per_edit": sum(typical.values()),
            "burst_last_public_s": round(burst_seconds, 2),
            "burst_renders": len(renders),
        },
    )


if __name__ == "__main__":
    main()
