from __future__ import annotations

import json
from collections import Counter
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

pytestmark = pytest.mark.integration

NOW = datetime(2026, 1, 1, tzinfo=UTC)


def _raw(folder, name):
    return json.loads((folder / name).read_text())


def _key(record, *names):
    return next(record[n] for n in names if n in record)


def _stored(event_id):
    from chalicelib.db import content
    from chalicelib.db.queries import event_items

    kinds = {model: kind for kind, model in content.CHILD_KINDS.items()} | {content.Event: "event"}
    by_kind = {}
    for item in event_items(event_id):
        by_kind.setdefault(kinds.get(type(item), "other"), []).append(item)
    return by_kind


def _import(path, actor, **kwargs):
    from chalicelib.domain.imports import import_event, read_source

    return import_event(export=read_source(path), actor=actor, owner_id=actor.id, **kwargs)


@pytest.mark.parametrize("sample", ["sample_2017", "sample_2018"])
def test_import_sample_counts_links_and_times_equal_the_source(imported, organizer, sample, request):
    from chalicelib.formats.openevent import podium_id

    folder = request.getfixturevalue(sample)
    result = imported(folder)

    stored = _stored(result.event_id)
    sessions, speakers = _raw(folder, "sessions"), _raw(folder, "speakers")
    key = result.event_id  # record ids live in the event's namespace
    source_counts = (
        Counter(s["state"].lower() for s in sessions),
        len(speakers),
        len(_raw(folder, "tracks")),
        len(_raw(folder, "microlocations")),
        len(_raw(folder, "sponsors")),
    )
    stored_counts = (
        Counter(s.state for s in stored["session"]),
        len(stored["speaker"]),
        len(stored["track"]),
        len(stored["room"]),
        len(stored.get("sponsor", [])),
    )
    source_links = {
        (podium_id("session", key, s["id"]), podium_id("speaker", key, p["id"]))
        for s in sessions
        for p in s["speakers"]
    }
    tz = ZoneInfo(_raw(folder, "event")["timezone"])
    source_times = {
        podium_id("session", key, s["id"]): tuple(
            datetime.fromisoformat(t).replace(tzinfo=datetime.fromisoformat(t).tzinfo or tz).astimezone(UTC)
            for t in (_key(s, "start_time", "starts-at"), _key(s, "end_time", "ends-at"))
        )
        for s in sessions
    }
    session_ids = {s.id for s in stored["session"]}
    assert stored_counts == source_counts
    assert {(s.id, p) for s in stored["session"] for p in s.speaker_ids} == source_links
    assert {(s, p.id) for p in stored["speaker"] for s in p.session_ids} == {
        (s, p) for s, p in source_links if s in session_ids
    }
    assert {s.id: (s.starts_at, s.ends_at) for s in stored["session"]} == source_times
    names = {p.id: p.name for p in stored["speaker"]}  # what session lists show, kept on the sessions
    assert all(s.speaker_names.as_dict() == {i: names[i] for i in s.speaker_ids} for s in stored["session"])
    assert stored["event"][0].timezone == tz.key and stored["event"][0].owner_id == organizer.id


def test_import_keeps_media_as_external_urls(imported, sample_2017):
    from chalicelib.site.from_db import load_bundle

    result = imported(sample_2017)

    stored = _stored(result.event_id)
    public = load_bundle(result.event_id)
    photo_urls = {s.photo_url for s in stored["speaker"] if s.photo_url}
    assert len(photo_urls) > 100 and all(url.startswith(("http://", "https://")) for url in photo_urls)
    assert {s.photo_url for s in public.speakers if s.photo_url} <= photo_urls


def test_import_twice_updates_instead_of_duplicating(aws_stack, organizer, small_export):
    export = small_export
    first = _import(export, organizer)
    count = sum(len(v) for v in _stored(first.event_id).values())

    second = _import(export, organizer)

    stored = _stored(second.event_id)
    assert (first.created, second.created) == (True, False)
    assert second.event_id == first.event_id and second.slug == first.slug
    assert sum(len(v) for v in stored.values()) == count
    assert {s.version for s in stored["session"]} == {2}


def test_import_without_publish_leaves_a_draft_and_publish_lists_it(aws_stack, organizer, small_export):
    from chalicelib.db.queries import published_events

    export = small_export
    _verified_user(organizer)
    draft = _import(export, organizer)
    listed_as_draft = draft.event_id in {e.id for e in published_events()}
    _import(export, organizer, publish=True)

    assert _stored(draft.event_id)["event"][0].state == "published"
    assert not listed_as_draft and draft.event_id in {e.id for e in published_events()}


def test_import_grants_the_importer_ownership(imported, organizer, sample_2018):
    from chalicelib.domain.event_access import event_role

    result = imported(sample_2018)

    assert event_role(event_id=result.event_id, user_id=organizer.id) == "owner"


def test_reimport_by_someone_not_organizing_the_event_is_forbidden(aws_stack, organizer, small_export):
    from chalicelib.actors import Actor
    from chalicelib.errors import NotFound

    result = _import(small_export, organizer)
    stranger = Actor(id="stranger", kind="user")

    # A draft event is invisible to outsiders: they are told it does not exist.
    with pytest.raises(NotFound):
        _import(small_export, stranger)
    assert _stored(result.event_id)["event"][0].owner_id == organizer.id


def test_import_failing_midway_restores_the_previous_event(aws_stack, organizer, small_export, monkeypatch):
    from chalicelib.domain import imports

    first = _import(small_export, organizer)
    before = {(i.sk, i.version) for items in _stored(first.event_id).values() for i in items}
    real_write = imports._write_batch
    calls = []

    def flaky(requests):
        calls.append(1)
        if len(calls) == 2:
            raise RuntimeError("throttled for good")
        return real_write(requests)

    monkeypatch.setattr(imports, "_write_batch", flaky)

    with pytest.raises(RuntimeError):
        _import(small_export, organizer)
    after = {(i.sk, i.version) for items in _stored(first.event_id).values() for i in items}
    assert after == before


def test_import_failing_midway_leaves_nothing_of_a_new_event(aws_stack, organizer, small_export, monkeypatch):
    from chalicelib.domain import imports
    from chalicelib.domain.imports import read_source

    export = small_export
    event_id = read_source(export).event["id"]
    real_write = imports._write_batch
    calls = []

    def flaky(requests):
        calls.append(1)
        if len(calls) == 3:
            raise RuntimeError("throttled for good")
        return real_write(requests)

    monkeypatch.setattr(imports, "_write_batch", flaky)

    with pytest.raises(RuntimeError):
        _import(export, organizer)
    assert _stored(event_id) == {}


def test_site_built_from_the_database_equals_the_site_built_from_the_export(imported, sample_2018):
    from chalicelib.clock import FrozenClock, use_clock
    from chalicelib.site import from_db, from_export
    from chalicelib.site.render import render_event

    result = imported(sample_2018)
    previous = use_clock(FrozenClock(NOW))
    try:
        from_database = render_event(from_db.load_bundle(result.event_id), base_url="http://podium.test")
    finally:
        use_clock(previous)

    from_export = render_event(from_export.load_bundle(sample_2018, now=NOW), base_url="http://podium.test")
    assert sorted(from_database) == sorted(from_export)
    assert [p for p in from_export if from_database[p] != from_export[p]] == []


def test_import_c3voc_schedule_json_as_published_by_podium(aws_stack, organizer, sample_2018, tmp_path):
    from chalicelib.site import from_export
    from chalicelib.site.render import render_event

    bundle = from_export.load_bundle(sample_2018, now=NOW)
    files = render_event(bundle, base_url="http://podium.test")
    schedule = tmp_path / "schedule.json"
    schedule.write_bytes(files[f"e/{bundle.event.slug}/schedule.json"])

    result = _import(schedule, organizer)

    stored = _stored(result.event_id)
    scheduled = [s for s in bundle.sessions if s.starts_at]
    assert len(stored["session"]) == len(scheduled)
    assert sorted((s.title, s.starts_at) for s in stored["session"]) == sorted(
        (s.title, s.starts_at) for s in scheduled
    )
    assert {s.state for s in stored["session"]} == {"accepted"}


def _talks(schedule_json: bytes) -> list[dict]:
    days = json.loads(schedule_json)["schedule"]["conference"]["days"]
    return [talk for day in days for talks in day["rooms"].values() for talk in talks]


@pytest.mark.parametrize("feed", ["schedule.json", "schedule.xml"])
def test_import_c3voc_and_frab_keep_guids_links_and_recording_through_the_table(aws_stack, organizer, tmp_path, feed):
    # GIVEN a feed of a session carrying what c3voc and frab keep (an origin guid, links, recording wishes)
    from chalicelib.formats import c3voc, frab
    from chalicelib.site import from_db
    from chalicelib.site.render import render_event
    from support.schedules import bundle, session, view

    kept = session(
        "s1",
        guid="7a0fc001-e587-47e1-b378-b6ec7e666337",
        links=(("", "Project", "https://example.net/"),),
        attachments=(("paper", "Paper", "https://example.net/paper.pdf"),),
        feedback_url="https://example.net/feedback/",
        recording_license="CC BY 4.0",
        do_not_record=True,
    )
    made = bundle(kept, session("s2", minutes_in=60), timezone="US/Pacific")
    source = tmp_path / feed
    source.write_bytes(c3voc.schedule_json(view(made)) if feed == "schedule.json" else frab.schedule_xml(view(made)))

    # WHEN it is imported and the event rendered from the table
    result = _import(source, organizer)
    loaded = from_db.load_bundle(result.event_id)
    files = render_event(loaded, base_url="http://podium.test")

    # THEN the feed gives back what came in, guids of talks, persons and rooms included
    talks = {talk["title"]: talk for talk in _talks(files[f"e/{loaded.event.slug}/schedule.json"])}
    source = {talk["title"]: talk for talk in _talks(c3voc.schedule_json(view(made)))}
    assert talks["Talk s2"]["guid"] == source["Talk s2"]["guid"]
    assert talks["Talk s2"]["persons"][0]["guid"] == source["Talk s2"]["persons"][0]["guid"]
    rooms = json.loads(files[f"e/{loaded.event.slug}/schedule.json"])["schedule"]["conference"]["rooms"]
    assert rooms == json.loads(c3voc.schedule_json(view(made)))["schedule"]["conference"]["rooms"]
    assert talks["Talk s1"]["guid"] == "7a0fc001-e587-47e1-b378-b6ec7e666337"
    assert talks["Talk s1"]["links"][0] == {"title": "Project", "url": "https://example.net/"}
    assert {"type": "paper", "title": "Paper", "url": "https://example.net/paper.pdf"} in talks["Talk s1"]["attachments"]
    assert (talks["Talk s1"]["recording_license"], talks["Talk s1"]["do_not_record"]) == ("CC BY 4.0", True)
    assert talks["Talk s1"]["feedback_url"] == "https://example.net/feedback/"
    assert loaded.event.timezone == "America/Los_Angeles"
    assert sorted((s.title, s.starts_at, s.ends_at) for s in loaded.sessions) == sorted(
        (s.title, s.starts_at, s.ends_at) for s in made.sessions
    )


def test_reimport_removes_records_the_export_dropped_and_keeps_ones_made_in_podium(aws_stack, organizer, small_export):
    from chalicelib.db import content, keys

    first = _import(small_export, organizer)
    note = content.Post(keys.event_pk(first.event_id), "POST#note", id="note", event_id=first.event_id, title="Kept")
    note.save()
    sessions = json.loads((small_export / "sessions").read_text())
    (small_export / "sessions").write_text(json.dumps(sessions[:-1]))

    _import(small_export, organizer)

    stored = _stored(first.event_id)
    assert len(stored["session"]) == len(sessions) - 1
    assert [p.title for p in stored["post"]] == ["Kept"]


def test_import_repairs_hostile_values_reports_them_and_stores_what_renders(aws_stack, organizer, tmp_path):
    import uuid

    from chalicelib.site import from_db
    from chalicelib.site.render import render_event

    event = {
        "id": 1, "identifier": uuid.uuid4().hex[:8], "name": "Hostile Conf", "timezone": "UTC", "state": "published",
        "starts_at": "2018-03-22T09:00:00Z", "ends_at": "2018-03-24T18:00:00Z",
        "ticket_url": "javascript:alert(document.domain)", "latitude": 999,
        "social_links": [{"name": "x", "link": "data:text/html,<script>alert(1)</script>"}],
    }  # fmt: skip
    sessions = [
        {"id": 1, "title": "Good talk\nsecond\u0000line", "state": "accepted", "starts_at": "2018-03-22T10:00:00Z",
         "ends_at": "2018-03-22T11:00:00Z"},
        {"id": 2, "title": "Backwards", "state": "accepted", "starts_at": "2018-03-22T10:00:00Z",
         "ends_at": "2018-03-22T09:00:00Z"},
    ]  # fmt: skip
    sponsors = [{"id": 1, "name": "ACME", "url": "javascript:alert(1)", "level": "\u00b2"}]
    for name, records in (("event", event), ("sessions", sessions), ("sponsors", sponsors)):
        (tmp_path / name).write_text(json.dumps(records))

    _verified_user(organizer)
    result = _import(tmp_path, organizer, publish=True)

    stored = _stored(result.event_id)
    assert (stored["event"][0].ticket_url, stored["event"][0].latitude, stored["event"][0].social_links) == (
        None, None, [],
    )  # fmt: skip
    assert [(s.url, s.level) for s in stored["sponsor"]] == [(None, 0)]
    assert sorted((s.title, s.ends_at is None) for s in stored["session"]) == [
        ("Backwards", True), ("Good talk secondline", False),
    ]  # fmt: skip
    assert sorted((r.file, r.record, r.field) for r in result.repairs) == [
        ("event", "", "latitude"), ("event", "", "social_links[0]"), ("event", "", "ticket_url"),
        ("sessions", "0 (id 1)", "title"), ("sessions", "1 (id 2)", "ends_at"),
        ("sponsors", "0 (id 1)", "level"), ("sponsors", "0 (id 1)", "url"),
    ]  # fmt: skip
    assert result.to_json()["repair_counts"] == {"event": 3, "sessions": 2, "sponsors": 2, "total": 7}
    files = render_event(from_db.load_bundle(result.event_id), base_url="http://podium.test")
    assert [p for p, body in files.items() if b"javascript:" in body or b"data:text/html" in body] == []


def test_import_publishes_only_for_a_verified_user(aws_stack, small_export):
    from chalicelib.actors import SYSTEM, Actor
    from chalicelib.db.keys import user_pk
    from chalicelib.db.users import User
    from chalicelib.domain.permissions import EmailNotVerified

    unverified = Actor(id="unverified-importer", kind="user", name="New")
    User(
        user_pk(unverified.id), "USER", id=unverified.id, email="new@example.org", name="New", password_hash="!",
        email_verified=False, token_version=0,
    ).save()  # fmt: skip

    with pytest.raises(EmailNotVerified):
        _import(small_export, unverified, publish=True)
    by_the_operator = import_event_as(small_export, SYSTEM, owner_id=unverified.id, publish=True)

    assert _stored(by_the_operator.event_id)["event"][0].state == "published"


def import_event_as(path, actor, **kwargs):
    from chalicelib.domain.imports import import_event, read_source

    return import_event(export=read_source(path), actor=actor, **kwargs)


def _verified_user(actor):
    """Publishing needs a verified email: the actor's account, as sign-up and verification leave it."""
    from chalicelib.db.keys import user_pk
    from chalicelib.db.users import User

    if User.count(user_pk(actor.id), User.sk == "USER"):  # the organizer is shared by the tests of a process
        return
    User(
        user_pk(actor.id), "USER", id=actor.id, email=f"{actor.id}@example.org", name=actor.name, password_hash="!",
        email_verified=True, token_version=0,
    ).save()  # fmt: skip


def test_reimport_changing_a_state_mails_its_speakers_only_with_notify_speakers(aws_stack, organizer, small_export):
    import uuid

    from chalicelib.db.jobs import Job
    from chalicelib.domain.content import get_child

    tag = uuid.uuid4().hex[:8]
    speakers = _raw(small_export, "speakers")
    for index, speaker in enumerate(speakers):
        speaker["email"] = f"speaker{index}-{tag}@example.org"
    (small_export / "speakers").write_text(json.dumps(speakers))
    first = _import(small_export, organizer)
    sessions = _raw(small_export, "sessions")
    quiet, told = sessions[0], sessions[1]

    def moved(record, state):
        record["state"] = state
        (small_export / "sessions").write_text(json.dumps(sessions))

    def mails():
        jobs = sorted(Job.scan(Job.name == "send_email"), key=lambda j: j.created_at)
        return [(a["to"], a["subject"]) for a in (json.loads(j.args) for j in jobs) if tag in a["to"]]

    moved(quiet, "canceled" if quiet["state"] != "canceled" else "accepted")
    _import(small_export, organizer)
    after_quiet = mails()
    moved(told, "confirmed" if told["state"] != "confirmed" else "withdrawn")
    _import(small_export, organizer, notify_speakers=True)

    stored = get_child(event_id=first.event_id, kind="session", item_id=_session_id(first.event_id, told))
    addresses = sorted(s["email"] for s in speakers if s["id"] in {p["id"] for p in told["speakers"]})
    assert after_quiet == []
    assert addresses
    assert sorted(mails()) == [(to, f"Your session “{stored.title}” is now {told['state']}") for to in addresses]


def _session_id(event_id, record):
    found = [s for s in _stored(event_id)["session"] if s.source_id == str(record["id"])]
    assert len(found) == 1
    return found[0].id


def test_start_import_refuses_another_users_upload_and_a_missing_one(stack):
    from chalicelib.actors import Actor
    from chalicelib.domain.imports import import_prefix, start_import
    from chalicelib.errors import Forbidden, ValidationFailed

    ada = Actor(id="ada-1", kind="user", name="Ada")

    with pytest.raises(Forbidden) as foreign:
        start_import(actor=ada, upload_key=f"{import_prefix('bob-1')}export.zip", publish=False)
    with pytest.raises(Forbidden):
        start_import(actor=ada, upload_key=f"{import_prefix(ada.id)}../bob-1/export.zip", publish=False)
    with pytest.raises(ValidationFailed) as missing:
        start_import(actor=ada, upload_key=f"{import_prefix(ada.id)}export.zip", publish=False)

    assert foreign.value.fields == {"upload_key": "not one of your uploads"}
    assert missing.value.fields == {"upload_key": "no such upload"}


def test_import_of_a_completed_event_publishes_it_as_a_past_event(aws_stack, organizer, small_export):
    from chalicelib.actors import SYSTEM
    from chalicelib.db.queries import published_events

    event = _raw(small_export, "event")
    (small_export / "event").write_text(json.dumps(event | {"state": "Completed"}))

    result = import_event_as(small_export, SYSTEM, owner_id=organizer.id, publish=True)

    stored = _stored(result.event_id)["event"][0]
    assert (stored.state, stored.ends_at < datetime.now(UTC)) == ("published", True)
    assert result.event_id in {e.id for e in published_events()}


def test_import_queues_fetching_the_pictures_it_names_by_url(aws_stack, organizer, small_export):
    from chalicelib.db.jobs import event_job_ids, get_job
    from chalicelib.domain.uploads import remote_images

    result = _import(small_export, organizer)

    jobs = [get_job(i) for i in event_job_ids(result.event_id)]
    assert [json.loads(j.args) for j in jobs if j.name == "fetch_remote_images"] == [{"event_id": result.event_id}]
    wanted = remote_images(event_id=result.event_id)  # what the job will fetch: speaker photos, the banner
    assert {w["kind"] for w in wanted} == {"speaker_photo", "event_banner"}
    assert all(w["url"].startswith("https://storage.googleapis.com/") for w in wanted)


def test_reimport_keeps_the_files_the_items_hold(aws_stack, organizer, small_export):
    from chalicelib.db import content, keys
    from chalicelib.db.uploads import StoredFile
    from chalicelib.domain.uploads import remote_images

    first = _import(small_export, organizer)
    wanted = remote_images(event_id=first.event_id)
    photo = next(w for w in wanted if w["kind"] == "speaker_photo")
    speaker = content.Speaker.get(keys.event_pk(first.event_id), keys.child_sk("speaker", photo["target_id"]))
    stored = StoredFile(upload_id="u-kept", key="files/speaker_photo/x/kept.png", content_type="image/png",
                        filename="kept.png", size=10)  # fmt: skip
    speaker.update(actions=[content.Speaker.photo_file.set(stored)])

    _import(small_export, organizer)

    again = content.Speaker.get(keys.event_pk(first.event_id), keys.child_sk("speaker", photo["target_id"]))
    assert again.photo_file.upload_id == "u-kept" and again.photo_url == photo["url"]
    assert photo["target_id"] not in {w["target_id"] for w in remote_images(event_id=first.event_id)}
