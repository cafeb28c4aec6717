from __future__ import annotations

import datetime
import json

import pytest

pytestmark = pytest.mark.integration


class Speaker:
    """Stands for a model object someone passes instead of its id."""


def _queued(sqs, url):
    attributes = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["ApproximateNumberOfMessages"])
    return int(attributes["Attributes"]["ApproximateNumberOfMessages"])


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ({"when": datetime.datetime(2026, 1, 1)}, "kwargs['payload']['when'] is a datetime"),
        ({1, 2}, "kwargs['payload'] is a set"),
        ([1, Speaker()], "kwargs['payload'][1] is a Speaker"),
    ],
)
def test_enqueue_refuses_values_json_cannot_carry_and_sends_nothing(empty_queues, sqs, value, message):
    from chalicelib.jobs.enqueue import enqueue

    with pytest.raises(TypeError) as raised:
        enqueue("noop", payload=value)

    assert str(raised.value).startswith(message)
    assert _queued(sqs, empty_queues.jobs_queue_url) == 0


def test_enqueue_refuses_an_unknown_job_name(empty_queues, sqs):
    from chalicelib.jobs.enqueue import enqueue

    with pytest.raises(LookupError) as raised:
        enqueue("no_such_job")

    assert "no_such_job" in str(raised.value) and "noop" in str(raised.value)
    assert _queued(sqs, empty_queues.jobs_queue_url) == 0


def test_enqueue_records_a_pending_job_and_sends_the_context_in_the_envelope(empty_queues, sqs):
    from chalicelib.actors import SYSTEM
    from chalicelib.jobs.enqueue import enqueue
    from chalicelib.request_context import system_context
    from support.jobs import job_record

    ctx = system_context(source="cli")
    job_id = enqueue("noop", _ctx=ctx, _event_id="ev1", note="x")
    [message] = sqs.receive_message(QueueUrl=empty_queues.jobs_queue_url, MaxNumberOfMessages=10)["Messages"]
    record = job_record(job_id)

    assert json.loads(message["Body"]) == {
        "job_id": job_id,
        "name": "noop",
        "args": {"note": "x"},
        "context": ctx.to_json(),
    }
    assert (record.state, record.attempts, record.actor_id, record.event_id) == ("PENDING", 0, SYSTEM.id, "ev1")


def _job_count() -> int:
    from chalicelib.domain.jobs import recent_jobs

    return len(recent_jobs(limit=1000))


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (
            {"to": "a@example.org", "subject": "Hi"},
            "job send_email: missing argument 'text'; its arguments are: to, subject, text, html=None, outbox=None",
        ),
        (
            {"to": "a@example.org", "subject": "Hi", "text": "x", "body": "y"},
            "job send_email: unknown argument 'body'; its arguments are: to, subject, text, html=None, outbox=None",
        ),
        (
            {"subject": "Hi", "txt": "x"},
            "job send_email: missing argument 'to'; missing argument 'text'; unknown argument 'txt'; "
            "its arguments are: to, subject, text, html=None, outbox=None",
        ),
    ],
)
def test_enqueue_refuses_missing_or_unknown_arguments_before_sending(empty_queues, sqs, arguments, message):
    from chalicelib.jobs.enqueue import enqueue

    jobs_before = _job_count()
    with pytest.raises(TypeError) as raised:
        enqueue("send_email", **arguments)

    assert str(raised.value) == message
    assert _queued(sqs, empty_queues.jobs_queue_url) == 0
    assert _job_count() == jobs_before


def test_enqueue_accepts_optional_arguments_left_out_and_any_keyword_for_open_jobs(empty_queues, sqs):
    from chalicelib.jobs.enqueue import enqueue

    enqueue("send_email", to="a@example.org", subject="Hi", text="x")
    enqueue("noop", anything="goes")

    assert _queued(sqs, empty_queues.jobs_queue_url) == 2
