"""Render jobs through the real queue: a render that fails is a visible failure, never a skip."""

from __future__ import annotations

import boto3
import pytest
from support.jobs import job_record, run_until_finished
from support.render import failing_render, second_published_event

pytestmark = pytest.mark.integration


@pytest.fixture
def demo_event(stack, empty_queues):
    from podium.localstack.demo import DEMO_ID, seed_demo_event

    return stack, seed_demo_event(), DEMO_ID


def _keys(bucket: str, prefix: str = "") -> list[str]:
    pages = boto3.client("s3").get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix)
    return [entry["Key"] for page in pages for entry in page.get("Contents", [])]


def _until_dead_letter(poller) -> list:
    from chalicelib.adapters.queue import peek_dead_letters

    for _ in range(20):
        poller.poll_jobs_once()
        if letters := peek_dead_letters():
            return letters
    raise AssertionError("no dead letter after 20 polls")


def test_render_event_job_that_fails_ends_in_failure_and_the_dead_letter_queue(demo_event, poller, monkeypatch):
    from chalicelib.clock import clock
    from chalicelib.jobs.enqueue import enqueue

    stack, slug, event_id = demo_event
    failing_render(monkeypatch, slug)
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
    failing_render(monkeypatch, slug)
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
    failing_render(monkeypatch, slug)
    job_id = enqueue("render_site")

    _until_dead_letter(poller)

    record = job_record(job_id)
    index = boto3.client("s3").get_object(Bucket=stack.site_bucket, Key="index.html")["Body"].read().decode()
    assert record.state == "FAILURE"
    assert slug in record.error
    assert f"e/{other_slug}/index.html" in _keys(stack.site_bucket, f"e/{other_slug}/")
    assert (f"/e/{other_slug}/" in index, f"/e/{slug}/" in index) == (True, False)
