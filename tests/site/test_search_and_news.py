"""The visitor's search index (feeds.search_index), the news page and Atom feed (feeds.news_atom),
and the site-wide service worker (render.render_index)."""

import dataclasses
import json
import re
import xml.etree.ElementTree as ET
from datetime import UTC, datetime

import pytest
from chalicelib.public.bundle import Post
from chalicelib.public.richtext import plain_text
from chalicelib.site import feeds
from chalicelib.site.render import event_view, render_event, render_index

pytestmark = pytest.mark.unit

ATOM = "{http://www.w3.org/2005/Atom}"
NOW = datetime(2026, 1, 1, tzinfo=UTC)
POSTS = (
    Post(id="p1", title="Doors open at 9", body="<p>Bring your <b>badge</b>.</p>", published_at=datetime(2018, 3, 20, 8, tzinfo=UTC)),
    Post(
        id="p2", title="Keynote moved & <renamed>", body='<p onclick="x()">Hall 1<script>alert(1)</script></p>',
        published_at=datetime(2018, 3, 21, 9, 30, tzinfo=UTC),
    ),
)  # fmt: skip


@pytest.fixture(scope="module")
def index_2018(bundle_2018):
    return json.loads(feeds.search_index(event_view(bundle_2018, base_url="http://podium.test")))


@pytest.fixture(scope="module")
def with_posts(bundle_2018):
    return render_event(dataclasses.replace(bundle_2018, posts=POSTS), base_url="http://podium.test")


def test_search_index_holds_every_searchable_field(index_2018, bundle_2018):
    view = event_view(bundle_2018, base_url="http://podium.test")
    s = next(s for s in view.sessions if s.session.short_abstract and s.track and s.room and s.speakers)
    entry = next(e for e in index_2018["sessions"] if e["id"] == s.session.id)
    speaker = s.speakers[0]

    assert entry["title"] == s.session.title
    assert entry["abstract"] == plain_text(s.session.short_abstract)
    assert (entry["track"], entry["room"], entry["type"], entry["lang"]) == (
        s.track.name, s.room.name, s.session_type.name if s.session_type else "", s.session.language,
    )  # fmt: skip
    assert entry["day"] == s.local_start.date().isoformat()
    assert entry["speakers"] == [p.id for p in s.speakers]
    assert index_2018["speakers"][speaker.id] == [
        speaker.name, plain_text(speaker.long_biography or speaker.short_biography),
    ]  # fmt: skip
    assert index_2018["event"] == {"id": bundle_2018.event.id, "name": bundle_2018.event.name}


def test_search_index_lists_every_public_session_with_a_unique_number(index_2018, bundle_2018):
    view = event_view(bundle_2018, base_url="http://podium.test")
    numbers = [e["n"] for e in index_2018["sessions"]]

    assert [e["id"] for e in index_2018["sessions"]] == [s.session.id for s in view.sessions]
    assert len(set(numbers)) == len(numbers) == 234
    assert all(0 < n < 2**31 for n in numbers)


def test_search_index_times_are_utc_with_an_end_after_the_start(index_2018):
    timed = [e["utc"] for e in index_2018["sessions"] if e["day"]]

    assert timed and all(re.fullmatch(r"\d{8}T\d{6}Z", t) for pair in timed for t in pair)
    assert all(end > start for start, end in timed)


def test_news_atom_is_well_formed_atom_newest_first(with_posts, event_prefix):
    feed = ET.fromstring(with_posts[event_prefix + "news.atom"])
    entries = feed.findall(f"{ATOM}entry")

    assert feed.tag == f"{ATOM}feed"
    assert feed.findtext(f"{ATOM}id").startswith("urn:uuid:")
    assert feed.findtext(f"{ATOM}title") == "FOSSASIA Summit: news"
    assert feed.findtext(f"{ATOM}updated") == "2018-03-21T09:30:00Z"
    assert feed.find(f"{ATOM}author/{ATOM}name").text
    assert feed.find(f"{ATOM}link[@rel='self']").get("href") == f"http://podium.test/{event_prefix}news.atom"
    assert [e.findtext(f"{ATOM}title") for e in entries] == ["Keynote moved & <renamed>", "Doors open at 9"]
    assert [e.findtext(f"{ATOM}updated") for e in entries] == ["2018-03-21T09:30:00Z", "2018-03-20T08:00:00Z"]
    assert [e.find(f"{ATOM}link").get("href") for e in entries] == [
        f"http://podium.test/{event_prefix}news/#post-p2", f"http://podium.test/{event_prefix}news/#post-p1",
    ]  # fmt: skip
    assert len({e.findtext(f"{ATOM}id") for e in entries}) == 2
    assert entries[0].find(f"{ATOM}content").get("type") == "html"
    assert entries[0].findtext(f"{ATOM}content") == "<p>Hall 1</p>"


def test_news_atom_without_posts_is_a_valid_empty_feed(site_2018, event_prefix, bundle_2018):
    feed = ET.fromstring(site_2018[event_prefix + "news.atom"])

    assert feed.findall(f"{ATOM}entry") == []
    assert feed.findtext(f"{ATOM}updated") == bundle_2018.event.starts_at.strftime("%Y-%m-%dT%H:%M:%SZ")


def test_news_page_shows_posts_and_every_event_page_links_the_feed(with_posts, event_prefix):
    news = with_posts[event_prefix + "news/index.html"].decode()
    feed_link = f'<link rel="alternate" type="application/atom+xml" title="FOSSASIA Summit: news" href="/{event_prefix}news.atom">'
    pages = [p for p in with_posts if p.endswith("index.html")]

    assert news.index("Keynote moved &amp; &lt;renamed&gt;") < news.index("Doors open at 9")
    assert 'id="post-p1"' in news and "<script" not in news.split("</head>")[1]
    assert [p for p in pages if feed_link not in with_posts[p].decode()] == []


def test_site_worker_caches_the_site_root_and_assets(bundle_2018):
    files = render_index([bundle_2018.event], base_url="http://podium.test", now=NOW)
    worker = files["sw.js"].decode()
    urls = json.loads(re.search(r"const URLS = (\[.*?\]);", worker).group(1))

    assert urls == ["/", "/assets/favicon.svg", "/assets/podium.css", "/assets/podium.js", "/assets/qrcode.js", "/assets/visitor.js"]
    assert [u for u in urls[1:] if u.removeprefix("/") not in files] == []


def test_site_worker_cache_changes_with_the_index(bundle_2018):
    renamed = dataclasses.replace(bundle_2018.event, name="Renamed Summit")
    first = render_index([bundle_2018.event], base_url="http://podium.test", now=NOW)["sw.js"]
    second = render_index([renamed], base_url="http://podium.test", now=NOW)["sw.js"]

    cache_name = re.compile(rb'const CACHE = "([^"]+)"')
    assert cache_name.search(first).group(1) != cache_name.search(second).group(1)


def test_event_sitemap_lists_search_and_news_but_not_my_schedule(site_2018, event_prefix):
    sitemap = site_2018[event_prefix + "sitemap.xml"].decode()
    my_page = site_2018[event_prefix + "my/index.html"].decode()

    assert f"/{event_prefix}search/</loc>" in sitemap and f"/{event_prefix}news/</loc>" in sitemap
    assert f"/{event_prefix}my/</loc>" not in sitemap
    assert '<meta name="robots" content="noindex">' in my_page


def test_search_index_abstract_joins_both_unless_the_long_one_repeats_the_short():
    from chalicelib.public.bundle import Event, EventBundle, Session

    start = datetime(2030, 5, 1, 9, tzinfo=UTC)
    event = Event(id="e1", slug="abstracts", name="Abstracts", starts_at=start, ends_at=start, timezone="UTC")
    sessions = (
        Session(id="both", title="A", starts_at=start, ends_at=start, state="accepted",
                short_abstract="<p>Short <b>one</b>.</p>", long_abstract="<p>Long one.</p>"),
        Session(id="repeat", title="B", starts_at=start, ends_at=start, state="accepted",
                short_abstract="Short one.", long_abstract="<p>Short one. And more.</p>"),
        Session(id="none", title="C", starts_at=None, ends_at=None, state="accepted"),
    )  # fmt: skip

    index = json.loads(feeds.search_index(event_view(EventBundle(event=event, sessions=sessions), base_url="http://x")))

    by_id = {e["id"]: e for e in index["sessions"]}
    assert {k: (e["abstract"], e["day"], e["utc"]) for k, e in by_id.items()} == {
        "both": ("Short one. Long one.", "2030-05-01", ["20300501T090000Z", "20300501T090500Z"]),
        "repeat": ("Short one. And more.", "2030-05-01", ["20300501T090000Z", "20300501T090500Z"]),
        "none": ("", "", ["", ""]),
    }
