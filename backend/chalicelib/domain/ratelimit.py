"""Attempt counters with a TTL, in the table: `RATE#<scope>#<key>`/`RATE`.

A window opens at the first counted attempt and lasts `window` seconds; once `limit` attempts
were counted in it, `take` answers 429 with the seconds left. Counting and checking are one
conditional write, so parallel attempts can never pass the limit between a read and a count.
moto never expires items and DynamoDB does so lazily, so an item whose window has ended counts
as zero.
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


TAKE_ATTEMPTS = 5  # rounds of "count in the open window, else open one" lost to racing writers


def take(scope: str, key: str, *, limit: int, window: int, message: str) -> None:
    """Count one attempt before it is made; raise TooManyRequests (nothing counted) when `limit`
    attempts were already counted in the open window."""
    for _round in range(TAKE_ATTEMPTS):
        now = clock().epoch()
        if _count_in_open_window(scope, key, limit=limit, now=now) or _open_window(scope, key, now=now, window=window):
            return
        ends = _window_end(scope, key)
        if ends is not None and ends > now:  # open and full: both writes refused for that reason
            raise TooManyRequests(message, retry_after=ends - now)
    # Writers kept opening and closing windows under us: refusing is the safe answer.
    raise TooManyRequests(message, retry_after=1)


def give_back(scope: str, key: str) -> None:
    """Uncount one attempt taken in the open window (it turned out not to count: a success)."""
    ddb = client("dynamodb")
    try:
        ddb.update_item(
            TableName=settings().table_name,
            Key=_key(scope, key),
            UpdateExpression="ADD attempts :minus_one",
            ConditionExpression="window_ends > :now AND attempts > :zero",
            ExpressionAttributeValues={":minus_one": {"N": "-1"}, ":now": {"N": str(clock().epoch())}, ":zero": {"N": "0"}},
        )
    except ddb.exceptions.ConditionalCheckFailedException:
        pass  # the window closed meanwhile: there is nothing left to give back


def _count_in_open_window(scope: str, key: str, *, limit: int, now: int) -> bool:
    ddb = client("dynamodb")
    try:
        ddb.update_item(
            TableName=settings().table_name,
            Key=_key(scope, key),
            UpdateExpression="ADD attempts :one",
            ConditionExpression="window_ends > :now AND attempts < :limit",
            ExpressionAttributeValues={":one": {"N": "1"}, ":now": {"N": str(now)}, ":limit": {"N": str(limit)}},
        )
    except ddb.exceptions.ConditionalCheckFailedException:
        return False
    return True


def _open_window(scope: str, key: str, *, now: int, window: int) -> bool:
    """Start a window with this attempt counted, unless one is open (another writer's, perhaps)."""
    ddb, ends = client("dynamodb"), str(now + window)
    try:
        ddb.put_item(
            TableName=settings().table_name,
            Item={
                **_key(scope, key),
                "kind": {"S": "rate_counter"},
                "attempts": {"N": "1"},
                "window_ends": {"N": ends},
                "expires_at": {"N": ends},
            },
            ConditionExpression="attribute_not_exists(pk) OR window_ends <= :now",
            ExpressionAttributeValues={":now": {"N": str(now)}},
        )
    except ddb.exceptions.ConditionalCheckFailedException:
        return False
    return True


def _window_end(scope: str, key: str) -> int | None:
    found = client("dynamodb").get_item(
        TableName=settings().table_name, Key=_key(scope, key), ConsistentRead=True, ProjectionExpression="window_ends"
    )
    item = found.get("Item")
    return int(item["window_ends"]["N"]) if item else None
