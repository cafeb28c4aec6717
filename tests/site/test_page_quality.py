"""What Lighthouse and axe check on the public pages, checked here without Lighthouse.

The structural checks read every page of the built FOSSASIA 2018 site; the browser checks load
the four pages bench/lighthouse.py scores (event home, the biggest schedule day, a session page,
the speakers index) in chromium at Lighthouse's mobile size, served as the CDN serves them.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from podium.site_folder import write_site
from podium.site_server import SiteFolderServer
from support.axe import assert_accessible

CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"]
MOBILE = {"width": 412, "height": 823}  # Lighthouse's mobile preset (a Moto G Power)


class PageFacts(HTMLParser):
    """What a page's markup says about the checks below, gathered in one pass."""

    def __init__(self) -> None:
        super().__init__()
        self.lang = None
        self.titles: list[str] = []
        self.meta: dict[str, str] = {}
        self.h1s = 0
        self.head_scripts: list[dict] = []
        self.images: list[dict] = []
        self.in_head = self.in_title = False

    def handle_starttag(self, tag: str, attrs: list) -> None:
        found = dict(attrs)
        if tag == "html":
            self.lang = found.get("lang")
        elif tag == "head":
            self.in_head = True
        elif tag == "title":
            self.in_title = True
            self.titles.append("")
        elif tag == "meta" and "name" in found:
            self.meta[found["name"]] = found.get("content") or ""
        elif tag == "h1":
            self.h1s += 1
        elif tag == "script" and self.in_head:
            self.head_scripts.append(found)
        elif tag == "img":
            self.images.append(found)

    def handle_endtag(self, tag: str) -> None:
        if tag == "head":
            self.in_head = False
        elif tag == "title":
            self.in_title = False

    def handle_data(self, data: str) -> None:
        if self.in_title:
            self.titles[-1] += data


def facts(html: bytes) -> PageFacts:
    parsed = PageFacts()
    parsed.feed(html.decode())
    return parsed


def _pages(site: dict[str, bytes]) -> dict[str, bytes]:
    return {path: data for path, data in site.items() if path.endswith(".html")}


def scored_pages(site: dict[str, bytes], event_prefix: str) -> dict[str, str]:
    """Name → URL path of the four pages bench/lighthouse.py scores."""
    days = {p: site[p].count(b'<li class="s"') for p in site if re.fullmatch(rf"{event_prefix}schedule/[\d-]+/index.html", p)}
    biggest = max(days, key=days.get)
    session = re.search(rb'<li class="s"[^>]*>\s*<a href="([^"]+)"', site[biggest]).group(1).decode()
    return {
        "event home": f"/{event_prefix}",
        "biggest schedule day": "/" + biggest.removesuffix("index.html"),
        "session page": session,
        "speakers index": f"/{event_prefix}speakers/",
    }


def test_page_quality_every_page_has_lang_title_viewport_description_and_one_h1(site_2018):
    lacking = []
    for path, html in _pages(site_2018).items():
        page = facts(html)
        if page.lang != "en" or len(page.titles) != 1 or not page.titles[0].strip() or page.h1s != 1:
            lacking.append(f"{path}: lang {page.lang!r}, titles {page.titles}, {page.h1s} h1")
        if "width=device-width" not in page.meta.get("viewport", ""):
            lacking.append(f"{path}: no meta viewport")
        if not page.meta.get("description", "").strip():
            lacking.append(f"{path}: no meta description")

    assert lacking == []


def test_page_quality_no_page_has_a_render_blocking_script(site_2018):
    blocking = [
        f"{path}: {script}"
        for path, html in _pages(site_2018).items()
        for script in facts(html).head_scripts
        if not ({"defer", "async"} & set(script) or script.get("type") == "module") or "src" not in script
    ]

    assert blocking == []


def test_page_quality_every_image_has_width_and_height(site_2018):
    unsized = [f"{path}: {img}" for path, html in _pages(site_2018).items() for img in facts(html).images
               if not (img.get("width") and img.get("height"))]  # fmt: skip

    assert unsized == []


def test_page_quality_meta_description_of_a_session_is_its_abstract_as_text(site_2018, bundle_2018, event_prefix):
    session = next(s for s in bundle_2018.sessions if s.short_abstract and "<" in s.short_abstract and len(s.short_abstract) < 150)
    page = facts(site_2018[f"{event_prefix}sessions/{session.id}/index.html"])

    assert "<" not in page.meta["description"]
    assert page.meta["description"].split()[:3] == re.sub(r"<[^>]+>", " ", session.short_abstract).split()[:3]


# The shifts that happen while a page loads (its script's work included), with their sources.
LAYOUT_SHIFTS = """() => new Promise(done => {
    const shifts = [];
    new PerformanceObserver(list => list.getEntries().forEach(e => { if (!e.hadRecentInput) shifts.push({
        value: e.value, sources: e.sources.map(s => s.node ? s.node.nodeName + '.' + s.node.className : '?') }); })
    ).observe({type: 'layout-shift', buffered: true});
    requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(() => done(shifts))));
})"""


@pytest.mark.e2e
def test_page_quality_scored_pages_do_not_shift_and_pass_axe_in_chromium(tmp_path, site_2018, event_prefix):
    from playwright.sync_api import sync_playwright

    write_site(site_2018, tmp_path / "site")
    with SiteFolderServer(tmp_path / "site") as server, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        # bypass_csp: axe is injected as an inline script, which the pages' policy (rightly) refuses.
        context = browser.new_context(base_url=server.url, viewport=MOBILE, bypass_csp=True)
        for name, path in scored_pages(site_2018, event_prefix).items():
            page = context.new_page()
            errors = []
            page.on("pageerror", lambda error, errors=errors: errors.append(str(error)))

            page.goto(path, wait_until="load")
            shifts = page.evaluate(LAYOUT_SHIFTS)

            assert (name, shifts, errors) == (name, [], [])
            assert page.locator("form.search input").is_visible()  # what the script drives shows from the start
            assert_accessible(page, name)
            page.close()
        browser.close()
