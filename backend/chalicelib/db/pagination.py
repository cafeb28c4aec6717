"""Cursor pagination over Queries: the cursor is the opaque, signed-free LastEvaluatedKey."""

from __future__ import annotations

import base64
import json
from typing import Any

from chalicelib.errors import BadRequest

MAX_LIMIT = 100
DEFAULT_LIMIT = 50


def encode_cursor(last_key: dict[str, Any] | None) -> str | None:
    if not last_key:
        return None
    return base64.urlsafe_b64encode(json.dumps(last_key, sort_keys=True).encode()).decode().rstrip("=")


def decode_cursor(cursor: str | None, *, partition: str) -> dict[str, Any] | None:
    """The Query's ExclusiveStartKey; refuses cursors that point outside `partition`."""
    if not cursor:
        return None
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        key = json.loads(base64.urlsafe_b64decode(padded.encode()))
    except (ValueError, UnicodeDecodeError) as err:
        raise BadRequest("The `next` cursor is not one this API gave out.", fields={"next": "invalid cursor"}) from err
    values = [v.get("S") if isinstance(v, dict) else None for v in key.values()] if isinstance(key, dict) else []
    if partition not in values:
        raise BadRequest("The `next` cursor belongs to another list.", fields={"next": "invalid cursor"})
    return key


def parse_limit(raw: str | None) -> int:
    if raw in (None, ""):
        return DEFAULT_LIMIT
    try:
        value = int(raw)
    except ValueError:
        value = 0
    if not 1 <= value <= MAX_LIMIT:
        raise BadRequest(f"limit must be a whole number from 1 to {MAX_LIMIT}.", fields={"limit": f"1 to {MAX_LIMIT}"})
    return value
