"""The local event loop: what Lambda's event source mappings and EventBridge do in AWS.

It long-polls the jobs queue, reads the table's stream and fires `@app.schedule` handlers,
calling the very handler objects Chalice registered, with Lambda-shaped events.
"""

from __future__ import annotations

import logging
import re
import threading
import time
from collections.abc import Callable
from typing import Any

import boto3
from chalice import Chalice
from chalice.app import DynamoDBEventConfig, Rate, ScheduledEventConfig, SQSEventConfig

from podium.localstack import lambda_events
from podium.localstack.aws import REGION, StackOutputs

log = logging.getLogger("podium.local")
_RATE = re.compile(r"rate\((\d+) (minute|minutes|hour|hours|day|days)\)")
_UNIT_SECONDS = {"minute": 60, "hour": 3600, "day": 86400}
# While a job runs, the stream's records wait for it (this long at most): see `_yielding_to_job`.
JOB_STREAM_PAUSE_SECONDS = 3.0
# An idle stream is read again after this long: it bounds how late a change starts its rebuild
# (Lambda polls a stream about four times a second; a GetRecords on the local stack is ~1 ms).
STREAM_IDLE_SECONDS = 0.05


def schedule_seconds(expression: Any) -> float | None:
    """Seconds between runs of a rate() schedule; None for cron, which runs hourly locally."""
    text = expression.to_string() if isinstance(expression, Rate) else str(expression)
    match = _RATE.fullmatch(text)
    if not match:
        return None
    return int(match.group(1)) * _UNIT_SECONDS[match.group(2).rstrip("s")]


class LocalPoller:
    """Two threads: one for the jobs queue, one for the stream and schedules."""

    def __init__(
        self, app: Chalice, outputs: StackOutputs, on_records: Callable[[list[dict[str, Any]]], None] | None = None
    ) -> None:
        self.app = app
        self.outputs = outputs
        self.on_records = on_records or (lambda records: None)  # sees every stream record first
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []
        self._sqs = boto3.client("sqs", region_name=REGION)
        self._streams = boto3.client("dynamodbstreams", region_name=REGION)
        self._iterators: dict[str, str] = {}
        self._job_since: float | None = None  # when the job batch being handled started
        self._schedules = [
            (source, schedule_seconds(source.schedule_expression) or 3600.0, time.monotonic())
            for source in app.event_sources
            if isinstance(source, ScheduledEventConfig)
        ]

    def _handlers(self, config_type: type) -> list[tuple[str, Callable[..., Any]]]:
        return [(s.name, self.app.handler_map[s.name]) for s in self.app.event_sources if isinstance(s, config_type)]

    def start(self) -> None:
        self._start_stream_at_latest()
        for target, name in ((self._jobs_loop, "podium-jobs"), (self._stream_loop, "podium-stream")):
            thread = threading.Thread(target=target, name=name, daemon=True)
            thread.start()
            self._threads.append(thread)

    def stop(self, timeout: float = 3.0) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout)

    # -- jobs queue ---------------------------------------------------------------------
    def _jobs_loop(self) -> None:
        while not self._stop.is_set():
            try:
                self.poll_jobs_once(wait_seconds=1)
            except Exception:
                log.exception("jobs poller failed; retrying")
                self._stop.wait(1)

    def poll_jobs_once(self, wait_seconds: int = 0) -> int:
        """Receive one batch and hand it to every SQS handler; returns messages received."""
        handlers = self._handlers(SQSEventConfig)
        if not handlers:
            self._stop.wait(wait_seconds or 0.5)
            return 0
        answer = self._sqs.receive_message(
            QueueUrl=self.outputs.jobs_queue_url,
            MaxNumberOfMessages=10,
            WaitTimeSeconds=wait_seconds,
            AttributeNames=["All"],
            MessageAttributeNames=["All"],
        )
        messages = answer.get("Messages", [])
        if messages and self._stop.is_set():
            return 0  # stopping: no new work (the local queue is not saved, README "Local data")
        if messages:
            self._job_since = time.monotonic()
            try:
                for name, handler in handlers:
                    self._deliver(name, handler, messages)
            finally:
                self._job_since = None
        return len(messages)

    def _deliver(self, name: str, handler: Callable[..., Any], messages: list[dict[str, Any]]) -> None:
        event = lambda_events.sqs_event(messages, self.outputs.jobs_queue_arn)
        try:
            result = handler(event, lambda_events.LambdaContext(name))
        except Exception:
            # As in Lambda: a failed invocation leaves the whole batch to become visible again.
            log.exception("SQS handler %s failed", name)
            return
        failed = {item["itemIdentifier"] for item in (result or {}).get("batchItemFailures", [])}
        done = [m for m in messages if m["MessageId"] not in failed]
        for start in range(0, len(done), 10):
            entries = [
                {"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(done[start : start + 10])
            ]
            self._sqs.delete_message_batch(QueueUrl=self.outputs.jobs_queue_url, Entries=entries)

    # -- table stream and schedules -------------------------------------------------------
    def _start_stream_at_latest(self) -> None:
        arn = self.outputs.table_stream_arn
        shards = self._streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"]
        for shard in shards:
            self._iterators[shard["ShardId"]] = self._streams.get_shard_iterator(
                StreamArn=arn, ShardId=shard["ShardId"], ShardIteratorType="LATEST"
            )["ShardIterator"]

    def _yielding_to_job(self, waiting_since: float | None) -> bool:
        """True while a job runs, for JOB_STREAM_PAUSE_SECONDS at most since the stream began
        waiting (`waiting_since`): the job's writes are read after it.

        In Lambda the stream's consumer runs apart from the job; here both share one process
        and its GIL, so reading an import's 750 records while it writes them made the import
        half as slow again, and the rebuilds they queue cannot run before the job ends anyway.
        The bound counts from the stream's first wait, not from each job: jobs running back to
        back must not starve the stream. The journal lags by the pause at most (README, "Local data").
        """
        if self._job_since is None:
            return False
        return waiting_since is None or time.monotonic() - waiting_since < JOB_STREAM_PAUSE_SECONDS

    def _stream_loop(self) -> None:
        waiting_since: float | None = None
        while not self._stop.is_set():
            try:
                if self._yielding_to_job(waiting_since):
                    waiting_since = waiting_since or time.monotonic()
                    self._stop.wait(0.05)
                    continue
                waiting_since = None
                if not self.poll_stream_once():
                    self._stop.wait(STREAM_IDLE_SECONDS)
                self._fire_due_schedules()
            except Exception:
                log.exception("stream poller failed; retrying")
                self._stop.wait(1)

    def poll_stream_once(self, *, deliver: bool = True) -> int:
        """Read new stream records and hand them to every stream handler; returns the count."""
        seen = 0
        for shard_id, iterator in list(self._iterators.items()):
            answer = self._streams.get_records(ShardIterator=iterator, Limit=100)
            records = answer.get("Records", [])
            if records:
                self.on_records(records)
                if deliver:
                    self._deliver_stream(records)
            seen += len(records)
            self._iterators[shard_id] = answer.get("NextShardIterator") or iterator
        return seen

    def drain_stream(self) -> int:
        """After stop: pass the records not read yet to `on_records` only (no handlers run)."""
        total = 0
        while count := self.poll_stream_once(deliver=False):
            total += count
        return total

    def _deliver_stream(self, records: list[dict[str, Any]]) -> None:
        event = lambda_events.stream_event(records, self.outputs.table_stream_arn)
        for name, handler in self._handlers(DynamoDBEventConfig):
            for attempt in range(3):
                try:
                    handler(event, lambda_events.LambdaContext(name))
                    break
                except Exception:
                    log.exception("stream handler %s failed (attempt %d of 3)", name, attempt + 1)
                    self._stop.wait(0.2 * 2**attempt)

    def _fire_due_schedules(self) -> None:
        now = time.monotonic()
        for index, (source, every, last) in enumerate(self._schedules):
            if now - last >= every:
                self._schedules[index] = (source, every, now)
                self.fire_schedule(source.name)

    def fire_schedule(self, name: str) -> Any:
        """Run one scheduled handler now, as EventBridge would."""
        handler = self.app.handler_map[name]
        try:
            return handler(lambda_events.schedule_event(name), lambda_events.LambdaContext(name))
        except Exception:
            log.exception("scheduled handler %s failed", name)
            return None
