"""adapters/queue.py against moto's SQS: the jobs queue and its dead-letter queue."""

from __future__ import annotations

import json

import boto3
import pytest

pytestmark = pytest.mark.integration


@pytest.fixture
def queues(stack):
    """(jobs queue URL, dead-letter queue URL), both empty."""
    from chalicelib.adapters.queue import dead_letter_queue_url

    urls = (stack.jobs_queue_url, dead_letter_queue_url())
    sqs = boto3.client("sqs")
    for url in urls:
        while messages := sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", []):
            entries = [{"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(messages)]
            sqs.delete_message_batch(QueueUrl=url, Entries=entries)
    return urls


def _bodies(url: str) -> list[str]:
    messages = boto3.client("sqs").receive_message(QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=1)
    return sorted(m["Body"] for m in messages.get("Messages", []))


def test_send_job_puts_the_envelope_on_the_jobs_queue(queues):
    from chalicelib.adapters.queue import send_job

    send_job('{"job_id": "j1"}')

    assert _bodies(queues[0]) == ['{"job_id": "j1"}']
    assert _bodies(queues[1]) == []


def test_dead_letters_are_peeked_without_moving_then_redriven_to_the_jobs_queue(queues):
    from chalicelib.adapters.queue import peek_dead_letters, redrive_dead_letters, send_dead_letter

    envelope = json.dumps({"job_id": "j2", "name": "send_email"})
    send_dead_letter(envelope)
    send_dead_letter("{not json")

    peeked = peek_dead_letters()
    peeked_again = peek_dead_letters()
    seen = []
    moved = redrive_dead_letters(before_send=seen.append)

    assert {d.body: (d.job_id, d.name) for d in peeked} == {envelope: ("j2", "send_email"), "{not json": (None, None)}
    assert sorted(d.body for d in peeked_again) == sorted(d.body for d in peeked)
    assert sorted(d.body for d in moved) == sorted(d.body for d in seen) == sorted(d.body for d in peeked)
    assert _bodies(queues[1]) == []
    assert _bodies(queues[0]) == sorted([envelope, "{not json"])


def test_delay_redelivery_makes_a_received_message_visible_again_after_the_delay(queues):
    from chalicelib.adapters.queue import delay_redelivery, send_job

    sqs = boto3.client("sqs")
    send_job("again")
    [received] = sqs.receive_message(QueueUrl=queues[0], VisibilityTimeout=600)["Messages"]

    delay_redelivery(received["ReceiptHandle"], 600)
    hidden = _bodies(queues[0])
    delay_redelivery(received["ReceiptHandle"], 0)

    assert hidden == []
    assert _bodies(queues[0]) == ["again"]
