"""Incremental publishing never drifts from a full build: generated sequences of edits, trashes
and restores through every kind of child, each published through stream and job, leave the
bucket byte for byte what a full build of the table into an empty bucket gives."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import boto3
import pytest
from hypothesis import HealthCheck, Phase, example, given, settings
from hypothesis import strategies as st
from support.trash import CHILDREN, OWNER, actor, child_id, frozen_clock, load, seed_event

# One work unit for `--dist loadgroup`, which hands out groups (largest first) before single tests:
# these generated sequences are the suite's longest tests, and dealt out last among the single
# tests of tests/site they kept one worker busy while the other had nothing left.
pytestmark = [pytest.mark.integration, pytest.mark.xdist_group("publish-sequences")]

TEXT_FIELD = {"track": "name", "room": "name", "session_type": "name", "session": "title", "speaker": "name",
              "sponsor": "name", "post": "title", "schedule_block": "title", "event": "name"}  # fmt: skip
# A break on the schedule (seeded beside support.trash's children, which other tests count).
BREAK = "br1"
# Titles that move items in sorted lists and need escaping on every page and feed.
texts = st.sampled_from(["Aardvark & co", "Zebra <b>", "Mañana 'quoted'", "Middle", ""]).filter(bool)
# "time": the session's time taken away when it has one, given back when not (its page then links a
# calendar that is new, or links none, and the day pages and feeds change).
steps = st.lists(
    st.tuples(st.sampled_from(["edit", "trash", "restore"]), st.sampled_from([*sorted(CHILDREN), "schedule_block"]), texts)
    | st.tuples(st.just("edit"), st.just("event"), texts)  # an event field: every page shows the name
    | st.just(("time", "session", "")),
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
    """A full build into an empty bucket, every piece made afresh (no piece an incremental
    render kept is reused, so a kept piece gone stale cannot make both sides agree)."""
    from chalicelib.public.memo import remembering_nothing
    from chalicelib.site.publish import publish_site

    s3, bucket = boto3.client("s3"), "podium-test-sequence-full-build"
    s3.create_bucket(Bucket=bucket)
    try:
        with remembering_nothing():
            publish_site(bucket=bucket).raise_for_failures()
        return _bucket_files(bucket)
    finally:  # the keys are listed, not read again: the reference's bodies were read once above
        for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket):
            keys = [{"Key": entry["Key"]} for entry in page.get("Contents", [])]
            if keys:
                s3.delete_objects(Bucket=bucket, Delete={"Objects": keys})
        s3.delete_bucket(Bucket=bucket)


def _publish_changes(poller) -> None:
    """Run the stream handler and the render jobs until neither has anything left."""
    while poller.poll_stream_once() or poller.poll_jobs_once(wait_seconds=0):
        pass


def _apply(step: tuple[str, str, str], event_id: str, item_id: str | None = None) -> None:
    from chalicelib.domain.content import trash_child
    from chalicelib.domain.trash import restore
    from chalicelib.errors import PodiumError

    verb, kind, text = step
    item_id, owner = item_id or _item_id(event_id, kind), actor(OWNER)
    try:
        if verb == "time":
            item = load(kind, item_id, event_id)
            moved = (None, None) if item.starts_at else (datetime(2026, 3, 21, 14, tzinfo=UTC), datetime(2026, 3, 21, 15, tzinfo=UTC))
            item.update(actions=[type(item).starts_at.set(moved[0]), type(item).ends_at.set(moved[1])])
        elif verb == "edit":
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


def _item_id(event_id: str, kind: str) -> str:
    return {"event": event_id, "schedule_block": f"{event_id}-{BREAK}"}.get(kind) or child_id(event_id, kind)


def _seed_break(event_id: str) -> None:
    from chalicelib.db import content, keys

    block_id = _item_id(event_id, "schedule_block")
    content.ScheduleBlock(
        keys.event_pk(event_id), keys.child_sk("schedule_block", block_id), id=block_id, event_id=event_id,
        title="Coffee", block_type="break", starts_at=datetime(2026, 3, 20, 12, tzinfo=UTC),
        ends_at=datetime(2026, 3, 20, 12, 30, tzinfo=UTC),
    ).save()  # fmt: skip


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(sequence=steps)
# Always, besides the generated ones: the break and the event's own field, and the edits a warm
# worker patches its last view for (a speaker's and a session's own fields) between the others.
@example(sequence=[("edit", "schedule_block", "Zebra <b>"), ("edit", "speaker", "Aardvark & co"),
                   ("trash", "schedule_block", ""), ("edit", "session", "Mañana 'quoted'"),
                   ("restore", "schedule_block", ""), ("edit", "event", "Middle"), ("edit", "speaker", "Zebra <b>")])
def test_incremental_publish_after_any_sequence_equals_a_full_build(stack, sequence):
    from app import app
    from chalicelib.site.publish import publish_site
    from podium.localstack.poller import LocalPoller
    from support.stack import empty_stack

    with frozen_clock():
        empty_stack(stack)
        seeded = seed_event()
        _seed_break(seeded.event_id)
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


# Kinds a FOSSASIA export has (it has no sponsors or posts), and the 4x event made from it once
# per test run: building it and its first full publish take most of a minute on two cores.
SCALED_KINDS = ["track", "room", "session_type", "session", "speaker"]
scaled_steps = st.lists(
    st.tuples(st.sampled_from(["edit", "trash", "restore"]), st.sampled_from(SCALED_KINDS), texts),
    min_size=1,
    max_size=4,
)
_scaled: dict[str, object] = {}


def _scaled_event(stack, sample: Path) -> tuple[str, str, dict[str, str]]:
    """(event id, slug, kind → the id of the item of that kind the steps change) of a 4x event,
    imported and fully published on the first call."""
    if "event" in _scaled and _scaled_event_gone(_scaled["event"][0]):  # type: ignore[index]
        del _scaled["event"]  # the stack was emptied since (another run of this test in the process)
    if "event" not in _scaled:
        from chalicelib.actors import SYSTEM
        from chalicelib.domain.imports import import_event
        from chalicelib.site.publish import publish_site
        from support.scaled import scaled_export
        from support.stack import empty_stack
        from support.trash import put_user

        empty_stack(stack)
        put_user(OWNER)
        export = scaled_export(sample, 4)
        imported = import_event(export=export, actor=SYSTEM, owner_id=OWNER, publish=True)
        with frozen_clock():
            publish_site().raise_for_failures()
        # Items in the middle of the copies: their pages, days, tracks and feeds are shared.
        middle = {kind: getattr(export, kind + "s")[len(getattr(export, kind + "s")) // 2]["id"] for kind in SCALED_KINDS}
        _scaled["event"] = (imported.event_id, imported.slug, middle)
    return _scaled["event"]  # type: ignore[return-value]


def _scaled_event_gone(event_id: str) -> bool:
    from chalicelib.db.content import Event

    try:
        load("event", event_id, event_id)
    except Event.DoesNotExist:
        return True
    return False


def _event_files(bucket: str, slug: str) -> dict[str, str]:
    """key → ETag (the MD5 of its bytes) of every file in the event's folder."""
    found: dict[str, str] = {}
    for page in boto3.client("s3").get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=f"e/{slug}/"):
        found.update({entry["Key"]: entry["ETag"].strip('"') for entry in page.get("Contents", [])})
    return found


def _event_full_build(event_id: str) -> dict[str, str]:
    """key → MD5 of every file of the event rendered afresh from the table."""
    import hashlib

    from chalicelib.public.memo import remembering_nothing
    from chalicelib.settings import settings
    from chalicelib.site.from_db import load_bundle
    from chalicelib.site.render import render_event

    with remembering_nothing():
        files = render_event(load_bundle(event_id), base_url=settings().site_base_url)
    return {key: hashlib.md5(data).hexdigest() for key, data in files.items()}


# The event lives across examples (each goes on from the last one's state: the property holds
# from any state), so hypothesis does not shrink a failure here; the 1x test above does.
@settings(max_examples=2, deadline=None, phases=[Phase.generate], suppress_health_check=list(HealthCheck))
@given(sequence=scaled_steps)
def test_incremental_publish_of_a_4x_event_after_any_sequence_equals_a_full_build(stack, sample_2018, sequence):
    from app import app
    from podium.localstack.poller import LocalPoller

    event_id, slug, items = _scaled_event(stack, sample_2018)
    with frozen_clock():
        poller = LocalPoller(app, stack)
        poller._start_stream_at_latest()

        for step in sequence:
            _apply(step, event_id, items[step[1]])
            _publish_changes(poller)

        assert _event_files(stack.site_bucket, slug) == _event_full_build(event_id)
