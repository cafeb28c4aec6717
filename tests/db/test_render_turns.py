"""Render turns: one RenderMarker per event; claim, ask, release and the finished mark."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.integration


def test_render_turn_is_held_by_one_job_until_its_lease_ends(stack):
    from chalicelib.db import render_turns

    first = render_turns.claim("ev-turn-1", holder="job-a", now=1000)

    assert first is not None and first.asks_seen == 0
    assert render_turns.claim("ev-turn-1", holder="job-b", now=1001) is None
    assert render_turns.claim("ev-turn-1", holder="job-b", now=1000 + render_turns.LEASE_SECONDS + 1) is not None


def test_render_turn_release_is_refused_after_an_ask(stack):
    from chalicelib.db import render_turns

    turn = render_turns.claim("ev-turn-2", holder="job-a", now=1000)
    assert render_turns.ask("ev-turn-2", holder="job-b", now=1001)

    assert not render_turns.release(turn)
    again = render_turns.claim("ev-turn-2", holder="job-a", now=1002)
    assert again is not None and again.asks_seen == 1
    assert render_turns.release(again)
    assert not render_turns.ask("ev-turn-2", holder="job-b", now=1003)  # nobody holds it now


def test_render_turn_finished_mark_never_moves_back(stack):
    from chalicelib.db import render_turns
    from chalicelib.db.base import Item
    from chalicelib.db.keys import render_key

    render_turns.record_finished("ev-turn-3", 2000.0)
    render_turns.record_finished("ev-turn-3", 1500.0)  # an earlier render that ended later

    stored = Item.get(*render_key("ev-turn-3"), consistent_read=True)
    assert isinstance(stored, render_turns.RenderMarker)
    assert stored.started_at == 2000.0
    assert render_turns.finished_since("ev-turn-3", 1999.0)
    assert not render_turns.finished_since("ev-turn-3", 2000.0)


def test_render_turn_give_back_frees_it_for_the_next_job(stack):
    from chalicelib.db import render_turns

    render_turns.claim("ev-turn-4", holder="job-a", now=1000)

    render_turns.give_back("ev-turn-4", holder="job-a")

    assert render_turns.claim("ev-turn-4", holder="job-b", now=1001) is not None
