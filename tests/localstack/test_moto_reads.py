"""The local moto answers item and stream reads in wire form itself (what boto3 reads back is what was written) and checks item sizes once per item."""

from __future__ import annotations

from datetime import datetime

import boto3
import pytest

pytestmark = pytest.mark.integration

ITEM = {
    "pk": {"S": "TEST#wire-form"},
    "sk": {"S": "ITEM"},
    "kind": {"S": "test"},
    "count": {"N": "12.5"},
    "blob": {"B": b"\x00\xffpodium"},
    "flags": {"SS": ["a", "b"]},
    "numbers": {"NS": ["1", "2"]},
    "nested": {"M": {"list": {"L": [{"S": "x"}, {"N": "3"}, {"BOOL": True}, {"NULL": True}]}}},
    "text": {"S": 'héllo "quoted" \u2603'},
}


def _sets_sorted(item: dict) -> dict:
    return {k: ({t: sorted(v)} if t in ("SS", "NS") else {t: v}) for k, attr in item.items() for t, v in attr.items()}


def test_item_reads_return_what_was_written(stack):
    ddb = boto3.client("dynamodb")
    table = stack.table_name
    ddb.put_item(TableName=table, Item=ITEM)
    key = {"pk": ITEM["pk"], "sk": ITEM["sk"]}

    got = ddb.get_item(TableName=table, Key=key, ConsistentRead=True)["Item"]
    queried = ddb.query(
        TableName=table, KeyConditionExpression="pk = :pk", ExpressionAttributeValues={":pk": ITEM["pk"]}
    )
    batch = ddb.batch_get_item(RequestItems={table: {"Keys": [key]}})["Responses"][table]

    assert _sets_sorted(got) == _sets_sorted(ITEM)
    assert [_sets_sorted(i) for i in queried["Items"]] == [_sets_sorted(ITEM)]
    assert queried["Count"] == 1
    assert [_sets_sorted(i) for i in batch] == [_sets_sorted(ITEM)]


def test_stream_records_carry_the_written_image_and_a_time(stack):
    streams = boto3.client("dynamodbstreams")
    arn = stack.table_stream_arn
    shard = streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"][0]["ShardId"]
    iterator = streams.get_shard_iterator(StreamArn=arn, ShardId=shard, ShardIteratorType="LATEST")["ShardIterator"]
    boto3.client("dynamodb").put_item(TableName=stack.table_name, Item=ITEM)

    records = streams.get_records(ShardIterator=iterator)["Records"]

    assert [_sets_sorted(r["dynamodb"]["NewImage"]) for r in records] == [_sets_sorted(ITEM)]
    assert isinstance(records[0]["dynamodb"]["ApproximateCreationDateTime"], datetime)


def test_items_over_the_size_limit_are_refused_and_those_under_it_stored(stack):
    ddb = boto3.client("dynamodb")
    table = stack.table_name
    # 40 attributes of 10 KB each: ~400 KB in all, only the whole item is over the limit.
    too_big = {"pk": {"S": "TEST#too-big"}, "sk": {"S": "ITEM"}} | {f"a{i}": {"S": "x" * 10_240} for i in range(40)}
    fits = {"pk": {"S": "TEST#fits"}, "sk": {"S": "ITEM"}} | {f"a{i}": {"S": "x" * 10_240} for i in range(30)}

    with pytest.raises(ddb.exceptions.ClientError, match="Item size has exceeded the maximum allowed size"):
        ddb.put_item(TableName=table, Item=too_big)
    ddb.put_item(TableName=table, Item=fits)

    assert "Item" not in ddb.get_item(TableName=table, Key={"pk": too_big["pk"], "sk": too_big["sk"]})
    assert ddb.get_item(TableName=table, Key={"pk": fits["pk"], "sk": fits["sk"]})["Item"]["a29"] == fits["a29"]


def test_queries_on_the_table_and_an_index_answer_in_key_order_among_other_partitions(stack):
    ddb = boto3.client("dynamodb")
    table = stack.table_name
    keys = [(f"TEST#order-{p}", f"{s:03d}") for s in (7, 2, 11, 5, 1) for p in ("b", "a", "c")]
    for pk, sk in keys:
        item = {"pk": {"S": pk}, "sk": {"S": sk}, "gsi1pk": {"S": "TEST#order-index"}, "gsi1sk": {"S": f"{sk}#{pk}"}}
        ddb.put_item(TableName=table, Item=item)

    on_table = ddb.query(
        TableName=table, KeyConditionExpression="pk = :pk", ExpressionAttributeValues={":pk": {"S": "TEST#order-a"}}
    )["Items"]
    on_index = ddb.query(
        TableName=table, IndexName="gsi1", KeyConditionExpression="gsi1pk = :pk",
        ExpressionAttributeValues={":pk": {"S": "TEST#order-index"}}, ScanIndexForward=False,
    )["Items"]  # fmt: skip

    assert [i["sk"]["S"] for i in on_table] == ["001", "002", "005", "007", "011"]
    assert [i["gsi1sk"]["S"] for i in on_index] == sorted((f"{sk}#{pk}" for pk, sk in keys), reverse=True)


def test_projected_and_index_queries_leave_the_stored_item_whole(stack):
    ddb = boto3.client("dynamodb")
    table = stack.table_name
    item = ITEM | {"gsi1pk": {"S": "TEST#projection"}, "gsi1sk": {"S": "1"}}
    ddb.put_item(TableName=table, Item=item)

    projected = ddb.query(
        TableName=table, KeyConditionExpression="pk = :pk", ExpressionAttributeValues={":pk": ITEM["pk"]},
        ProjectionExpression="sk, #c", ExpressionAttributeNames={"#c": "count"},
    )["Items"]  # fmt: skip
    on_index = ddb.query(
        TableName=table, IndexName="gsi1", KeyConditionExpression="gsi1pk = :pk",
        ExpressionAttributeValues={":pk": item["gsi1pk"]},
    )["Items"]  # fmt: skip
    stored = ddb.get_item(TableName=table, Key={"pk": ITEM["pk"], "sk": ITEM["sk"]}, ConsistentRead=True)["Item"]

    assert projected == [{"sk": ITEM["sk"], "count": ITEM["count"]}]
    assert [_sets_sorted(i) for i in on_index] == [_sets_sorted(item)]
    assert _sets_sorted(stored) == _sets_sorted(item)


def test_answers_through_moto_serializer_and_consumed_capacity_still_come_whole(stack):
    ddb = boto3.client("dynamodb")
    table = stack.table_name
    ddb.put_item(TableName=table, Item=ITEM)
    key = {"pk": ITEM["pk"], "sk": ITEM["sk"]}

    updated = ddb.update_item(
        TableName=table, Key=key, UpdateExpression="SET #t = :t", ExpressionAttributeNames={"#t": "text"},
        ExpressionAttributeValues={":t": {"S": "changed"}}, ReturnValues="ALL_NEW",
    )["Attributes"]  # fmt: skip
    counted = ddb.query(
        TableName=table, KeyConditionExpression="pk = :pk", ExpressionAttributeValues={":pk": ITEM["pk"]},
        ReturnConsumedCapacity="TOTAL",
    )  # fmt: skip

    assert _sets_sorted(updated) == _sets_sorted(ITEM | {"text": {"S": "changed"}})
    assert updated["blob"] == {"B": b"\x00\xffpodium"}
    assert counted["ConsumedCapacity"]["TableName"] == table
    assert counted["Items"][0]["text"] == {"S": "changed"}


def test_json_and_xml_answers_carry_fresh_request_ids(stack):
    ddb, ses = boto3.client("dynamodb"), boto3.client("ses", region_name="us-east-1")

    json_ids = {ddb.describe_table(TableName=stack.table_name)["ResponseMetadata"]["RequestId"] for _ in range(2)}
    xml_ids = {ses.verify_domain_identity(Domain="ids.example.org")["ResponseMetadata"]["RequestId"] for _ in range(2)}

    assert len(json_ids) == 2 and all(len(i) == 52 for i in json_ids)
    assert len(xml_ids) == 2 and all(len(i) == 52 for i in xml_ids)


def test_attribute_sizes_are_moto_own_for_every_type(stack):
    from moto.dynamodb.models.dynamo_type import DynamoType

    values = [dict([pair]) for pair in ITEM.items()] + [
        {"x": {"BS": [b"\x01\x02", b"podium"]}},
        {"x": {"M": {"deep": {"M": {"deeper": {"L": [{"M": {"k": {"NS": ["1.5", "20"]}}}, {"B": b"\xff"}]}}}}}},
        {"x": {"L": []}},
        {"x": {"M": {}}},
        {"x": {"BOOL": False}},
        {"x": {"S": ""}},
    ]

    for value in values:
        typed = DynamoType(next(iter(value.values())))
        assert typed.size() == DynamoType.size.podium_original(typed), value


def test_region_lists_are_botocore_own_for_every_partition_and_each_caller_gets_its_own_list(stack):
    from boto3.session import Session

    asked = [("ec2", "aws"), ("ec2", "aws-us-gov"), ("ec2", "aws-cn"), ("dynamodb", "aws"), ("s3", "aws-cn")]
    fast, original = Session.get_available_regions, Session.get_available_regions.podium_original

    answers = [fast(Session(), service, partition_name=partition) for service, partition in asked]
    expected = [original(Session(), service, partition_name=partition) for service, partition in asked]
    changed = fast(Session(), "ec2")
    changed.append("changed-by-a-caller")

    assert (answers, fast(Session(), "ec2")) == (expected, expected[0])
    assert all(expected)
