"""The one clock: the wall clock in UTC, and a frozen one tests swap in instead of sleeping."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from chalicelib.clock import Clock, FrozenClock, clock, use_clock

pytestmark = pytest.mark.unit


def test_clock_now_is_aware_utc():
    assert Clock().now().tzinfo == UTC


def test_frozen_clock_moves_only_when_advanced():
    frozen = FrozenClock(datetime(2026, 3, 1, 9, 0, tzinfo=UTC))
    assert (frozen.now(), frozen.epoch()) == (datetime(2026, 3, 1, 9, 0, tzinfo=UTC), 1772355600)

    frozen.advance(minutes=90)

    assert (frozen.now(), frozen.epoch()) == (datetime(2026, 3, 1, 10, 30, tzinfo=UTC), 1772355600 + 5400)


def test_use_clock_swaps_the_process_clock_and_returns_the_previous_one():
    frozen = FrozenClock(datetime(2026, 3, 1, tzinfo=UTC))
    previous = use_clock(frozen)
    try:
        assert clock() is frozen
    finally:
        assert use_clock(previous) is frozen
    assert clock() is previous
