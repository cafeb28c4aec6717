"""How a list pages: `limit` (1..100, default 50) and a signed, opaque `next` cursor.

The cursor is the Query's LastEvaluatedKey, base64url JSON, followed by an HMAC of it made with
the app's signing key. Only cursors this API gave out decode; anything else is a 400 naming
`next`, so no forged key (wrong types, missing or foreign index keys) ever reaches DynamoDB.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import hmac
import json
import re
from typing import Any

# The one secret of the app (the JWT key), under a label of its own so a cursor is never a token.
from chalicelib.domain.tokens import signing_key
from chalicelib.errors import BadRequest

MAX_LIMIT = 100
DEFAULT_LIMIT = 50
MAX_CURSOR_LENGTH = 2000
_SIGNATURE_BYTES = 16
_CURSOR = re.compile(r"([A-Za-z0-9_-]{1,1900})\.([A-Za-z0-9_-]{22})")
_LIMIT = re.compile(r"[0-9]{1,3}")


def _refused(message: str = "The `next` cursor is not one this API gave out.") -> BadRequest:
    return BadRequest(message, fields={"next": "invalid cursor"})


@functools.cache
def _cursor_key(secret: str) -> bytes:
    return hmac.new(secret.encode(), b"podium cursor v1", hashlib.sha256).digest()


def _signature(payload: str) -> str:
    digest = hmac.new(_cursor_key(signing_key()), payload.encode(), hashlib.sha256).digest()[:_SIGNATURE_BYTES]
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def encode_cursor(last_key: dict[str, Any] | None) -> str | None:
    """The signed cursor of a Query's LastEvaluatedKey (None at the end of the list)."""
    if not last_key:
        return None
    payload = base64.urlsafe_b64encode(json.dumps(last_key, sort_keys=True).encode()).decode().rstrip("=")
    return f"{payload}.{_signature(payload)}"


def decode_cursor(cursor: str | None, *, partition: str | None) -> dict[str, Any] | None:
    """The Query's ExclusiveStartKey from a cursor this API signed; with `partition`, the key
    must lie in it (a cursor of another list is refused too)."""
    if not cursor:
        return None
    match = _CURSOR.fullmatch(cursor) if len(cursor) <= MAX_CURSOR_LENGTH else None
    if match is None or not hmac.compare_digest(match[2], _signature(match[1])):
        raise _refused()
    key = json.loads(base64.urlsafe_b64decode(match[1] + "=" * (-len(match[1]) % 4)))
    if partition is not None and partition not in [value.get("S") for value in key.values()]:
        raise _refused("The `next` cursor belongs to another list.")
    return key


def parse_limit(raw: str | None, *, default: int = DEFAULT_LIMIT) -> int:
    """`limit`: ASCII digits from 1 to 100; `default` (50) when absent."""
    if raw in (None, ""):
        return default
    value = int(raw) if _LIMIT.fullmatch(raw) else 0
    if not 1 <= value <= MAX_LIMIT:
        raise BadRequest(f"limit must be a whole number from 1 to {MAX_LIMIT}.", fields={"limit": f"1 to {MAX_LIMIT}"})
    return value


def page_params(query: dict[str, str] | None, *, partition: str | None) -> tuple[int, dict[str, Any] | None]:
    """`limit` and the start key of a list route's query string."""
    query = query or {}
    return parse_limit(query.get("limit")), decode_cursor(query.get("next"), partition=partition)
