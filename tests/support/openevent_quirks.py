"""Real exports' quirks (issue #21) as mutations of parsed Open Event files, shared by the reader's
test (tests/formats/test_openevent_quirks.py) and the import's (tests/domain/test_import_quirks.py)."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from zoneinfo import available_timezones

from hypothesis import strategies as st

FILES = ("event", "sessions", "speakers", "tracks", "microlocations", "sponsors")
SAMPLES = ("FOSSASIASummit2017", "FOSSASIASummit2018")


def respell(value: Any, separator: str) -> Any:
    """Every key with `separator` between its words: "_" gives the v1 spelling, "-" the v2."""
    if isinstance(value, dict):
        return {re.sub(r"[-_]", separator, k): respell(v, separator) for k, v in value.items()}
    if isinstance(value, list):
        return [respell(v, separator) for v in value]
    return value


def small_exports(data_folder: Path) -> dict[str, dict[str, Any]]:
    """Each sample cut to a dozen sessions and what they use, as parsed JSON (file name -> value)."""
    cut = {}
    for sample in SAMPLES:
        folder = data_folder / sample
        files = {name: json.loads((folder / name).read_text()) for name in FILES if (folder / name).exists()}
        files["sessions"] = files["sessions"][:12]
        speaker_ids = {p["id"] for s in files["sessions"] for p in s.get("speakers") or []}
        files["speakers"] = [p for p in files["speakers"] if p["id"] in speaker_ids]
        files["sponsors"] = files["sponsors"][:3]
        cut[sample] = files
    return cut


def _get(record: dict[str, Any], name: str) -> Any:
    """A field in either spelling (and the v1 names of the times)."""
    for key in (name, name.replace("_", "-"), {"starts_at": "start_time", "ends_at": "end_time"}.get(name, "")):
        if key in record:
            return record[key]
    return None


def _set(record: dict[str, Any], name: str, value: Any) -> None:
    for key in (name, name.replace("_", "-"), {"starts_at": "start_time", "ends_at": "end_time"}.get(name, "")):
        if key in record:
            record[key] = value
            return
    record[name] = value


@dataclass(frozen=True)
class Quirk:
    """A mutation of parsed export files, the (file, field) its repair or refusal must name, and
    an optional check of what was read."""

    name: str
    mutate: Callable[[dict[str, Any], Any], Any]
    file: str
    field: str
    check: Callable[[Any, Any], None] | None = None
    repaired: bool = True  # False: reading it needs no repair (a value Podium now keeps)


def _zone(files, data):
    alias = data.draw(st.sampled_from(["US / Pacific", "US / Eastern", "US/Eastern", "Hawaii-Aleutian", "us/pacific",
                                       "Singapore", "Asia/Kuala_Lumpur", "asia / singapore"]))  # fmt: skip
    files["event"]["timezone"] = alias
    return alias


def _check_zone(export, _alias):
    zone = export.event["timezone"]
    assert zone in available_timezones() and "/" in zone and zone == zone.strip()
    assert zone not in ("US/Pacific", "US/Eastern", "Singapore", "Asia/Kuala_Lumpur")


def _session(files, data) -> dict[str, Any]:
    return data.draw(st.sampled_from(files["sessions"]))


def _empty_reference(field: str):
    def mutate(files, data):
        session = _session(files, data)
        key = {"track": "track", "room": "microlocation", "session_type": "session_type"}[field]
        value = data.draw(st.sampled_from([{}, {"id": None}, {"id": ""}, {"name": "only a name"}]))
        session.pop(key.replace("_", "-"), None)
        session[key] = value
        return session["id"]

    return mutate


def _id_less_speaker(files, data):
    session = _session(files, data)
    session["speakers"] = [*session.get("speakers", []), data.draw(st.sampled_from([{}, {"id": None}]))]
    return session["id"]


def _dangling(field: str, *, named: bool):
    def mutate(files, data):
        session = _session(files, data)
        key = {"track": "track", "room": "microlocation", "session_type": "session_type"}[field]
        session.pop(key.replace("_", "-"), None)
        session[key] = {"id": 999_999, "name": "From nowhere"} if named else {"id": 999_999}
        if field == "session_type":  # the samples have no such file (their sessions' copies are the types)
            files["session_types"] = [{"id": 1, "name": "Talk", "length": "00:30"}]
        return session["id"]

    return mutate


def _check_dangling_named(field: str):
    def check(export, session_id):
        [session] = [s for s in export.sessions if s["source_id"] == str(session_id)]
        catalog = {"track": export.tracks, "room": export.rooms, "session_type": export.session_types}[field]
        [made] = [r for r in catalog if r["id"] == session[f"{field}_id"]]
        assert (made["source_id"], made["name"]) == ("999999", "From nowhere")

    return check


def _duplicate(file: str):
    def mutate(files, data):
        records = files[file]
        if not records:
            return None
        copy = json.loads(json.dumps(data.draw(st.sampled_from(records))))
        records.insert(data.draw(st.integers(0, len(records))), copy)
        return copy["id"]

    return mutate


def _check_one_copy(file: str):
    def check(export, source_id):
        kind = {"sessions": export.sessions, "tracks": export.tracks, "speakers": export.speakers,
                "microlocations": export.rooms}[file]  # fmt: skip
        assert [r["source_id"] for r in kind].count(str(source_id)) == (0 if source_id is None else 1)

    return check


def _second_speaker_same_id(files, data):
    """Another person under an existing speaker's id, credited with one session by name."""
    session = _session(files, data)
    taken = data.draw(st.sampled_from(files["speakers"]))
    newcomer = {"id": taken["id"], "name": f"Not {taken['name']}", "sessions": [{"id": session["id"]}]}
    files["speakers"].append(newcomer)
    session["speakers"] = [*session.get("speakers", []), {"id": taken["id"], "name": newcomer["name"]}]
    return taken["id"], taken["name"], newcomer["name"], session["id"]


def _check_two_speakers(export, mutated):
    speaker_id, first_name, second_name, session_id = mutated
    people = {p["name"]: p for p in export.speakers}
    assert people[first_name]["source_id"] == str(speaker_id)
    assert people[second_name]["source_id"] != str(speaker_id)
    [session] = [s for s in export.sessions if s["source_id"] == str(session_id)]
    assert people[second_name]["id"] in session["speaker_ids"]


def _end_before_start(files, data):
    session = _session(files, data)
    _set(session, "starts_at", "2018-03-25T10:00:00+08:00")
    _set(session, "ends_at", "2018-03-22T10:00:00+08:00")
    return session["id"]


def _check_times(export, session_id):
    [session] = [s for s in export.sessions if s["source_id"] == str(session_id)]
    assert session["starts_at"] is not None
    assert session["ends_at"] is None or session["ends_at"] > session["starts_at"]


def _bad_cfp_date(files, data):
    event = files["event"]
    cfp = _get(event, "speakers_call") or _get(event, "call_for_papers")
    if cfp is None:
        cfp = event["call_for_papers"] = {"announcement": "Talk to us", "privacy": "public"}
    which = data.draw(st.sampled_from(["start", "end"]))
    spellings = {f"{which}s-at", f"{which}s_at", f"{which}_date", f"{which}-date"}
    bad = data.draw(st.sampled_from(["not a date", "2017-13-45", 12, "0000-00-00T00:00:00", "9999-01-01T00:00:00"]))
    for key in [k for k in cfp if k in spellings] or [f"{which}s_at"]:
        cfp[key] = bad


def _broken_optional_file(files, data):
    name = data.draw(st.sampled_from(["session_types", "sponsors", "tracks", "microlocations", "speakers"]))
    files[name] = data.draw(st.sampled_from([b'[{"id": 1,', b"{}", b'"text"', b"\xff\xfe"]))
    return name


def _completed(files, data):
    files["event"]["state"] = data.draw(st.sampled_from(["Completed", "completed", "COMPLETED"]))


def _check_published(export, _mutated):
    assert export.event["published"] is True


def _event_without_dates(files, data):
    """An event whose dates are not set (absent or null), as a new draft's export has it."""
    event, null = files["event"], data.draw(st.booleans())
    for key in [k for k in event if k.replace("-", "_") in ("starts_at", "ends_at", "start_time", "end_time")]:
        if null:
            event[key] = None
        else:
            del event[key]


def _check_draft_without_dates(export, _mutated):
    assert (export.event["starts_at"], export.event["ends_at"], export.event["published"]) == (None, None, False)


def _title_in_name(files, data):
    session = _session(files, data)
    title = session.pop("title", None) or "A talk"
    session["name"] = title
    return session["id"], title


def _check_title(export, mutated):
    session_id, title = mutated
    [session] = [s for s in export.sessions if s["source_id"] == str(session_id)]
    assert session["title"] == title.strip()


def _sponsor_type(files, data):
    files["sponsors"] = files["sponsors"] or [{"id": 7, "name": "ACME"}]
    sponsor = data.draw(st.sampled_from(files["sponsors"]))
    sponsor.pop("type", None)
    sponsor["sponsor_type"] = "Gold"
    return sponsor["id"]


def _check_tier(export, sponsor_id):
    [sponsor] = [s for s in export.sponsors if s["source_id"] == str(sponsor_id)]
    assert sponsor["tier"] == "Gold"


def _dotted_length(files, data):
    session = _session(files, data)
    session.pop("session-type", None)
    session["session_type"] = {"id": 424242, "name": "Hour", "length": data.draw(st.sampled_from(["01.00", "1:00", "01:00:00"]))}
    return session["id"]


def _check_length(export, _session_id):
    [hour] = [t for t in export.session_types if t["source_id"] == "424242"]
    assert hour["length_minutes"] == 60


def _track_location(files, data):
    track = data.draw(st.sampled_from(files["tracks"]))
    track["location"] = "Hall B"
    return track["id"]


def _check_location(export, track_id):
    [track] = [t for t in export.tracks if t["source_id"] == str(track_id)]
    assert track["location"] == "Hall B"


def _event_details(files, _data):
    event = files["event"]
    event.update(privacy="private", topic="Science & Technology", sub_topic="High Tech", type="Conference",
                 external_event_url="https://conf.example.org/")  # fmt: skip
    for key in ("licence_details", "licence-details", "event_copyright", "event-copyright"):
        event.pop(key, None)  # the copyright's licence is read when no licence details are given
    event["copyright"] = {"holder": "FOSSASIA", "licence": "CC BY 4.0", "year": 2018}


def _check_event_details(export, _mutated):
    event = export.event
    assert (event["privacy"], event["topic"], event["sub_topic"], event["event_type"]) == (
        "private", "Science & Technology", "High Tech", "Conference",
    )  # fmt: skip
    assert (event["external_event_url"], event["copyright_holder"], event["licence"]) == (
        "https://conf.example.org/", "FOSSASIA", "CC BY 4.0",
    )  # fmt: skip


QUIRKS = (
    Quirk("time zone alias", _zone, "event", "timezone", _check_zone),
    Quirk("empty track", _empty_reference("track"), "sessions", "track"),
    Quirk("empty room", _empty_reference("room"), "sessions", "room"),
    Quirk("empty session type", _empty_reference("session_type"), "sessions", "session_type"),
    Quirk("id-less speaker", _id_less_speaker, "sessions", "speakers"),
    Quirk("dangling track", _dangling("track", named=False), "sessions", "track"),
    Quirk(
        "dangling session type", _dangling("session_type", named=True), "sessions", "session_type",
        _check_dangling_named("session_type"),
    ),
    Quirk("dangling room", _dangling("room", named=True), "sessions", "room", _check_dangling_named("room")),
    Quirk("duplicate session", _duplicate("sessions"), "sessions", "id", _check_one_copy("sessions")),
    Quirk("duplicate track", _duplicate("tracks"), "tracks", "id", _check_one_copy("tracks")),
    Quirk("duplicate speaker", _duplicate("speakers"), "speakers", "id", _check_one_copy("speakers")),
    Quirk("two speakers, one id", _second_speaker_same_id, "speakers", "id", _check_two_speakers),
    Quirk("end before start", _end_before_start, "sessions", "ends_at", _check_times),
    Quirk("bad call for papers date", _bad_cfp_date, "event", "call_for_papers"),
    Quirk("broken optional file", _broken_optional_file, "*", ""),
    Quirk("completed", _completed, "event", "state", _check_published, repaired=False),
    Quirk("event without dates", _event_without_dates, "event", "starts_at", _check_draft_without_dates),
    Quirk("title in name", _title_in_name, "sessions", "title", _check_title),
    Quirk("v1 sponsor_type", _sponsor_type, "sponsors", "tier", _check_tier, repaired=False),
    Quirk("length 01.00", _dotted_length, "sessions", "session_type", _check_length, repaired=False),
    Quirk("track location", _track_location, "tracks", "location", _check_location, repaired=False),
    Quirk("event details", _event_details, "event", "", _check_event_details, repaired=False),
)


def encoded(files: dict[str, Any]) -> dict[str, bytes]:
    return {name: value if isinstance(value, bytes) else json.dumps(value).encode() for name, value in files.items()}


def source_ids(files: dict[str, Any], name: str) -> set[str]:
    records = files.get(name)
    if not isinstance(records, list):
        return set()
    return {str(r["id"]) for r in records if isinstance(r, dict) and r.get("id") not in (None, "")}
