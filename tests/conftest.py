"""Test set-up shared by every suite.

pynamodb fixes table names at import, so the environment is set here, before any
application module is imported. Every AWS call goes to a moto server on 127.0.0.1.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "backend"))

TEST_STAGE = "test"
ACCOUNT = "123456789012"  # moto's fixed account id
os.environ.update(
    {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
        "PODIUM_STAGE": TEST_STAGE,
        "PODIUM_TABLE_NAME": f"podium-{TEST_STAGE}",
        "PODIUM_UPLOADS_BUCKET": f"podium-{TEST_STAGE}-uploads-{ACCOUNT}",
        "PODIUM_SITE_BUCKET": f"podium-{TEST_STAGE}-site-{ACCOUNT}",
        "PODIUM_JOBS_QUEUE_NAME": f"podium-{TEST_STAGE}-jobs",
        "PODIUM_JOBS_QUEUE_URL": f"https://sqs.us-east-1.amazonaws.com/{ACCOUNT}/podium-{TEST_STAGE}-jobs",
        "PODIUM_SITE_BASE_URL": "http://127.0.0.1:8080/",
        "PODIUM_LOG_LEVEL": "WARNING",
        "PODIUM_JOB_RETRY_BASE_SECONDS": "0",  # failed jobs come back at once; one test sets a delay
    }
)
for leaked in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_ENDPOINT_URL"):
    os.environ.pop(leaked, None)


@pytest.fixture(scope="session")
def aws_stack() -> Iterator[object]:
    """moto's server on 127.0.0.1 with infra/template.yaml deployed, for this test process."""
    from podium.localstack import aws

    server = aws.start_moto(0)
    endpoint = "http://{}:{}".format(*server.get_host_and_port())
    aws.point_boto_at(endpoint)
    os.environ["AWS_ACCESS_KEY_ID"] = os.environ["AWS_SECRET_ACCESS_KEY"] = "testing"
    outputs = aws.deploy_stack(TEST_STAGE, site_origin="http://127.0.0.1:8080")
    yield outputs
    server.stop()


# Partitions that session-scoped fixtures wrote once for many tests: `stack` keeps them.
KEEP_PARTITIONS: set[str] = set()


def _empty_stack(outputs) -> None:
    """Remove every item, object and message, so each test starts from an empty stack."""
    import boto3

    ddb = boto3.client("dynamodb")
    for page in ddb.get_paginator("scan").paginate(TableName=outputs.table_name, ProjectionExpression="pk, sk"):
        keys = [key for key in page["Items"] if key["pk"]["S"] not in KEEP_PARTITIONS]
        for start in range(0, len(keys), 25):
            requests = [{"DeleteRequest": {"Key": key}} for key in keys[start : start + 25]]
            ddb.batch_write_item(RequestItems={outputs.table_name: requests})
    s3 = boto3.client("s3")
    for bucket in (outputs.uploads_bucket, outputs.site_bucket):
        for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket):
            keys = [{"Key": obj["Key"]} for obj in page.get("Contents", [])]
            if keys:
                s3.delete_objects(Bucket=bucket, Delete={"Objects": keys, "Quiet": True})
    sqs = boto3.client("sqs")
    for url in (outputs.jobs_queue_url, outputs.jobs_dlq_url):
        # PurgeQueue allows one call a minute; receiving and deleting has no such limit.
        while messages := sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", []):
            entries = [{"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(messages)]
            sqs.delete_message_batch(QueueUrl=url, Entries=entries)


@pytest.fixture
def stack(aws_stack) -> Iterator[object]:
    """The moto stack, emptied after the test: use it for tests that write."""
    yield aws_stack
    _empty_stack(aws_stack)


# The Open Event samples (CI clones the repo with ../shared beside it).
OPENEVENT_SAMPLES = REPO.parent / "shared" / "data" / "openevent"


@pytest.fixture(scope="session")
def sample_2017() -> Path:
    return OPENEVENT_SAMPLES / "FOSSASIASummit2017"


@pytest.fixture(scope="session")
def sample_2018() -> Path:
    return OPENEVENT_SAMPLES / "FOSSASIASummit2018"
