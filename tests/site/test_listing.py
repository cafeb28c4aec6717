"""The site index's list of events with pages in the bucket, kept in the table."""

from __future__ import annotations

import boto3
import pytest
from support.site import own
from support.site import page_text as _page

pytestmark = pytest.mark.integration




def _keys(bucket: str, prefix: str) -> list[str]:
    found = boto3.client("s3").list_objects_v2(Bucket=bucket, Prefix=prefix).get("Contents", [])
    return [o["Key"] for o in found]


def test_listing_after_a_full_publish_names_each_rendered_event_with_its_slug(demo_site):
    from chalicelib.site import listing

    _, slug, event_id = demo_site

    listed = listing.listed()

    assert [(e.id, e.slug, e.name) for e in own(listed.events)] == [(event_id, slug, "Podium Demo Conf")]


def test_index_rendered_from_a_stale_listing_is_rendered_again_from_the_current_one(demo_site):
    from chalicelib.site import listing
    from chalicelib.site.publish import _sync_index

    stack, _, _ = demo_site
    current = listing.listed()
    # GIVEN a render that read the listing before another event's render listed the demo event
    stale = listing.Listing(events=[], version=current.version - 1, entries={})

    # WHEN it writes the index
    _sync_index(stale, bucket=stack.site_bucket, trust_remembered=True)

    # THEN it saw the listing move on and the index lists the demo event all the same
    assert 'href="/e/podium-demo-conf/"' in _page(stack.site_bucket, "index.html")


def test_renamed_event_is_listed_under_its_new_slug_and_its_old_folder_goes_without_being_told(demo_site):
    from chalicelib.db.content import Event
    from chalicelib.db.keys import event_pk
    from chalicelib.site import listing
    from chalicelib.site.publish import publish_event

    stack, slug, event_id = demo_site
    event = Event.get(event_pk(event_id), "EVENT")
    event.update(actions=[Event.slug.set("demo-renamed"), Event.gsi1pk.set("SLUG#demo-renamed")])

    publish_event(event_id)  # no old_slug: the listing knows where its pages were

    assert [e.slug for e in own(listing.listed().events)] == ["demo-renamed"]
    assert _keys(stack.site_bucket, f"e/{slug}/") == []
    assert _keys(stack.site_bucket, "e/demo-renamed/index.html") == ["e/demo-renamed/index.html"]
    assert 'href="/e/demo-renamed/"' in _page(stack.site_bucket, "index.html")


def test_event_that_fails_its_first_render_is_not_listed_and_one_with_earlier_pages_stays(demo_site, monkeypatch):
    from chalicelib.site import listing, publish
    from chalicelib.site.publish import publish_site

    stack, slug, _ = demo_site

    def failing(bundle, **_kwargs):
        raise RuntimeError("cannot render")

    monkeypatch.setattr(publish, "_publish_one", failing)
    kept = publish_site()  # its pages from the fixture's build are in the bucket
    listed_while_pages = [e.slug for e in own(listing.listed().events)]
    boto3.client("s3").delete_objects(
        Bucket=stack.site_bucket, Delete={"Objects": [{"Key": k} for k in _keys(stack.site_bucket, f"e/{slug}/")]}
    )
    dropped = publish_site()  # no pages of it anywhere now

    assert (slug in kept.failed, slug in dropped.failed) == (True, True)
    assert listed_while_pages == [slug]
    assert own(listing.listed().events) == []
    assert "Podium Demo Conf" not in _page(stack.site_bucket, "index.html")


def test_first_render_on_a_bucket_without_listing_lists_every_event_with_pages(demo_site, seed_other_events):
    from chalicelib.settings import settings
    from chalicelib.site import listing
    from chalicelib.site.publish import publish_event, publish_site

    stack, slug, event_id = demo_site
    [(_, other_slug)] = seed_other_events(1)
    publish_site().raise_for_failures()
    # GIVEN a stage published before listings existed: pages in the bucket, no listing item
    boto3.client("dynamodb").delete_item(
        TableName=settings().table_name, Key={"pk": {"S": f"SITEINDEX#{stack.site_bucket}"}, "sk": {"S": "EVENTS"}}
    )

    publish_event(event_id)

    assert sorted(e.slug for e in own(listing.listed().events)) == sorted([slug, other_slug])
    assert f'href="/e/{other_slug}/"' in _page(stack.site_bucket, "index.html")
