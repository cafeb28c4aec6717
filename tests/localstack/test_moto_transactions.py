"""The local moto's transactions: a failed one changes nothing, and the table's stream goes on
delivering every later write to the iterators already handed out (the local stream poller's,
which journals and publishes from it)."""

from __future__ import annotations

import boto3
import pytest

pytestmark = pytest.mark.integration


def _key(name: str) -> dict:
    return {"pk": {"S": f"TEST#tx-{name}"}, "sk": {"S": "ITEM"}}


def test_writes_after_a_failed_transaction_reach_the_stream_and_its_own_do_not(stack):
    ddb, streams = boto3.client("dynamodb"), boto3.client("dynamodbstreams")
    table, arn = stack.table_name, stack.table_stream_arn
    shard = streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"][0]["ShardId"]
    iterator = streams.get_shard_iterator(StreamArn=arn, ShardId=shard, ShardIteratorType="LATEST")["ShardIterator"]
    ddb.put_item(TableName=table, Item=_key("first"))

    # WHEN a transaction writes one item, then fails on a condition, and a plain write follows
    with pytest.raises(ddb.exceptions.TransactionCanceledException):
        ddb.transact_write_items(
            TransactItems=[
                {"Put": {"TableName": table, "Item": _key("undone")}},
                {"ConditionCheck": {"TableName": table, "Key": _key("first"),
                                    "ConditionExpression": "attribute_not_exists(pk)"}},
            ]
        )  # fmt: skip
    ddb.put_item(TableName=table, Item=_key("after"))
    records = []
    while batch := streams.get_records(ShardIterator=iterator):
        records += batch["Records"]
        iterator = batch["NextShardIterator"]
        if not batch["Records"]:
            break

    # THEN the stream carries the first and the last write, and the table lacks the undone one
    assert [r["dynamodb"]["Keys"]["pk"]["S"] for r in records] == ["TEST#tx-first", "TEST#tx-after"]
    assert "Item" not in ddb.get_item(TableName=table, Key=_key("undone"), ConsistentRead=True)


def test_a_transaction_of_many_items_writes_them_all(stack):
    ddb = boto3.client("dynamodb")
    items = [{"Put": {"TableName": stack.table_name, "Item": _key(f"many-{n}")}} for n in range(100)]

    ddb.transact_write_items(TransactItems=items)

    keys = [_key(f"many-{n}") for n in range(100)]
    found = ddb.batch_get_item(RequestItems={stack.table_name: {"Keys": keys}})["Responses"][stack.table_name]
    assert len(found) == 100


def test_a_failed_transaction_leaves_updated_put_and_deleted_items_as_they_were(stack):
    ddb, table = boto3.client("dynamodb"), stack.table_name
    ddb.put_item(TableName=table, Item=_key("kept") | {"count": {"N": "1"}, "tags": {"SS": ["a"]}})
    ddb.put_item(TableName=table, Item=_key("doomed") | {"note": {"S": "still here"}})
    ddb.put_item(TableName=table, Item=_key("guard"))
    before = ddb.scan(TableName=table, ConsistentRead=True)["Items"]

    # WHEN a transaction updates, adds, deletes and then fails its last condition
    with pytest.raises(ddb.exceptions.TransactionCanceledException):
        ddb.transact_write_items(
            TransactItems=[
                {"Update": {"TableName": table, "Key": _key("kept"), "UpdateExpression": "SET #c = :two ADD tags :b",
                            "ExpressionAttributeNames": {"#c": "count"},
                            "ExpressionAttributeValues": {":two": {"N": "2"}, ":b": {"SS": ["b"]}}}},
                {"Put": {"TableName": table, "Item": _key("new")}},
                {"Delete": {"TableName": table, "Key": _key("doomed")}},
                {"ConditionCheck": {"TableName": table, "Key": _key("guard"),
                                    "ConditionExpression": "attribute_not_exists(pk)"}},
            ]
        )  # fmt: skip
    after = ddb.scan(TableName=table, ConsistentRead=True)["Items"]
    ddb.update_item(TableName=table, Key=_key("kept"), UpdateExpression="SET note = :n",
                    ExpressionAttributeValues={":n": {"S": "later"}})  # fmt: skip

    # THEN every item is as it was, and later writes still land
    def by_key(items):
        return {i["pk"]["S"]: i for i in items}

    assert by_key(after) == by_key(before)
    kept = ddb.get_item(TableName=table, Key=_key("kept"), ConsistentRead=True)["Item"]
    assert (kept["count"], kept["tags"], kept["note"]) == ({"N": "1"}, {"SS": ["a"]}, {"S": "later"})


def test_parallel_transactions_on_one_item_lose_no_committed_write(stack):
    import threading
    from concurrent.futures import ThreadPoolExecutor

    table = stack.table_name
    # A large item: copying it for the failing transactions' undo takes a while, as a speaker's does.
    padding = {"pad": {"L": [{"M": {"n": {"N": str(n)}}} for n in range(400)]}}
    boto3.client("dynamodb").put_item(TableName=table, Item=_key("shared") | {"v": {"N": "0"}, "seen": {"L": []}} | padding)
    boto3.client("dynamodb").put_item(TableName=table, Item=_key("shared-guard"))
    start = threading.Barrier(6)

    def append_with_version(writer: int) -> int:
        """Append to the shared list conditioned on the version read, retrying lost races."""
        ddb, committed = boto3.client("dynamodb"), 0
        start.wait(10)
        for n in range(10):
            while True:
                item = ddb.get_item(TableName=table, Key=_key("shared"), ConsistentRead=True)["Item"]
                update = {"TableName": table, "Key": _key("shared"), "ConditionExpression": "v = :v",
                          "UpdateExpression": "SET v = :next, seen = list_append(seen, :me)",
                          "ExpressionAttributeValues": {":v": item["v"], ":next": {"N": str(int(item["v"]["N"]) + 1)},
                                                        ":me": {"L": [{"S": f"{writer}-{n}"}]}}}  # fmt: skip
                try:
                    ddb.transact_write_items(TransactItems=[{"Update": update}])
                except ddb.exceptions.TransactionCanceledException:
                    continue
                committed += 1
                break
        return committed

    def fail_on_the_same_item(_writer: int) -> None:
        """Transactions that name the shared item and then fail: each puts back what it saw."""
        ddb = boto3.client("dynamodb")
        start.wait(10)
        for _ in range(20):
            with pytest.raises(ddb.exceptions.TransactionCanceledException):
                ddb.transact_write_items(TransactItems=[
                    {"Update": {"TableName": table, "Key": _key("shared"), "UpdateExpression": "SET touched = :t",
                                "ExpressionAttributeValues": {":t": {"BOOL": True}}}},
                    {"ConditionCheck": {"TableName": table, "Key": _key("shared-guard"),
                                        "ConditionExpression": "attribute_not_exists(pk)"}},
                ])  # fmt: skip

    with ThreadPoolExecutor(6) as pool:
        appenders = [pool.submit(append_with_version, w) for w in range(4)]
        failers = [pool.submit(fail_on_the_same_item, w) for w in range(2)]
        [f.result(timeout=120) for f in failers]
        committed = sum(a.result(timeout=120) for a in appenders)

    final = boto3.client("dynamodb").get_item(TableName=table, Key=_key("shared"), ConsistentRead=True)["Item"]
    assert committed == 40
    assert (int(final["v"]["N"]), len(final["seen"]["L"]), "touched" in final) == (40, 40, False)
