"""Attempt counters with a TTL, in the table: `RATE#<scope>#<key>`/`RATE`.

A window opens at the first counted attempt and lasts `window` seconds; once `limit` attempts
were counted in it, `check` answers 429 with the seconds left. moto never expires items and
DynamoDB does so lazily, so an item whose window has ended counts as zero.
"""

from __future__ import annotations

import hashlib

from chalicelib.adapters.aws import client
from chalicelib.clock import clock
from chalicelib.errors import TooManyRequests
from chalicelib.settings import settings


def _key(scope: str, key: str) -> dict[str, dict[str, str]]:
    # Hashed: counters must not become a second copy of every email and address.
    digest = hashlib.sha256(key.strip().lower().encode()).hexdigest()[:32]
    return {"pk": {"S": f"RATE#{scope}#{digest}"}, "sk": {"S": "RATE"}}


def check(scope: str, key: str, *, limit: int, message: str) -> None:
    """Raise TooManyRequests when `limit` attempts were already counted in the open window."""
    found = client("dynamodb").get_item(TableName=settings().table_name, Key=_key(scope, key), ConsistentRead=True)
    item = found.get("Item")
    if not item:
        return
    now = clock().epoch()
    ends, count = int(item["window_ends"]["N"]), int(item["attempts"]["N"])
    if ends > now and count >= limit:
        raise TooManyRequests(message, retry_after=ends - now)


def count(scope: str, key: str, *, window: int) -> None:
    """Count one attempt, opening a new window when none is open."""
    ddb, table, now = client("dynamodb"), settings().table_name, clock().epoch()
    try:
        ddb.update_item(
            TableName=table,
            Key=_key(scope, key),
            UpdateExpression="ADD attempts :one",
            ConditionExpression="window_ends > :now",
            ExpressionAttributeValues={":one": {"N": "1"}, ":now": {"N": str(now)}},
        )
    except ddb.exceptions.ConditionalCheckFailedException:
        ends = str(now + window)
        ddb.put_item(
            TableName=table,
            Item={
                **_key(scope, key),
                "kind": {"S": "rate_counter"},
                "attempts": {"N": "1"},
                "window_ends": {"N": ends},
                "expires_at": {"N": ends},
            },
        )
