"""frab/Pentabarf schedule.xml: what Podium writes (pretalx, Giggity, ConfClerk read it) and reads."""

import xml.etree.ElementTree as ET
from datetime import date

import pytest
from chalicelib.formats import frab
from chalicelib.formats.openevent import ExportError
from hypothesis import given, settings
from hypothesis import strategies as st
from support.schedules import bundle, frab_schema, session, view

pytestmark = pytest.mark.unit


def _written(made) -> bytes:
    return frab.schedule_xml(view(made))


def test_schedule_xml_conference_dates_read_as_dates():
    # pretalx 2023.1's frab import (import_schedule) reads <conference><start>/<end> with a date parser.
    conference = ET.fromstring(_written(bundle(session("s1")))).find("conference")

    assert date.fromisoformat(conference.findtext("start")) == date(2026, 3, 14)
    assert date.fromisoformat(conference.findtext("end")) == date(2026, 3, 15)


def test_schedule_xml_time_zone_name_is_canonical():
    conference = ET.fromstring(_written(bundle(session("s1"), timezone="US/Eastern"))).find("conference")

    assert conference.findtext("time_zone_name") == "America/New_York"


def test_schedule_xml_keeps_type_guid_links_and_recording():
    kept = session(
        "s1",
        guid="7a0fc001-e587-47e1-b378-b6ec7e666337",
        links=(("", "Home", "https://example.net/"),),
        attachments=(("slides", "Slides", "https://example.net/s.pdf"),),
        feedback_url="https://example.net/feedback/",
        recording_license="CC BY 4.0",
        do_not_record=True,
    )

    document = _written(bundle(kept))
    event = ET.fromstring(document).find("day/room/event")

    assert event.get("guid") == "7a0fc001-e587-47e1-b378-b6ec7e666337"
    assert event.findtext("type") == "Lightning Talk"
    assert [(link.get("href"), link.text) for link in event.findall("links/link")] == [("https://example.net/", "Home")]
    assert [(a.get("href"), a.text) for a in event.findall("attachments/attachment")] == [("https://example.net/s.pdf", "Slides")]
    assert event.findtext("feedback_url") == "https://example.net/feedback/"
    assert (event.findtext("recording/license"), event.findtext("recording/optout")) == ("CC BY 4.0", "true")
    frab_schema().validate(document.decode())


_zones = st.sampled_from(["US/Pacific", "Asia/Singapore", "Europe/Berlin", "UTC", "America/Argentina/Buenos_Aires"])


@settings(max_examples=30, deadline=None)
@given(
    zone=_zones,
    talks=st.lists(st.tuples(st.integers(0, 3000), st.integers(0, 600), st.text(max_size=30)), max_size=6),
)
def test_schedule_xml_of_a_generated_event_validates(zone, talks):
    sessions = [session(f"s{n}", minutes_in=start, length=length, title=title) for n, (start, length, title) in enumerate(talks)]

    document = _written(bundle(*sessions, timezone=zone)).decode()

    assert list(frab_schema().iter_errors(document)) == []


# --- reading ---------------------------------------------------------------------------


def test_read_schedule_xml_imports_what_podium_writes():
    made = bundle(session("s1", guid="7a0fc001-e587-47e1-b378-b6ec7e666337"), session("s2", minutes_in=90), timezone="US/Pacific")

    export = frab.read_schedule_xml(_written(made), name="schedule.xml")

    assert export.event["timezone"] == "America/Los_Angeles"
    assert export.event["name"] == "Demo Conference"
    assert sorted((s["title"], s["starts_at"], s["ends_at"]) for s in export.sessions) == sorted(
        (s.title, s.starts_at, s.ends_at) for s in made.sessions
    )
    assert "7a0fc001-e587-47e1-b378-b6ec7e666337" in {s["guid"] for s in export.sessions}
    assert [r["name"] for r in export.rooms] == ["Hall A"]
    assert [s["name"] for s in export.speakers] == ["Ada Lovelace"]
    written = ET.fromstring(_written(made))
    assert [s["guid"] for s in export.speakers] == [written.find("day/room/event/persons/person").get("guid")]
    assert [r["guid"] for r in export.rooms] == [written.find("day/room").get("guid")]
    assert [t["name"] for t in export.session_types] == ["Lightning Talk"]


def test_read_schedule_xml_refuses_a_document_the_xsd_refuses_naming_the_place():
    document = _written(bundle(session("s1"))).replace(b"<duration>00:30</duration>", b"<duration>half an hour</duration>")

    with pytest.raises(ExportError, match=r"^schedule.xml: not a valid frab schedule.xml .*duration"):
        frab.read_schedule_xml(document, name="schedule.xml")


def test_read_schedule_xml_refuses_entities():
    document = b'<?xml version="1.0"?><!DOCTYPE schedule [<!ENTITY a "aaaa">]><schedule>&a;</schedule>'

    with pytest.raises(ExportError, match=r"^s\.xml: "):
        frab.read_schedule_xml(document, name="s.xml")


def test_looks_like_schedule_xml_tells_frab_from_json():
    assert frab.looks_like_schedule_xml(_written(bundle(session("s1"))))
    assert not frab.looks_like_schedule_xml(b'{"schedule": {}}')


@pytest.mark.parametrize("sample", ["sample_2017", "sample_2018"])
def test_schedule_xml_of_the_fossasia_samples_validates_and_reads_back(sample, request):
    from chalicelib.public.view import EventView
    from chalicelib.site.from_export import load_bundle
    from support.schedules import BASE_URL

    made = load_bundle(request.getfixturevalue(sample))
    written = frab.schedule_xml(EventView(made, BASE_URL))

    assert list(frab_schema().iter_errors(written.decode())) == []
    export = frab.read_schedule_xml(written)
    scheduled = [s for s in made.sessions if s.starts_at]
    assert sorted((s["title"], s["starts_at"]) for s in export.sessions) == sorted((s.title, s.starts_at) for s in scheduled)
