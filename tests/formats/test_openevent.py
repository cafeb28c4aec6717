import json
import shutil
import zipfile
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import pytest
from chalicelib.formats import openevent
from chalicelib.formats.openevent import ExportError, podium_id, read_export, write_files, zip_files
from chalicelib.public.bundle import PUBLIC_SESSION_STATES

pytestmark = pytest.mark.unit


def test_read_export_snake_case_2018_counts(sample_2018):
    export = read_export(sample_2018)

    states = {}
    for session in export.sessions:
        states[session["state"]] = states.get(session["state"], 0) + 1
    assert (
        len(export.sessions),
        len(export.speakers),
        len(export.tracks),
        len(export.rooms),
    ) == (371, 341, 14, 17)
    assert states == {"accepted": 234, "rejected": 131, "pending": 4, "draft": 2}
    assert export.event["slug"] == "fossasia-summit-2018"
    assert export.event["timezone"] == "Asia/Singapore"


def test_read_export_kebab_case_2017_counts(sample_2017):
    export = read_export(sample_2017)

    assert (
        len(export.sessions),
        len(export.speakers),
        len(export.tracks),
        len(export.rooms),
    ) == (214, 207, 22, 15)
    assert len(export.sponsors) == 17
    assert export.event["slug"] == "fossasia-summit-2017"
    assert sum(1 for s in export.speakers if s["photo_url"]) == 191  # 16 are null or ""


def test_read_export_times_become_utc(sample_2018):
    export = read_export(sample_2018)

    first = next(s for s in export.sessions if s["source_id"] == "4292")
    assert first["starts_at"].tzinfo == UTC
    assert first["starts_at"].isoformat() == "2018-03-25T02:30:00+00:00"


def test_read_export_session_types_from_embedded_records(sample_2018):
    export = read_export(sample_2018)

    names = sorted(t["name"] for t in export.session_types)
    assert names == [
        "Keynote",
        "Lightning Talk",
        "Panel",
        "Special Session",
        "Talk",
        "Workshop",
        "Workshop",
    ]
    assert {t["length_minutes"] for t in export.session_types} == {10, 25, 50, 55, 115}




def test_read_export_ids_live_in_the_event_namespace(sample_2018):
    export = read_export(sample_2018)

    first = next(s for s in export.sessions if s["source_id"] == "4292")
    assert first["id"] == podium_id("session", export.event["id"], "4292")


def test_podium_id_is_stable_and_short():
    first = podium_id("session", "b548bcfc", 4292)

    assert first == podium_id("session", "b548bcfc", "4292")
    assert first != podium_id("speaker", "b548bcfc", 4292)
    assert len(first) == 12 and first.isalnum() and first == first.lower()


def test_read_export_zip_with_json_extensions(tmp_path, sample_2017):
    archive = tmp_path / "export.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zipped:
        for path in sample_2017.iterdir():
            zipped.write(path, f"FOSSASIASummit2017/{path.name}.json")

    export = read_export(archive)

    assert len(export.sessions) == 214
    assert export.event["slug"] == "fossasia-summit-2017"


# --- malformed exports ------------------------------------------------------------------


@pytest.fixture
def export_copy(tmp_path, sample_2018):
    return shutil.copytree(sample_2018, tmp_path / "export")


def _edit(folder, name, change):
    records = json.loads((folder / name).read_text())
    change(records)
    (folder / name).write_text(json.dumps(records))


def test_read_export_keeps_private_fields(export_copy):
    _edit(export_copy, "speakers", lambda speakers: speakers[0].update(email="first@private.example", mobile="+65 5550"))
    _edit(export_copy, "sessions", lambda sessions: sessions[0].update(comments="internal note"))

    parsed = read_export(export_copy)

    assert (parsed.speakers[0]["email"], parsed.speakers[0]["mobile"]) == ("first@private.example", "+65 5550")
    assert parsed.sessions[0]["comments"] == "internal note"


def test_read_export_without_event_file_raises(export_copy):
    (export_copy / "event").unlink()

    with pytest.raises(ExportError, match=r"^event: file missing"):
        read_export(export_copy)


def test_read_export_broken_optional_file_is_left_out_with_a_repair(export_copy):
    (export_copy / "speakers").write_text('[{"id": 1,')

    export = read_export(export_copy)

    [line] = [r for r in export.repairs if r.file == "speakers" and r.record == ""]
    assert line.action.startswith("not valid JSON") and line.action.endswith("file left out")
    sessions = json.loads((export_copy / "sessions").read_text())
    assert len(export.speakers) == len({p["id"] for s in sessions for p in s["speakers"]})  # the sessions' copies


def test_read_export_unknown_track_is_left_out_with_a_repair(export_copy):
    _edit(export_copy, "sessions", lambda sessions: sessions[7]["track"].update(id=999999, name=None))

    export = read_export(export_copy)

    [line] = [r for r in export.repairs if r.file == "sessions" and r.field == "track"]
    assert (line.record, line.action) == ("7 (id 4300)", "names unknown track 999999: left out")
    assert next(s for s in export.sessions if s["source_id"] == "4300")["track_id"] is None


def test_read_export_huge_title_is_cut_with_a_repair(export_copy):
    _edit(
        export_copy,
        "sessions",
        lambda sessions: sessions[3].update(title="x" * 10_000_000),
    )

    export = read_export(export_copy)

    assert next(str(r) for r in export.repairs if r.field == "title").startswith(
        "sessions[3 (id 4282)]: title is 10000000 characters, over the limit of 1000: cut"
    )
    assert next(s for s in export.sessions if s["source_id"] == "4282")["title"] == "x" * 1000


def test_read_export_bad_session_time_is_left_out_with_a_repair(export_copy):
    _edit(
        export_copy,
        "sessions",
        lambda sessions: sessions[2].update(start_time="next tuesday"),
    )

    export = read_export(export_copy)

    [line] = [r for r in export.repairs if r.field == "starts_at"]
    assert (line.file, line.record, line.action) == (
        "sessions", "2 (id 4287)", "is not an ISO 8601 time: 'next tuesday': left out",
    )  # fmt: skip


def test_read_export_bad_event_time_is_refused_naming_file_and_field(export_copy):
    event = json.loads((export_copy / "event").read_text())
    (export_copy / "event").write_text(json.dumps(event | {"end_time": "next tuesday"}))

    with pytest.raises(ExportError, match=r"^event: ends_at is not an ISO 8601 time") as refused:
        read_export(export_copy)

    assert (refused.value.file, refused.value.field) == ("event", "ends_at")


def test_read_export_zip_with_parent_path_raises(tmp_path, sample_2018):
    archive = tmp_path / "evil.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.write(sample_2018 / "event", "event")
        zipped.writestr("../../etc/sessions", "[]")

    with pytest.raises(ExportError, match=r"^\.\./\.\./etc/sessions: unsafe path in zip"):
        read_export(archive)


def test_read_export_zip_bomb_raises_before_reading(tmp_path, sample_2018):
    archive = tmp_path / "bomb.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zipped:
        zipped.write(sample_2018 / "event", "event")
        zipped.writestr("sessions", b"[" + b" " * 60_000_000 + b"]")

    with pytest.raises(ExportError, match=r"^sessions: uncompressed size 60000002 over"):
        read_export(archive)


def test_read_export_high_ratio_member_raises(tmp_path, sample_2018):
    archive = tmp_path / "ratio.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zipped:
        zipped.write(sample_2018 / "event", "event")
        zipped.writestr("sessions", b"[" + b" " * 20_000_000 + b"]")

    with pytest.raises(ExportError, match=r"^sessions: compression ratio too high"):
        read_export(archive)


def test_public_states_are_accepted_and_confirmed():
    assert PUBLIC_SESSION_STATES == {"accepted", "confirmed"}


# --- writing ---------------------------------------------------------------------------


class _Item(SimpleNamespace):
    """An item as the writer reads it: any field it was not given is unset (None)."""

    def __getattr__(self, name):
        return None


def _items_by_kind() -> dict[str, list[_Item]]:
    starts = datetime(2026, 3, 1, 9, tzinfo=UTC)
    return {
        "event": [_Item(id="ev1", name="Conf", timezone="Europe/Berlin", starts_at=starts, ends_at=starts + timedelta(hours=9), state="published", email="team@private.example",
                        topic="Science & Technology", sub_topic="High Tech", event_type="Conference", privacy="public",
                        external_event_url="https://conf.example/", copyright_holder="Conf e.V.", licence="CC BY 4.0")],
        "track": [_Item(id="t1", name="Web", color="#112233", location="Hall B")],
        "session": [_Item(id="s1", title="Talk", state="accepted", track_id="t1", speaker_ids=["p1"], comments="internal note", starts_at=starts, ends_at=starts + timedelta(minutes=30))],
        "speaker": [_Item(id="p1", name="Ada", session_ids=["s1"], email="ada@private.example")],
    }  # fmt: skip


def test_written_export_reads_back_with_its_records(tmp_path):
    from chalicelib.domain.projections import ORGANIZERS_AUDIENCE

    archive = tmp_path / "export.zip"
    archive.write_bytes(zip_files(write_files(_items_by_kind(), audience=ORGANIZERS_AUDIENCE)))

    export = read_export(archive)

    assert (export.event["name"], export.event["timezone"]) == ("Conf", "Europe/Berlin")
    assert [(s["title"], s["state"], s["comments"]) for s in export.sessions] == [("Talk", "accepted", "internal note")]
    assert [(p["name"], p["email"]) for p in export.speakers] == [("Ada", "ada@private.example")]
    assert export.sessions[0]["track_id"] == export.tracks[0]["id"]
    assert export.sessions[0]["speaker_ids"] == (export.speakers[0]["id"],)
    details = ("topic", "sub_topic", "event_type", "privacy", "external_event_url", "copyright_holder", "licence")
    assert [export.event[k] for k in details] == [
        "Science & Technology", "High Tech", "Conference", "public", "https://conf.example/", "Conf e.V.", "CC BY 4.0",
    ]  # fmt: skip
    assert (export.tracks[0]["location"], export.repairs) == ("Hall B", ())


def test_written_export_leaves_out_what_the_audience_may_not_see():
    from chalicelib.domain.projections import VISITORS

    files = write_files(_items_by_kind(), audience=VISITORS)

    assert ("email" in json.loads(files["speakers"])[0], "comments" in json.loads(files["sessions"])[0]) == (False, False)
    assert "email" not in json.loads(files["event"])


def test_read_export_lists_the_files_it_does_not_read(tmp_path, sample_2017):
    archive = tmp_path / "export.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        for path in sample_2017.iterdir():
            zipped.write(path, f"conf/{path.name}")
        zipped.writestr("conf/forms.json", "[]")
        for number in range(7):
            zipped.writestr(f"conf/images/speakers/{number}.png", b"\x89PNG")

    export = read_export(archive)

    assert [(r.file, r.action) for r in export.repairs if r.record == "" and r.file.startswith("conf/")] == [
        ("conf/forms.json", "not a file Podium reads: left out"),
        ("conf/images/speakers/", "7 files Podium does not read: left out"),
    ]


def test_normalize_keys_names_keys_alike_whether_kept_or_not_and_keeps_a_bounded_number():
    many = {f"x-key-{n}": n for n in range(openevent.KEY_NAMES_KEPT + 50)} | {"start-time": 1, "type": 2}
    first = openevent._normalize_keys(many, "sponsors")
    again = openevent._normalize_keys(many, "sponsors")

    assert first == again
    assert first["x_key_1073"] == 1073
    assert {key: first[key] for key in ("x_key_0", "starts_at", "tier")} == {"x_key_0": 0, "starts_at": 1, "tier": 2}
    assert openevent._normalize_keys({"type": 3}, "event") == {"event_type": 3}
    assert len(openevent._KEY_NAMES["sponsors"]) <= openevent.KEY_NAMES_KEPT
