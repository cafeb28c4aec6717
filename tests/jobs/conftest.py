"""The real local loop for jobs: moto's queue and SES, the Chalice worker through LocalPoller."""

from __future__ import annotations

import uuid

import pytest
import support.jobs  # noqa: F401 - registers the jobs only tests use


@pytest.fixture
def poller(aws_stack):
    from app import app
    from podium.localstack.poller import LocalPoller

    return LocalPoller(app, aws_stack)


@pytest.fixture
def sqs(aws_stack):
    from chalicelib.adapters.aws import client

    return client("sqs")


@pytest.fixture
def empty_queues(aws_stack, sqs):
    """Start with no message left over from another test in either queue."""
    from chalicelib.adapters.queue import dead_letter_queue_url

    for url in (aws_stack.jobs_queue_url, dead_letter_queue_url()):
        # PurgeQueue is allowed once a minute; receiving and deleting is not limited.
        while messages := sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", []):
            entries = [{"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(messages)]
            sqs.delete_message_batch(QueueUrl=url, Entries=entries)
    return aws_stack


@pytest.fixture
def mailbox() -> str:
    """A recipient no other test writes to."""
    return f"reader-{uuid.uuid4().hex[:10]}@example.org"
