"""The one clock. Tests move time by swapping it instead of sleeping."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta


class Clock:
    """Wall clock in UTC."""

    def now(self) -> datetime:
        return datetime.now(UTC)

    def epoch(self) -> int:
        return int(time.time())


class FrozenClock(Clock):
    """A clock that only moves when told to."""

    def __init__(self, at: datetime) -> None:
        self._at = at

    def now(self) -> datetime:
        return self._at

    def epoch(self) -> int:
        return int(self._at.timestamp())

    def advance(self, **delta: float) -> None:
        self._at = self._at + timedelta(**delta)


_clock: Clock = Clock()


def clock() -> Clock:
    return _clock


def use_clock(new_clock: Clock) -> Clock:
    """Swap the process clock; returns the previous one so callers can restore it."""
    global _clock
    previous, _clock = _clock, new_clock
    return previous
