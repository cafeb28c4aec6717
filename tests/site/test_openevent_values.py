"""The Open Event and c3voc readers go through chalicelib/values.py: hostile values are repaired
with a warning naming file, record and field, or refused with ExportError, never anything else;
whatever they return renders, with no unsafe URL in an href."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime

import pytest
from chalicelib.formats import c3voc
from chalicelib.formats.openevent import ExportError, parse_files
from chalicelib.site.from_export import export_to_bundle
from chalicelib.site.render import render_event
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

pytestmark = pytest.mark.unit

NOW = datetime(2018, 1, 1, tzinfo=UTC)
FILES = ("event", "sessions", "speakers", "tracks", "microlocations", "session_types", "sponsors")
UNSAFE_HREF = re.compile(rb"""href=["']?\s*(?:javascript|data|vbscript|file):""", re.IGNORECASE)


def _event(**fields) -> dict:
    return {
        "id": 1, "identifier": "values-test", "name": "Values Conf", "timezone": "Asia/Singapore",
        "starts_at": "2018-03-22T09:00:00+08:00", "ends_at": "2018-03-24T18:00:00+08:00", "state": "published",
    } | fields  # fmt: skip


def _session(**fields) -> dict:
    return {
        "id": 7, "title": "Talk", "state": "accepted", "starts_at": "2018-03-22T10:00:00+08:00",
        "ends_at": "2018-03-22T11:00:00+08:00",
    } | fields  # fmt: skip


def _parse(event=None, sessions=(), sponsors=(), **files):
    raw = {"event": event or _event(), "sessions": list(sessions), "sponsors": list(sponsors), **files}
    return parse_files({name: json.dumps(value).encode() for name, value in raw.items()})


def test_session_title_with_a_line_break_and_control_characters_is_repaired_with_a_warning():
    export = _parse(sessions=[_session(title="Good talk\nsecond\u000bline\u0000 \ufffe")])

    assert export.sessions[0]["title"] == "Good talk secondline"
    assert export.warnings == (
        "sessions[0 (id 7)]: title must not hold control characters, lone surrogates or noncharacters: repaired",
    )


def test_unsafe_urls_of_tickets_sponsors_and_social_links_are_left_out_with_warnings():
    event = _event(
        ticket_url="javascript:alert(document.domain)",
        social_links=[{"name": "x", "link": "data:text/html,<script>alert(1)</script>"}, {"name": "ok", "link": "https://ok.example/"}],
    )  # fmt: skip
    export = _parse(event=event, sponsors=[{"id": 1, "name": "ACME", "url": "javascript:alert(1)"}])

    assert (export.event["ticket_url"], export.event["social_links"]) == ("", (("ok", "https://ok.example/"),))
    assert export.sponsors[0]["url"] == ""
    assert sorted(export.warnings) == [
        "event: social_links[0] is not an http(s) URL: left out",
        "event: ticket_url is not an http(s) URL: left out",
        "sponsors[0 (id 1)]: url is not an http(s) URL: left out",
    ]


def test_session_ending_before_it_starts_loses_its_end_with_a_repair():
    export = _parse(sessions=[_session(ends_at="2018-03-22T09:59:00+08:00")])

    assert (export.sessions[0]["starts_at"], export.sessions[0]["ends_at"]) == (datetime(2018, 3, 22, 2, tzinfo=UTC), None)
    assert export.warnings == ("sessions[0 (id 7)]: ends_at is before starts_at: end left out",)


def test_event_ending_before_it_starts_gets_the_two_swapped_with_a_repair():
    export = _parse(event=_event(ends_at="2018-03-21T09:00:00+08:00"))

    assert export.event["ends_at"] > export.event["starts_at"]
    assert export.warnings == ("event: ends_at is before starts_at: the two swapped",)


@pytest.mark.parametrize("latitude", [999, "999", "NaN", "1e400", -91])
def test_latitude_out_of_range_is_left_out_with_a_warning(latitude):
    export = _parse(event=_event(latitude=latitude, longitude=103.8))

    assert (export.event["latitude"], export.event["longitude"]) == (None, 103.8)
    assert export.warnings == ("event: latitude is not a number from -90 to 90: left out",)


@pytest.mark.parametrize("level", ["\u00b2", "\u0661", "-3", 1e300, "x"])
def test_sponsor_level_that_is_no_ascii_whole_number_is_left_out_with_a_warning(level):
    export = _parse(sponsors=[{"id": 1, "name": "ACME", "level": level}])

    assert export.sponsors[0]["level"] == 0
    assert export.warnings == ("sponsors[0 (id 1)]: level is not a whole number from 0 to 100: left out",)


def test_session_time_past_2100_is_left_out_with_a_warning():
    export = _parse(sessions=[_session(starts_at="9999-12-31T23:59:59-12:00", ends_at=None)])

    assert export.sessions[0]["starts_at"] is None
    assert export.warnings == ("sessions[0 (id 7)]: starts_at must fall in the years 1970 to 2100: left out",)


@pytest.mark.parametrize("raw", [b"[" * 100_000 + b"]" * 100_000, b'[{"id": 1e400}]', b"[NaN]"])
def test_deep_or_non_finite_json_file_is_left_out_with_a_repair_naming_it(raw):
    files = {"event": json.dumps(_event()).encode(), "sessions": raw}

    export = parse_files(files)

    assert [(r.file, r.record, r.field) for r in export.repairs] == [("sessions", "", "")]
    assert export.repairs[0].action.startswith("not valid JSON") and export.sessions == []


def test_deep_c3voc_schedule_is_refused_as_not_a_schedule():
    data = b'{"schedule": ' + b"[" * 50_000 + b"]" * 50_000 + b"}"

    with pytest.raises(ExportError, match="not a c3voc schedule"):
        c3voc.read_schedule(data)


# --- any value, any field: repaired or refused, and what is kept renders safely ------------------

hostile_text = st.text(
    alphabet=st.sampled_from(["a", " ", "\n", "\t", "\u000b", "\u0000", "\u001f", "\x85", "\u2028", "\ufffe",
                              "\ud800", "\U0010ffff", "<", ">", '"', "&", "é"]),
    max_size=20,
)  # fmt: skip
hostile_urls = st.sampled_from(
    ["javascript:alert(1)", " JavaScript:alert(1)", "data:text/html,<b>x</b>", "vbscript:x", "file:///etc/passwd",
     "//evil.example", "http://", "https://ok.example/a b", "https://ok.example/\u0000", "mailto:a@b.c"]
)  # fmt: skip
hostile_numbers = st.sampled_from([999, -999, 1e300, "NaN", "Infinity", "1e400", "\u00b2", "\u0661", "", True])
hostile_times = st.sampled_from(
    ["9999-12-31T23:59:59-12:00", "0001-01-01T00:00:00+14:00", "1969-12-31T23:59:59Z", "2101-01-01T00:00:00Z",
     "2018-03-22T08:00:00+08:00", "2018-03-22T10:00:00", "2018-02-30T10:00:00Z"]
)  # fmt: skip
hostile = hostile_text | hostile_urls | hostile_numbers | hostile_times

SESSION_FIELDS = ("title", "subtitle", "short_abstract", "long_abstract", "language", "level", "slides_url",
                  "video_url", "audio_url", "state", "starts_at", "ends_at")  # fmt: skip
EVENT_FIELDS = ("name", "description", "location_name", "latitude", "longitude", "logo_url", "ticket_url",
                "organizer_name", "code_of_conduct", "event_url", "starts_at", "ends_at")  # fmt: skip
SPONSOR_FIELDS = ("name", "description", "url", "logo_url", "tier", "level")


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    event_fields=st.dictionaries(st.sampled_from(EVENT_FIELDS), hostile, max_size=4),
    session_fields=st.dictionaries(st.sampled_from(SESSION_FIELDS), hostile, max_size=5),
    sponsor_fields=st.dictionaries(st.sampled_from(SPONSOR_FIELDS), hostile, max_size=3),
    social=st.lists(st.fixed_dictionaries({"name": hostile_text, "link": hostile_urls}), max_size=2),
)
def test_hostile_values_are_repaired_or_refused_and_what_is_kept_renders_safely(
    event_fields, session_fields, sponsor_fields, social
):
    event = _event(**event_fields, social_links=social)
    try:
        export = _parse(
            event=event, sessions=[_session(**session_fields)], sponsors=[{"id": 1, "name": "ACME"} | sponsor_fields]
        )
    except ExportError as error:
        assert re.match(r"^(event|sessions\[0\]|sponsors\[0\]): ", str(error)), error
        return
    if not export.event["published"]:  # an empty date: a draft without dates, of which no site is built
        assert {r.field for r in export.repairs if r.file == "event"} & {"starts_at", "ends_at"}, export.repairs
        return

    files = render_event(export_to_bundle(export, now=NOW), base_url="http://podium.test")

    assert [path for path, body in files.items() if UNSAFE_HREF.search(body)] == []
    xml = next(body for path, body in files.items() if path.endswith("schedule.xml"))
    __import__("xml.etree.ElementTree").etree.ElementTree.fromstring(xml)  # well-formed


TALK_FIELDS = ("title", "subtitle", "abstract", "description", "language", "date", "duration", "track", "type")


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    talk_fields=st.dictionaries(st.sampled_from(TALK_FIELDS), hostile, max_size=4),
    links=st.lists(st.fixed_dictionaries({"type": st.sampled_from(["slides", "media"]), "url": hostile_urls}), max_size=2),
    conference_url=hostile_urls,
)
def test_hostile_c3voc_values_are_repaired_or_refused_and_what_is_kept_renders_safely(
    talk_fields, links, conference_url
):
    talk = {"guid": "t1", "title": "Talk", "date": "2018-03-22T10:00:00+08:00", "duration": "00:30", "links": links}
    conference = {
        "acronym": "hostile", "title": "Hostile", "start": "2018-03-22T09:00:00+08:00", "url": conference_url,
        "end": "2018-03-24T18:00:00+08:00", "time_zone_name": "Asia/Singapore",
        "days": [{"rooms": {"Hall": [talk | talk_fields]}}],
    }  # fmt: skip
    try:
        export = c3voc.read_schedule(json.dumps({"schedule": {"conference": conference}}).encode())
    except ExportError as error:
        assert str(error).startswith("schedule.json: "), error
        return

    files = render_event(export_to_bundle(export, now=NOW), base_url="http://podium.test")

    assert [path for path, body in files.items() if UNSAFE_HREF.search(body)] == []
    xml = next(body for path, body in files.items() if path.endswith("schedule.xml"))
    __import__("xml.etree.ElementTree").etree.ElementTree.fromstring(xml)  # well-formed


def test_render_links_no_unsafe_url_even_when_one_was_stored():
    # GIVEN values that bypassed the readers and the API (a defence in depth of the renderer)
    export = _parse(sponsors=[{"id": 1, "name": "ACME"}], speakers=[{"id": 3, "name": "Ada"}],
                    sessions=[_session(speakers=[{"id": 3}])])  # fmt: skip
    unsafe = "javascript:alert(document.domain)"
    export.event.update(ticket_url=unsafe, social_links=(("x", unsafe), ("ok", "https://ok.example/")))
    export.sponsors[0]["url"] = export.sessions[0]["slides_url"] = export.speakers[0]["website"] = unsafe

    # WHEN the event renders
    files = render_event(export_to_bundle(export, now=NOW), base_url="http://podium.test")

    # THEN no page links it, and the safe link stays
    assert [path for path, body in files.items() if UNSAFE_HREF.search(body)] == []
    assert b'href="https://ok.example/"' in files["e/values-conf-2018/index.html"]


def test_call_for_papers_closing_before_it_opens_loses_its_end_with_a_repair():
    cfp = {"announcement": "Send talks", "starts_at": "2018-01-10T00:00:00Z", "ends_at": "2018-01-01T00:00:00Z"}

    export = _parse(event=_event(call_for_papers=cfp))

    assert export.event["call_for_papers"]["ends_at"] is None
    assert export.warnings == ("event: call_for_papers.ends_at is before starts_at: end left out",)
