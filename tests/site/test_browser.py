"""End-to-end: the built FOSSASIA 2018 site in Debian's chromium, served over HTTP."""

import functools
import http.server
import threading

import pytest
from podium.site_folder import write_site

pytestmark = pytest.mark.e2e

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
DAY = "2018-03-25"


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):
        pass


@pytest.fixture(scope="module")
def site_dir(tmp_path_factory, site_2018):
    out_dir = tmp_path_factory.mktemp("site") / "out"
    write_site(site_2018, out_dir)
    return out_dir


@pytest.fixture
def server(site_dir):
    handler = functools.partial(_QuietHandler, directory=str(site_dir))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield httpd
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture
def page(server):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        context = browser.new_context(base_url=f"http://127.0.0.1:{server.server_port}")
        page = context.new_page()
        errors = []
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.console_errors = errors
        yield page
        browser.close()


def test_browser_schedule_day_renders(page, event_prefix):
    page.goto(f"/{event_prefix}schedule/{DAY}/")

    items = page.locator("li.s")
    assert items.count() == 97
    assert page.locator("h1").inner_text() == "Schedule: Sunday 25 March 2018"
    assert page.console_errors == []


def test_browser_search_finds_session_by_speaker(page, event_prefix, bundle_2018):
    session = next(s for s in bundle_2018.sessions if s.title == "Data Handling in Open Event Frontend with EmberJS")
    page.goto(f"/{event_prefix}schedule/")

    page.get_by_label("Search sessions").fill("Dilpreet")

    results = page.locator("#search-results li a")
    results.first.wait_for()
    assert results.all_inner_texts() == [session.title]
    assert page.console_errors == []


def test_browser_star_survives_reload(page, event_prefix):
    page.goto(f"/{event_prefix}schedule/{DAY}/")
    button = page.locator("button.star").nth(3)
    session_id = button.get_attribute("data-star")

    button.click()
    page.reload()

    again = page.locator(f'button.star[data-star="{session_id}"]')
    assert again.get_attribute("aria-pressed") == "true"
    assert page.locator('button.star[aria-pressed="true"]').count() == 1
    assert page.console_errors == []


def test_browser_schedule_reloads_offline(page, server, event_prefix):
    url = f"/{event_prefix}schedule/{DAY}/"
    page.goto(url)
    page.evaluate("async () => { await navigator.serviceWorker.ready; }")
    page.wait_for_function("() => navigator.serviceWorker.controller !== null")

    server.shutdown()
    page.context.set_offline(True)
    response = page.reload()

    assert response.from_service_worker
    assert page.locator("li.s").count() == 97
    page.goto(f"/{event_prefix}speakers/")
    assert page.locator("h1").inner_text() == "Speakers"


def test_browser_day_grid_scrolls_inside_itself_with_its_time_column_in_view(page, event_prefix):
    wide_enough = "document.scrollingElement.scrollWidth <= window.innerWidth"
    for path in (f"schedule/{DAY}/", "rooms/", "tracks/"):
        page.set_viewport_size({"width": 390, "height": 800})
        page.goto(f"/{event_prefix}{path}")
        assert page.evaluate(wide_enough), path

    # GIVEN the day's grid on a screen narrower than its rooms
    page.set_viewport_size({"width": 1100, "height": 800})
    page.goto(f"/{event_prefix}schedule/{DAY}/")
    grid = page.locator(".grid")
    assert page.evaluate(wide_enough)
    assert grid.evaluate("g => g.scrollWidth > g.clientWidth")
    # WHEN it is scrolled sideways
    grid.evaluate("g => { g.scrollLeft = g.scrollWidth; }")
    page.wait_for_function("document.querySelector('.grid').scrollLeft > 0")
    # THEN the time column is still at the grid's left edge and the page did not move
    grid_left = grid.evaluate("g => g.getBoundingClientRect().left")
    label_left = page.locator(".grid .tl").first.evaluate("l => l.getBoundingClientRect().left")
    assert abs(label_left - grid_left) <= 1
    assert page.evaluate("window.scrollX") == 0

    # a room's own page and a track's own page hold day grids of their sessions only
    page.goto(f"/{event_prefix}rooms/")
    page.locator("a", has_text="by day and time").first.click()
    room_name = page.locator("h1").inner_text()
    headers = set(page.locator(".grid .rh").all_inner_texts())
    assert headers == {room_name.split(" (floor")[0]}
    assert page.locator(".grid li.s").count() > 0
    page.goto(f"/{event_prefix}tracks/")
    page.locator("a", has_text="by day and time").first.click()
    assert page.locator(".grid li.s").count() > 0
    assert page.console_errors == []
