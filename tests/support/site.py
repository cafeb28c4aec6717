"""Helpers for the site's publishing tests: the published demo event on an empty stack, and a page's text."""

from __future__ import annotations

import boto3


def publish_demo_site(stack) -> tuple[object, str, str]:
    """An empty stack with the demo event seeded and fully published: (stack, slug, event id)."""
    from chalicelib.site.publish import publish_site
    from podium.localstack.demo import DEMO_ID, seed_demo_event

    from support.stack import empty_stack

    empty_stack(stack)
    slug = seed_demo_event()
    publish_site().raise_for_failures()
    return stack, slug, DEMO_ID


def page_text(bucket: str, key: str) -> str:
    return boto3.client("s3").get_object(Bucket=bucket, Key=key)["Body"].read().decode()


def own(events: list) -> list:
    """`events` less those of partitions session fixtures keep across tests (an imported sample
    in the same test process): what this test itself put in the table."""
    from support.stack import KEEP_PARTITIONS

    return [e for e in events if f"EVENT#{e.id}" not in KEEP_PARTITIONS]

