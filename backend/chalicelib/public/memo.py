"""Rendered pieces remembered between builds in one process (a warm Lambda, `podium dev`).

A piece is keyed by a digest of the pickle of everything it is made from, so a hit is only
ever returned for inputs equal down to their types (1 is not 1.0, 09:00 in Singapore is not
01:00 UTC): the output stays byte-identical to rendering afresh. Renderers must pass every
input; item pages enforce it by seeing only a narrow view of the event (render.ItemScope).
"""

from __future__ import annotations

import contextlib
import hashlib
import operator
import pickle
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterator, Sequence
from typing import Any, Generic, TypeVar

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


_SCALARS = (str, int, float, bool, bytes, type(None))


def same(a: object, b: object) -> bool:
    """Whether `a` and `b` are the same input: one object, equal scalars of one type, or tuples
    of such. Every other object must be the very same one (the site's records are frozen)."""
    if a is b:
        return True
    if type(a) is not type(b):
        return False
    if isinstance(a, tuple):
        if len(a) != len(b):  # type: ignore[arg-type]
            return False
        # Mostly the very same records (a day's sessions): checked in C before element by element.
        return all(map(operator.is_, a, b)) or all(x is y or same(x, y) for x, y in zip(a, b, strict=True))  # type: ignore[arg-type]
    return isinstance(a, _SCALARS) and a == b


class SameInputs(Generic[T]):
    """A bounded least-recently-used map of slot → (inputs, piece): the piece is given back while
    the slot's inputs are `same` as when it was made. An unchanged record stays the same object
    from one render to the next (site/live_events.py keeps them), so checking costs no pickling."""

    def __init__(self, size: int, *, reused_within_a_build: bool = False) -> None:
        """`reused_within_a_build`: one build asks for the same piece again (a session's row on
        its track's page and each speaker's), so pieces are kept while remembering nothing too."""
        self.size = size
        self.reused_within_a_build = reused_within_a_build
        self._pieces: OrderedDict[object, tuple[tuple, T]] = OrderedDict()
        self._lock = threading.Lock()

    def clear(self) -> None:
        with self._lock:
            self._pieces.clear()

    def get(self, slot: object, inputs: tuple, make: Callable[[], T]) -> T:
        """`make()`'s piece for `inputs` in `slot`, made again whenever an input is not the same."""
        if _forgetting and not self.reused_within_a_build:
            return make()
        with self._lock:  # one lock round for a hit: a render asks tens of thousands of times
            found = self._pieces.get(slot)
            if found is not None and same(found[0], inputs):
                self._pieces.move_to_end(slot)
                return found[1]
        made = make()
        with self._lock:
            self._pieces[slot] = (inputs, made)
            self._pieces.move_to_end(slot)
            while len(self._pieces) > self.size:
                self._pieces.popitem(last=False)
        return made


class Latest(Generic[T]):
    """The last value put in each slot (a bounded least-recently-used map), for a piece made next
    time from the last one (render.event_view patches the event's last view). While remembering
    nothing, nothing is found and nothing is kept."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._values: OrderedDict[object, T] = OrderedDict()
        self._lock = threading.Lock()

    def clear(self) -> None:
        with self._lock:
            self._values.clear()

    def get(self, slot: object) -> T | None:
        if _forgetting:
            return None
        with self._lock:
            return self._values.get(slot)

    def put(self, slot: object, value: T) -> None:
        if _forgetting:
            return
        with self._lock:
            self._values[slot] = value
            self._values.move_to_end(slot)
            while len(self._values) > self.size:
                self._values.popitem(last=False)


class KeptDigests(Generic[T]):
    """A digest of each file by path, computed again only for a path whose bytes are not the very
    same object as last time (rendered pieces unchanged are: SameInputs gives them back). One
    dict lookup and identity check per unchanged file, for the thousands of files of a render."""

    def __init__(self, digest: Callable[[bytes], T], size: int = 65536) -> None:
        self.digest = digest
        self.size = size
        self._kept: dict[str, tuple[bytes, T]] = {}
        self._lock = threading.Lock()

    def of(self, files: dict[str, bytes]) -> dict[str, T]:
        """path → digest of each file's bytes."""
        if _forgetting:
            return {path: self.digest(data) for path, data in files.items()}
        with self._lock:
            kept = self._kept
            found = {path: kept.get(path) for path in files}
        made = {path: (data, self.digest(data)) for path, data in files.items() if found[path] is None or found[path][0] is not data}  # type: ignore[index]
        with self._lock:
            if len(self._kept) + len(made) > self.size:
                self._kept.clear()  # rarely: a process that rendered this many files starts afresh
            self._kept.update(made)
        return {path: (made.get(path) or found[path])[1] for path in files}  # type: ignore[index]


class SameChunks(Generic[T]):
    """Per-item pieces kept in runs of `chunk` items: a run whose items (and shared inputs) are all
    the very same objects as last time gives back its pieces after one identity check per item
    (in C), so only the runs holding a changed item ask per item (each item then its own memo)."""

    def __init__(self, size: int, chunk: int = 64) -> None:
        self.chunk = chunk
        self._runs: SameInputs[list[T]] = SameInputs(size)

    def map(self, slot: object, shared: tuple, items: Sequence[Any], each: Callable[[Any], T]) -> list[T]:
        """[each(item) for item in items], `each` made from `shared` and its item alone."""
        pieces: list[T] = []
        for start in range(0, len(items), self.chunk):
            run = tuple(items[start : start + self.chunk])
            pieces += self._runs.get((slot, start), (shared, run), lambda run=run: [each(item) for item in run])
        return pieces
