"""Writes rendered pages into the site bucket, touching only what changed.

Order keeps visitors safe: new pages first, then changed ones (which may link to the new
ones), deletions last, so no page ever links to one that is not there yet. Among the changed
ones, an edited item's own pages go first (`_urgency`; a render job writes them before the list
pages and feeds are even made, `_begin_with`), so the page an edit is about is public soonest.
"""

from __future__ import annotations

import hashlib
import mimetypes
import threading
from collections import OrderedDict
from collections.abc import Collection, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from chalicelib.adapters import files as s3_files
from chalicelib.clock import clock
from chalicelib.db import render_turns
from chalicelib.db.site_manifest import (
    Remembered,
    WriteLease,
    begin_writing,
    finish_writing,
    remembered_files,
    shards_of,
    start_generation,
)
from chalicelib.jobs.runner import error_summary
from chalicelib.logs import logger
from chalicelib.public.memo import KeptDigests
from chalicelib.settings import settings
from chalicelib.site import listing, render
from chalicelib.site.from_db import live_bundle, load_bundle, published_event_summaries, rendered

PUT_CONCURRENCY = 8


class RenderFailed(RuntimeError):
    """Some events could not be published; everything else was. `failed`: slug → error."""

    def __init__(self, failed: dict[str, str]) -> None:
        super().__init__("could not publish " + "; ".join(f"{slug}: {error}" for slug, error in sorted(failed.items())))
        self.failed = failed


@dataclass
class PublishReport:
    written: list[str] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)
    unchanged: int = 0
    skipped: bool = False  # a rebuild that started after the request already finished
    coalesced: bool = False  # another job was rendering the event: it was asked to render again
    failed: dict[str, str] = field(default_factory=dict)  # slug → error of events that did not publish

    def merge(self, other: PublishReport) -> PublishReport:
        return PublishReport(
            self.written + other.written,
            self.deleted + other.deleted,
            self.unchanged + other.unchanged,
            failed=self.failed | other.failed,
        )

    def summary(self) -> dict[str, object]:
        return {
            "written": len(self.written),
            "deleted": len(self.deleted),
            "unchanged": self.unchanged,
            "skipped": self.skipped,
            "coalesced": self.coalesced,
        }

    def raise_for_failures(self) -> PublishReport:
        """Raise RenderFailed when an event did not publish (a job then fails and is retried)."""
        if self.failed:
            raise RenderFailed(self.failed)
        return self


def content_type(key: str) -> str:
    guessed = mimetypes.guess_type(key)[0] or "application/octet-stream"
    if key.endswith(".ics"):
        guessed = "text/calendar"
    if guessed.startswith("text/") or guessed in ("application/javascript", "application/json", "application/xml"):
        return f"{guessed}; charset=utf-8"
    return guessed


def _existing(bucket: str, prefixes: Iterable[str]) -> dict[str, str]:
    """key → MD5 (the ETag of a single-part upload) of every object under the prefixes."""
    found: dict[str, str] = {}
    for prefix in prefixes:
        found.update(s3_files.public_file_digests(bucket=bucket, prefix=prefix))
    return found


@dataclass(frozen=True)
class _Begun:
    """A sync whose writing began before its files were all rendered (`_publish_one`): the manifest
    as read before the bucket, the lease taken before the first write, the files written so far."""

    manifest: Remembered
    lease: WriteLease
    written: dict[str, str]  # key → MD5


def sync_files(
    files: dict[str, bytes],
    *,
    owned_prefixes: Iterable[str],
    bucket: str | None = None,
    trust_remembered: bool = False,
    begun: _Begun | None = None,
) -> PublishReport:
    """Make the bucket hold exactly `files` under `owned_prefixes` ("" owns nothing by prefix).

    `trust_remembered` takes what the bucket holds from the manifest the last sync of these
    prefixes stored (db/site_manifest.py) instead of listing the bucket, when it is certain.
    `begun`: the manifest, lease and files written early by `_begin_with` (not written again).
    """
    bucket = bucket or settings().site_bucket
    prefixes = [p for p in owned_prefixes if p]
    if not prefixes:
        return _write(files, _existing_keys(bucket, files), [], bucket)
    # Read before the bucket: a writer beginning after this reading is then seen by begin_writing.
    manifest = begun.manifest if begun else remembered_files(bucket, prefixes)
    digests = MD5S.of(files)
    shards = shards_of(digests)
    known = manifest.digests if trust_remembered and manifest.digests is not None else None
    if known is not None and len(known) == shards.count:
        changed = shards.differing(known)
        if not changed:
            if begun:
                finish_writing(begun.lease, shards)
            return PublishReport(unchanged=len(files))
        existing = manifest.files_of(changed)
    else:
        changed, existing = list(range(shards.count)), None
    if existing is None:  # not remembered for certain: list the bucket, and remember every shard
        changed, existing = list(range(shards.count)), _existing(bucket, prefixes)
    # Files written early are in the bucket already (a listing made after them saw them too).
    existing = existing | begun.written if begun else existing
    # Only the changed shards' files can differ from the bucket (the others have the digests it holds).
    touched = {k: files[k] for i in changed for k in shards.files[i]}
    stale = sorted(k for k in existing if k not in files and any(k.startswith(p) for p in prefixes))
    lease = begun.lease if begun else begin_writing(
        bucket, prefixes, generation=manifest.generation, seen_version=manifest.version
    )  # fmt: skip
    try:
        report = _write(touched, existing, stale, bucket, digests)
    except BaseException:
        finish_writing(lease, None)  # the bucket is half-written: nothing is remembered
        raise
    report.unchanged += len(files) - len(touched)
    report.written = [*begun.written, *report.written] if begun else report.written
    finish_writing(lease, shards, changed=changed)
    return report


def _write(
    files: dict[str, bytes],
    existing: dict[str, str],
    stale: list[str],
    bucket: str,
    digests: dict[str, str] | None = None,
) -> PublishReport:
    """Put new and changed files in a safe order, then delete `stale`."""
    digests = digests or MD5S.of(files)
    report = PublishReport()
    new = [k for k in files if k not in existing]
    changed = [k for k in files if k in existing and existing[k] != digests[k]]
    report.unchanged = len(files) - len(new) - len(changed)

    # Writes are latency-bound, so each wave goes out in parallel; the waves keep the order
    # (new pages, then pages linking to them, then changed ones by `_urgency`).
    waves = [
        [k for k in new if not k.endswith("index.html")],
        [k for k in new if k.endswith("index.html")],
        *([k for k in changed if _urgency(k) == rank] for rank in range(URGENCY_RANKS)),
    ]
    with ThreadPoolExecutor(max_workers=PUT_CONCURRENCY) as pool:
        for wave in waves:
            report.written.extend(pool.map(lambda k: _put(bucket, k, files[k]), sorted(wave, key=_links_last)))
    s3_files.delete_public_files(bucket=bucket, keys=stale)
    report.deleted = stale
    return report


def _put(bucket: str, key: str, data: bytes) -> str:
    s3_files.put_public_file(
        bucket=bucket, key=key, data=data, content_type=content_type(key), cache_control=_cache_control(key)
    )
    return key


# The S3 ETag of a single-part upload; a file rendered unchanged is the same bytes object as last
# time, so its MD5 is not computed again.
MD5S: KeptDigests[str] = KeptDigests(lambda data: hashlib.md5(data).hexdigest())  # noqa: S324 - S3 ETag


def _existing_keys(bucket: str, files: dict[str, bytes]) -> dict[str, str]:
    found = {key: s3_files.public_file_digest(bucket=bucket, key=key) for key in files}
    return {key: digest for key, digest in found.items() if digest is not None}


# Changed files go out in this order: one item's own files (the page a visitor or organizer waits
# for after an edit), then the other pages, then feeds and the files listing every page. Every
# changed file is in the bucket already and the new ones went before, so any order of them links
# to nothing missing: the order only decides what is public first.
URGENCY_RANKS = 3
ITEM_FOLDERS = ("sessions", "speakers")


def _urgency(key: str) -> int:
    parts = key.split("/")  # e/<slug>/sessions/<id>/index.html
    if len(parts) == 5 and parts[0] == "e" and parts[2] in ITEM_FOLDERS:
        return 0
    return 1 if key.endswith(".html") else 2


def _links_last(key: str) -> tuple[int, str]:
    # Index pages link to everything below them, so within a batch they go last.
    depth = -key.count("/")
    return (1 if key.endswith("index.html") else 0, depth, key)  # type: ignore[return-value]


def _cache_control(key: str) -> str:
    if key.startswith("assets/") and not key.endswith((".html", ".json")):
        return "public, max-age=300"
    return "public, max-age=0, must-revalidate"


# sw.js: the site-wide service worker (render._site_worker).
SITE_ROOT_FILES = ["assets/", "index.html", "404.html", "robots.txt", "sitemap", "sw.js"]


# Rounds of re-rendering the index when other events' renders keep changing the list meanwhile;
# past it the last of those renders brings the index up to date.
INDEX_ROUNDS = 3


def _sync_index(current: listing.Listing, *, bucket: str, trust_remembered: bool) -> PublishReport:
    """Render the site index and sitemap from the listed events (their pages are in the bucket)
    and sync them; again while another render changed the list meanwhile."""
    report = PublishReport()
    for _ in range(INDEX_ROUNDS):
        index = render.render_index(current.events, base_url=settings().site_base_url, now=clock().now())
        report = report.merge(
            sync_files(index, owned_prefixes=SITE_ROOT_FILES, bucket=bucket, trust_remembered=trust_remembered)
        )
        now = listing.listed(bucket=bucket)
        if now.version == current.version:
            break
        current = now
    return report


def _publish_one(
    bundle,
    *,
    bucket: str,
    trust_remembered: bool = False,
    kept: _KeptPages | None = None,
    rendered_pages: dict[str, bytes] | None = None,
) -> PublishReport:
    """Render the event and sync its folder. With `kept` (the pages of the render whose items this
    one started from), the changed session and speaker pages go out as soon as they are made,
    before the list pages and feeds (`_begin_with`); `rendered_pages`, when given, receives the
    pages to keep."""
    prefix = _event_prefix(bundle.event.slug)
    begun: list[_Begun] = []
    page_paths: set[str] = set()

    def pages_made(item_pages: dict[str, bytes], paths: set[str]) -> None:
        page_paths.update(paths)
        if kept is not None and kept.prefix == prefix:
            begun.extend(filter(None, [_begin_with(item_pages, paths, kept=kept, prefix=prefix, bucket=bucket)]))

    try:
        # looked up on use: tests replace it
        files = render.render_event(bundle, base_url=settings().site_base_url, pages_made=pages_made)
        if rendered_pages is not None:
            rendered_pages.update((path, files[path]) for path in page_paths)
        return sync_files(
            files, owned_prefixes=[prefix], bucket=bucket, trust_remembered=trust_remembered, begun=next(iter(begun), None)
        )
    except BaseException:
        for started in begun:
            finish_writing(started.lease, None)  # written in part: nothing is remembered
        raise


@dataclass(frozen=True)
class _KeptPages:
    """The pages (path → the very bytes object) a finished render of this process wrote or found in the bucket."""

    prefix: str
    generation: int  # the render generation (db/render_turns.py) they are the pages of
    pages: dict[str, bytes]


# Past this many changed item pages (a rename of a room all sessions show) the early wave gains nothing.
EARLY_PAGES = 32


def _begin_with(
    item_pages: dict[str, bytes], paths: set[str], *, kept: _KeptPages, prefix: str, bucket: str
) -> _Begun | None:
    """Write the changed session and speaker pages now, before list pages and feeds are made, so the
    page an edit is about is public sooner. Only when the event has exactly the pages it had (`paths`:
    every page they link to is in the bucket already); their bytes differ from the kept ones (a
    differing object is only a page made again: at worst a PUT of the same bytes). The writer's lease
    is taken first, so a crash after this leaves the manifest uncertain and the next sync lists the bucket."""
    if kept.pages.keys() != paths:
        return None
    early = {k: data for k, data in item_pages.items() if _urgency(k) == 0 and kept.pages[k] is not data}
    if not early or len(early) > EARLY_PAGES or any(_links_a_new_calendar(k, early[k], kept.pages[k]) for k in early):
        return None
    manifest = remembered_files(bucket, [prefix])  # read before the bucket, as sync_files does
    lease = begin_writing(bucket, [prefix], generation=manifest.generation, seen_version=manifest.version)
    try:
        with ThreadPoolExecutor(max_workers=PUT_CONCURRENCY) as pool:
            list(pool.map(lambda k: _put(bucket, k, early[k]), sorted(early)))
    except BaseException:
        finish_writing(lease, None)
        raise
    return _Begun(manifest, lease, MD5S.of(early))


def _links_a_new_calendar(key: str, page: bytes, kept: bytes) -> bool:
    """Whether a session page links its calendar (sessions/<id>/session.ics, the one file besides
    pages an item page links) when the page it replaces did not: the calendar is new, not yet written."""
    link = ("/" + key.removesuffix("index.html") + "session.ics").encode()
    return link in page and link not in kept


# The pages of each event's last finished render in this process, by event id (a warm worker).
KEPT_PAGES: OrderedDict[str, _KeptPages] = OrderedDict()
KEPT_PAGES_EVENTS = 8
_kept_lock = threading.Lock()


def _kept_pages(event_id: str, *, generation: int) -> _KeptPages | None:
    with _kept_lock:
        kept = KEPT_PAGES.get(event_id)
    return kept if kept is not None and kept.generation == generation else None


def _keep_pages(event_id: str, kept: _KeptPages | None) -> None:
    with _kept_lock:
        KEPT_PAGES.pop(event_id, None)
        if kept is not None:
            KEPT_PAGES[event_id] = kept
            while len(KEPT_PAGES) > KEPT_PAGES_EVENTS:
                KEPT_PAGES.popitem(last=False)


def publish_site(*, bucket: str | None = None) -> PublishReport:
    """Render every published event and the site index from the table into the site bucket.

    An event that fails to render is logged and reported in `failed` (its earlier pages, if
    any, stay); the other events and the index are published all the same. It lists the
    bucket rather than trusting remembered manifests, so it also repairs a bucket changed by hand.
    """
    bucket = bucket or settings().site_bucket
    start_generation(bucket)
    events = published_event_summaries()
    folders, loose = _event_folders(bucket)
    report, rendered, failed, gone = PublishReport(), [], [], set()
    for event in events:
        try:
            bundle = load_bundle(event.id)  # loading is part of the event's build: it may fail alone too
            if bundle is None:
                gone.add(event.slug)  # trashed since it was listed
                continue
            report = report.merge(_publish_one(bundle, bucket=bucket))
        except Exception as err:  # one event's failure must not keep the others or the index from publishing
            logger().exception("event did not publish", extra={"event_id": event.id, "slug": event.slug})
            report.failed[event.slug] = error_summary(err)
            failed.append(event)
        else:
            rendered.append(bundle.event)
    current = _relist(rendered, failed, folders=folders, bucket=bucket)
    report = report.merge(_sync_index(current, bucket=bucket, trust_remembered=False))
    # Deletions last: no page links to an event folder by now.
    kept = {_event_prefix(e.slug) for e in events if e.slug not in gone} | {_event_prefix(e.slug) for e in current.events}
    for folder in sorted(folders - kept):
        report = report.merge(sync_files({}, owned_prefixes=[folder], bucket=bucket))
    return report.merge(_write({}, {}, loose, bucket))


def _relist(rendered: list, failed: list, *, folders: set[str], bucket: str) -> listing.Listing:
    """The listing after a full publish: the rendered events, and those that failed while pages of
    theirs from an earlier build are in the bucket (`folders`, as listed before the build)."""
    before = listing.listed(bucket=bucket)
    with_pages = [e for e in failed if _event_prefix(e.slug) in folders]
    keep = {e.id for e in failed if (before.slug_of(e.id) and _event_prefix(before.slug_of(e.id)) in folders)}
    listed_now = [*rendered, *(e for e in with_pages if e.id not in keep)]
    unlisted = [e.id for e in before.events if e.id not in {x.id for x in listed_now} | keep]
    return listing.update(listed_now=listed_now, unlisted=unlisted, bucket=bucket)


def _event_prefix(slug: str) -> str:
    return f"e/{slug}/"


def _event_folders(bucket: str) -> tuple[set[str], list[str]]:
    """The `e/<slug>/` folders in the bucket, and any object lying loose in `e/`."""
    return s3_files.public_folders(bucket=bucket, prefix="e/")


def publish_event(
    event_id: str,
    *,
    old_slug: str | None = None,
    requested_at: float = 0,
    bucket: str | None = None,
    holder: str | None = None,
    changed: Collection[str] | None = None,
) -> PublishReport:
    """Bring one event's pages and the index up to date; removes them when it is no longer public.

    A rebuild that started after `requested_at` and finished already saw the change, so this
    one is skipped. With a `holder` (the render job's id) it takes the event's turn first
    (db/render_turns.py): while another job renders the event, this one only asks it to
    render once more and returns `coalesced`, so a burst of edits costs one or two renders.
    A rebuild that raised never counts as finished and gives its turn back, so its retry renders.
    `changed`: the items (sort keys) the request's table changes touched; with them a render job
    reads only those (and the asked requests' ones) when this process kept the rest (from_db.py).
    """

    if requested_at and render_turns.finished_since(event_id, requested_at):
        return PublishReport(skipped=True)
    bucket = bucket or settings().site_bucket
    if holder is None:
        return _render_event(event_id, old_slug=old_slug, bucket=bucket)
    turn = _take_turn(event_id, holder=holder, changed=changed)
    if turn is None:
        return PublishReport(coalesced=True)
    report = PublishReport()
    try:
        while turn is not None:
            wanted = None if changed is None or turn.changed is None else {*changed, *turn.changed}
            report = report.merge(_render_event(event_id, old_slug=old_slug, bucket=bucket, turn=turn, changed=wanted))
            if render_turns.release(turn):
                break
            # Asked again while rendering: once more with the latest state (None: another took over).
            turn = render_turns.claim(event_id, holder=holder, now=clock().now().timestamp())
    except BaseException:
        render_turns.give_back(event_id, holder=holder)
        raise
    return report


# Claim/ask rounds before giving up (the job is retried): each round loses only to a holder
# that gave its turn up between this job's claim and its ask.
TURN_ROUNDS = 5


def _take_turn(event_id: str, *, holder: str, changed: Collection[str] | None) -> render_turns.Turn | None:
    """The event's turn to render, or None when the live holder was asked to render again
    (and to read the `changed` items)."""

    for _ in range(TURN_ROUNDS):
        now = clock().now().timestamp()
        turn = render_turns.claim(event_id, holder=holder, now=now)
        if turn is not None:
            return turn
        if render_turns.ask(event_id, holder=holder, now=now, changed=changed):
            return None
    raise RuntimeError(f"could not take the render turn of event {event_id} in {TURN_ROUNDS} rounds")


def _first_listing(bucket: str) -> listing.Listing:
    """The listing of a bucket that has none yet (a stage from before listings, a new bucket):
    once, the published events whose home page is in the bucket (a HEAD each)."""

    def has_pages(event) -> bool:
        return s3_files.public_file_digest(bucket=bucket, key=f"{_event_prefix(event.slug)}index.html") is not None

    events = published_event_summaries()
    with ThreadPoolExecutor(max_workers=PUT_CONCURRENCY) as pool:
        with_pages = [e for e, kept in zip(events, pool.map(has_pages, events), strict=True) if kept]
    return listing.update(listed_now=with_pages, bucket=bucket)


def _render_event(
    event_id: str,
    *,
    old_slug: str | None,
    bucket: str,
    turn: render_turns.Turn | None = None,
    changed: Collection[str] | None = None,
) -> PublishReport:
    """One render of the event and the index, marked finished once every file is written.

    Holding the event's `turn`, it reads only the `changed` items when this process kept the
    others as of the turn's render generation (from_db.live_bundle); else the whole event."""
    started_at = clock().now().timestamp()
    if turn is None:
        bundle, read_all = load_bundle(event_id), True
    else:
        bundle, read_all = live_bundle(event_id, changed=changed, generation=turn.generation)
    public_now = bundle is not None and bundle.event.published
    before = listing.listed(bucket=bucket)
    if before.version == 0:
        before = _first_listing(bucket)
    report, slug, pages = PublishReport(), bundle.event.slug if public_now else None, {}
    if public_now:
        kept = None if read_all or turn is None else _kept_pages(event_id, generation=turn.generation)
        report = _publish_one(bundle, bucket=bucket, trust_remembered=True, kept=kept, rendered_pages=pages)
        current = before if before.lists(bundle.event) else listing.update(listed_now=[bundle.event], bucket=bucket)
    else:
        current = listing.update(unlisted=[event_id], bucket=bucket) if before.slug_of(event_id) else before
    # The index reads the listing, never another event's partition or pages.
    report = report.merge(_sync_index(current, bucket=bucket, trust_remembered=True))
    # Deletions last: unpublished, trashed, purged or renamed, its old pages go once nothing links there.
    taken = {e.slug for e in current.events if e.id != event_id}  # a slug another event holds now keeps its pages
    for gone in sorted({old_slug, before.slug_of(event_id)} - {slug, None} - taken):
        report = report.merge(sync_files({}, owned_prefixes=[_event_prefix(gone)], bucket=bucket))
    if read_all:
        # Only a render that read every item has seen every change made before it started;
        # one that read the named items has not seen changes whose jobs are yet to ask.
        render_turns.record_finished(event_id, started_at)
    if turn is not None:
        generation = render_turns.next_generation(event_id)
        # Kept for the next render only when no other render finished meanwhile.
        alone = generation == turn.generation + 1
        rendered(event_id, generation=generation if alone else None)
        _keep_pages(event_id, _KeptPages(_event_prefix(slug), generation, pages) if alone and pages and slug else None)
    return report
