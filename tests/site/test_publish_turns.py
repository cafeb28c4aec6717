"""Render turns: a burst of edits to one event coalesces into the running render; events render apart."""

from __future__ import annotations

import pytest
from support.site import page_text as _page

pytestmark = pytest.mark.integration




def _retitle(event_id: str, title: str) -> None:
    from chalicelib.db.content import Session
    from chalicelib.db.keys import event_pk

    Session.get(event_pk(event_id), "SESSION#static").update(actions=[Session.title.set(title)])


@pytest.fixture
def counted_renders(monkeypatch):
    """event id of each render, in order; `during_first` runs inside the first render, after its files."""
    from chalicelib.site import publish

    renders: list[str] = []
    real = publish._render_event
    hooks = {"during_first": lambda: None}

    def counted(event_id: str, **kwargs):
        renders.append(event_id)
        report = real(event_id, **kwargs)
        if len(renders) == 1:
            hooks["during_first"]()
        return report

    monkeypatch.setattr(publish, "_render_event", counted)
    return renders, hooks


def test_burst_while_a_render_runs_becomes_one_more_render_with_the_latest_state(demo_site, counted_renders):
    from chalicelib.db import render_turns
    from chalicelib.site.publish import publish_event

    stack, slug, event_id = demo_site
    renders, hooks = counted_renders
    coalesced = []

    def burst() -> None:  # edits land and their jobs run while job A still holds the turn
        for n in range(5):
            _retitle(event_id, f"Burst edit {n}")
            coalesced.append(publish_event(event_id, holder=f"job-{n}").coalesced)

    hooks["during_first"] = burst

    publish_event(event_id, holder="job-a")

    assert coalesced == [True] * 5
    assert renders == [event_id, event_id]  # A's render, then one more covering the whole burst
    assert "Burst edit 4" in _page(stack.site_bucket, f"e/{slug}/sessions/static/index.html")
    assert render_turns.claim(event_id, holder="job-z", now=0) is not None  # A gave the turn up


def test_other_events_render_while_one_holds_its_turn(demo_site, counted_renders):
    from chalicelib.db import render_turns
    from chalicelib.site.publish import publish_event

    _, _, event_id = demo_site
    renders, _ = counted_renders
    render_turns.claim("some-other-event", holder="job-a", now=0)

    report = publish_event(event_id, holder="job-b")

    assert (report.coalesced, renders) == (False, [event_id])


def test_holder_that_raises_gives_its_turn_back_and_its_retry_renders(demo_site, monkeypatch):
    from chalicelib.db import render_turns
    from chalicelib.site import publish
    from chalicelib.site.publish import publish_event

    stack, slug, event_id = demo_site
    real = publish._publish_one

    def failing(bundle, **_kwargs):
        raise RuntimeError("bucket unavailable")

    monkeypatch.setattr(publish, "_publish_one", failing)
    _retitle(event_id, "Renamed before a failure")
    with pytest.raises(RuntimeError):
        publish_event(event_id, holder="job-a")
    monkeypatch.setattr(publish, "_publish_one", real)

    retry = publish_event(event_id, holder="job-a")
    other = render_turns.claim(event_id, holder="job-b", now=0)

    assert (retry.coalesced, other is not None) == (False, True)
    assert "Renamed before a failure" in _page(stack.site_bucket, f"e/{slug}/sessions/static/index.html")


def test_crashed_holders_turn_goes_to_the_next_job_once_its_lease_ends(demo_site):
    from chalicelib.clock import clock
    from chalicelib.db import render_turns
    from chalicelib.site.publish import publish_event

    _, _, event_id = demo_site
    now = clock().now().timestamp()
    render_turns.claim(event_id, holder="job-crashed", now=now - render_turns.LEASE_SECONDS - 1)

    report = publish_event(event_id, holder="job-b")

    assert report.coalesced is False


@pytest.fixture
def poller(stack):
    from app import app
    from podium.localstack.poller import LocalPoller

    loop = LocalPoller(app, stack)
    loop._start_stream_at_latest()
    return loop


def test_twenty_edits_through_stream_and_queue_publish_the_last_in_fewer_renders(
    demo_site, poller, counted_renders
):
    stack, slug, event_id = demo_site
    renders, _ = counted_renders
    for n in range(20):
        _retitle(event_id, f"Edit number {n}")

    while poller.poll_stream_once() or poller.poll_jobs_once(wait_seconds=0):
        pass

    assert "Edit number 19" in _page(stack.site_bucket, f"e/{slug}/sessions/static/index.html")
    assert 1 <= len(renders) < 20
