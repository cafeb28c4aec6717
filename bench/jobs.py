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

BURST = 200
SINGLES = 40
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


def queue_is_empty(sqs, url: str) -> bool:
    names = ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"]
    attributes = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=names)["Attributes"]
    return all(attributes[name] == "0" for name in names)


def main() -> None:
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    server, outputs = start_stack()
    from app import app
    from chalicelib.adapters.aws import client
    from chalicelib.db.jobs import get_job
    from chalicelib.jobs.enqueue import enqueue
    from podium.localstack.poller import LocalPoller

    sqs = client("sqs")
    poller = LocalPoller(app, outputs)
    poller.start()  # the same threads `podium dev` runs
    enqueue("noop")  # warm imports and connections
    while not queue_is_empty(sqs, outputs.jobs_queue_url):
        time.sleep(0.05)

    # Throughput: a burst of jobs, drained by the poller.
    with ThreadPoolExecutor(4) as senders:
        job_ids = list(senders.map(lambda n: enqueue("noop", n=n), range(BURST)))
    while not queue_is_empty(sqs, outputs.jobs_queue_url):
        time.sleep(0.1)
    burst = [get_job(job_id) for job_id in job_ids]
    assert {r.state for r in burst} == {"SUCCESS"}, {r.state for r in burst}
    elapsed = (max(r.finished_at for r in burst) - min(r.created_at for r in burst)).total_seconds()
    throughput = BURST / elapsed

    # Latency: one job at a time on an idle queue, enqueue → SUCCESS as the records tell it.
    latencies = []
    for n in range(SINGLES):
        job_id = enqueue("noop", n=n)
        while (record := get_job(job_id)).state != "SUCCESS":
            time.sleep(0.01)
        latencies.append((record.finished_at - record.created_at).total_seconds() * 1000)
    poller.stop()
    p50, p95 = statistics.median(latencies), percentile(latencies, 0.95)
    print(f"{BURST} no-op jobs in a burst through embedded SQS + DynamoDB: {elapsed:.1f} s")
    print(f"worker throughput: {throughput:.1f} jobs/s (one local poller thread, as `podium dev` runs)")
    print(f"enqueue → SUCCESS latency, {SINGLES} jobs one at a time: p50 {p50:.0f} ms, p95 {p95:.0f} ms")
    report("jobs", {"jobs_per_s": round(throughput, 1), "p50_ms": round(p50), "p95_ms": round(p95)})
    server.stop()


if __name__ == "__main__":
    main()
