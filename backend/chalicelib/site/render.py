"""The one renderer of the public site: bundles in, {relative path: bytes} out.

Output is deterministic: the same bundle gives byte-identical files (no clocks;
`render_index` takes `now` from its caller).
"""

from __future__ import annotations

import contextlib
import functools
import gzip
import hashlib
import itertools
import os
import pickle
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import jinja2
from jinja2 import Environment, FileSystemBytecodeCache, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from chalicelib import values
from chalicelib.public.bundle import Event, EventBundle, patched_public_bundle, public_bundle
from chalicelib.public.memo import KeptDigests, Latest, Memo, SameChunks, SameInputs
from chalicelib.public.richtext import sanitize
from chalicelib.public.safe_values import safe_record
from chalicelib.public.view import EventView, SessionView
from chalicelib.settings import settings

from . import feeds, public_export
from .grid import day_grid, day_grids
from .share import share_card

PACKAGE_DIR = Path(__file__).resolve().parent
# In the Lambda package templates sit beside chalicelib; in the repo at its root.
TEMPLATE_DIRS = (PACKAGE_DIR.parent / "templates", PACKAGE_DIR.parents[2] / "templates")
ASSET_DIRS = (
    PACKAGE_DIR.parent / "site_assets",
    PACKAGE_DIR.parents[2] / "site" / "assets",
)
# qrcode.js: Kazuhiko Arase's QR code generator (MIT, its licence in its header), for share links.
ASSET_NAMES = ("podium.css", "podium.js", "favicon.svg", "visitor.js", "qrcode.js")
# Files the service worker caches up front (pages, the JSON feeds, the Open Event export zip).
OFFLINE_SUFFIXES = (".html", ".json", ".zip")


def _first_existing(candidates: Sequence[Path], env_name: str) -> Path:
    override = os.environ.get(env_name)
    for candidate in ([Path(override)] if override else []) + list(candidates):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"none of {candidates} exists (set {env_name})")


# Options that change the compiled code of a template; the bytecode cache is keyed by them too.
COMPILE_OPTIONS = {"trim_blocks": True, "lstrip_blocks": True}
AUTOESCAPED = ("html",)


@functools.cache
def _environment():

    env = Environment(
        loader=FileSystemLoader(_first_existing(TEMPLATE_DIRS, "PODIUM_TEMPLATES_DIR")),
        autoescape=select_autoescape(list(AUTOESCAPED)),
        undefined=StrictUndefined,
        bytecode_cache=_compiled_templates(),
        **COMPILE_OPTIONS,
    )
    # Markup only wraps what nh3 has already sanitized to the allowlist.
    env.filters["rich"] = lambda text: Markup(sanitize(text or ""))  # noqa: S704
    env.filters["hm"] = lambda moment: moment.strftime("%H:%M") if moment else ""
    env.filters["longdate"] = lambda moment: f"{moment:%A} {moment.day} {moment:%B %Y}" if moment else ""
    env.filters["shortdate"] = lambda moment: f"{moment:%a} {moment.day} {moment:%b}" if moment else ""
    env.filters["utc"] = lambda moment: moment.strftime("%Y-%m-%dT%H:%M:%SZ") if moment else ""
    env.filters["in_tz"] = lambda moment, tz_name: moment.astimezone(ZoneInfo(tz_name))
    env.tests["hosted"] = _is_hosted
    # Links go out only when chalicelib/values.py calls them safe (http/https), whatever was stored.
    env.tests["safe_url"] = lambda url: values.safe_url(url) is not None
    env.globals["session_piece"] = _session_piece
    env.globals["event_chrome"] = _event_chrome
    env.globals["share_card"] = share_card
    env.globals["change_line"] = feeds.change_line
    env.globals["day_grids"] = day_grids
    return env


@contextlib.contextmanager
def templates_held() -> Iterator[None]:
    """Within the block templates are not looked at for changes before each use, for a process
    that builds once and exits (Jinja otherwise stats every template a page uses, per page: 30,000
    calls, a tenth of the pages' time at 8 times FOSSASIA's size). Single-threaded callers only."""
    environment = _environment()
    environment.auto_reload = False
    try:
        yield
    finally:
        environment.auto_reload = True


def _compiled_templates():
    """Compiled templates kept across processes (a build compiles none it has compiled before).

    Jinja keys them by template name and source; the options that shape the compiled code are
    added to the key, so changing one never serves code compiled under the old ones."""
    options = repr((jinja2.__version__, sorted(COMPILE_OPTIONS.items()), AUTOESCAPED)).encode()

    class CompiledTemplates(FileSystemBytecodeCache):
        def get_cache_key(self, name: str, filename: str | None = None) -> str:
            return hashlib.sha1(super().get_cache_key(name, filename).encode() + options).hexdigest()  # noqa: S324

        # The cache only saves time: a folder removed or full under a running process costs a compile.
        def load_bytecode(self, bucket: Any) -> None:
            with contextlib.suppress(OSError):
                super().load_bytecode(bucket)

        def dump_bytecode(self, bucket: Any) -> None:
            with contextlib.suppress(OSError):
                super().dump_bytecode(bucket)

    try:
        return CompiledTemplates()  # a private folder under the temp dir, as Jinja makes it
    except RuntimeError:  # no usable temp folder: compile in every process
        return None


def _is_hosted(url: str) -> bool:
    """Images are shown only from the site itself or Podium's uploads, never hotlinked."""
    return url.startswith("/") or url.startswith(settings().uploads_base_url)


@functools.cache
def asset_files() -> dict[str, bytes]:
    """Public CSS/JS shared by every event, under `assets/`."""
    folder = _first_existing(ASSET_DIRS, "PODIUM_ASSETS_DIR")
    return {f"assets/{name}": (folder / name).read_bytes() for name in ASSET_NAMES}


def _render(template: str, **context: Any) -> bytes:
    return _environment().get_template(template).render(**context).encode()


# A session's row in list pages and its box in day grids (macros.html), as last made: given back
# while the session's view (and its place in the grid) are the same, so a day or track page
# after an edit joins kept rows and renders only the edited session's. Forgotten whenever a
# template file changes (`_templates_current`).
SESSION_PIECES: SameInputs[Any] = SameInputs(65536, reused_within_a_build=True)
_pieces_made_with: list[tuple] = []


def _session_piece(macro: str, session: SessionView, *place: int) -> Any:
    """The `macro` of macros.html for `session` (and its grid `place`), made from those alone."""
    return SESSION_PIECES.get(
        (macro, session.url),
        (session, *place),
        lambda: getattr(_environment().get_template("macros.html").module, macro)(session, *place),
    )


# An event's page header and footer (event_chrome.html), by event folder and page kind: the same
# for every page of a kind while the event record is the same object (a quarter of a page's
# template work when made per page). Forgotten with the session pieces when a template changes.
EVENT_CHROME: SameInputs[Any] = SameInputs(4096, reused_within_a_build=True)


def _event_chrome(macro: str, event: Event, root: str, page: str) -> Any:
    """The `macro` of event_chrome.html for this event and page kind, made from those alone."""
    return EVENT_CHROME.get(
        (macro, root, page),
        (event,),
        lambda: getattr(_environment().get_template("event_chrome.html").module, macro)(event, root, page),
    )


def _templates_current() -> tuple:
    """The templates' version, forgetting the session pieces and page chrome made from other versions."""
    version = _templates_version()
    if _pieces_made_with != [version]:
        SESSION_PIECES.clear()
        EVENT_CHROME.clear()
        _pieces_made_with[:] = [version]
    return version


@dataclass(frozen=True)
class ItemScope:
    """All a session's or speaker's page may read of the event view (`v`). Such a page is then
    made from its own item, the event and this alone, so it can be remembered (memo.py)."""

    root: str
    base_url: str  # share cards give each page's absolute URL (site/share.py)


ITEM_PAGES = Memo(4096)  # about 8 KB a page


def _templates_version() -> tuple[tuple[str, int], ...]:
    """Changes whenever a template file does (a page remembered across the edit is stale)."""
    folder = _first_existing(TEMPLATE_DIRS, "PODIUM_TEMPLATES_DIR")
    return tuple(sorted((p.name, p.stat().st_mtime_ns) for p in folder.iterdir() if p.is_file()))


def _render_page(view: EventView, template: str, context: dict[str, Any], shared: tuple) -> bytes:
    """`shared`: what every item page is also made from (templates, settings, the event)."""
    if not isinstance(context.get("v"), ItemScope):
        return _render(template, v=view, event=view.event, **context)
    return ITEM_PAGES.get(
        (template, shared, sorted(context.items())), lambda: _render(template, event=view.event, **context)
    )


def _item_page_inputs(view: EventView) -> tuple:
    """The inputs all item pages share, the event pickled once (not once per page)."""
    return (_templates_version(), settings().uploads_base_url, pickle.dumps(view.event, protocol=5))


def _event_pages(view: EventView) -> Iterator[tuple[str, str, dict[str, Any]]]:
    """(path inside the event folder, template, context) for every list page (`_item_pages`:
    each session's and speaker's)."""
    yield "index.html", "event.html", {"page": "home"}
    yield "schedule/index.html", "schedule.html", {"page": "schedule"}
    for day in view.days:
        # The grid is placed only when the page is made again (`event_pages`): it reads the day alone.
        yield f"schedule/{day.iso}/index.html", "day.html", {"page": "schedule", "day": day}
    yield "speakers/index.html", "speakers.html", {"page": "speakers"}
    yield "tracks/index.html", "tracks.html", {"page": "tracks"}
    yield "rooms/index.html", "rooms.html", {"page": "rooms"}
    yield "sponsors/index.html", "sponsors.html", {"page": "sponsors"}
    # Made in the browser from search.json and the visitor's stars (visitor.js): they read the event alone.
    yield "search/index.html", "search.html", {"page": "search"}
    yield "my/index.html", "my.html", {"page": "my"}
    yield "news/index.html", "news.html", {"page": "news"}
    # A day grid per room and per track: the schedule filtered to one of them.
    for room in view.rooms_in_order():
        if view.sessions_by_room.get(room.id):
            yield f"rooms/{room.id}/index.html", "room.html", {"page": "rooms", "room": room}
    for track in view.tracks_in_order():
        if view.sessions_by_track.get(track.id):
            yield f"tracks/{track.id}/index.html", "track.html", {"page": "tracks", "track": track}
    if view.bundle.releases:  # no page before the first release
        yield "changelog/index.html", "changelog.html", {"page": "schedule"}


def _item_pages(view: EventView) -> Iterator[tuple[str, Sequence[Any], Callable[[Any], tuple[str, dict[str, Any]]]]]:
    """(template, items, item → (path, context)) of the pages each session and speaker has; their
    context's own `v` (an ItemScope) replaces the event view."""
    scope = ItemScope(view.root, view.base_url)
    yield "session.html", view.sessions, lambda s: (
        f"sessions/{s.session.id}/index.html", {"page": "schedule", "s": s, "v": scope}
    )
    yield "speaker.html", view.speakers, lambda sp: (
        f"speakers/{sp.speaker.id}/index.html", {"page": "speakers", "sp": sp, "v": scope}
    )


# Each event's last view made in this process with the bundle it was made from, so the render
# after an edit patches it in proportion to the edit instead of viewing every record again.
LAST_VIEWS: Latest[tuple[EventBundle, EventBundle, EventView]] = Latest(8)


def event_view(bundle: EventBundle, *, base_url: str) -> EventView:
    """The public view of one event that every piece of its site is rendered from."""
    last = LAST_VIEWS.get(bundle.event.id)
    patch = None
    if last is not None and last[2].base_url == base_url.rstrip("/"):
        patch = patched_public_bundle(last[0], last[1], bundle)
    view = last[2].patched(*patch) if last is not None and patch is not None else EventView(public_bundle(bundle), base_url)
    LAST_VIEWS.put(bundle.event.id, (bundle, view.bundle, view))
    return view


# Every page as last made, by path: given back while everything the page reads is the same.
PAGES: SameInputs[bytes] = SameInputs(65536)
PAGES_MADE_WITH: SameInputs[tuple] = SameInputs(1024)
ITEM_PAGE_RUNS: SameChunks[tuple[str, bytes]] = SameChunks(4096)


def event_pages(
    view: EventView,
    *,
    picked: Callable[[int], bool] | None = None,
    items_made: Callable[[dict[str, bytes], set[str]], None] | None = None,
) -> dict[str, bytes]:
    """The event's HTML pages, paths relative to the site root. With `picked`, only the pages
    whose place in the event's list of pages it picks (two processes make a part each).
    `items_made` is called with the session and speaker pages and the path of every page, before
    the list pages are made (a day or track page at FOSDEM's size costs more than the edited item's)."""
    prefix = f"e/{view.event.slug}/"
    places = itertools.count()
    shared: list[tuple] = []  # pickled once, and only when an item page is made again

    def make(template: str, context: dict[str, Any]) -> bytes:
        if not shared:
            shared.append(_item_page_inputs(view))
        return _render_page(view, template, context, shared[0])

    made_with = (_templates_current(), settings().uploads_base_url, view.base_url, view.event_pickle)
    # The same tuple as last render's while equal: each page then compares it by identity alone.
    common = PAGES_MADE_WITH.get(prefix, made_with, lambda: made_with)

    def page(path: str, template: str, context: dict[str, Any]) -> bytes:
        return PAGES.get(
            prefix + path,
            (*common, template, *_page_reads(view, template, context)),
            lambda: make(template, context | {"grid": day_grid(context["day"])} if "day" in context else context),
        )

    listed = [entry for entry in _event_pages(view) if picked is None or picked(next(places))]
    item_pages: dict[str, bytes] = {}
    for template, all_items, path_and_context in _item_pages(view):
        items = all_items if picked is None else [item for item in all_items if picked(next(places))]

        def item_page(item: Any, template: str = template, path_and_context=path_and_context) -> tuple[str, bytes]:
            path, context = path_and_context(item)
            return prefix + path, page(path, template, context)

        # Runs of unchanged sessions or speakers are given back whole: only a changed one's run asks per page.
        slot = (prefix, template) if picked is None else (prefix, template, picked)
        item_pages.update(ITEM_PAGE_RUNS.map(slot, (common, view.root), items, item_page))
    if items_made is not None:
        items_made(item_pages, {prefix + path for path, _, _ in listed} | item_pages.keys())
    pages = {prefix + path: page(path, template, context) for path, template, context in listed}
    pages.update(item_pages)  # in the order they always had: list pages, then item pages
    return pages


def _page_reads(view: EventView, template: str, context: dict[str, Any]) -> tuple:
    """All of the view a page is made from besides the event: a page whose reads are the same
    objects as last time is the same bytes. A template that reads more must say so here."""
    if isinstance(context.get("v"), ItemScope):  # session and speaker pages: their own view alone
        # The keys are the template's (an input too), so the values alone say what the page read.
        return tuple((x.root, x.base_url) if isinstance(x, ItemScope) else x for _, x in sorted(context.items()))
    days = tuple(d.iso for d in view.days)
    if template == "day.html":
        day = context["day"]
        return (days, day.iso, day.index, day.sessions, *day.breaks)
    reads = {
        "event.html": lambda: (view.bundle.posts, view.bundle.sponsors),
        "schedule.html": lambda: (
            days, tuple(len(d.sessions) for d in view.days), view.unscheduled, bool(view.bundle.releases),
            view.bundle.schedule_version,
        ),
        # A change links to its talk only while the talk is public (one rejected since has no page).
        "changelog.html": lambda: (view.bundle.releases, tuple(
            c.session_id in view.sessions_by_id for r in view.bundle.releases for c in r.changes)),
        "room.html": lambda: (context["room"], view.sessions_by_room.get(context["room"].id, ()), *view.breaks),
        "track.html": lambda: (context["track"], view.sessions_by_track.get(context["track"].id, ()), *view.breaks),
        "speakers.html": lambda: tuple(sp.speaker for sp in view.speakers),
        "tracks.html": lambda: tuple((t, view.sessions_by_track.get(t.id, ())) for t in view.tracks_in_order()),
        "rooms.html": lambda: tuple((r, len(view.sessions_by_room.get(r.id, ()))) for r in view.rooms_in_order()),
        "sponsors.html": lambda: (view.bundle.sponsors,),
        "search.html": lambda: (),
        "my.html": lambda: (),
        "news.html": lambda: (view.bundle.posts,),
    }
    return (tuple(sorted((k, x) for k, x in context.items() if isinstance(x, str))), *reads[template]())


def event_feeds(view: EventView) -> dict[str, bytes]:
    """The event's schedule feeds, search index, calendars and public Open Event export, paths
    relative to the site root."""
    prefix = f"e/{view.event.slug}/"
    files = {
        prefix + "schedule.json": feeds.schedule_json(view),
        prefix + "schedule.xml": feeds.schedule_xml(view),
        prefix + "search.json": feeds.search_index(view),
        prefix + "news.atom": feeds.news_atom(view),
        prefix + public_export.FILE_NAME: public_export.public_export_zip(view),
    }
    files.update({prefix + path: data for path, data in feeds.calendars(view).items()})
    if view.bundle.releases:
        files[prefix + "changelog.atom"] = feeds.changelog_atom(view)
    return files


def event_finish(view: EventView, digests: dict[str, bytes]) -> dict[str, bytes]:
    """`sitemap.xml` and `sw.js`, made from the paths and SHA-256 digests of every other file."""
    prefix = f"e/{view.event.slug}/"
    # "My schedule" is the visitor's own (noindex): no search engine is pointed at it.
    listed = [p for p in digests if p.endswith("index.html") and p != prefix + "my/index.html"]
    sitemap = {prefix + "sitemap.xml": _urlset(view.base_url, listed)}
    return sitemap | {prefix + "sw.js": _service_worker(view, digests | digests_of(sitemap))}


# A file given back unchanged is the same bytes object: its digest is not computed again.
DIGESTS: KeptDigests[bytes] = KeptDigests(lambda data: hashlib.sha256(data).digest())


def digests_of(files: dict[str, bytes]) -> dict[str, bytes]:
    return DIGESTS.of(files)


def render_event(
    bundle: EventBundle,
    *,
    base_url: str,
    pages_made: Callable[[dict[str, bytes], set[str]], None] | None = None,
) -> dict[str, bytes]:
    """Every file of one event's public site, paths relative to the site root. `pages_made` is
    called with the session and speaker pages and the path of every page, before the list pages
    and feeds are made (publishing writes an edited item's pages then)."""
    view = event_view(bundle, base_url=base_url)
    pages = event_pages(view, items_made=pages_made)
    files = pages | event_feeds(view)
    return files | event_finish(view, digests_of(files))


def _service_worker(view: EventView, digests: dict[str, bytes]) -> bytes:
    """The cache name is a hash of every file the event's site serves, so any change renews it."""
    digest = hashlib.sha256()
    for path, file_digest in sorted((digests | _asset_digests()).items()):
        digest.update(path.encode() + b"\0" + file_digest)
    offline = sorted("/" + path.removesuffix("index.html") for path in digests if path.endswith(OFFLINE_SUFFIXES))
    offline += [f"/{name}" for name in sorted(asset_files())]
    return _render(
        "sw.js", cache_name=f"podium-{view.event.slug}-{digest.hexdigest()[:16]}",
        cache_prefix=f"podium-{view.event.slug}-", scope=view.root, urls=offline,
    )  # fmt: skip


@functools.cache
def _asset_digests() -> dict[str, bytes]:
    return digests_of(asset_files())


def _urlset(base_url: str, paths: Sequence[str]) -> bytes:
    base = base_url.rstrip("/")
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">',
    ]
    lines += [f"<url><loc>{feeds.xml_escape(base + '/' + p.removesuffix('index.html'))}</loc></url>" for p in sorted(paths)]
    return ("\n".join([*lines, "</urlset>"]) + "\n").encode()


def _sitemap_index(base_url: str, events: Sequence[Event]) -> bytes:
    base = base_url.rstrip("/")
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">',
    ]
    lines += [f"<sitemap><loc>{feeds.xml_escape(f'{base}/e/{e.slug}/sitemap.xml')}</loc></sitemap>" for e in events]
    lines += [f"<sitemap><loc>{feeds.xml_escape(base)}/sitemap-home.xml</loc></sitemap>"]
    return ("\n".join([*lines, "</sitemapindex>"]) + "\n").encode()


def render_index(events: Sequence[Event], *, base_url: str, now: datetime) -> dict[str, bytes]:
    """Site-wide files: index.html, sitemap.xml, robots.txt, 404.html and assets/."""
    published = sorted((safe_record(e) for e in events if e.published), key=lambda e: (e.starts_at, e.slug))
    upcoming = [e for e in published if e.ends_at >= now]
    past = list(reversed([e for e in published if e.ends_at < now]))
    base = base_url.rstrip("/")
    files = {
        "index.html": _render("index.html", upcoming=upcoming, past=past),
        "404.html": _render("404.html"),
        "robots.txt": f"User-agent: *\nAllow: /\nSitemap: {base}/sitemap.xml\n".encode(),
        "sitemap.xml": _sitemap_index(base, published),
        "sitemap-home.xml": _urlset(base, ["index.html"]),
    }
    files |= asset_files()
    return files | {"sw.js": _site_worker(files)}


def _site_worker(files: dict[str, bytes]) -> bytes:
    """The site-wide worker (templates/sw_site.js) keeping the site root and the assets offline; its
    cache name is a hash of those files, so a changed index or asset renews it."""
    kept = ["index.html", *sorted(asset_files())]
    digest = hashlib.sha256()
    for path in kept:
        digest.update(path.encode() + b"\0" + hashlib.sha256(files[path]).digest())
    urls = ["/", *(f"/{path}" for path in kept[1:])]
    return _render("sw_site.js", cache_name=f"podium-site-{digest.hexdigest()[:16]}", urls=urls)


def render_site(bundles: Sequence[EventBundle], *, base_url: str, now: datetime) -> dict[str, bytes]:
    """Index plus every published event: the whole static site."""
    files = render_index([b.event for b in bundles], base_url=base_url, now=now)
    for bundle in bundles:
        if bundle.event.published:
            files.update(render_event(bundle, base_url=base_url))
    return files


def gzipped_size(data: bytes) -> int:
    return len(gzip.compress(data, compresslevel=9, mtime=0))
