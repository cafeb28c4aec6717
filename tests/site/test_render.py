import dataclasses
import gzip
import html
import io
import json
import os
import re
import zipfile
from datetime import UTC, datetime
from html.parser import HTMLParser
from urllib.parse import urlsplit

import icalendar
import jsonschema
import pytest
import xmlschema
from chalicelib.public.bundle import EventBundle, Session, Speaker
from chalicelib.site.render import render_event, render_index

pytestmark = pytest.mark.unit


def _texts(files):
    """Every text file, with iCalendar lines unfolded so nothing hides across a fold, and each
    file inside a zip (the public Open Event export) as `<zip path>/<member>`."""
    for path, data in files.items():
        if path.endswith(".zip"):
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                yield from ((f"{path}/{name}", archive.read(name).decode("utf-8")) for name in archive.namelist())
            continue
        text = data.decode("utf-8")
        yield path, text.replace("\r\n ", "") if path.endswith(".ics") else text


def _spellings(text):
    ics = text.replace("\\", "\\\\").replace(",", "\\,").replace(";", "\\;")
    return {
        text,
        html.escape(text),
        html.escape(text, quote=False),
        ics,
        json.dumps(text)[1:-1],
    }


def test_render_event_public_sessions_get_pages(site_2018, event_prefix):
    pages = [p for p in site_2018 if re.fullmatch(rf"{event_prefix}sessions/\w+/index\.html", p)]

    assert len(pages) == 234


def test_render_event_hides_unpublished_session_titles(site_2018, parsed_2018):
    public = [s for s in parsed_2018.sessions if s["state"] in ("accepted", "confirmed")]
    public_text = "\n".join(s[f] for s in public for f in ("title", "subtitle", "short_abstract", "long_abstract"))
    # Titles that public sessions also contain (e.g. "Android") cannot count as leaks.
    hidden = {s["title"] for s in parsed_2018.sessions if s not in public and s["title"] not in public_text}

    leaks = [
        (path, title)
        for path, text in _texts(site_2018)
        for title in hidden
        if any(v in text for v in _spellings(title))
    ]

    assert len(hidden) > 100
    assert leaks == []


def test_render_event_has_no_private_fields(site_2018, private_mark):
    leaks = [path for path, text in _texts(site_2018) if private_mark in text or "5550 0199" in text]

    assert leaks == []


def test_render_event_drops_speakers_without_public_sessions(bundle_2018, parsed_2018):
    assert len(parsed_2018.speakers) == 341
    assert len(bundle_2018.speakers) == 215
    assert all(s.session_ids for s in bundle_2018.speakers)


def test_public_bundle_gives_a_bundle_it_made_back_as_it_is_which_cleaning_again_would_not_change(bundle_2018):
    from chalicelib.public.bundle import public_bundle

    copy = dataclasses.replace(bundle_2018)  # a bundle public_bundle did not make: cleaned again

    assert public_bundle(bundle_2018) is bundle_2018
    assert public_bundle(copy) == bundle_2018


def test_schedule_json_validates_against_c3voc_schema(site_2018, event_prefix, sample_schemas):
    schema = json.loads((sample_schemas / "c3voc-schedule.schema.json").read_text())
    document = json.loads(site_2018[event_prefix + "schedule.json"])

    jsonschema.validate(document, schema, format_checker=jsonschema.Draft7Validator.FORMAT_CHECKER)
    events = [e for day in document["schedule"]["conference"]["days"] for room in day["rooms"].values() for e in room]
    assert len(events) == 234


def test_schedule_xml_validates_against_frab_xsd(site_2018, event_prefix, sample_schemas):
    schema = xmlschema.XMLSchema(str(sample_schemas / "frab-schedule.xml.xsd"))
    document = site_2018[event_prefix + "schedule.xml"].decode()

    schema.validate(document)
    assert document.count("<event ") == 234


def test_schedule_ics_has_one_vevent_per_public_session(site_2018, event_prefix, bundle_2018):
    calendar = icalendar.Calendar.from_ical(site_2018[event_prefix + "schedule.ics"])

    vevents = calendar.walk("VEVENT")
    assert len(vevents) == len(bundle_2018.sessions) == 234
    assert {str(v["UID"]).split("@")[0] for v in vevents} == {s.id for s in bundle_2018.sessions}
    assert vevents[0]["DTSTART"].params["TZID"] == "Asia/Singapore"
    assert calendar.walk("VTIMEZONE")[0]["TZID"] == "Asia/Singapore"


def test_session_ics_parses_with_one_vevent(site_2018, event_prefix, bundle_2018):
    session = bundle_2018.sessions[0]

    calendar = icalendar.Calendar.from_ical(site_2018[f"{event_prefix}sessions/{session.id}/session.ics"])

    assert [str(v["SUMMARY"]) for v in calendar.walk("VEVENT")] == [session.title]


class _LinkCollector(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links, self.ids = [], set()

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if "id" in attributes:
            self.ids.add(attributes["id"])
        for name in ("href", "src"):
            if attributes.get(name):
                self.links.append(attributes[name])


def _target_file(path):
    return path.lstrip("/") + ("index.html" if path.endswith("/") else "")


def test_every_internal_link_resolves(site_2018):
    parsed = {}
    for path, text in _texts(site_2018):
        if path.endswith(".html"):
            parsed[path] = collector = _LinkCollector()
            collector.feed(text)
    broken = []
    for page, collector in parsed.items():
        for link in collector.links:
            parts = urlsplit(link)
            if parts.scheme or parts.netloc or link.startswith(("data:", "mailto:")):
                continue
            assert link.startswith(("/", "#")), f"{page}: relative link {link}"
            target = _target_file(parts.path) if parts.path else page
            if target not in site_2018 or (
                parts.fragment and parts.fragment not in parsed.get(target, _LinkCollector()).ids
            ):
                broken.append((page, link))

    assert len(parsed) == 495  # with the search, "my schedule" and news pages, and a page per room and track with sessions (31)
    assert broken == []


def test_no_assets_from_other_origins(site_2018):
    remote = [
        (path, src)
        for path, text in _texts(site_2018)
        if path.endswith(".html")
        for src in re.findall(r'<(?:img|script|link|iframe)[^>]+(?:src|href)="(https?:[^"]*)"', text)
    ]

    assert remote == []


def test_service_worker_precaches_existing_files(site_2018, event_prefix):
    worker = site_2018[event_prefix + "sw.js"].decode()
    urls = json.loads(re.search(r"const URLS = (\[.*?\]);", worker).group(1))

    missing = [u for u in urls if _target_file(u) not in site_2018]
    assert missing == []
    assert f"/{event_prefix}schedule/2018-03-25/" in urls


def test_service_worker_cache_changes_with_content(bundle_2018, event_prefix):
    changed = dataclasses.replace(bundle_2018, event=dataclasses.replace(bundle_2018.event, name="Renamed"))

    first = render_event(bundle_2018, base_url="http://podium.test")[event_prefix + "sw.js"]
    second = render_event(changed, base_url="http://podium.test")[event_prefix + "sw.js"]

    cache_name = re.compile(rb'const CACHE = "([^"]+)"')
    assert cache_name.search(first).group(1) != cache_name.search(second).group(1)


def test_render_event_twice_is_byte_identical(bundle_2018):
    first = render_event(bundle_2018, base_url="http://podium.test")
    second = render_event(bundle_2018, base_url="http://podium.test")

    assert first == second


def test_largest_schedule_day_fits_in_100kb_gzipped(site_2018, event_prefix):
    days = {
        p: d for p, d in site_2018.items() if re.fullmatch(rf"{event_prefix}schedule/\d{{4}}-\d\d-\d\d/index\.html", p)
    }

    largest = max(len(gzip.compress(d)) for d in days.values())

    assert sorted(days) == [f"{event_prefix}schedule/2018-03-{d}/index.html" for d in (22, 23, 24, 25)]
    assert largest <= 100 * 1024


def test_pages_have_one_h1_and_landmarks(site_2018):
    problems = [
        path
        for path, text in _texts(site_2018)
        if path.endswith(".html")
        and (text.count("<h1") != 1 or '<main id="main">' not in text or '<html lang="en">' not in text)
    ]

    assert problems == []


def test_schedule_day_shows_times_in_event_timezone(site_2018, event_prefix, bundle_2018):
    session = next(s for s in bundle_2018.sessions if s.title == "How Glints Built a Review Apps System with Rancher")

    page = site_2018[f"{event_prefix}sessions/{session.id}/index.html"].decode()

    assert '<time datetime="2018-03-25T10:30:00+08:00">Sun 25 Mar 10:30</time>' in page


XSS_ABSTRACT = (
    '<p>Hello <script>alert("x")</script><img src=x onerror="alert(1)">'
    '<a href="javascript:alert(2)">click</a><a href="https://ok.example/" onclick="alert(3)">ok</a>'
    '<span style="background:url(javascript:alert(4))">styled</span></p>'
)


def test_render_event_neutralises_script_payloads(bundle_2018, event_prefix):
    session = dataclasses.replace(
        bundle_2018.sessions[0],
        short_abstract=XSS_ABSTRACT,
        long_abstract="**bold** <script>x</script>",
    )
    bundle = dataclasses.replace(bundle_2018, sessions=(session,) + bundle_2018.sessions[1:])

    page = render_event(bundle, base_url="http://podium.test")[
        f"{event_prefix}sessions/{session.id}/index.html"
    ].decode()
    article = page[page.index("<article") : page.index("</article>")]

    assert (
        '<p>Hello <a rel="noopener">click</a><a href="https://ok.example/" rel="noopener">ok</a>styled</p>' in article
    )
    for payload in (
        "<script",
        "onerror",
        "onclick",
        "javascript:",
        'style="background',
        "<img",
    ):
        assert payload not in article


def test_render_event_escapes_markup_in_titles(bundle_2018, event_prefix):
    session = dataclasses.replace(bundle_2018.sessions[0], title='<img src=x onerror="alert(1)">Talk')
    bundle = dataclasses.replace(bundle_2018, sessions=(session,) + bundle_2018.sessions[1:])

    files = render_event(bundle, base_url="http://podium.test")

    pages = [text for path, text in _texts(files) if path.endswith(".html")]
    assert all("<img src=x" not in text for text in pages)
    assert sum("&lt;img src=x onerror=&#34;alert(1)&#34;&gt;Talk" in text for text in pages) > 1


def test_render_event_minimal_bundle_without_sessions():
    from chalicelib.public.bundle import Event

    start = datetime(2030, 5, 1, 8, tzinfo=UTC)
    event = Event(
        id="e1",
        slug="tiny-2030",
        name="Tiny",
        starts_at=start,
        ends_at=start,
        timezone="Europe/Berlin",
    )
    bundle = EventBundle(
        event=event,
        speakers=(Speaker(id="s1", name="Nobody"),),
        sessions=(Session(id="x", title="Draft", starts_at=None, ends_at=None, state="draft"),),
    )

    files = render_event(bundle, base_url="http://podium.test")

    assert "e/tiny-2030/index.html" in files
    assert not any("Draft" in text for _, text in _texts(files))


def test_render_index_splits_upcoming_and_past(bundle_2018):
    upcoming = dataclasses.replace(
        bundle_2018.event,
        slug="future-2031",
        name="Future Summit",
        starts_at=datetime(2031, 1, 1, tzinfo=UTC),
        ends_at=datetime(2031, 1, 2, tzinfo=UTC),
    )
    draft = dataclasses.replace(upcoming, slug="secret-2031", name="Secret Summit", published=False)

    files = render_index(
        [bundle_2018.event, upcoming, draft],
        base_url="http://podium.test",
        now=datetime(2026, 1, 1, tzinfo=UTC),
    )
    index = files["index.html"].decode()

    assert index.index("Future Summit") < index.index("Past events") < index.index("FOSSASIA Summit")
    assert "Secret Summit" not in index and "secret-2031" not in files["sitemap.xml"].decode()
    assert sorted(files) == [
        "404.html",
        "assets/favicon.svg",
        "assets/podium.css",
        "assets/podium.js",
        "assets/qrcode.js",
        "assets/visitor.js",
        "index.html",
        "robots.txt",
        "sitemap-home.xml",
        "sitemap.xml",
        "sw.js",
    ]


def _forget_rendered_pieces() -> None:
    from chalicelib.site import feeds, render

    render.ITEM_PAGES.clear()
    render.EVENT_CHROME.clear()
    feeds.VEVENTS.clear()


@pytest.mark.parametrize(
    "change",
    ["session title", "speaker name", "event timezone", "event name", "session time"],
)
def test_render_event_from_remembered_pieces_equals_a_fresh_render(bundle_2018, change):
    # GIVEN every page and calendar entry of the event remembered from a first render
    render_event(bundle_2018, base_url="http://podium.test")
    session, speaker, event = bundle_2018.sessions[0], bundle_2018.speakers[0], bundle_2018.event
    later = dataclasses.replace(
        session, starts_at=session.starts_at.replace(hour=3), ends_at=session.ends_at.replace(hour=4)
    )
    changed = {
        "session title": dataclasses.replace(bundle_2018, sessions=(dataclasses.replace(session, title="New title"), *bundle_2018.sessions[1:])),
        "speaker name": dataclasses.replace(bundle_2018, speakers=(dataclasses.replace(speaker, name="New Name"), *bundle_2018.speakers[1:])),
        "event timezone": dataclasses.replace(bundle_2018, event=dataclasses.replace(event, timezone="Europe/Berlin")),
        "event name": dataclasses.replace(bundle_2018, event=dataclasses.replace(event, name="Renamed Summit")),
        "session time": dataclasses.replace(bundle_2018, sessions=(later, *bundle_2018.sessions[1:])),
    }[change]  # fmt: skip

    # WHEN the changed event renders with those pieces remembered, and again with none
    remembered = render_event(changed, base_url="http://podium.test")
    _forget_rendered_pieces()
    fresh = render_event(changed, base_url="http://podium.test")

    # THEN both are byte-identical
    assert [path for path in fresh if remembered.get(path) != fresh[path]] == []
    assert remembered.keys() == fresh.keys()


def test_remembered_pieces_follow_an_edit_as_a_fresh_render_does(bundle_2018, event_prefix):
    from chalicelib.formats import frab
    from chalicelib.site import feeds, render

    render_event(bundle_2018, base_url="http://podium.test")  # every piece remembered
    session = next(s for s in bundle_2018.sessions if s.state == "accepted" and s.starts_at)
    edited = dataclasses.replace(session, title="Retitled <&> talk", short_abstract="New <b>abstract</b>")
    changed = dataclasses.replace(
        bundle_2018, sessions=tuple(edited if s is session else s for s in bundle_2018.sessions)
    )

    warm = render_event(changed, base_url="http://podium.test")
    for memo in (render.ITEM_PAGES, feeds.VEVENTS, frab.FRAB_EVENTS):
        memo.clear()
    cold = render_event(changed, base_url="http://podium.test")

    assert warm == cold
    assert b"Retitled &lt;&amp;&gt; talk" in warm[event_prefix + "schedule.xml"]


def test_render_survives_its_template_cache_folder_removed():
    # A temp-folder cleaner may remove the compiled templates under a running process: the
    # cache only saves time, so pages still render (compiled afresh) and nothing is raised.
    import shutil

    from chalicelib.site import render

    environment = render._environment()
    shutil.rmtree(environment.bytecode_cache.directory, ignore_errors=True)
    environment.cache.clear()

    files = render_index([], base_url="http://podium.test", now=datetime(2026, 1, 1, tzinfo=UTC))

    assert b"<html" in files["404.html"]


def test_templates_held_reads_no_template_file_before_a_page(monkeypatch):
    from chalicelib.site import render

    now = datetime(2026, 1, 1, tzinfo=UTC)
    render_index([], base_url="http://podium.test", now=now)  # compiled and cached
    looked_at: list[str] = []
    getmtime = os.path.getmtime
    monkeypatch.setattr(os.path, "getmtime", lambda path: looked_at.append(path) or getmtime(path))

    with render.templates_held():
        held = render_index([], base_url="http://podium.test", now=now)
    looked_at_held = list(looked_at)
    again = render_index([], base_url="http://podium.test", now=now)

    assert (looked_at_held, held) == ([], again)
    assert looked_at  # after the block, a changed template is seen again


def _view_state(view) -> dict:
    """Everything an event view holds, its maps as ordered lists (their order is the pages' order)."""
    return {k: list(v.items()) if isinstance(v, dict) else v for k, v in vars(view).items() if k != "event_pickle"}


def _edited(bundle, change: str):
    public = [s for s in bundle.sessions if s.state == "accepted" and s.starts_at and s.room_id and s.speaker_ids]
    first, second = public[0], public[-1]
    hidden = next(s for s in bundle.sessions if s.state == "pending")
    other_room = next(r.id for r in bundle.rooms if r.id != first.room_id)
    speaker = next(sp for sp in bundle.speakers if sp.id in first.speaker_ids)
    renamed = dataclasses.replace(speaker, name="Zz " + speaker.name)  # moves to the end of the speakers list
    edits = {
        "title": {first.id: dataclasses.replace(first, title="Zz last in its slot <&>")},
        "time": {first.id: dataclasses.replace(first, starts_at=second.starts_at, ends_at=second.ends_at)},
        "room and track": {first.id: dataclasses.replace(first, room_id=other_room, track_id=second.track_id)},
        "two sessions": {first.id: dataclasses.replace(first, title="A"), second.id: dataclasses.replace(second, title="B")},
        "hidden session": {hidden.id: dataclasses.replace(hidden, title="Still hidden")},
        "speaker name": {speaker.id: renamed},
        "speaker and its session": {speaker.id: renamed, first.id: dataclasses.replace(first, title="Renamed too")},
        "state": {first.id: dataclasses.replace(first, state="withdrawn")},
        "speakers": {first.id: dataclasses.replace(first, speaker_ids=first.speaker_ids[1:])},
        "speaker's sessions": {speaker.id: dataclasses.replace(speaker, session_ids=speaker.session_ids[1:])},
    }[change]  # fmt: skip
    return dataclasses.replace(
        bundle,
        sessions=tuple(edits.get(s.id, s) for s in bundle.sessions),
        speakers=tuple(edits.get(sp.id, sp) for sp in bundle.speakers),
    )


@pytest.mark.parametrize(
    ("change", "patched"),
    [("title", True), ("time", True), ("room and track", True), ("two sessions", True), ("hidden session", True),
     ("speaker name", True), ("speaker and its session", True), ("state", False), ("speakers", False),
     ("speaker's sessions", False)],
)  # fmt: skip
def test_event_view_after_a_session_or_speaker_edit_equals_a_fresh_view(bundle_2018, change, patched):
    from chalicelib.public.bundle import patched_public_bundle, public_bundle
    from chalicelib.public.memo import remembering_nothing
    from chalicelib.site.render import event_view

    # GIVEN the event (with a proposal visitors do not see) viewed once in this process (its last view)
    proposal = dataclasses.replace(bundle_2018.sessions[0], id="proposal", state="pending")
    bundle = dataclasses.replace(bundle_2018, sessions=(*bundle_2018.sessions, proposal))
    event_view(bundle, base_url="http://podium.test")
    edited = _edited(bundle, change)

    # WHEN the edited event is viewed (patching the last view when only sessions' and speakers' own fields changed)
    after_edit = event_view(edited, base_url="http://podium.test")
    with remembering_nothing():
        fresh = event_view(edited, base_url="http://podium.test")

    # THEN it holds exactly what a view made afresh holds, whichever way it was made
    assert (patched_public_bundle(bundle, public_bundle(bundle), edited) is not None) == patched
    assert _view_state(after_edit) == _view_state(fresh)


def test_event_chrome_is_made_once_per_page_kind_and_edited_with_its_template(bundle_2018, event_prefix, monkeypatch):
    import jinja2
    from chalicelib.public.memo import remembering_nothing
    from chalicelib.site import render

    # GIVEN an event rendered as build_site.py does (no page remembered from other tests' renders):
    # its header made once per page kind, its footer once
    render.EVENT_CHROME.clear()
    with remembering_nothing():
        before = render_event(bundle_2018, base_url="http://podium.test")
    root = "/" + event_prefix
    made = {slot for slot in render.EVENT_CHROME._pieces if slot[1] == root}
    kinds = {"home", "schedule", "speakers", "tracks", "rooms", "sponsors", "search", "my", "news"}
    assert made == {("header", root, kind) for kind in kinds} | {("footer", root, "")}

    # WHEN event_chrome.html is edited (a loader serving the new text, the templates' version moved on)
    environment = render._environment()
    source = environment.loader.get_source(environment, "event_chrome.html")[0]
    edited = source.replace("Search sessions", "Search the programme")
    edited_loader = jinja2.ChoiceLoader([jinja2.DictLoader({"event_chrome.html": edited}), environment.loader])
    monkeypatch.setattr(environment, "loader", edited_loader)
    monkeypatch.setattr(environment, "cache", {})  # the compiled templates of the unedited files come back after
    monkeypatch.setattr(render, "_templates_version", lambda: ("edited",))
    with remembering_nothing():
        after = render_event(bundle_2018, base_url="http://podium.test")

    # THEN every page shows the edited header, and nothing else changed on it
    page = event_prefix + "speakers/index.html"
    assert b"Search sessions" in before[page]
    assert after[page] == before[page].replace(b"Search sessions", b"Search the programme")


def test_grid_box_is_made_once_per_session_for_all_its_grids(bundle_2018, event_prefix, monkeypatch):
    from chalicelib.public.memo import remembering_nothing
    from chalicelib.site import render

    # GIVEN the macros' module counting the boxes it makes, and no box remembered
    macros = render._environment().get_template("macros.html").module
    made: list[str] = []
    grid_box = macros.grid_box
    monkeypatch.setattr(macros, "grid_box", lambda s: made.append(s.session.id) or grid_box(s))
    render.SESSION_PIECES.clear()

    # WHEN the event is rendered as build_site.py does (its day, room and track grids)
    with remembering_nothing():
        files = render_event(bundle_2018, base_url="http://podium.test")

    # THEN each session's box was made once, yet shows in several grids
    assert len(made) == len(set(made))
    session_id = made[0]
    grids = [p for p, data in files.items() if p.endswith(".html") and f'/sessions/{session_id}/"'.encode() in data
             and b'class="grid"' in data]
    assert len(grids) >= 2
