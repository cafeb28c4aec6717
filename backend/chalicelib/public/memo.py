"""Rendered pieces remembered between builds in one process (a warm Lambda, `podium dev`).

A piece is keyed by a digest of the pickle of everything it is made from, so a hit is only
ever returned for inputs equal down to their types (1 is not 1.0, 09:00 in Singapore is not
01:00 UTC): the output stays byte-identical to rendering afresh. Renderers must pass every
input; item pages enforce it by seeing only a narrow view of the event (render.ItemScope).
"""

from __future__ import annotations

import contextlib
import hashlib
import pickle
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterator
from typing import Generic, TypeVar

T = TypeVar("T")

# Blocks of remembering_nothing() open now. Off while a process builds once and exits
# (build_site.py): nothing would read what it kept. Only speed depends on it: a piece
# computed afresh is the piece remembered.
_forgetting = 0
_forgetting_lock = threading.Lock()


@contextlib.contextmanager
def remembering_nothing() -> Iterator[None]:
    """Within the block (and any other open at the same time), every Memo computes each piece
    afresh and keeps nothing."""
    global _forgetting
    with _forgetting_lock:
        _forgetting += 1
    try:
        yield
    finally:
        with _forgetting_lock:
            _forgetting -= 1


class Memo(Generic[T]):
    """A bounded least-recently-used map of input digest → piece (bytes, or an immutable record)."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._pieces: OrderedDict[bytes, T] = OrderedDict()
        self._lock = threading.Lock()

    def clear(self) -> None:
        with self._lock:
            self._pieces.clear()

    def get(self, inputs: tuple, make: Callable[[], T]) -> T:
        """`make()`'s piece for `inputs`, computed at most once while remembered."""
        if _forgetting:
            return make()
        key = hashlib.blake2b(pickle.dumps(inputs, protocol=5), digest_size=20).digest()
        with self._lock:
            found = self._pieces.get(key)
            if found is not None:
                self._pieces.move_to_end(key)
                return found
        made = make()
        with self._lock:
            self._pieces[key] = made
            while len(self._pieces) > self.size:
                self._pieces.popitem(last=False)
        return made
