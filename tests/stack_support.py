"""Helpers for tests that share one moto stack per test process."""

from __future__ import annotations

# Partitions that session-scoped fixtures wrote once for many tests: `stack` keeps them.
KEEP_PARTITIONS: set[str] = set()


def empty_stack(outputs) -> None:
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
