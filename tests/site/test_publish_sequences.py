"""Incremental publishing never drifts from a full build: generated sequences of edits, trashes
and restores through every kind of child, each published through stream and job, leave the
bucket byte for byte what a full build of the table into an empty bucket gives."""

from __future__ import annotations

import boto3
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from support.trash import CHILDREN, OWNER, actor, child_id, frozen_clock, load, seed_event

pytestmark = pytest.mark.integration

TEXT_FIELD = {"track": "name", "room": "name", "session_type": "name", "session": "title", "speaker": "name",
              "sponsor": "name", "post": "title"}  # fmt: skip
# Titles that move items in sorted lists and need escaping on every page and feed.
texts = st.sampled_from(["Aardvark & co", "Zebra <b>", "Mañana 'quoted'", "Middle", ""]).filter(bool)
steps = st.lists(
    st.tuples(st.sampled_from(["edit", "trash", "restore"]), st.sampled_from(sorted(CHILDREN)), texts),
    min_size=1,
    max_size=6,
)


def _bucket_files(bucket: str) -> dict[str, tuple[bytes, str]]:
    s3, found = boto3.client("s3"), {}
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket):
        for entry in page.get("Contents", []):
            answer = s3.get_object(Bucket=bucket, Key=entry["Key"])
            found[entry["Key"]] = (answer["Body"].read(), answer["ContentType"])
    return found


def _full_build() -> dict[str, tuple[bytes, str]]:
    from chalicelib.site.publish import publish_site

    s3, bucket = boto3.client("s3"), "podium-test-sequence-full-build"
    s3.create_bucket(Bucket=bucket)
    try:
        publish_site(bucket=bucket).raise_for_failures()
        return _bucket_files(bucket)
    finally:
        keys = [{"Key": key} for key in _bucket_files(bucket)]
        if keys:
            s3.delete_objects(Bucket=bucket, Delete={"Objects": keys})
        s3.delete_bucket(Bucket=bucket)


def _publish_changes(poller) -> None:
    """Run the stream handler and the render jobs until neither has anything left."""
    while poller.poll_stream_once() or poller.poll_jobs_once(wait_seconds=0):
        pass


def _apply(step: tuple[str, str, str], event_id: str) -> None:
    from chalicelib.domain.content import trash_child
    from chalicelib.domain.trash import restore
    from chalicelib.errors import PodiumError

    verb, kind, text = step
    item_id, owner = child_id(event_id, kind), actor(OWNER)
    try:
        if verb == "edit":
            item = load(kind, item_id, event_id)
            field = getattr(type(item), TEXT_FIELD[kind])
            item.update(actions=[field.set(text)])
        elif verb == "trash":
            trash_child(event=load("event", event_id, event_id), item=load(kind, item_id, event_id), actor=owner,
                        detach=True)  # fmt: skip
        else:
            restore(kind=kind, item_id=item_id, actor=owner, event_id=event_id)
    except PodiumError:
        pass  # trashing one twice, restoring a live one: refused, nothing changed


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(sequence=steps)
def test_incremental_publish_after_any_sequence_equals_a_full_build(stack, sequence):
    from app import app
    from chalicelib.site.publish import publish_site
    from podium.localstack.poller import LocalPoller
    from support.stack import empty_stack

    with frozen_clock():
        empty_stack(stack)
        seeded = seed_event()
        publish_site().raise_for_failures()
        poller = LocalPoller(app, stack)
        poller._start_stream_at_latest()

        for step in sequence:
            _apply(step, seeded.event_id)
            _publish_changes(poller)

        assert _bucket_files(stack.site_bucket) == _full_build()


def test_trashed_then_restored_speaker_leaves_and_returns_as_a_full_build_has_it(stack):
    from app import app
    from chalicelib.site.publish import publish_site
    from podium.localstack.poller import LocalPoller
    from support.stack import empty_stack

    with frozen_clock():
        empty_stack(stack)
        seeded = seed_event()
        publish_site().raise_for_failures()
        poller = LocalPoller(app, stack)
        poller._start_stream_at_latest()
        page = f"e/{seeded.slug}/speakers/{child_id(seeded.event_id, 'speaker')}/index.html"

        _apply(("trash", "speaker", ""), seeded.event_id)
        _publish_changes(poller)
        while_trashed = _bucket_files(stack.site_bucket)
        full_while_trashed = _full_build()
        _apply(("restore", "speaker", ""), seeded.event_id)
        _publish_changes(poller)

        assert (page in while_trashed, while_trashed == full_while_trashed) == (False, True)
        restored = _bucket_files(stack.site_bucket)
        assert (page in restored, restored == _full_build()) == (True, True)
