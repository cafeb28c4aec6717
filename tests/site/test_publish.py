"""Publishing from the table: full builds, and the stream-driven incremental rebuild."""

from __future__ import annotations

import boto3
import pytest

pytestmark = pytest.mark.integration


@pytest.fixture
def demo_site(stack):
    from chalicelib.site.publish import publish_site
    from podium.localstack.demo import DEMO_ID, seed_demo_event
    from support.stack import empty_stack

    # A full publish renders every published event: start from none that other tests left.
    empty_stack(stack)
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
    from chalicelib.db.content import Session
    from chalicelib.db.keys import event_pk

    stack, slug, event_id = demo_site
    session = Session.get(event_pk(event_id), "SESSION#static")
    session.update(actions=[Session.title.set("Static sites, renamed")])

    _drain(poller)

    assert "Static sites, renamed" in _page(stack.site_bucket, f"e/{slug}/sessions/static/index.html")


def test_unpublished_event_loses_its_pages_and_index_entry(demo_site, poller):
    from chalicelib.db.content import Event
    from chalicelib.db.keys import event_pk

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


def test_rebuild_asked_for_before_the_last_one_started_is_skipped(demo_site):
    from datetime import UTC, datetime

    from chalicelib.clock import FrozenClock, use_clock
    from chalicelib.db.content import Session
    from chalicelib.db.keys import event_pk
    from chalicelib.site.publish import publish_event

    stack, slug, event_id = demo_site
    clock = FrozenClock(datetime(2026, 5, 1, 12, tzinfo=UTC))
    previous = use_clock(clock)
    try:
        changed_at = clock.now().timestamp()
        clock.advance(seconds=1)
        first = publish_event(event_id, requested_at=changed_at)  # started after the change: it saw it
        session = Session.get(event_pk(event_id), "SESSION#static")
        session.update(actions=[Session.title.set("Renamed while skipped")])
        same_change = publish_event(event_id, requested_at=changed_at)
        clock.advance(seconds=1)
        later_change = publish_event(event_id, requested_at=clock.now().timestamp() - 0.5)
        unconditional = publish_event(event_id)
    finally:
        use_clock(previous)

    assert (first.skipped, same_change.skipped, later_change.skipped, unconditional.skipped) == (
        False, True, False, False,
    )  # fmt: skip
    assert f"e/{slug}/sessions/static/index.html" in later_change.written
    assert "Renamed while skipped" in _page(stack.site_bucket, f"e/{slug}/sessions/static/index.html")


def _bucket_files(bucket: str) -> dict[str, tuple[bytes, str]]:
    """key → (bytes, content type) of every object in the bucket."""
    s3, found = boto3.client("s3"), {}
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket):
        for entry in page.get("Contents", []):
            answer = s3.get_object(Bucket=bucket, Key=entry["Key"])
            found[entry["Key"]] = (answer["Body"].read(), answer["ContentType"])
    return found


def _fresh_full_build() -> dict[str, tuple[bytes, str]]:
    """What publishing the whole table into an empty bucket gives."""
    from chalicelib.site.publish import publish_site

    s3, bucket = boto3.client("s3"), "podium-test-fresh-build"
    s3.create_bucket(Bucket=bucket)
    try:
        publish_site(bucket=bucket)
        return _bucket_files(bucket)
    finally:
        keys = [{"Key": key} for key in _bucket_files(bucket)]
        if keys:
            s3.delete_objects(Bucket=bucket, Delete={"Objects": keys})
        s3.delete_bucket(Bucket=bucket)


def test_bucket_after_incremental_edits_equals_a_fresh_full_build(frozen_clock, demo_site, poller):
    from chalicelib.db.content import Session
    from chalicelib.db.keys import event_pk

    stack, _, event_id = demo_site
    # GIVEN a title edit (it moves the session in every list sorted by title) and a rejected session
    renamed = Session.get(event_pk(event_id), "SESSION#static")
    renamed.update(actions=[Session.title.set("Aardvarks first: static sites, renamed")])
    _drain(poller)
    rejected = Session.get(event_pk(event_id), "SESSION#offline")
    rejected.update(actions=[Session.state.set("rejected")])

    # WHEN the stream's rebuilds have run
    _drain(poller)

    # THEN the bucket holds exactly what a full build from the table holds
    published = _bucket_files(stack.site_bucket)
    assert published == _fresh_full_build()
    assert "Aardvarks first" in published["e/podium-demo-conf/tracks/index.html"][0].decode()
    assert "e/podium-demo-conf/sessions/offline/index.html" not in published


def test_rebuild_lists_the_bucket_while_another_writer_is_registered(demo_site):
    from chalicelib.db.site_manifest import begin_writing, remembered_files
    from chalicelib.site.publish import publish_event

    # GIVEN a writer that began and never finished (a crashed rebuild), and a page deleted meanwhile
    stack, slug, event_id = demo_site
    page = f"e/{slug}/sessions/static/index.html"
    prefixes = [f"e/{slug}/"]
    begin_writing(stack.site_bucket, prefixes, generation=remembered_files(stack.site_bucket, prefixes).generation)
    boto3.client("s3").delete_object(Bucket=stack.site_bucket, Key=page)

    # WHEN the event is rebuilt
    report = publish_event(event_id)

    # THEN the rebuild did not trust what it remembered: the page is back
    assert report.written == [page]


def test_full_publish_restores_a_page_deleted_by_hand(demo_site):
    from chalicelib.site.publish import publish_site

    stack, slug, _ = demo_site
    page = f"e/{slug}/sessions/static/index.html"
    boto3.client("s3").delete_object(Bucket=stack.site_bucket, Key=page)

    report = publish_site()

    assert report.written == [page]


def test_full_publish_removes_folders_of_events_no_longer_published(demo_site):
    from chalicelib.site.publish import publish_site

    stack, _, _ = demo_site
    s3 = boto3.client("s3")
    s3.put_object(Bucket=stack.site_bucket, Key="e/gone-conf/index.html", Body=b"old")
    s3.put_object(Bucket=stack.site_bucket, Key="e/stray.html", Body=b"old")

    report = publish_site()

    assert sorted(report.deleted) == ["e/gone-conf/index.html", "e/stray.html"]


def test_event_published_again_after_a_full_publish_of_an_emptied_bucket_gets_every_page(demo_site):
    from chalicelib.db.content import Event
    from chalicelib.db.keys import event_pk
    from chalicelib.site.publish import publish_event, publish_site

    # GIVEN an event unpublished without its rebuild running, then its bucket emptied and fully
    # published (what a `podium dev` restart does): its folder's manifest still lists its pages
    stack, slug, event_id = demo_site
    event = Event.get(event_pk(event_id), "EVENT")
    listed = (event.gsi2pk, event.gsi2sk)
    event.update(actions=[Event.state.set("draft"), Event.gsi2pk.remove(), Event.gsi2sk.remove()])
    _empty(stack.site_bucket)
    publish_site()

    # WHEN it is published again and rebuilt
    event.update(actions=[Event.state.set("published"), Event.gsi2pk.set(listed[0]), Event.gsi2sk.set(listed[1])])
    publish_event(event_id)

    # THEN its pages are all there
    published = _bucket_files(stack.site_bucket)
    assert f"e/{slug}/sessions/static/index.html" in published
    assert published == _fresh_full_build()


def _empty(bucket: str) -> None:
    s3 = boto3.client("s3")
    keys = [{"Key": key} for key in _bucket_files(bucket)]
    s3.delete_objects(Bucket=bucket, Delete={"Objects": keys})


def test_event_page_links_to_the_proposal_form_only_while_the_call_is_open(demo_site, frozen_clock):
    from datetime import timedelta

    from chalicelib.db.content import CallForPapers, Event
    from chalicelib.db.keys import event_pk
    from chalicelib.site.publish import publish_event

    stack, slug, event_id = demo_site
    event = Event.get(event_pk(event_id), "EVENT")
    now = frozen_clock
    link = f'<a class="button" href="/admin/#/events/{event_id}/submit">Submit a proposal</a>'

    event.update(
        actions=[
            Event.call_for_papers.set(CallForPapers(starts_at=now - timedelta(days=1), ends_at=now + timedelta(days=9)))
        ]
    )
    publish_event(event_id=event_id)
    open_page = _page(stack.site_bucket, f"e/{slug}/index.html")

    event.update(
        actions=[
            Event.call_for_papers.set(CallForPapers(starts_at=now - timedelta(days=9), ends_at=now - timedelta(days=1)))
        ]
    )
    publish_event(event_id=event_id)
    closed_page = _page(stack.site_bucket, f"e/{slug}/index.html")

    assert "Call for papers: open now." in open_page and link in open_page
    assert "Call for papers: closed." in closed_page and "Submit a proposal" not in closed_page


def test_writer_that_began_while_another_read_the_bucket_leaves_no_stray_file(stack, monkeypatch):
    from chalicelib.site import publish

    prefix = "e/race/"

    def sync(**files: bytes) -> None:
        publish.sync_files({prefix + name: data for name, data in files.items()}, owned_prefixes=[prefix], trust_remembered=True)  # fmt: skip

    sync(index=b"v1", a=b"a")
    real_begin = publish.begin_writing

    def other_writer_first(*args, **kwargs):
        # GIVEN another rebuild runs whole between this one's reading and its beginning
        monkeypatch.setattr(publish, "begin_writing", real_begin)
        sync(index=b"v2", a=b"a", b=b"b")
        return real_begin(*args, **kwargs)

    monkeypatch.setattr(publish, "begin_writing", other_writer_first)
    sync(index=b"v3", a=b"a")  # WHEN this rebuild, based on what it read before, writes
    sync(index=b"v3", a=b"a")  # and the next rebuild of the same pages runs

    listed = boto3.client("s3").list_objects_v2(Bucket=stack.site_bucket, Prefix=prefix).get("Contents", [])
    assert sorted(o["Key"] for o in listed) == [prefix + "a", prefix + "index"]  # THEN no stray page stays
    assert _page(stack.site_bucket, prefix + "index") == "v3"


def _reject(event_id: str, session_id: str) -> None:
    from chalicelib.db.content import Session
    from chalicelib.db.keys import event_pk

    Session.get(event_pk(event_id), f"SESSION#{session_id}").update(actions=[Session.state.set("rejected")])


def test_session_with_a_newline_in_its_title_publishes_and_leaves_once_rejected(demo_site, poller):
    from chalicelib.db.content import Session
    from chalicelib.db.keys import event_pk

    stack, slug, event_id = demo_site
    page = f"e/{slug}/sessions/static/index.html"
    session = Session.get(event_pk(event_id), "SESSION#static")
    session.update(actions=[Session.title.set("Good talk\nsecond line")])  # as an old item or direct write holds it
    _drain(poller)
    shown = _page(stack.site_bucket, page)

    _reject(event_id, "static")
    _drain(poller)

    keys = [o["Key"] for o in boto3.client("s3").list_objects_v2(Bucket=stack.site_bucket).get("Contents", [])]
    assert "Good talk second line" in shown
    assert page not in keys
    assert "Good talk" not in _page(stack.site_bucket, f"e/{slug}/schedule.xml")


def test_session_rejected_after_a_failed_render_leaves_the_site_once_the_cause_is_fixed(
    demo_site, poller, monkeypatch
):
    import time

    from support.render import failing_render

    stack, slug, event_id = demo_site
    page = f"e/{slug}/sessions/static/index.html"
    failing_render(monkeypatch, slug)
    _reject(event_id, "static")
    poller.poll_stream_once()
    assert poller.poll_jobs_once(wait_seconds=1) == 1  # the render fails: its job waits for a retry
    still_public = page in _keys(stack.site_bucket)

    monkeypatch.undo()  # the cause is fixed; no further change is made: the retry alone must render
    deadline = time.monotonic() + 30
    while page in _keys(stack.site_bucket) and time.monotonic() < deadline:
        poller.poll_jobs_once(wait_seconds=1)

    assert still_public
    assert page not in _keys(stack.site_bucket)


def _keys(bucket: str) -> list[str]:
    pages = boto3.client("s3").get_paginator("list_objects_v2").paginate(Bucket=bucket)
    return [entry["Key"] for page in pages for entry in page.get("Contents", [])]


@pytest.fixture
def fifty_events(stack, seed_other_events):
    from chalicelib.site.publish import publish_site
    from podium.localstack.demo import DEMO_ID, seed_demo_event
    from support.stack import empty_stack

    empty_stack(stack)
    slug = seed_demo_event()
    others = seed_other_events(49)
    publish_site().raise_for_failures()
    return stack, slug, DEMO_ID, others


def test_edit_to_one_of_fifty_events_reads_and_writes_nothing_of_the_others(fifty_events, poller, monkeypatch):
    from chalicelib.db.content import Session
    from chalicelib.db.keys import event_pk
    from chalicelib.site import listing
    from support.aws_faults import injected_faults
    from support.site import own

    stack, slug, event_id, others = fifty_events
    index_before = _page(stack.site_bucket, "index.html")
    session = Session.get(event_pk(event_id), "SESSION#static")
    session.update(actions=[Session.title.set("Static sites, counted")])

    # WHEN the stream's rebuild runs, every AWS request counted
    with injected_faults(monkeypatch) as counted:
        _drain(poller)

    # THEN the edited event's page changed, and no request named another event's partition or files
    assert "Static sites, counted" in _page(stack.site_bucket, f"e/{slug}/sessions/static/index.html")
    touching = [
        (sent.operation, sent.url)
        for sent in counted.sent
        for other_id, other_slug in others
        if f"/e/{other_slug}/" in sent.url
        or (sent.service == "dynamodb" and f"EVENT#{other_id}".encode() in sent.body)
    ]
    assert touching == []
    assert [s.operation for s in counted.sent if s.operation in ("Query", "Scan") and b"PUBLISHED" in s.body] == []
    assert [s.operation for s in counted.sent if s.operation == "HeadObject"] == []
    assert _page(stack.site_bucket, "index.html") == index_before  # all 50 still listed, unchanged
    listed = listing.listed().events  # the 50, and samples other tests of this process keep
    assert (len(own(listed)), index_before.count('<li class="item">')) == (50, len(listed))


def _edit_title(event_id: str, title: str) -> None:
    from chalicelib.db.content import Session
    from chalicelib.db.keys import event_pk

    Session.get(event_pk(event_id), "SESSION#static").update(actions=[Session.title.set(title)])


def _partition_queries(sent: list, event_id: str) -> list[str]:
    return [s.operation for s in sent if s.operation == "Query" and f"EVENT#{event_id}".encode() in s.body]


def test_render_after_an_edit_reads_only_the_named_items_once_the_worker_keeps_the_event(demo_site, poller, monkeypatch):
    from support.aws_faults import injected_faults

    stack, slug, event_id = demo_site
    _edit_title(event_id, "Kept, first")
    _drain(poller)  # GIVEN a render job of this process that read the whole event once

    # WHEN another edit is published, every AWS request counted
    _edit_title(event_id, "Kept, second")
    with injected_faults(monkeypatch) as counted:
        _drain(poller)

    # THEN no Query read the event's partition, a BatchGetItem read the named items, the page is new
    assert _partition_queries(counted.sent, event_id) == []
    assert [s.operation for s in counted.sent if s.operation == "BatchGetItem" and b"SESSION#static" in s.body] == [
        "BatchGetItem"
    ]
    assert "Kept, second" in _page(stack.site_bucket, f"e/{slug}/sessions/static/index.html")


def test_render_after_a_render_elsewhere_reads_the_whole_event_again(demo_site, poller, monkeypatch):
    from chalicelib.db import render_turns
    from support.aws_faults import injected_faults

    stack, slug, event_id = demo_site
    _edit_title(event_id, "Kept here")
    _drain(poller)
    # GIVEN another worker rendered the event meanwhile (the generation moved on without this process)
    render_turns.next_generation(event_id)

    _edit_title(event_id, "Read afresh")
    with injected_faults(monkeypatch) as counted:
        _drain(poller)

    assert (_partition_queries(counted.sent, event_id), "Read afresh" in _page(
        stack.site_bucket, f"e/{slug}/sessions/static/index.html")) == (["Query"], True)  # fmt: skip


def test_session_title_edit_writes_its_own_page_first_and_only_files_whose_bytes_changed(demo_site, poller, monkeypatch):
    import threading

    from chalicelib.adapters import files as s3_files

    stack, slug, event_id = demo_site
    put, started, lock = s3_files.put_public_file, [], threading.Lock()

    def recorded(**kwargs) -> None:
        with lock:
            started.append(kwargs["key"])
        put(**kwargs)

    before = _bucket_files(stack.site_bucket)
    monkeypatch.setattr(s3_files, "put_public_file", recorded)
    _edit_title(event_id, "Public first")
    _drain(poller)
    after = _bucket_files(stack.site_bucket)

    # The waves are sequential: every file of the session's own wave began before any other changed file.
    own = {f"e/{slug}/sessions/static/index.html", f"e/{slug}/sessions/static/session.ics"}
    first = started[: len(own)]
    assert (set(first), {f"e/{slug}/schedule.json", f"e/{slug}/search.json"} <= set(started[len(own) :])) == (own, True)
    assert any(k.endswith("index.html") and k not in own for k in started[len(own) :])  # a list page changed too
    # Only files whose bytes changed were written, whatever their kind (pages, feeds, calendars, sw.js).
    assert sorted(started) == sorted(k for k in after if before.get(k) != after[k])

    # A worker that keeps the event's pages writes the edited page before it even makes the feeds,
    # and still writes each changed file once.
    from chalicelib.site import render

    make_feeds = render.event_feeds

    def feeds(view):
        with lock:
            started.append("(feeds made)")
        return make_feeds(view)

    monkeypatch.setattr(render, "event_feeds", feeds)
    started.clear()
    _edit_title(event_id, "Public before the feeds")
    _drain(poller)
    again = _bucket_files(stack.site_bucket)
    early, later = started[: started.index("(feeds made)")], started[started.index("(feeds made)") + 1 :]
    page = f"e/{slug}/sessions/static/index.html"
    assert (page in early, all(k == page or k.startswith(f"e/{slug}/speakers/") for k in early)) == (True, True)
    assert sorted(early + later) == sorted(k for k in again if after.get(k) != again[k])



def test_session_title_edit_writes_its_own_page_before_any_list_page_is_made(demo_site, poller, monkeypatch):
    import threading

    from chalicelib.adapters import files as s3_files
    from chalicelib.site import render

    stack, slug, event_id = demo_site
    put, make_page, started, lock = s3_files.put_public_file, render._render_page, [], threading.Lock()

    def recorded(**kwargs) -> None:
        with lock:
            started.append(kwargs["key"])
        put(**kwargs)

    def page_made(view, template, context, shared):
        if template not in ("session.html", "speaker.html"):
            with lock:
                started.append(f"(made {template})")
        return make_page(view, template, context, shared)

    # GIVEN a worker that keeps the event's pages (it rendered the event once)
    _edit_title(event_id, "Kept before lists")
    _drain(poller)
    monkeypatch.setattr(s3_files, "put_public_file", recorded)
    monkeypatch.setattr(render, "_render_page", page_made)

    # WHEN a session's title changes (its day page changes too, and is made again)
    _edit_title(event_id, "Public before the lists")
    _drain(poller)

    # THEN its page was written before any list page was made; the day page was made and written after
    page, day_made = f"e/{slug}/sessions/static/index.html", "(made day.html)"
    assert (page in started, day_made in started) == (True, True)
    assert started.index(page) < min(i for i, k in enumerate(started) if k.startswith("(made "))
    assert "Public before the lists" in _page(stack.site_bucket, page)
