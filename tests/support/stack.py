"""Helpers for tests that share one moto stack per test process."""

from __future__ import annotations

# Partitions that session-scoped fixtures wrote once for many tests: `stack` keeps them.
KEEP_PARTITIONS: set[str] = set()
# Kept events that are published (the imported samples): between tests they are taken off the
# published index, so a later test's full publish renders only what it made (a kept FOSSASIA
# sample turned a one-second publish test into twenty). `show_sample` lists one again.
_SAMPLES: dict[str, dict] = {}  # pk -> its gsi2 key attributes while parked


def keep_sample(event_id: str) -> None:
    """Keep a published sample event for later tests of this process (see `_SAMPLES`)."""
    KEEP_PARTITIONS.add(f"EVENT#{event_id}")
    _SAMPLES.setdefault(f"EVENT#{event_id}", {})


def show_sample(event_id: str) -> None:
    """Put a kept sample back on the published index (a test asked for it)."""
    import boto3
    from chalicelib.settings import settings

    parked = _SAMPLES.get(f"EVENT#{event_id}")
    if parked:
        boto3.client("dynamodb").update_item(
            TableName=settings().table_name,
            Key={"pk": {"S": f"EVENT#{event_id}"}, "sk": {"S": "EVENT"}},
            UpdateExpression="SET gsi2pk = :pk, gsi2sk = :sk",
            ExpressionAttributeValues={":pk": parked["gsi2pk"], ":sk": parked["gsi2sk"]},
        )
        parked.clear()


def _park_samples(table_name: str) -> None:
    import boto3

    ddb = boto3.client("dynamodb")
    for pk, parked in _SAMPLES.items():
        if parked:
            continue
        key = {"pk": {"S": pk}, "sk": {"S": "EVENT"}}
        item = ddb.get_item(TableName=table_name, Key=key, ConsistentRead=True).get("Item", {})
        if "gsi2pk" in item:
            parked.update(gsi2pk=item["gsi2pk"], gsi2sk=item["gsi2sk"])
            ddb.update_item(TableName=table_name, Key=key, UpdateExpression="REMOVE gsi2pk, gsi2sk")


def empty_stack(outputs) -> None:
    """Remove every item, object and message, so each test starts from an empty stack."""
    import boto3

    ddb = boto3.client("dynamodb")
    for page in ddb.get_paginator("scan").paginate(TableName=outputs.table_name, ProjectionExpression="pk, sk"):
        keys = [key for key in page["Items"] if key["pk"]["S"] not in KEEP_PARTITIONS]
        for start in range(0, len(keys), 25):
            requests = [{"DeleteRequest": {"Key": key}} for key in keys[start : start + 25]]
            ddb.batch_write_item(RequestItems={outputs.table_name: requests})
    _park_samples(outputs.table_name)
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
