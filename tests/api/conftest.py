"""Fixtures of the API tests (helpers in tests/support/api.py)."""

from __future__ import annotations

import itertools

import pytest
from support.api import Api

_addresses = itertools.count()


@pytest.fixture(scope="session")
def api(aws_stack):
    from app import app
    from chalice.test import Client

    boto = __import__("boto3").client("ses", region_name="us-east-1")
    boto.verify_domain_identity(Domain="podium.example.org")
    with Client(app) as client:
        yield Api(client)


@pytest.fixture
def signed_in_client(aws_stack):
    """A chalice.test.Client; sign in per request with support.api.post_as (USER_ID by default)."""
    from app import app
    from chalice.test import Client

    with Client(app) as client:
        yield client


@pytest.fixture
def writing_api(stack):
    """The API for tests whose data must not meet other tests': the stack is emptied afterwards."""
    from app import app
    from chalice.test import Client

    with Client(app) as client:
        yield Api(client)


@pytest.fixture
def owner(writing_api):
    """A signed-in user who will own the test's event."""
    return writing_api.user("owner")


@pytest.fixture(autouse=True)
def _own_client_address(monkeypatch, request):
    """Each test calls from its own source address (a string in the Lambda event, no traffic),
    so per-address rate limits of one test never spill into another."""
    from chalice.local import LambdaEventConverter

    number = next(_addresses)
    monkeypatch.setattr(LambdaEventConverter, "LOCAL_SOURCE_IP", f"192.0.2.{number % 250 + 1}-{number}")


@pytest.fixture(autouse=True)
def _drain_jobs_queue(request):
    """Mail jobs these tests enqueue are read from their records, never run: empty the queue
    afterwards so worker tests sharing this moto server see only their own messages."""
    yield
    if "aws_stack" in request.fixturenames or "api" in request.fixturenames:
        import boto3

        sqs, url = boto3.client("sqs", region_name="us-east-1"), request.getfixturevalue("aws_stack").jobs_queue_url
        while messages := sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages"):
            entries = [{"Id": str(n), "ReceiptHandle": m["ReceiptHandle"]} for n, m in enumerate(messages)]
            sqs.delete_message_batch(QueueUrl=url, Entries=entries)
