"""The reads a request needs before its view runs, in one BatchGetItem.

Authenticating the caller (their user item), authorizing them (the event, their role item in it)
and loading the item a route acts on are four Gets on three partitions. `prefetched(keys)` fetches
them together and `get_item` serves them from memory for the rest of that request; reads of
other keys, and every read outside a request, go to the table as before. Views that write and
then read back use the models directly, so they never see a prefetched copy.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TypeVar

from chalicelib.db.base import Item

Key = tuple[str, str]
T = TypeVar("T", bound=Item)

_prefetched: ContextVar[dict[Key, Item | None] | None] = ContextVar("prefetched", default=None)


@contextmanager
def prefetched(keys: Iterable[Key]) -> Iterator[None]:
    """Fetch `keys` in one BatchGetItem (none when empty) and serve them to `get_item` inside."""
    wanted = list(dict.fromkeys(keys))
    found: dict[Key, Item | None] = dict.fromkeys(wanted)
    if wanted:
        for item in Item.batch_get(wanted):
            found[(item.pk, item.sk)] = item
    token = _prefetched.set(found)
    try:
        yield
    finally:
        _prefetched.reset(token)


def get_item(model: type[T], pk: str, sk: str) -> T:
    """`model.get(pk, sk)`, answered from this request's prefetched items when they hold the key
    (DoesNotExist when the key was fetched and is absent or of another kind)."""
    cache = _prefetched.get()
    if cache is None or (pk, sk) not in cache:
        return model.get(pk, sk)
    item = cache[(pk, sk)]
    if not isinstance(item, model):
        raise model.DoesNotExist()
    return item
