"""The one read of a live item: present, not in the trash, not past its TTL; else a 404.

DynamoDB deletes expired items lazily (days later; moto never does), so every read of one item
checks `is_gone` as well as `is_trashed`; `live_item` is where that check lives.
"""

from __future__ import annotations

from typing import TypeVar

from pynamodb.exceptions import DoesNotExist

from chalicelib.db.base import Item
from chalicelib.db.prefetch import get_item
from chalicelib.errors import NotFound

T = TypeVar("T", bound=Item)


def is_live(item: Item | None) -> bool:
    """True for an item that exists, is not trashed and has not expired."""
    return item is not None and not item.is_trashed() and not item.is_gone()


def live_item(
    model: type[T],
    pk: str,
    sk: str,
    *,
    missing: str,
    trashed_too: bool = False,
    prefetched: bool = False,
    consistent_read: bool = False,
) -> T:
    """The `model` item at (pk, sk); NotFound(`missing`) when it is absent, of another kind,
    expired, or trashed (unless `trashed_too`). With `prefetched`, the request's prefetched copy
    answers when it holds the key (db/prefetch.py); reads right after a write pass neither."""
    # Read as the base model: `model.get` raises ValueError, not DoesNotExist, on another kind's item.
    try:
        item = get_item(Item, pk, sk) if prefetched else Item.get(pk, sk, consistent_read=consistent_read)
    except DoesNotExist:
        raise NotFound(missing) from None
    if not isinstance(item, model) or item.is_gone() or (item.is_trashed() and not trashed_too):
        raise NotFound(missing)
    return item
