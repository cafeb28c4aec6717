"""Render jobs through the real queue: a render that fails is a visible failure, never a skip."""

from __future__ import annotations

import boto3
import pytest

from tests.jobs.support import job_record, run_until_finished

pytestmark = pytest.mark.integration


@pytest.fixture
def demo_event(stack, empty_queues):
    from podium.localstack.demo import DEMO_ID, seed_demo_event

    return stack, seed_demo_event(), DEMO_ID


def _keys(bucket: str, prefix: str = "") -> list[str]:
    pages = boto3.client("s3").get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix)
    return [entry["Key"] for page in pages for entry in page.get("Contents", [])]


def _until_dead_letter(poller) -> list:
    from chalicelib.jobs.queue import peek_dead_letters

    for _ in range(20):
        poller.poll_jobs_once()
        if letters := peek_dead_letters():
            return letters
    raise AssertionError("no dead letter after 20 polls")


def _failing_render(monkeypatch, failing_slug: str) -> None:
    """Rendering the event with `failing_slug` raises, as a renderer bug would; others render."""
    from chalicelib.site import render

    real = render.render_event

    def render_event(bundle, *, base_url):
        if bundle.event.slug == failing_slug:
            raise RuntimeError(f"cannot render {bundle.event.slug}")
        return real(bundle, base_url=base_url)

    monkeypatch.setattr(render, "render_event", render_event)


def test_render_event_job_that_fails_ends_in_failure_and_the_dead_letter_queue(demo_event, poller, monkeypatch):
    from chalicelib.clock import clock
    from chalicelib.jobs.enqueue import enqueue

    stack, slug, event_id = demo_event
    _failing_render(monkeypatch, slug)
    job_id = enqueue("render_event", event_id=event_id, requested_at=clock().now().timestamp())

    [letter] = _until_dead_letter(poller)

    record = job_record(job_id)
    assert (record.state, record.attempts, letter.job_id) == ("FAILURE", 5, job_id)
    assert record.error == f"RuntimeError: cannot render {slug}"
    assert _keys(stack.site_bucket, f"e/{slug}/") == []


def test_render_event_retried_after_a_failure_renders_instead_of_skipping(demo_event, poller, monkeypatch):
    from chalicelib.clock import clock
    from chalicelib.jobs.enqueue import enqueue

    stack, slug, event_id = demo_event
    _failing_render(monkeypatch, slug)
    job_id = enqueue("render_event", event_id=event_id, requested_at=clock().now().timestamp())
    poller.poll_jobs_once()  # the first attempt fails
    assert job_record(job_id).state == "RETRY"
    monkeypatch.undo()  # the cause is fixed

    states = run_until_finished(poller, [job_id])

    assert states == {job_id: "SUCCESS"}
    assert '"skipped": false' in job_record(job_id).result
    assert f"e/{slug}/index.html" in _keys(stack.site_bucket, f"e/{slug}/")


def test_render_site_job_publishes_the_others_and_the_index_then_fails_naming_the_event(
    demo_event, poller, monkeypatch
):
    from chalicelib.jobs.enqueue import enqueue

    stack, slug, _ = demo_event
    other_slug = second_published_event()
    _failing_render(monkeypatch, slug)
    job_id = enqueue("render_site")

    _until_dead_letter(poller)

    record = job_record(job_id)
    index = boto3.client("s3").get_object(Bucket=stack.site_bucket, Key="index.html")["Body"].read().decode()
    assert record.state == "FAILURE"
    assert slug in record.error
    assert f"e/{other_slug}/index.html" in _keys(stack.site_bucket, f"e/{other_slug}/")
    assert (f"/e/{other_slug}/" in index, f"/e/{slug}/" in index) == (True, False)


def second_published_event(slug: str = "second-conf") -> str:
    """A small published event beside the demo one; returns its slug."""
    from datetime import timedelta

    from chalicelib.clock import clock
    from chalicelib.db import content
    from chalicelib.db.queries import PUBLISHED

    start = (clock().now() + timedelta(days=40)).replace(microsecond=0)
    pk = content.event_pk("second")
    content.Event(
        pk, "EVENT", id="second", slug=slug, name="Second Conf", starts_at=start, ends_at=start + timedelta(hours=8),
        timezone="Europe/Berlin", state="published", gsi1pk=f"SLUG#{slug}", gsi1sk="EVENT", gsi2pk=PUBLISHED,
        gsi2sk=start.isoformat(),
    ).save()  # fmt: skip
    content.Session(
        pk, "SESSION#one", id="one", event_id="second", title="Only talk", state="accepted",
        starts_at=start, ends_at=start + timedelta(minutes=30),
    ).save()  # fmt: skip
    return slug
