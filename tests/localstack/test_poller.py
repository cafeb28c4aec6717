"""The local event loop: while a job runs, the table stream's records wait for it (bounded), so
the job's own writes do not compete with it in the one local process; nothing is lost."""

from __future__ import annotations

import threading
import time
import uuid
from typing import Any

import pytest
from chalicelib.jobs.registry import job

pytestmark = pytest.mark.integration

RELEASE: dict[str, threading.Event] = {}


@job("test_write_then_wait")
def write_then_wait(ctx: Any, *, marker: str) -> dict[str, Any]:
    from chalicelib.adapters.aws import client
    from chalicelib.settings import settings

    item = {"pk": {"S": f"TEST#{marker}"}, "sk": {"S": "ITEM"}, "kind": {"S": "test"}}
    client("dynamodb").put_item(TableName=settings().table_name, Item=item)
    RELEASE[marker].wait(10)
    return {"marker": marker}


def _wait_for(condition, timeout: float = 10.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.02)
    return False


def _empty_jobs_queue(stack) -> None:
    from chalicelib.adapters.aws import client

    sqs = client("sqs")
    while messages := sqs.receive_message(QueueUrl=stack.jobs_queue_url, MaxNumberOfMessages=10).get("Messages", []):
        entries = [{"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(messages)]
        sqs.delete_message_batch(QueueUrl=stack.jobs_queue_url, Entries=entries)


@pytest.fixture
def running_loop(stack):
    """The poller's two threads on the test stack; `seen` collects the keys of stream records read."""
    from app import app
    from podium.localstack.poller import LocalPoller

    _empty_jobs_queue(stack)
    seen: list[str] = []
    loop = LocalPoller(
        app, stack, on_records=lambda records: seen.extend(r["dynamodb"]["Keys"]["pk"]["S"] for r in records)
    )
    loop.start()
    yield loop, seen
    loop.stop()


def _start_writing_job() -> tuple[str, str]:
    from chalicelib.jobs.enqueue import enqueue
    from chalicelib.request_context import system_context

    marker = uuid.uuid4().hex
    RELEASE[marker] = threading.Event()
    return marker, enqueue("test_write_then_wait", _ctx=system_context(), marker=marker)


def _written(marker: str) -> bool:
    from chalicelib.adapters.aws import client
    from chalicelib.settings import settings

    key = {"pk": {"S": f"TEST#{marker}"}, "sk": {"S": "ITEM"}}
    return "Item" in client("dynamodb").get_item(TableName=settings().table_name, Key=key, ConsistentRead=True)


def test_a_running_jobs_writes_are_read_from_the_stream_once_it_ends(running_loop):
    from chalicelib.db.jobs import get_job

    _loop, seen = running_loop
    marker, job_id = _start_writing_job()
    assert _wait_for(lambda: _written(marker))

    time.sleep(0.5)  # the idle stream poller reads every 0.1 s
    read_while_running = f"TEST#{marker}" in seen
    RELEASE[marker].set()

    assert not read_while_running
    assert _wait_for(lambda: f"TEST#{marker}" in seen)
    assert _wait_for(lambda: get_job(job_id).state == "SUCCESS")


def test_a_long_job_holds_the_stream_back_only_for_the_pause(running_loop, monkeypatch):
    from podium.localstack import poller

    monkeypatch.setattr(poller, "JOB_STREAM_PAUSE_SECONDS", 0.3)
    _loop, seen = running_loop
    marker, _job_id = _start_writing_job()
    try:
        assert _wait_for(lambda: _written(marker))

        assert _wait_for(lambda: f"TEST#{marker}" in seen, timeout=5)
        assert not RELEASE[marker].is_set()  # read while the job still runs
    finally:
        RELEASE[marker].set()


def test_jobs_back_to_back_hold_the_stream_back_only_for_the_pause(running_loop, monkeypatch):
    from podium.localstack import poller

    monkeypatch.setattr(poller, "JOB_STREAM_PAUSE_SECONDS", 0.3)
    _loop, seen = running_loop
    first, _ = _start_writing_job()
    markers = [first]
    try:
        assert _wait_for(lambda: _written(first))
        # GIVEN jobs that follow one another at once, each shorter than the pause
        for _ in range(6):
            following, _ = _start_writing_job()
            markers.append(following)
            time.sleep(0.2)
            RELEASE[markers[-2]].set()
            assert _wait_for(lambda marker=following: _written(marker))
            if f"TEST#{first}" in seen:
                break

        # THEN the first job's write was read from the stream while jobs kept running
        assert f"TEST#{first}" in seen
        assert not RELEASE[markers[-1]].is_set()
    finally:
        for marker in markers:
            RELEASE[marker].set()
