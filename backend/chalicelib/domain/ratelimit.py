"""Attempt counters with a TTL, in the table (db/rate_counters.py).

A window opens at the first counted attempt and lasts `window` seconds; once `limit` attempts
were counted in it, `take` answers 429 with the seconds left. Counting and checking are one
conditional write, so parallel attempts can never pass the limit between a read and a count.
moto never expires items and DynamoDB does so lazily, so an item whose window has ended counts
as zero.
"""

from __future__ import annotations

from chalicelib.clock import clock
from chalicelib.db import rate_counters
from chalicelib.errors import TooManyRequests

TAKE_ATTEMPTS = 5  # rounds of "count in the open window, else open one" lost to racing writers


def take(scope: str, key: str, *, limit: int, window: int, message: str) -> None:
    """Count one attempt before it is made; raise TooManyRequests (nothing counted) when `limit`
    attempts were already counted in the open window."""
    for _round in range(TAKE_ATTEMPTS):
        now = clock().epoch()
        if rate_counters.count_in_open_window(scope, key, limit=limit, now=now) or rate_counters.open_window(
            scope, key, now=now, window=window
        ):
            return
        ends = rate_counters.window_end(scope, key)
        if ends is not None and ends > now:  # open and full: both writes refused for that reason
            raise TooManyRequests(message, retry_after=ends - now)
    # Writers kept opening and closing windows under us: refusing is the safe answer.
    raise TooManyRequests(message, retry_after=1)


def give_back(scope: str, key: str) -> None:
    """Uncount one attempt taken in the open window (it turned out not to count: a success)."""
    rate_counters.uncount(scope, key, now=clock().epoch())
