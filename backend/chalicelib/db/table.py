"""The table in DynamoDB's wire format, for the writes pynamodb cannot express.

Models (pynamodb) cover most reads and writes. A few items keep one attribute per entry whose
name is data (a site listing's `event_<id>`, a manifest's `writer_<token>`), or need ADD with a
condition on a counter; those db/ modules call UpdateItem here. Nothing outside db/ does.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Iterator
from typing import Any

from chalicelib.adapters.aws import client, fresh_client
from chalicelib.db.keys import Key, wire
from chalicelib.settings import settings

BATCH_WRITE = 25  # requests per BatchWriteItem
BATCH_GET = 100  # keys per BatchGetItem


def dynamodb() -> Any:
    """The process's DynamoDB client (adapters/aws.py caches it; `reset_clients` renews it)."""
    return client("dynamodb")


def table_name() -> str:
    return settings().table_name


def update_item(key: Key, **update: Any) -> dict[str, Any] | None:
    """UpdateItem on `key`: the attributes asked for by ReturnValues ({} without), or None when
    its ConditionExpression failed."""
    ddb = dynamodb()
    try:
        answer = ddb.update_item(TableName=table_name(), Key=wire(key), **update)
    except ddb.exceptions.ConditionalCheckFailedException:
        return None
    return answer.get("Attributes", {})


def update_unconditionally(key: Key, **update: Any) -> dict[str, Any]:
    """UpdateItem on `key` with no condition: the attributes asked for by ReturnValues ({} without)."""
    return dynamodb().update_item(TableName=table_name(), Key=wire(key), **update).get("Attributes", {})


def put_item(key: Key, attributes: dict[str, Any], **put: Any) -> bool:
    """PutItem of `attributes` under `key`; False when its ConditionExpression failed."""
    ddb = dynamodb()
    try:
        ddb.put_item(TableName=table_name(), Item={**wire(key), **attributes}, **put)
    except ddb.exceptions.ConditionalCheckFailedException:
        return False
    return True


def delete_item(key: Key, **delete: Any) -> bool:
    """DeleteItem of `key`; False when its ConditionExpression failed."""
    ddb = dynamodb()
    try:
        ddb.delete_item(TableName=table_name(), Key=wire(key), **delete)
    except ddb.exceptions.ConditionalCheckFailedException:
        return False
    return True


def get_item(key: Key, **get: Any) -> dict[str, Any] | None:
    """The item at `key` (consistent read), None when there is none."""
    return dynamodb().get_item(TableName=table_name(), Key=wire(key), ConsistentRead=True, **get).get("Item")


def batch_get(keys: list[Key]) -> dict[Key, dict[str, Any]]:
    """The items at `keys` (consistent reads, 100 to a BatchGetItem, unprocessed keys asked again),
    by key; absent ones left out."""
    ddb, table = dynamodb(), table_name()
    found: dict[Key, dict[str, Any]] = {}
    for start in range(0, len(keys), BATCH_GET):
        chunk = [wire(key) for key in keys[start : start + BATCH_GET]]
        wanted: dict[str, Any] = {table: {"Keys": chunk, "ConsistentRead": True}}
        while wanted:
            answer = ddb.batch_get_item(RequestItems=wanted)
            responses = answer.get("Responses", {}).get(table, [])
            found.update({(item["pk"]["S"], item["sk"]["S"]): item for item in responses})
            wanted = answer.get("UnprocessedKeys") or {}
    return found


def delete_keys(keys: list[Key]) -> None:
    """Delete the items at `keys`, 25 to a BatchWriteItem, unprocessed ones sent again."""
    batch_write([{"DeleteRequest": {"Key": wire(key)}} for key in keys])


def batch_write(requests: list[dict[str, Any]]) -> None:
    """Every Put/Delete request (wire format), 25 to a BatchWriteItem, unprocessed ones sent again."""
    ddb, table = dynamodb(), table_name()
    for start in range(0, len(requests), BATCH_WRITE):
        unprocessed = ddb.batch_write_item(RequestItems={table: requests[start : start + BATCH_WRITE]}).get(
            "UnprocessedItems"
        )
        while unprocessed:
            unprocessed = ddb.batch_write_item(RequestItems=unprocessed).get("UnprocessedItems")


def batch_write_once(requests: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One BatchWriteItem of Put/Delete requests; returns the requests left unprocessed."""
    table = table_name()
    answer = dynamodb().batch_write_item(RequestItems={table: requests})
    return answer.get("UnprocessedItems", {}).get(table, [])


def query_items(**query: Any) -> Iterator[dict[str, Any]]:
    """Every item of a DynamoDB Query on the table (all pages), in DynamoDB's wire format as sent.

    botocore would walk each attribute value through the service model, which for a big
    partition costs more than the Query itself; pynamodb's `from_raw_data` reads the wire
    format anyway. Binary values stay base64 text.
    """
    ddb = _unparsed_items_client(dynamodb())
    query = {"TableName": table_name(), **query}
    while True:
        page = ddb.query(**query)
        yield from page.get("Items", [])
        if "LastEvaluatedKey" not in page:
            return
        query = {**query, "ExclusiveStartKey": page["LastEvaluatedKey"]}


def partition_keys(pk: str) -> list[Key]:
    """The keys of every item in partition `pk` (consistent read)."""
    found = query_items(
        KeyConditionExpression="pk = :pk",
        ExpressionAttributeValues={":pk": {"S": pk}},
        ProjectionExpression="pk, sk",
        ConsistentRead=True,
    )
    return [(item["pk"]["S"], item["sk"]["S"]) for item in found]


@functools.lru_cache(maxsize=1)
def _unparsed_items_client(shared: Any) -> Any:
    """A second client whose Query answers keep their items unparsed; built again whenever the
    shared client is (after `reset_clients`, e.g. a new endpoint), with the same configuration."""
    ddb = fresh_client("dynamodb")
    ddb.meta.events.register("before-parse.dynamodb.Query", _keep_items_unparsed)
    return ddb


def _keep_items_unparsed(response_dict: dict[str, Any], customized_response_dict: dict[str, Any], **_: Any) -> None:
    if response_dict.get("status_code", 500) >= 300:
        return  # errors are parsed as usual
    body = json.loads(response_dict["body"])
    if "Items" in body:
        customized_response_dict["Items"] = body.pop("Items")
        response_dict["body"] = json.dumps(body).encode()
