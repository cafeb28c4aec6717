"""Benchmark the local jobs loop: embedded moto (SQS, DynamoDB) + LocalPoller + the Chalice worker.

Enqueues no-op jobs, drains the queue with the local poller threads and prints the worker's
throughput (jobs/s) and the enqueue → SUCCESS latency p50 and p95 (from the job records).
"""

from __future__ import annotations

import logging
import os
import statistics
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "backend"))

from report import report

JOBS = 300
STAGE = "bench"


def start_stack():
    os.environ.update({"PODIUM_STAGE": STAGE, "PODIUM_LOG_LEVEL": "WARNING", "AWS_DEFAULT_REGION": "us-east-1"})
    from podium.localstack import aws

    server = aws.start_moto(0)
    aws.point_boto_at("http://{}:{}".format(*server.get_host_and_port()))
    outputs = aws.deploy_stack(STAGE, site_origin="http://127.0.0.1:8080")
    os.environ.update(aws.settings_environ(outputs, stage=STAGE, site_base_url="http://127.0.0.1:8080/"))
    return server, outputs


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def main() -> None:
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    server, outputs = start_stack()
    from app import app
    from chalicelib.db.jobs import get_job
    from chalicelib.jobs.enqueue import enqueue
    from podium.localstack.poller import LocalPoller

    poller = LocalPoller(app, outputs, on_table_change=lambda: None)
    poller.poll_jobs_once()  # warm imports and connections
    started = time.perf_counter()
    poller_threads = ThreadPoolExecutor(2)
    stop = False

    def work() -> None:
        while not stop:
            poller.poll_jobs_once(wait_seconds=1)

    for _ in range(2):
        poller_threads.submit(work)
    with ThreadPoolExecutor(4) as senders:
        job_ids = list(senders.map(lambda n: enqueue("noop", n=n), range(JOBS)))
    pending = set(job_ids)
    records = {}
    while pending:
        for job_id in list(pending):
            record = get_job(job_id)
            if record.state == "SUCCESS":
                records[job_id] = record
                pending.discard(job_id)
        time.sleep(0.2)
    elapsed = (
        max(r.finished_at for r in records.values()).timestamp()
        - min(r.created_at for r in records.values()).timestamp()
    )
    stop = True
    poller_threads.shutdown(wait=True)
    latencies = [(r.finished_at - r.created_at).total_seconds() * 1000 for r in records.values()]
    throughput = JOBS / elapsed
    p50, p95 = statistics.median(latencies), percentile(latencies, 0.95)
    print(f"{JOBS} no-op jobs through embedded SQS + DynamoDB, 2 poller threads, {time.perf_counter() - started:.1f} s")
    print(f"worker throughput: {throughput:.1f} jobs/s")
    print(f"enqueue → SUCCESS latency: p50 {p50:.0f} ms, p95 {p95:.0f} ms")
    report("jobs", {"jobs": JOBS, "jobs_per_s": round(throughput, 1), "p50_ms": round(p50), "p95_ms": round(p95)})
    server.stop()


if __name__ == "__main__":
    main()
