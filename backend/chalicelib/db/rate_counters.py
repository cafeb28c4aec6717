"""Attempt counters with a TTL (`rate_key`): one item per scope and hashed key.

A window opens at the first counted attempt and ends at `window_ends` (also the TTL). Counting
and checking are one conditional write each, so parallel attempts can never pass a limit
between a read and a count; domain/ratelimit.py decides what the answers mean.
"""

from __future__ import annotations

from pynamodb.attributes import NumberAttribute

from chalicelib.db import table
from chalicelib.db.base import Item
from chalicelib.db.keys import rate_key


class RateCounter(Item, discriminator="rate_counter"):
    attempts = NumberAttribute(default=0)
    window_ends = NumberAttribute()  # epoch seconds; expires_at (the TTL) holds the same


def count_in_open_window(scope: str, key: str, *, limit: int, now: int) -> bool:
    """Count one attempt if a window is open and under `limit`; False (nothing counted) otherwise."""
    counted = table.update_item(
        rate_key(scope, key),
        UpdateExpression="ADD attempts :one",
        ConditionExpression="window_ends > :now AND attempts < :limit",
        ExpressionAttributeValues={":one": {"N": "1"}, ":now": {"N": str(now)}, ":limit": {"N": str(limit)}},
    )
    return counted is not None


def open_window(scope: str, key: str, *, now: int, window: int) -> bool:
    """Start a window with this attempt counted, unless one is open (another writer's, perhaps)."""
    ends = str(now + window)
    return table.put_item(
        rate_key(scope, key),
        {"kind": {"S": "rate_counter"}, "attempts": {"N": "1"}, "window_ends": {"N": ends}, "expires_at": {"N": ends}},
        ConditionExpression="attribute_not_exists(pk) OR window_ends <= :now",
        ExpressionAttributeValues={":now": {"N": str(now)}},
    )


def window_end(scope: str, key: str) -> int | None:
    """When the counter's window ends (epoch seconds); None when there is no counter."""
    item = table.get_item(rate_key(scope, key), ProjectionExpression="window_ends")
    return int(item["window_ends"]["N"]) if item else None


def uncount(scope: str, key: str, *, now: int) -> None:
    """Take one attempt back from the open window; nothing when the window closed meanwhile."""
    table.update_item(
        rate_key(scope, key),
        UpdateExpression="ADD attempts :minus_one",
        ConditionExpression="window_ends > :now AND attempts > :zero",
        ExpressionAttributeValues={":minus_one": {"N": "-1"}, ":now": {"N": str(now)}, ":zero": {"N": "0"}},
    )
