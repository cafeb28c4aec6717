"""Issue #25 for visitors, end to end in chromium against a built FOSSASIA 2018 site (with news
posts) served over 127.0.0.1: favourites taken along as a link, a QR code and an iCalendar file;
full search with a count and filters; the site root and events index offline."""

from __future__ import annotations

import dataclasses
import functools
import http.server
import json
import re
import threading
import unicodedata
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

import pytest
from chalicelib.public.bundle import Post
from chalicelib.site.render import render_site
from icalendar import Calendar
from podium.site_folder import write_site
from support.axe import assert_accessible

pytestmark = pytest.mark.e2e

CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]  # fmt: skip
JSQR = Path(__file__).resolve().parents[2] / "tools" / "qr" / "node_modules" / "jsqr" / "dist" / "jsQR.js"
DAY = "2018-03-23"
BASE_URL = "http://podium.test"
NOW = datetime(2026, 1, 1, tzinfo=UTC)  # a fixed clock, as the other site tests
POSTS = (Post(id="welcome", title="Welcome to Singapore", body="<p>Badges at level 1.</p>",
              published_at=datetime(2018, 3, 20, 8, tzinfo=UTC)),)  # fmt: skip


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):
        pass


@pytest.fixture(scope="module")
def site_dir(tmp_path_factory, bundle_2018):
    site = render_site([dataclasses.replace(bundle_2018, posts=POSTS)], base_url=BASE_URL, now=NOW)
    out_dir = tmp_path_factory.mktemp("visitor-site") / "out"
    write_site(site, out_dir)
    return out_dir


def _serve(site_dir: Path) -> http.server.ThreadingHTTPServer:
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_QuietHandler, directory=str(site_dir)))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return httpd


@pytest.fixture(scope="module")
def site_url(site_dir):
    httpd = _serve(site_dir)
    yield f"http://127.0.0.1:{httpd.server_port}"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def open_page(browser):
    """`open_page(base_url)`: a page in a fresh context (its own storage), recording console errors."""
    contexts = []

    def open_page(base_url: str):
        context = browser.new_context(base_url=base_url, accept_downloads=True)
        context.set_default_timeout(20_000)
        contexts.append(context)
        page = context.new_page()
        page.console_errors = []
        page.on("console", lambda m: page.console_errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: page.console_errors.append(str(e)))
        return page

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture(scope="module")
def index(site_dir, event_prefix):
    return json.loads((site_dir / event_prefix / "search.json").read_text())


def _starred(page) -> set[str]:
    return set(page.evaluate("() => JSON.parse(localStorage.getItem('podium:' + document.body.dataset.slug + ':starred') || '[]')"))


def _fold(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c)).lower()


def _word_only_in_one_abstract(index: dict) -> tuple[str, dict]:
    """A word of one session's abstract found nowhere else podium.js searches (its title, other
    abstracts, any speaker's name or biography, track, room, type)."""
    names = " ".join(f"{name} {bio}" for name, bio in index["speakers"].values())
    elsewhere = _fold(" ".join([names] + [" ".join((e["title"], e["track"], e["room"], e["type"])) for e in index["sessions"]]))
    for entry in index["sessions"]:
        others = _fold(" ".join(e["abstract"] for e in index["sessions"] if e is not entry))
        for word in sorted(set(re.findall(r"[a-z]{8,}", _fold(entry["abstract"])))):
            if word not in elsewhere and word not in others:
                return word, entry
    raise AssertionError("no word of the 2018 abstracts is unique to one")


def test_favourites_travel_as_link_qr_and_calendar(open_page, site_url, event_prefix, index):
    # GIVEN a visitor who stars three sessions of one day
    page = open_page(site_url)
    page.goto(f"/{event_prefix}schedule/{DAY}/")
    for n in (0, 4, 9):
        page.locator("button.star").nth(n).click()
    chosen = _starred(page)
    by_id = {e["id"]: e for e in index["sessions"]}

    # WHEN they open "my schedule"
    page.get_by_role("link", name="My schedule").click()
    page.locator("#mine-days li").nth(2).wait_for()

    # THEN it lists exactly those, under their day, with a link, its QR code and a calendar file
    assert page.locator("#mine-count").inner_text() == "You starred 3 sessions."
    assert page.locator("#mine-days h2").all_inner_texts() == ["Friday, 23 March 2018"]
    assert sorted(page.locator("#mine-days li a").all_inner_texts()) == sorted(by_id[i]["title"] for i in chosen)
    link = page.locator("#share-link").input_value()
    assert re.fullmatch(rf"{site_url}/{event_prefix}my/#stars=[0-9a-z]+(\.[0-9a-z]+){{2}}", link)
    assert JSQR.exists(), f"{JSQR} is missing: run `make qr`"
    page.add_script_tag(path=str(JSQR))
    decoded = page.evaluate(
        """() => { const c = document.getElementById('share-qr');
                   const d = c.getContext('2d').getImageData(0, 0, c.width, c.height);
                   const found = jsQR(d.data, c.width, c.height); return found && found.data; }"""
    )
    assert decoded == link
    with page.expect_download() as download_info:
        page.locator("#mine-ics").click()
    calendar = Calendar.from_ical(Path(download_info.value.path()).read_bytes())
    events = calendar.walk("VEVENT")
    assert sorted(str(e["UID"]) for e in events) == sorted(f"{i}@{index['event']['id']}.podium" for i in chosen)
    assert sorted(str(e["SUMMARY"]) for e in events) == sorted(by_id[i]["title"] for i in chosen)
    assert all(e.decoded("DTEND") > e.decoded("DTSTART") for e in events)
    assert_accessible(page, "my schedule")
    assert page.console_errors == []

    # WHEN a crafted link is opened: nothing is offered, run or starred
    fresh = open_page(site_url)
    fresh.on("dialog", lambda dialog: fresh.console_errors.append(f"dialog: {dialog.message}"))
    fresh.goto(f"/{event_prefix}my/#stars=<img src=x onerror=alert(1)>.zzzzzzzzzz.{chr(0x1F600)}")
    fresh.locator("#mine-count").filter(has_text="no sessions").wait_for()
    assert fresh.locator("#incoming").is_hidden()
    assert _starred(fresh) == set()

    # WHEN the link is opened in a browser with no stars, and the visitor merges
    fresh.goto(link)
    fresh.locator("#incoming").wait_for()
    assert fresh.locator("#incoming-text").inner_text() == "This link carries 3 sessions."
    fresh.get_by_role("button", name="Add them to my stars").click()
    # THEN the very same set is starred there, and the address no longer carries it
    fresh.locator("#mine-days li").nth(2).wait_for()
    assert _starred(fresh) == chosen
    assert fresh.locator("#incoming").is_hidden()
    assert "#stars=" not in fresh.url
    assert fresh.locator("#share-link").input_value() == link

    # WHEN a browser with its own star opens it: merging keeps both, replacing keeps the link's alone
    other = open_page(site_url)
    other.goto(f"/{event_prefix}schedule/{DAY}/")
    own = other.locator("button.star").nth(20)
    own.click()
    own_id = own.get_attribute("data-star")
    other.goto(link)
    other.locator("#incoming").wait_for()
    assert other.locator("#incoming-list li").count() == 3
    other.get_by_role("button", name="Add them to my stars").click()
    other.locator("#mine-days li").nth(3).wait_for()
    assert _starred(other) == chosen | {own_id}
    other.goto(link)
    other.get_by_role("button", name="Replace my stars with them").click()
    other.wait_for_function("() => document.querySelectorAll('#mine-days li').length === 3")
    assert _starred(other) == chosen
    assert fresh.console_errors == other.console_errors == []


def test_search_finds_by_abstract_counts_and_filters_narrow(open_page, site_url, event_prefix, index):
    word, entry = _word_only_in_one_abstract(index)
    page = open_page(site_url)

    # A word found only in one session's abstract finds that session, and the count says so
    page.goto(f"/{event_prefix}search/?q={word}")
    page.locator("#finder-results li").first.wait_for()
    assert page.locator("#finder-count").inner_text() == f"1 session found of {len(index['sessions'])}."
    assert page.locator("#finder-results li a").all_inner_texts() == [entry["title"]]

    # No words: every session, none left out; then each filter narrows the list
    page.get_by_label("Words in a title").fill("")
    results = page.locator("#finder-results li")
    page.wait_for_function(f"() => document.querySelectorAll('#finder-results li').length === {len(index['sessions'])}")
    track, in_track = Counter(e["track"] for e in index["sessions"]).most_common(1)[0]
    page.get_by_label("Track", exact=True).select_option(track)
    page.wait_for_function(f"() => document.querySelectorAll('#finder-results li').length === {in_track}")
    assert page.locator("#finder-count").inner_text() == f"{in_track} sessions found of {len(index['sessions'])}."
    day, on_day = Counter(e["day"] for e in index["sessions"] if e["track"] == track).most_common(1)[0]
    assert 0 < on_day < in_track
    page.get_by_label("Day", exact=True).select_option(day)
    page.wait_for_function(f"() => document.querySelectorAll('#finder-results li').length === {on_day}")
    room, in_room = Counter(e["room"] for e in index["sessions"] if (e["track"], e["day"]) == (track, day)).most_common(1)[0]
    page.get_by_label("Room", exact=True).select_option(room)
    page.wait_for_function(f"() => document.querySelectorAll('#finder-results li').length === {in_room}")
    assert results.count() == in_room <= on_day
    # The address keeps the search (a bookmark or a shared link opens the same list)
    page.reload()
    page.wait_for_function(f"() => document.querySelectorAll('#finder-results li').length === {in_room}")
    assert page.get_by_label("Track", exact=True).input_value() == track
    assert page.locator("#finder-lang").is_hidden()  # no 2018 session names its language
    assert_accessible(page, "search")

    # The header box says how many it found and links to them all
    page.get_by_label("Search sessions").fill("open")
    page.locator("#search-count a").wait_for()
    found = sum(1 for e in index["sessions"] if "open" in _fold(" ".join([e["title"], e["abstract"], e["track"], e["room"], e["type"],
                *(" ".join(index["speakers"][s]) for s in e["speakers"])])))  # fmt: skip
    assert page.locator("#search-count").inner_text() == f"{found} sessions found, first 10 shown: see all {found}"
    assert page.locator("#search-results li").count() == 10
    page.locator("#search-count a").click()
    page.wait_for_function(f"() => document.querySelectorAll('#finder-results li').length === {found}")
    assert page.console_errors == []


def test_site_root_and_events_index_load_offline(open_page, site_dir, event_prefix):
    # A server of its own, so cutting it touches no other test
    httpd = _serve(site_dir)
    try:
        page = open_page(f"http://127.0.0.1:{httpd.server_port}")
        page.goto("/")
        page.wait_for_function("() => navigator.serviceWorker.controller !== null")
        page.goto(f"/{event_prefix}")
        page.wait_for_function(f"() => navigator.serviceWorker.controller && navigator.serviceWorker.controller.scriptURL.endsWith('/{event_prefix}sw.js')")
    finally:
        httpd.shutdown()
        httpd.server_close()
    page.context.set_offline(True)

    root = page.goto("/")
    assert root.from_service_worker
    assert page.locator("h1").inner_text() == "Events"
    event = page.goto(f"/{event_prefix}")
    assert event.from_service_worker
    assert page.locator("h1").inner_text() == "FOSSASIA Summit"
    page.goto(f"/{event_prefix}news/")
    assert page.locator("article h2").all_inner_texts() == ["Welcome to Singapore"]
    page.goto(f"/{event_prefix}search/?q=kubernetes")
    page.locator("#finder-results li").first.wait_for()
    assert page.locator("#finder-count").inner_text().endswith(f"found of {234}.")
    assert [e for e in page.console_errors if "ERR_INTERNET_DISCONNECTED" not in e] == []
