"""Publishing from the table: full builds, and the stream-driven incremental rebuild."""

from __future__ import annotations

import boto3
import pytest

pytestmark = pytest.mark.integration


@pytest.fixture
def demo_site(stack):
    from chalicelib.site.publish import publish_site
    from podium.localstack.demo import DEMO_ID, seed_demo_event

    slug = seed_demo_event()
    publish_site()
    return stack, slug, DEMO_ID


def _page(bucket: str, key: str) -> str:
    return boto3.client("s3").get_object(Bucket=bucket, Key=key)["Body"].read().decode()


@pytest.fixture
def poller(stack):
    from app import app
    from podium.localstack.poller import LocalPoller

    loop = LocalPoller(app, stack)
    loop._start_stream_at_latest()
    return loop


def _drain(poller) -> None:
    for _ in range(5):
        poller.poll_stream_once()
        while poller.poll_jobs_once(wait_seconds=0):
            pass


def test_session_title_edit_reaches_its_page_through_stream_and_queue(demo_site, poller):
    from chalicelib.db.content import Session, event_pk

    stack, slug, event_id = demo_site
    session = Session.get(event_pk(event_id), "SESSION#static")
    session.update(actions=[Session.title.set("Static sites, renamed")])

    _drain(poller)

    assert "Static sites, renamed" in _page(stack.site_bucket, f"e/{slug}/sessions/static/index.html")


def test_unpublished_event_loses_its_pages_and_index_entry(demo_site, poller):
    from chalicelib.db.content import Event, event_pk

    stack, slug, event_id = demo_site
    event = Event.get(event_pk(event_id), "EVENT")
    event.update(actions=[Event.state.set("draft"), Event.gsi2pk.remove(), Event.gsi2sk.remove()])

    _drain(poller)

    keys = [o["Key"] for o in boto3.client("s3").list_objects_v2(Bucket=stack.site_bucket).get("Contents", [])]
    assert not [k for k in keys if k.startswith(f"e/{slug}/")]
    assert "Podium Demo Conf" not in _page(stack.site_bucket, "index.html")


def test_rebuild_without_changes_writes_nothing(demo_site):
    from chalicelib.site.publish import publish_event

    _, _, event_id = demo_site

    report = publish_event(event_id)

    assert (report.written, report.deleted) == ([], [])
