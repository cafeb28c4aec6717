"""SQS: the jobs queue and its dead-letter queue: sending, delaying a redelivery, redriving."""

from __future__ import annotations

import functools
import json
from typing import Any, NamedTuple

from chalicelib.adapters.aws import client
from chalicelib.settings import settings

MAX_VISIBILITY_SECONDS = 43_200  # SQS's upper bound for a message's visibility timeout


def queue_url() -> str:
    current = settings()
    return current.jobs_queue_url or client("sqs").get_queue_url(QueueName=current.jobs_queue_name)["QueueUrl"]


@functools.cache
def dead_letter_queue_url() -> str:
    """Found through the jobs queue's redrive policy, so no second setting can drift."""
    sqs = client("sqs")
    attributes = sqs.get_queue_attributes(QueueUrl=queue_url(), AttributeNames=["RedrivePolicy"])["Attributes"]
    target_arn = json.loads(attributes["RedrivePolicy"])["deadLetterTargetArn"]
    return sqs.get_queue_url(QueueName=target_arn.rsplit(":", 1)[-1])["QueueUrl"]


def send_job(body: str) -> None:
    """Queue one job envelope (jobs/enqueue.py makes them)."""
    client("sqs").send_message(QueueUrl=queue_url(), MessageBody=body)


def send_dead_letter(body: str) -> None:
    """Put a job's message straight into the dead-letter queue (a job that failed for good)."""
    client("sqs").send_message(QueueUrl=dead_letter_queue_url(), MessageBody=body)


def delay_redelivery(receipt_handle: str, seconds: int) -> None:
    """Make a received message visible again after `seconds` instead of the queue's timeout."""
    seconds = max(0, min(int(seconds), MAX_VISIBILITY_SECONDS))
    client("sqs").change_message_visibility(
        QueueUrl=queue_url(), ReceiptHandle=receipt_handle, VisibilityTimeout=seconds
    )


class DeadLetter(NamedTuple):
    message_id: str
    job_id: str | None
    name: str | None
    receive_count: int
    body: str


def peek_dead_letters(limit: int = 100) -> list[DeadLetter]:
    """Messages in the dead-letter queue (each made visible again at once, so peeking moves nothing)."""
    sqs, url = client("sqs"), dead_letter_queue_url()
    found: dict[str, DeadLetter] = {}
    for message in _drain(url, limit):
        found.setdefault(message["MessageId"], _dead_letter(message))
        sqs.change_message_visibility(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"], VisibilityTimeout=0)
    return list(found.values())


def redrive_dead_letters(limit: int = 1000, *, before_send: Any = None) -> list[DeadLetter]:
    """Move dead letters back to the jobs queue; `before_send(letter)` runs first for each."""
    sqs, url = client("sqs"), dead_letter_queue_url()
    moved = []
    for message in _drain(url, limit):
        letter = _dead_letter(message)
        if before_send is not None:
            before_send(letter)
        send_job(message["Body"])
        sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
        moved.append(letter)
    return moved


def _drain(url: str, limit: int) -> list[dict[str, Any]]:
    # Received messages stay invisible for 30 s, so repeated receives walk the whole queue.
    messages: list[dict[str, Any]] = []
    while len(messages) < limit:
        batch = (
            client("sqs")
            .receive_message(
                QueueUrl=url,
                MaxNumberOfMessages=min(10, limit - len(messages)),
                VisibilityTimeout=30,
                AttributeNames=["ApproximateReceiveCount"],
            )
            .get("Messages", [])
        )
        if not batch:
            break
        messages.extend(batch)
    return messages


def _dead_letter(message: dict[str, Any]) -> DeadLetter:
    try:
        envelope = json.loads(message["Body"])
        job_id, name = str(envelope.get("job_id")), str(envelope.get("name"))
    except (ValueError, AttributeError):
        job_id = name = None
    count = int(message.get("Attributes", {}).get("ApproximateReceiveCount", 0))
    return DeadLetter(message["MessageId"], job_id, name, count, message["Body"])
