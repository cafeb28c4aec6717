"""Cursor pagination for list routes: `limit` (1..100, default 50) and an opaque `next` cursor."""

from __future__ import annotations

import base64
import json
from typing import Any

from chalicelib.errors import BadRequest

MAX_LIMIT, DEFAULT_LIMIT = 100, 50


def page_params(
    query: dict[str, str] | None, *, index_key: tuple[str, str] | None = None
) -> tuple[int, dict[str, Any] | None]:
    """`limit` and the decoded start key. With `index_key` (attribute, value), a cursor must stay
    within that index partition, so a forged cursor cannot reach other items."""
    query = query or {}
    try:
        limit = int(query.get("limit") or DEFAULT_LIMIT)
    except ValueError:
        raise BadRequest("limit must be a whole number from 1 to 100.") from None
    if not 1 <= limit <= MAX_LIMIT:
        raise BadRequest("limit must be a whole number from 1 to 100.")
    cursor = query.get("next")
    if not cursor:
        return limit, None
    return limit, _decode(cursor, index_key)


def _decode(cursor: str, index_key: tuple[str, str] | None) -> dict[str, Any]:
    refused = BadRequest("The next cursor is not one this API gave out.")
    if len(cursor) > 2000:
        raise refused
    try:
        key = json.loads(base64.urlsafe_b64decode(cursor.encode() + b"=" * (-len(cursor) % 4)))
    except (ValueError, UnicodeDecodeError):
        raise refused from None
    valid = (
        isinstance(key, dict)
        and 0 < len(key) <= 4
        and all(
            isinstance(name, str) and isinstance(value, dict) and list(value) == ["S"] and isinstance(value["S"], str)
            for name, value in key.items()
        )
    )
    if not valid or (index_key is not None and key.get(index_key[0]) != {"S": index_key[1]}):
        raise refused
    return key


def encode_cursor(last_key: dict[str, Any] | None) -> str | None:
    if not last_key:
        return None
    return base64.urlsafe_b64encode(json.dumps(last_key, separators=(",", ":")).encode()).decode().rstrip("=")
