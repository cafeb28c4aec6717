"""How a list pages: the one module for `limit`, the signed cursor, page walking and the list shape.

Every list answers `{"items": [...], "next": <cursor or null>}` (`Page.body`). A request asks with
`limit` (1..100, default 50) and `next`, the opaque cursor of the page before (`page_request`).
A page is read by `read_page`: one Query on a table or index, walked until one kept item more
than the page holds (so the page holding the last item ends the list, with no empty page after
it), and its cursor is the key of the page's last item.

The cursor is that key as base64url JSON, followed by an HMAC of it made with the app's signing
key (passed in by the caller: this module reads no configuration). Only cursors this API gave
out decode; anything else is a 400 naming `next`, the query parameter that carries it, so no
forged key (wrong types, missing or foreign index keys) ever reaches DynamoDB.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import hmac
import json
import re
from collections.abc import Callable, Mapping
from typing import Any, NamedTuple

from pynamodb.indexes import Index
from pynamodb.models import Model

from chalicelib.errors import BadRequest

MAX_LIMIT = 100
DEFAULT_LIMIT = 50
MAX_CURSOR_LENGTH = 2000
# Query pages (`page_size` items each) one request reads at most. A filter matching little (a name
# no account has, one event's records in a busy month) then answers a short or empty page and a
# cursor where it stopped, rather than reading a whole partition (past the API's timeout) at once.
MAX_PAGES_READ = 20
_SIGNATURE_BYTES = 16
_CURSOR = re.compile(r"([A-Za-z0-9_-]{1,1900})\.([A-Za-z0-9_-]{22})")
_LIMIT = re.compile(r"[0-9]{1,3}")


class Page(NamedTuple):
    """One page of a list and the cursor of the next (None on the last page)."""

    items: list[Any]
    next: str | None

    def map(self, view: Callable[[Any], Any]) -> Page:
        """The same page with each item turned into `view(item)`."""
        return Page([view(item) for item in self.items], self.next)

    def body(self) -> dict[str, Any]:
        """The one list shape every list route answers."""
        return {"items": self.items, "next": self.next}


class PageRequest(NamedTuple):
    """What a list request asks for: how many items, and after which cursor."""

    limit: int
    cursor: str | None


def _refused(message: str = "The `next` cursor is not one this API gave out.") -> BadRequest:
    return BadRequest(message, fields={"next": "invalid cursor"})


@functools.cache
def _cursor_key(secret: str) -> bytes:
    # Derived under a label of its own, so a cursor's signature is never a token's.
    return hmac.new(secret.encode(), b"podium cursor v1", hashlib.sha256).digest()


def _signature(payload: str, secret: str) -> str:
    digest = hmac.new(_cursor_key(secret), payload.encode(), hashlib.sha256).digest()[:_SIGNATURE_BYTES]
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def encode_cursor(last_key: dict[str, Any] | None, *, secret: str) -> str | None:
    """The signed cursor of a Query key (None at the end of the list)."""
    if not last_key:
        return None
    payload = base64.urlsafe_b64encode(json.dumps(last_key, sort_keys=True).encode()).decode().rstrip("=")
    return f"{payload}.{_signature(payload, secret)}"


def decode_cursor(cursor: str | None, *, partition: str | None, secret: str) -> dict[str, Any] | None:
    """The Query's ExclusiveStartKey from a cursor this API signed; with `partition`, the key
    must lie in it (a cursor of another list is refused too)."""
    if not cursor:
        return None
    match = _CURSOR.fullmatch(cursor) if len(cursor) <= MAX_CURSOR_LENGTH else None
    if match is None or not hmac.compare_digest(match[2], _signature(match[1], secret)):
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


def page_request(query: Mapping[str, str] | None, *, default: int = DEFAULT_LIMIT) -> PageRequest:
    """`limit` (checked) and the `next` cursor of a list route's query string; the cursor is
    checked where the list's partition is known (`read_page`)."""
    query = query or {}
    return PageRequest(parse_limit(query.get("limit"), default=default), query.get("next") or None)


def _key_attributes(source: Any) -> list[tuple[str, Any]]:
    attributes = source.Meta.attributes if isinstance(source, Index) else source.get_attributes()
    return [(name, a) for name, a in attributes.items() if a.is_hash_key or a.is_range_key]


def key_of(item: Model, *, index: Index | None = None) -> dict[str, Any]:
    """The Query key of `item` (the table's keys, and the index's when read through one), as
    DynamoDB's LastEvaluatedKey spells it."""
    named = _key_attributes(type(item)) + (_key_attributes(index) if index is not None else [])
    return {a.attr_name: {a.attr_type: a.serialize(getattr(item, name))} for name, a in named}


def _keep_all(item: Any) -> bool:
    return True


def read_page(
    source: type[Model] | Index,
    hash_key: str,
    range_key_condition: Any = None,
    *,
    limit: int,
    cursor: str | None,
    secret: str,
    keep: Callable[[Any], bool] = _keep_all,
    page_size: int | None = None,
    **query_options: Any,
) -> Page:
    """Up to `limit` items of one Query on `source` (a model or an index) in `hash_key`'s
    partition, after `cursor`, that `keep` accepts; the next cursor when a kept item follows.

    The Query is read lazily, `page_size` items (default `limit` + 1) per DynamoDB page, and
    stops at the first kept item past the page: filters (DynamoDB's or `keep`) never shorten a
    page while more items follow, and a list never ends on an empty page, except after
    MAX_PAGES_READ pages: then the page holds what was kept so far and the cursor goes on from
    the last item read.
    """
    index = source if isinstance(source, Index) else None
    found = source.query(
        hash_key,
        range_key_condition,
        last_evaluated_key=decode_cursor(cursor, partition=hash_key, secret=secret),
        page_size=page_size or limit + 1,
        **query_options,
    )
    budget = found.page_iter = _PageBudget(found.page_iter, MAX_PAGES_READ)
    kept: list[Any] = []
    for item in found:
        if keep(item):
            kept.append(item)
            if len(kept) > limit:
                break
    page = kept[:limit]
    if len(kept) > limit:
        return Page(page, encode_cursor(key_of(page[-1], index=index), secret=secret))
    return Page(page, encode_cursor(budget.last_evaluated_key, secret=secret) if budget.cut else None)


class _PageBudget:
    """A Query's pages (pynamodb's PageIterator), at most `budget` of them: past it the Query ends
    as if the partition had (`cut`), its `last_evaluated_key` naming where to go on."""

    def __init__(self, pages: Any, budget: int) -> None:
        self.pages, self.budget, self.read, self.cut = pages, budget, 0, False

    def __iter__(self) -> _PageBudget:
        return self

    def __next__(self) -> Any:
        if self.read >= self.budget:
            self.cut = self.pages.last_evaluated_key is not None
            raise StopIteration
        self.read += 1
        return next(self.pages)

    @property
    def last_evaluated_key(self) -> Any:
        return self.pages.last_evaluated_key

    @property
    def key_names(self) -> Any:
        return self.pages.key_names


def page_of_list(items: list[Any], *, partition: str, limit: int, cursor: str | None, secret: str) -> Page:
    """A page of a list computed whole in memory (sorted and filtered by the caller, e.g. the review
    dashboard's statistics), with the one signed cursor format: the key names `partition` (the
    cursor of another list is refused) and the position of the page's last item."""
    start = 0
    if cursor:
        key = decode_cursor(cursor, partition=partition, secret=secret) or {}
        offset = (key.get("offset") or {}).get("N", "")
        if set(key) != {"pk", "offset"} or not (isinstance(offset, str) and offset.isdigit()):
            raise _refused()
        start = int(offset)
    end = start + limit
    last = {"pk": {"S": partition}, "offset": {"N": str(end)}} if end < len(items) else None
    return Page(items[start:end], encode_cursor(last, secret=secret))
