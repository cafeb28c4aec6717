"""At-least-once delivery against the real local loop (LocalPoller + moto): duplicates, crashes,
poison messages, concurrency. Every effect must happen once."""

from __future__ import annotations

import json
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime

import pytest
from support.jobs import FLAKY_FAILURES, RUNS, job_record, outbox, run_until_finished

pytestmark = pytest.mark.integration


def _mail_job(mailbox: str) -> str:
    from chalicelib.jobs.enqueue import enqueue

    return enqueue("send_email", to=mailbox, subject="Welcome", text="Hello there", html="<p>Hello there</p>")


def _receive_all(sqs, url: str) -> list[dict]:
    answer = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, AttributeNames=["All"])
    return answer.get("Messages", [])


def _invoke_worker(messages: list[dict], queue_arn: str) -> dict:
    from app import app
    from podium.localstack import lambda_events

    event = lambda_events.sqs_event(messages, queue_arn)
    return app.handler_map["run_jobs"](event, lambda_events.LambdaContext("run_jobs"))


def test_duplicate_delivery_sends_one_mail(empty_queues, poller, sqs, mailbox):
    job_id = _mail_job(mailbox)
    [message] = _receive_all(sqs, empty_queues.jobs_queue_url)
    sqs.change_message_visibility(
        QueueUrl=empty_queues.jobs_queue_url, ReceiptHandle=message["ReceiptHandle"], VisibilityTimeout=0
    )
    sqs.send_message(QueueUrl=empty_queues.jobs_queue_url, MessageBody=message["Body"])  # the duplicate

    run_until_finished(poller, [job_id])
    poller.poll_jobs_once()  # whichever copy is left over

    assert len(outbox(mailbox)) == 1
    assert job_record(job_id).state == "SUCCESS" and job_record(job_id).attempts == 1
    assert _receive_all(sqs, empty_queues.jobs_queue_url) == []


def test_crash_after_the_mail_and_before_the_ack_sends_no_second_mail(empty_queues, poller, sqs, mailbox, monkeypatch):
    from chalicelib.clock import FrozenClock, use_clock
    from chalicelib.jobs import runner

    # GIVEN a worker that dies after SES accepted the mail, before the job is marked or acked
    frozen = FrozenClock(datetime(2026, 3, 1, 9, 0, tzinfo=UTC))
    previous = use_clock(frozen)
    try:
        job_id = _mail_job(mailbox)
        [message] = _receive_all(sqs, empty_queues.jobs_queue_url)
        real_mark = runner._mark

        def die_on_success(record, **changes):
            if changes.get("state") == "SUCCESS":
                raise SystemError("worker killed")
            return real_mark(record, **changes)

        monkeypatch.setattr(runner, "_mark", die_on_success)
        crashed = _invoke_worker([message], empty_queues.jobs_queue_arn)
        monkeypatch.setattr(runner, "_mark", real_mark)
        halfway = job_record(job_id)

        # WHEN the visibility timeout and the dead worker's lease pass and the message comes back
        sqs.change_message_visibility(
            QueueUrl=empty_queues.jobs_queue_url, ReceiptHandle=message["ReceiptHandle"], VisibilityTimeout=0
        )
        frozen.advance(minutes=6)
        run_until_finished(poller, [job_id])
    finally:
        use_clock(previous)

    # THEN the retry found the mail's record and sent nothing more
    record = job_record(job_id)
    assert crashed["batchItemFailures"] == [{"itemIdentifier": message["MessageId"]}]
    assert halfway.state == "STARTED"
    assert len(outbox(mailbox)) == 1
    assert (record.state, record.attempts) == ("SUCCESS", 2)
    assert json.loads(record.result)["message_id"]


def test_redelivery_of_a_finished_job_does_nothing(empty_queues, poller, sqs, mailbox):
    job_id = _mail_job(mailbox)
    [message] = _receive_all(sqs, empty_queues.jobs_queue_url)
    first = _invoke_worker([message], empty_queues.jobs_queue_arn)  # succeeds, but the ack is lost
    sqs.change_message_visibility(
        QueueUrl=empty_queues.jobs_queue_url, ReceiptHandle=message["ReceiptHandle"], VisibilityTimeout=0
    )

    poller.poll_jobs_once(wait_seconds=1)

    assert first == {"batchItemFailures": []}
    assert len(outbox(mailbox)) == 1
    assert job_record(job_id).attempts == 1
    assert _receive_all(sqs, empty_queues.jobs_queue_url) == []


def test_a_job_held_by_one_delivery_is_not_run_by_another(empty_queues, sqs):
    from chalicelib.jobs.enqueue import enqueue
    from chalicelib.jobs.runner import JobBusy, handle_message
    from support.jobs import BLOCKING

    marker = uuid.uuid4().hex
    BLOCKING[marker] = threading.Event()
    job_id = enqueue("test_block", marker=marker)
    [message] = _receive_all(sqs, empty_queues.jobs_queue_url)
    first = ThreadPoolExecutor(1).submit(handle_message, message["Body"], 1, lease_seconds=60)
    while job_record(job_id).state != "STARTED":
        time.sleep(0.01)

    with pytest.raises(JobBusy) as busy:
        handle_message(message["Body"], 2, lease_seconds=60)
    BLOCKING[marker].set()

    assert first.result(timeout=10) == "SUCCESS"
    assert 1 < busy.value.delay_seconds <= 61
    assert RUNS[job_id] == 1


def test_poison_message_lands_in_the_dead_letter_queue_after_five_receives(empty_queues, poller, sqs):
    from chalicelib.adapters.queue import dead_letter_queue_url, peek_dead_letters
    from chalicelib.jobs.enqueue import enqueue

    job_id = enqueue("test_explode", reason="the speaker list is malformed")
    receives = 0
    for _ in range(20):
        receives += poller.poll_jobs_once()
        if peek_dead_letters():
            break

    record = job_record(job_id)
    [letter] = peek_dead_letters()
    assert receives == 5
    assert (record.state, record.attempts) == ("FAILURE", 5)
    assert record.error == "RuntimeError: the speaker list is malformed"
    assert (letter.job_id, letter.name) == (job_id, "test_explode")
    assert dead_letter_queue_url().endswith("-jobs-dlq")


def test_redriven_dead_letter_runs_again_and_can_succeed(empty_queues, poller):
    from chalicelib.adapters.queue import peek_dead_letters, redrive_dead_letters
    from chalicelib.domain.jobs import reopen_for_redrive
    from chalicelib.jobs.enqueue import enqueue

    marker = uuid.uuid4().hex
    FLAKY_FAILURES[marker] = 5
    job_id = enqueue("test_flaky", marker=marker)
    while not peek_dead_letters():
        poller.poll_jobs_once()
    failed = job_record(job_id)

    moved = redrive_dead_letters(before_send=lambda letter: reopen_for_redrive(letter.job_id))
    run_until_finished(poller, [job_id])

    assert (failed.state, failed.error) == ("FAILURE", f"ConnectionError: upstream down for {marker}")
    assert [letter.job_id for letter in moved] == [job_id]
    assert (job_record(job_id).state, job_record(job_id).attempts) == ("SUCCESS", 6)
    assert peek_dead_letters() == []


def test_message_that_is_not_a_job_ends_in_the_dead_letter_queue(empty_queues, poller, sqs):
    from chalicelib.adapters.queue import peek_dead_letters

    sqs.send_message(QueueUrl=empty_queues.jobs_queue_url, MessageBody="{not json")
    for _ in range(10):
        poller.poll_jobs_once()

    [letter] = peek_dead_letters()
    assert (letter.body, letter.job_id) == ("{not json", None)


def test_failed_job_comes_back_after_its_backoff_not_the_visibility_timeout(empty_queues, poller, monkeypatch):

    from chalicelib.jobs import runner
    from chalicelib.jobs.enqueue import enqueue
    from chalicelib.settings import settings

    monkeypatch.setattr(runner, "settings", lambda: settings()._replace(job_retry_base_seconds=2))
    marker = uuid.uuid4().hex
    FLAKY_FAILURES[marker] = 1
    job_id = enqueue("test_flaky", marker=marker)
    poller.poll_jobs_once(wait_seconds=1)
    after_failure = job_record(job_id).state
    started = time.monotonic()

    immediately = poller.poll_jobs_once(wait_seconds=0)
    while not poller.poll_jobs_once(wait_seconds=1):
        pass
    waited = time.monotonic() - started

    assert (after_failure, immediately) == ("RETRY", 0)
    assert 1.5 <= waited < 10
    assert job_record(job_id).state == "SUCCESS"


def test_hundred_jobs_enqueued_concurrently_each_succeed_exactly_once(empty_queues, aws_stack, sqs):
    from app import app
    from chalicelib.jobs.enqueue import enqueue
    from podium.localstack.poller import LocalPoller

    # GIVEN 100 jobs enqueued from 8 threads, and a quarter of the messages sent a second time
    with ThreadPoolExecutor(8) as pool:
        job_ids = list(pool.map(lambda n: enqueue("test_count", marker=f"n{n}"), range(100)))
    for message in _drain_without_deleting(sqs, empty_queues.jobs_queue_url)[:25]:
        sqs.send_message(QueueUrl=empty_queues.jobs_queue_url, MessageBody=message["Body"])

    # WHEN two pollers work the queue at once
    pollers = [LocalPoller(app, aws_stack) for _ in range(2)]
    with ThreadPoolExecutor(2) as pool:
        list(pool.map(lambda p: run_until_finished(p, job_ids, timeout=60), pollers))
    for local in pollers:
        while local.poll_jobs_once():
            pass

    # THEN each ran once and succeeded
    assert {job_record(job_id).state for job_id in job_ids} == {"SUCCESS"}
    assert [RUNS[job_id] for job_id in job_ids] == [1] * 100
    assert {job_record(job_id).attempts for job_id in job_ids} == {1}


def _drain_without_deleting(sqs, url: str) -> list[dict]:
    # Receive every message once and make each visible again at once.
    seen: dict[str, dict] = {}
    while batch := sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, VisibilityTimeout=30).get("Messages"):
        for message in batch:
            seen[message["MessageId"]] = message
    for message in seen.values():
        sqs.change_message_visibility(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"], VisibilityTimeout=0)
    return list(seen.values())


def _polls_until_finished(poller, job_id: str) -> int:
    """How many messages the worker received before the job finished."""
    receives = 0
    while job_record(job_id).state not in ("SUCCESS", "FAILURE"):
        receives += poller.poll_jobs_once(wait_seconds=0)
    return receives


@pytest.mark.parametrize(
    ("error", "summary"),
    [
        ("permanent", "the invoice is void"),
        ("validation", "the invoice is void"),
        ("not_found", "the invoice is void"),
        ("declared", "the invoice is void"),
        ("bug", "AttributeError: the invoice is void"),
    ],
)
def test_permanent_job_error_fails_after_one_attempt_and_reaches_the_dead_letter_queue(
    empty_queues, poller, sqs, error, summary
):
    from chalicelib.adapters.queue import peek_dead_letters
    from chalicelib.jobs.enqueue import enqueue

    job_id = enqueue("test_refuse", error=error, reason="the invoice is void")

    receives = _polls_until_finished(poller, job_id)

    record = job_record(job_id)
    assert (record.state, record.attempts, record.error, receives) == ("FAILURE", 1, summary, 1)
    assert record.finished_at is not None
    assert [letter.job_id for letter in peek_dead_letters()] == [job_id]
    assert _receive_all(sqs, empty_queues.jobs_queue_url) == []


@pytest.mark.parametrize(("error", "summary"), [("network", "ConnectionError: down"), ("conflict", "chalicelib.errors.Conflict: down")])
def test_transient_job_error_is_retried_then_reaches_the_dead_letter_queue(empty_queues, poller, error, summary):
    from chalicelib.adapters.queue import peek_dead_letters
    from chalicelib.jobs.enqueue import enqueue

    job_id = enqueue("test_refuse", error=error, reason="down")

    poller.poll_jobs_once(wait_seconds=0)
    after_first = (job_record(job_id).state, job_record(job_id).attempts)
    receives = 1 + _polls_until_finished(poller, job_id)

    record = job_record(job_id)
    assert after_first == ("RETRY", 1)
    assert (record.state, record.attempts, record.error, receives) == ("FAILURE", 5, summary, 5)
    while not peek_dead_letters():  # moto moves it on the receive after the fifth
        poller.poll_jobs_once(wait_seconds=0)
    assert [letter.job_id for letter in peek_dead_letters()] == [job_id]


def test_message_whose_arguments_no_longer_fit_the_job_fails_at_once_naming_them(empty_queues, poller, sqs):
    from chalicelib.jobs.enqueue import enqueue

    # GIVEN a message whose arguments do not fit its job (sent before the job's signature changed)
    job_id = enqueue("test_count", marker="m")
    [message] = _receive_all(sqs, empty_queues.jobs_queue_url)
    sqs.delete_message(QueueUrl=empty_queues.jobs_queue_url, ReceiptHandle=message["ReceiptHandle"])
    envelope = json.loads(message["Body"]) | {"args": {"label": "m"}}
    sqs.send_message(QueueUrl=empty_queues.jobs_queue_url, MessageBody=json.dumps(envelope))

    # WHEN the worker receives it
    receives = _polls_until_finished(poller, job_id)

    # THEN the job fails after one attempt, naming what is wrong, and its body never ran
    record = job_record(job_id)
    assert (record.state, record.attempts, receives) == ("FAILURE", 1, 1)
    assert record.error == (
        "job test_count: missing argument 'marker'; unknown argument 'label'; "
        "its arguments are: marker"
    )
    assert RUNS[job_id] == 0
