"""Rate counters: one item per scope and hashed key; counting and checking are single conditional writes."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.integration


def test_rate_counter_counts_up_to_the_limit_in_its_window(stack):
    from chalicelib.db import rate_counters

    assert rate_counters.open_window("login", "ada@example.org", now=1000, window=60)
    counted = [rate_counters.count_in_open_window("login", "ada@example.org", limit=3, now=1001) for _ in range(3)]

    assert counted == [True, True, False]
    assert rate_counters.window_end("login", "ada@example.org") == 1060


def test_rate_counter_window_opens_again_only_once_it_ended(stack):
    from chalicelib.db import rate_counters

    rate_counters.open_window("login", "bob@example.org", now=1000, window=60)

    assert not rate_counters.open_window("login", "bob@example.org", now=1059, window=60)
    assert rate_counters.open_window("login", "bob@example.org", now=1060, window=60)
    assert rate_counters.window_end("login", "bob@example.org") == 1120


def test_rate_counter_uncount_gives_back_an_attempt_in_the_open_window(stack):
    from chalicelib.db import rate_counters

    rate_counters.open_window("login", "cy@example.org", now=1000, window=60)
    assert not rate_counters.count_in_open_window("login", "cy@example.org", limit=1, now=1001)

    rate_counters.uncount("login", "cy@example.org", now=1002)

    assert rate_counters.count_in_open_window("login", "cy@example.org", limit=1, now=1003)


def test_rate_counter_reads_back_as_its_model_with_a_ttl(stack):
    from chalicelib.db import rate_counters
    from chalicelib.db.base import Item
    from chalicelib.db.keys import rate_key

    rate_counters.open_window("signup", "203.0.113.9", now=1000, window=600)

    stored = Item.get(*rate_key("signup", "203.0.113.9"), consistent_read=True)

    assert isinstance(stored, rate_counters.RateCounter)
    assert (stored.attempts, stored.window_ends, stored.expires_at) == (1, 1600, 1600)


def test_rate_counter_without_a_window_has_no_end(stack):
    from chalicelib.db import rate_counters

    assert rate_counters.window_end("login", "nobody@example.org") is None
    assert not rate_counters.count_in_open_window("login", "nobody@example.org", limit=5, now=1000)
