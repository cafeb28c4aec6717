"""c3voc schedule.json: what Podium writes (real clients read it) and what it reads (v1 and schedule2)."""

import dataclasses
import json
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from chalicelib.formats import c3voc
from chalicelib.formats.openevent import ExportError
from chalicelib.formats.repairs import Repair
from chalicelib.public.bundle import SessionType
from hypothesis import given, settings
from hypothesis import strategies as st
from support.schedules import bundle, c3voc_validator, session, view

pytestmark = pytest.mark.unit


def _written(made) -> dict:
    return json.loads(c3voc.schedule_json(view(made)))


def _talks(document: dict) -> list[dict]:
    days = document["schedule"]["conference"]["days"]
    return [talk for day in days for talks in day["rooms"].values() for talk in talks]


# --- writing ---------------------------------------------------------------------------


def test_schedule_json_conference_start_and_end_are_dates():
    conference = _written(bundle(session("s1")))["schedule"]["conference"]

    assert date.fromisoformat(conference["start"]) == date(2026, 3, 14)
    assert date.fromisoformat(conference["end"]) == date(2026, 3, 15)


@pytest.mark.parametrize(
    ("stored", "written"),
    [("US/Pacific", "America/Los_Angeles"), ("US/Eastern", "America/New_York"), ("Asia/Singapore", "Asia/Singapore"),
     ("Etc/UTC", "UTC"), ("America/Argentina/Buenos_Aires", "America/Argentina/Buenos_Aires")],
)  # fmt: skip
def test_schedule_json_time_zone_name_is_always_canonical(stored, written):
    conference = _written(bundle(session("s1"), timezone=stored))["schedule"]["conference"]

    assert conference["time_zone_name"] == written


@pytest.mark.parametrize("stored", ["Etc/GMT-1", "Etc/GMT+5", "Etc/GMT-14", "Etc/GMT-5"])
def test_schedule_json_fixed_offset_zone_is_written_as_a_located_zone_with_its_offsets(stored):
    # GIVEN an event whose zone was derived from offsets alone (an import without a zone name)
    made = bundle(session("s1"), timezone=stored)

    # WHEN its schedule.json is written
    document = _written(made)
    written = document["schedule"]["conference"]["time_zone_name"]

    # THEN the name is one the schema accepts, with the same offsets at the event's start and end
    assert list(c3voc_validator().iter_errors(document)) == []
    for moment in (made.event.starts_at, made.event.ends_at):
        assert moment.astimezone(ZoneInfo(written)).utcoffset() == moment.astimezone(ZoneInfo(stored)).utcoffset()


def test_schedule_json_keys_in_the_voc_examples_order():
    document = _written(bundle(session("s1")))

    assert list(document) == ["$schema", "generator", "schedule"]
    assert list(document["schedule"]) == ["version", "base_url", "conference"]
    assert list(document["schedule"]["conference"])[:7] == [
        "acronym", "title", "start", "end", "daysCount", "timeslot_duration", "time_zone_name",
    ]  # fmt: skip
    assert list(_talks(document)[0])[:4] == ["id", "guid", "logo", "date"]


def test_schedule_json_keeps_type_as_written():
    assert _talks(_written(bundle(session("s1"))))[0]["type"] == "Lightning Talk"


def test_schedule_json_writes_links_attachments_feedback_and_recording_fields():
    kept = session(
        "s1",
        guid="0c16ffaa-709d-599f-959f-9a38b911361a",
        links=(("", "Project", "https://example.net/"), ("activitypub", "", "https://example.net/@handle")),
        attachments=(("paper", "Paper", "https://example.net/paper.pdf"),),
        slides_url="https://example.net/slides.pdf",
        logo_url="https://example.net/logo.png",
        feedback_url="https://example.net/feedback/",
        recording_license="CC BY 4.0",
        do_not_record=True,
        do_not_stream=False,
    )

    talk = _talks(_written(bundle(kept)))[0]

    assert talk["guid"] == "0c16ffaa-709d-599f-959f-9a38b911361a"
    assert talk["links"] == [
        {"title": "Project", "url": "https://example.net/"},
        {"type": "activitypub", "url": "https://example.net/@handle"},
    ]
    assert talk["attachments"] == [
        {"type": "paper", "title": "Paper", "url": "https://example.net/paper.pdf"},
        {"type": "slides", "title": "Slides", "url": "https://example.net/slides.pdf"},
    ]
    assert talk["logo"] == "https://example.net/logo.png"
    assert talk["feedback_url"] == "https://example.net/feedback/"
    assert (talk["recording_license"], talk["do_not_record"], talk["do_not_stream"]) == ("CC BY 4.0", True, False)
    assert list(c3voc_validator().iter_errors(_written(bundle(kept)))) == []


def test_schedule_json_guids_are_stable_across_renders_and_differ_between_events():
    first = _talks(_written(bundle(session("s1"), event_id="ev-a")))
    again = _talks(_written(bundle(session("s1"), event_id="ev-a", slug="renamed-2026")))
    other = _talks(_written(bundle(session("s1"), event_id="ev-b")))

    assert first[0]["guid"] == again[0]["guid"]
    assert first[0]["guid"] != other[0]["guid"]


_ids = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789", min_size=1, max_size=12)


@settings(max_examples=40, deadline=None)
@given(event_ids=st.lists(_ids, min_size=2, max_size=4, unique=True), session_ids=st.lists(_ids, min_size=1, max_size=5, unique=True))
def test_schedule_json_no_two_events_share_a_feed_guid(event_ids, session_ids):
    # GIVEN events whose records carry the same ids (as two imports of look-alike exports do)
    guids = []
    for event_id in event_ids:
        sessions = [session(s, minutes_in=30 * n) for n, s in enumerate(session_ids)]
        document = _written(bundle(*sessions, event_id=event_id))
        # THEN every guid (talks, persons, rooms) is unique over all of them
        guids += [talk["guid"] for talk in _talks(document)]
        guids += list({person["guid"] for talk in _talks(document) for person in talk["persons"]})
        guids += [room["guid"] for room in document["schedule"]["conference"]["rooms"]]
    assert len(guids) == len(set(guids))


_zones = st.sampled_from(["Etc/GMT-1", "Etc/GMT+8", "US/Pacific", "US/Hawaii", "Asia/Singapore", "Europe/Berlin", "UTC", "America/Argentina/Buenos_Aires", "Asia/Kolkata"])
_texts = st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=40)


@settings(max_examples=40, deadline=None)
@given(
    zone=_zones,
    talks=st.lists(st.tuples(st.integers(0, 3000), st.integers(0, 600), _texts), min_size=0, max_size=6),
    type_name=_texts.filter(str.strip),
)
def test_schedule_json_of_a_generated_event_validates(zone, talks, type_name):
    sessions = [session(f"s{n}", minutes_in=start, length=length, title=title) for n, (start, length, title) in enumerate(talks)]
    made = bundle(*sessions, timezone=zone)
    made = dataclasses.replace(made, session_types=(SessionType(id="st1", name=type_name),))

    document = _written(made)

    assert [error.message for error in c3voc_validator().iter_errors(document)] == []


# --- reading ---------------------------------------------------------------------------


def _conference(**fields) -> dict:
    return {
        "acronym": "winterchaos2022",
        "title": "Winterchaos",
        "start": "2022-12-28",
        "end": "2022-12-30",
        "daysCount": 1,
        "timeslot_duration": "00:05",
        "time_zone_name": "Europe/Zurich",
        "days": [
            {
                "index": 1,
                "date": "2022-12-28",
                "day_start": "2022-12-28T13:00:00+01:00",
                "day_end": "2022-12-28T23:59:59+01:00",
                "rooms": {"Hall": [_talk()]},
            }
        ],
    } | fields


def _talk(**fields) -> dict:
    return {
        "id": 2814,
        "guid": "7a0fc001-e587-47e1-b378-b6ec7e666337",
        "logo": "https://example.net/logo.png",
        "date": "2022-12-28T14:00:00+01:00",
        "start": "14:00",
        "duration": "00:45",
        "room": "Hall",
        "slug": "2814-basics",
        "url": "https://example.net/talks/2814/",
        "title": "Basics",
        "subtitle": "",
        "track": "Security",
        "type": "Workshop",
        "language": "de",
        "abstract": "Short.",
        "description": "Long.",
        "recording_license": "CC BY 4.0",
        "do_not_record": True,
        "do_not_stream": False,
        "feedback_url": "https://example.net/talks/2814/feedback/",
        "persons": [{"name": "Mänu", "code": "MAAN0", "biography": ""}],
        "links": [{"url": "https://example.net/", "title": "Home"}, {"type": "media", "url": "https://example.net/v"}],
        "attachments": [{"type": "slides", "url": "https://example.net/slides.pdf", "title": "Slides"}],
    } | fields


def _schedule(conference: dict, **schedule) -> bytes:
    return json.dumps({"schedule": {"version": "1.0", "conference": conference} | schedule}).encode()


def test_read_schedule_refuses_the_validators_invalid_example_naming_the_path():
    # The shape of voc/schedule's validator/json/examples/invalid-example.json: a string id,
    # a person code outside [A-Z0-9] and a top-level "rooms" the schema forbids.
    talk = _talk(id="2814", persons=[{"id": "dsadf", "code": "MÄaN0", "public_name": "Mänu"}])
    data = _schedule(_conference(days=[_conference()["days"][0] | {"rooms": {"Hall": [talk]}}]), rooms=[{"name": "Hall"}])

    with pytest.raises(ExportError) as refused:
        c3voc.read_schedule(data, name="winterchaos.json")

    message = str(refused.value)
    assert message.startswith("winterchaos.json: not a valid c3voc schedule")
    assert "schedule.conference.days[0].rooms.Hall[0].id" in message or "schedule.rooms" in message


def test_read_schedule_keeps_guid_links_attachments_logo_and_recording_fields():
    export = c3voc.read_schedule(_schedule(_conference()))

    (kept,) = export.sessions
    assert kept["guid"] == "7a0fc001-e587-47e1-b378-b6ec7e666337"
    assert kept["links"] == [
        {"type": "", "title": "Home", "url": "https://example.net/"},
        {"type": "media", "title": "", "url": "https://example.net/v"},
    ]
    assert kept["attachments"] == [{"type": "slides", "title": "Slides", "url": "https://example.net/slides.pdf"}]
    assert kept["logo_url"] == "https://example.net/logo.png"
    assert kept["feedback_url"] == "https://example.net/talks/2814/feedback/"
    assert (kept["recording_license"], kept["do_not_record"], kept["do_not_stream"]) == ("CC BY 4.0", True, False)
    assert [t["name"] for t in export.session_types] == ["Workshop"]


def test_read_schedule_without_time_zone_name_takes_the_zone_of_the_offsets_and_reports_it():
    conference = _conference()
    del conference["time_zone_name"]

    export = c3voc.read_schedule(_schedule(conference), name="s.json")

    assert export.event["timezone"] == "Etc/GMT-1"
    assert export.sessions[0]["starts_at"] == datetime.fromisoformat("2022-12-28T14:00:00+01:00")
    assert Repair("s.json", "conference", "time_zone_name", "missing; Etc/GMT-1 taken from the dates' offset +01:00") in export.repairs


def test_read_schedule_time_zone_alias_becomes_canonical_with_a_repair():
    export = c3voc.read_schedule(_schedule(_conference(time_zone_name="US/Pacific")), name="s.json")

    assert export.event["timezone"] == "America/Los_Angeles"
    assert Repair("s.json", "conference", "time_zone_name", "US/Pacific written as America/Los_Angeles") in export.repairs


def _schedule2() -> bytes:
    return json.dumps(
        {
            "schedule": {
                "version": "2024-12-26 20:23",
                "base_url": "https://events.example.org/hub/",
                "conference": {
                    "acronym": "38c3",
                    "title": "38C3",
                    "start": "2024-12-27T09:30:00+00:00",
                    "end": "2024-12-30T17:45:00+00:00",
                    "time_zone_name": "Europe/Berlin",
                    "url": "https://events.example.org/",
                    "tracks": [{"guid": "3dc5daf5-ba21-4577-97e4-fb6e4b5d4ccc", "name": "CCC", "slug": "ccc", "colors": {"light": "#F2F006", "dark": "#F2F006"}}],
                    "rooms": [{"name": "Saal 1", "slug": "saal-1", "guid": "ba692ba3-421b-5371-8309-60acc34a3c05", "type": "LECTURE_HALL"}],
                    "days": [{"index": 1, "date": "2024-12-27", "start": "2024-12-27T09:30:00+00:00", "end": "2024-12-28T06:00:00+01:00"}],
                },
                "events": [
                    {
                        "type": "OTHER",
                        "guid": "270fa44c-821a-577f-8ca3-33e8d4a8c2a7",
                        "start": "2024-12-27T10:30:00+01:00",
                        "end": "2024-12-27T11:00:00+01:00",
                        "room": {"name": "Saal 1", "guid": "ba692ba3-421b-5371-8309-60acc34a3c05"},
                        "slug": "38c3-opening",
                        "title": "Opening Ceremony",
                        "subtitle": "",
                        "language": "en",
                        "track": {"slug": "ccc"},
                        "abstract": "Glad you could make it!",
                        "description": "Let's kick this off.",
                        "logo": None,
                        "participants": [{"guid": "0c16ffaa-709d-599f-959f-9a38b911361a", "name": "Gabriela", "role": "SPEAKER"}],
                        "links": [
                            {"url": "https://example.net/", "title": "foo"},
                            {"type": "ACTIVITYPUB", "url": "https://example.net/@h"},
                            {"type": "FEEDBACK", "url": "https://example.net/feedback/"},
                        ],
                        "attachments": [{"type": "SLIDES", "url": "https://example.net/1235.pdf"}],
                        "url": "https://events.example.org/hub/event/opening/",
                    }
                ],
                "persons": [{"guid": "0c16ffaa-709d-599f-959f-9a38b911361a", "name": "Gabriela", "biography": "Hacker."}],
            }
        }
    ).encode()


def test_read_schedule2_imports_its_events_persons_rooms_and_tracks():
    export = c3voc.read_schedule(_schedule2(), name="hub.json")

    (opening,) = export.sessions
    assert opening["title"] == "Opening Ceremony"
    assert opening["guid"] == "270fa44c-821a-577f-8ca3-33e8d4a8c2a7"
    assert opening["starts_at"] == datetime.fromisoformat("2024-12-27T10:30:00+01:00")
    assert opening["ends_at"] == datetime.fromisoformat("2024-12-27T11:00:00+01:00")
    assert opening["feedback_url"] == "https://example.net/feedback/"
    assert opening["attachments"] == [{"type": "slides", "title": "", "url": "https://example.net/1235.pdf"}]
    assert opening["links"] == [
        {"type": "", "title": "foo", "url": "https://example.net/"},
        {"type": "activitypub", "title": "", "url": "https://example.net/@h"},
    ]
    assert [t["name"] for t in export.session_types] == ["OTHER"]
    assert [r["name"] for r in export.rooms] == ["Saal 1"]
    assert [t["name"] for t in export.tracks] == ["CCC"]
    assert [(s["name"], s["long_biography"], s["guid"]) for s in export.speakers] == [
        ("Gabriela", "Hacker.", "0c16ffaa-709d-599f-959f-9a38b911361a")
    ]
    assert [r["guid"] for r in export.rooms] == ["ba692ba3-421b-5371-8309-60acc34a3c05"]
    assert list(opening["speaker_ids"]) == [export.speakers[0]["id"]]
    assert export.event["published"] is True


def test_read_schedule2_refused_by_its_schema_names_the_path():
    document = json.loads(_schedule2())
    document["schedule"]["events"][0]["start"] = 1700000000

    with pytest.raises(ExportError, match=r"hub.json: not a valid c3voc schedule2 .*schedule\.events\[0\]\.start"):
        c3voc.read_schedule(json.dumps(document).encode(), name="hub.json")


def test_read_schedule_round_trip_keeps_sessions_guids_and_times():
    made = bundle(session("s1", guid="7a0fc001-e587-47e1-b378-b6ec7e666337"), session("s2", minutes_in=60), timezone="US/Pacific")
    written = c3voc.schedule_json(view(made))

    export = c3voc.read_schedule(written)

    assert export.event["timezone"] == "America/Los_Angeles"
    written_talks = _talks(json.loads(written))
    assert sorted(s["guid"] for s in export.sessions) == sorted(t["guid"] for t in written_talks)
    assert sorted((s["title"], s["starts_at"], s["ends_at"]) for s in export.sessions) == sorted(
        (s.title, s.starts_at, s.ends_at) for s in made.sessions
    )
    assert [t["name"] for t in export.session_types] == ["Lightning Talk"]
    assert [s["guid"] for s in export.speakers] == [written_talks[0]["persons"][0]["guid"]]
    assert [r["guid"] for r in export.rooms] == [json.loads(written)["schedule"]["conference"]["rooms"][0]["guid"]]


@pytest.mark.parametrize("schema", ["c3voc-schedule.schema.json", "c3voc-schedule2.schema.json", "frab-schedule.xml.xsd"])
def test_packaged_schemas_are_the_shared_ones(schema):
    from support.schedules import SCHEMAS

    assert (c3voc.SCHEMAS / schema).read_bytes() == (SCHEMAS / schema).read_bytes()


@pytest.mark.parametrize("sample", ["sample_2017", "sample_2018"])
def test_schedule_json_of_the_fossasia_samples_validates_and_reads_back(sample, request):
    from chalicelib.public.view import EventView
    from chalicelib.site.from_export import load_bundle
    from support.schedules import BASE_URL

    made = load_bundle(request.getfixturevalue(sample))
    written = c3voc.schedule_json(EventView(made, BASE_URL))

    assert [error.message for error in c3voc_validator().iter_errors(json.loads(written))] == []
    export = c3voc.read_schedule(written)
    scheduled = [s for s in made.sessions if s.starts_at]
    assert sorted((s["title"], s["starts_at"]) for s in export.sessions) == sorted((s.title, s.starts_at) for s in scheduled)


# Quirks real schedules carry, each applied to one talk (or the conference) of a valid schedule.
def _quirk_alias_zone(conference, talk):
    conference["time_zone_name"] = "US / Pacific"


def _quirk_no_zone(conference, talk):
    conference.pop("time_zone_name", None)


def _quirk_duplicate_talk(conference, talk):
    conference["days"][0]["rooms"]["Hall"].append(dict(talk))


def _quirk_end_before_start(conference, talk):
    talk["end"] = "2022-12-27T10:00:00+01:00"


def _quirk_untyped_links(conference, talk):
    talk["links"] = [{"url": "https://example.net/a"}, {"url": "javascript:alert(1)", "title": "x"}]


def _quirk_person_without_ids(conference, talk):
    talk["persons"] = [{"name": ""}, {"public_name": "Solo", "id": 7}]


def _quirk_no_title(conference, talk):
    talk["title"] = ""


def _quirk_bad_date(conference, talk):
    talk["date"] = "sometime soon"


def _quirk_bad_duration(conference, talk):
    talk["duration"] = "ninety"


def _quirk_relative_logo(conference, talk):
    talk["logo"] = "/media/logo.png"


QUIRKS = [value for name, value in list(globals().items()) if name.startswith("_quirk_")]


@settings(max_examples=60, deadline=None)
@given(quirks=st.lists(st.sampled_from(QUIRKS), min_size=1, max_size=4))
def test_read_schedule_with_quirks_repairs_with_a_report_or_refuses_naming_the_place(quirks):
    conference = _conference()
    talk = conference["days"][0]["rooms"]["Hall"][0]
    for quirk in quirks:
        quirk(conference, talk)

    try:
        export = c3voc.read_schedule(_schedule(conference), name="quirks.json")
    except ExportError as refused:
        assert str(refused).startswith("quirks.json: ")
        return
    assert {r.file for r in export.repairs} <= {"quirks.json", "sessions"}, export.repairs
    if _quirk_duplicate_talk in quirks:
        assert len(export.sessions) == 1
        assert any("listed before" in r.action for r in export.repairs)
    if _quirk_end_before_start in quirks and export.sessions[0]["starts_at"]:
        assert export.sessions[0]["ends_at"] >= export.sessions[0]["starts_at"]
        assert any(r.field == "end" for r in export.repairs)
    if _quirk_untyped_links in quirks:
        assert [link["url"] for link in export.sessions[0]["links"]] == ["https://example.net/a"]
        assert any("is not an http(s) URL" in r.action for r in export.repairs)
    if _quirk_alias_zone in quirks and _quirk_no_zone not in quirks:
        assert export.event["timezone"] == "America/Los_Angeles"
    if _quirk_person_without_ids in quirks:
        assert [s["name"] for s in export.speakers] == ["Solo"]
        assert any(r.action == "a person with neither id nor name: left out" for r in export.repairs)
    if _quirk_no_title in quirks:
        assert export.sessions[0]["title"] == "2814-basics"
        assert any((r.field, r.action) == ("title", "missing: titled '2814-basics'") for r in export.repairs)
    if _quirk_bad_date in quirks:
        assert export.sessions[0]["starts_at"] is None
        assert any(r.field == "date" and r.action.startswith("'sometime soon' is not an ISO 8601 date-time") for r in export.repairs)
    if _quirk_bad_duration in quirks and _quirk_bad_date not in quirks:
        assert any(r.field == "duration" and r.action.startswith("'ninety' is not HH:MM") for r in export.repairs)


def test_schedule_json_ids_stay_unique_when_two_sessions_hash_alike():
    from chalicelib.public.view import stable_number

    # GIVEN two session ids whose stable numbers collide (found by counting up: a birthday search)
    seen, colliding = {}, None
    for n in range(1_000_000):
        number = stable_number(f"s{n}")
        if number in seen:
            colliding = (seen[number], f"s{n}")
            break
        seen[number] = f"s{n}"
    assert colliding is not None

    talks = _talks(_written(bundle(session(colliding[0]), session(colliding[1], minutes_in=60))))

    assert len({talk["id"] for talk in talks}) == 2
    assert len({talk["slug"] for talk in talks}) == 2
