from __future__ import annotations

import io
import json
import zipfile

import pytest

pytestmark = pytest.mark.integration


def _unzip(data: bytes) -> dict[str, object]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: json.loads(archive.read(name)) for name in archive.namelist()}


def test_export_import_export_gives_equal_data(imported, organizer, sample_2018, tmp_path):
    from chalicelib.domain.exports import export_zip
    from chalicelib.domain.imports import import_event, read_source
    from chalicelib.domain.projections import ORGANIZERS_AUDIENCE

    event_id = imported(sample_2018).event_id
    first = export_zip(event_id=event_id, audience=ORGANIZERS_AUDIENCE)
    (tmp_path / "first.zip").write_bytes(first)

    import_event(export=read_source(tmp_path / "first.zip"), actor=organizer, owner_id=organizer.id, publish=True)
    second = export_zip(event_id=event_id, audience=ORGANIZERS_AUDIENCE)

    assert _unzip(second) == _unzip(first)
    assert second == first


def test_export_is_the_v2_spelling_with_every_record(imported, sample_2017):
    from chalicelib.domain.exports import export_zip
    from chalicelib.domain.projections import ORGANIZERS_AUDIENCE

    files = _unzip(export_zip(event_id=imported(sample_2017).event_id, audience=ORGANIZERS_AUDIENCE))

    assert sorted(files) == ["event", "microlocations", "posts", "session-types", "sessions", "speakers", "sponsors", "tracks"]
    assert [len(files[n]) for n in ("sessions", "speakers", "tracks", "microlocations", "sponsors")] == [
        214,
        207,
        22,
        15,
        17,
    ]
    assert "starts-at" in files["sessions"][0] and "starts_at" not in files["sessions"][0]


def test_export_leaves_private_fields_out_unless_asked(imported, sample_2018):
    from chalicelib.domain.exports import export_zip
    from chalicelib.domain.projections import ORGANIZERS_AUDIENCE, VISITORS

    event_id = imported(sample_2018).event_id
    public = _unzip(export_zip(event_id=event_id, audience=VISITORS))
    private = _unzip(export_zip(event_id=event_id, audience=ORGANIZERS_AUDIENCE))

    assert not any("email" in s or "mobile" in s for s in public["speakers"])
    assert not any("comments" in s for s in public["sessions"]) and "email" not in public["event"]
    assert all("email" in s for s in private["speakers"]) and "email" in private["event"]


def test_export_of_a_missing_event_is_not_found(aws_stack):
    from chalicelib.domain.exports import export_zip
    from chalicelib.domain.projections import VISITORS
    from chalicelib.errors import NotFound

    with pytest.raises(NotFound):
        export_zip(event_id="nosuchevent", audience=VISITORS)


def test_export_of_an_event_with_a_team_and_posts_writes_the_posts(seeded):
    from chalicelib.domain.exports import export_files
    from chalicelib.domain.projections import ORGANIZERS_AUDIENCE

    files = export_files(event_id=seeded.event_id, audience=ORGANIZERS_AUDIENCE)

    assert [(p["id"], p["title"]) for p in json.loads(files["posts"])] == [(seeded.post_id, "News")]
@pytest.mark.integration
def test_export_leaves_speakers_unsubmitted_proposals_out(stack):
    from chalicelib.domain.exports import export_files
    from chalicelib.domain.projections import ORGANIZERS_AUDIENCE
    from support.content import create, saved_event

    event = saved_event()
    create(event, "session", title="Speaker's draft", state="draft", proposed_by="u-draft")
    create(event, "session", title="Organizers' draft", state="draft")
    create(event, "session", title="Submitted", state="pending", proposed_by="u-sent")

    files = export_files(event_id=event.id, audience=ORGANIZERS_AUDIENCE)

    assert sorted(s["title"] for s in json.loads(files["sessions"])) == ["Organizers' draft", "Submitted"]


@pytest.mark.integration
def test_export_of_an_event_without_dates_imports_again_as_a_draft_without_dates(stack, tmp_path):
    # GIVEN a new event (no dates yet) with a track and an untimed session, exported as its team
    # exports it (`podium export` and the API's export job both write `export_zip`)
    from chalicelib.actors import SYSTEM, Actor
    from chalicelib.db.content import Event
    from chalicelib.db.keys import event_key
    from chalicelib.domain.content import create_child
    from chalicelib.domain.events import create_event
    from chalicelib.domain.exports import export_zip
    from chalicelib.domain.imports import import_event, read_source
    from chalicelib.domain.projections import ORGANIZERS_AUDIENCE

    owner = Actor(id="dateless-owner", kind="user", name="Owner")
    event = create_event(name="Dateless Camp", actor=owner)
    create_child(event=event, kind="track", fields={"name": "Web"}, actor=owner)
    create_child(event=event, kind="session", fields={"title": "Untimed", "state": "accepted"}, actor=owner)
    (tmp_path / "export.zip").write_bytes(export_zip(event_id=event.id, audience=ORGANIZERS_AUDIENCE))

    # WHEN it is imported (asked to publish)
    export = read_source(tmp_path / "export.zip")
    copy = import_event(export=export, actor=SYSTEM, owner_id=owner.id, publish=True)

    # THEN it is a new draft without dates holding the track and the session, nothing repaired
    imported = Event.get(*event_key(copy.event_id))
    assert copy.created and copy.event_id != event.id
    assert (imported.name, imported.state, imported.starts_at, imported.ends_at) == ("Dateless Camp", "draft", None, None)
    assert [s["title"] for s in export.sessions] == ["Untimed"] and [t["name"] for t in export.tracks] == ["Web"]
    assert export.repairs == ()


@pytest.mark.integration
def test_export_without_dates_into_a_published_event_is_refused_naming_the_field_and_writes_nothing(stack):
    # GIVEN a published event and an export of it whose dates were removed
    from chalicelib.actors import SYSTEM
    from chalicelib.db.content import Event
    from chalicelib.db.keys import event_key
    from chalicelib.domain.exports import export_files
    from chalicelib.domain.imports import import_event
    from chalicelib.domain.projections import ORGANIZERS_AUDIENCE
    from chalicelib.formats.openevent import ExportError, parse_files
    from support.round_trip import rich_event

    event_id = rich_event()
    files = export_files(event_id=event_id, audience=ORGANIZERS_AUDIENCE)
    files["event"] = json.dumps(json.loads(files["event"]) | {"starts-at": None, "ends-at": None}).encode()
    before = Event.get(*event_key(event_id))

    # WHEN it is imported into that event
    with pytest.raises(ExportError) as refused:
        import_event(export=parse_files(files), actor=SYSTEM, owner_id=SYSTEM.id, into_event_id=event_id)

    # THEN it is refused naming the event's start, and the event keeps its state and dates
    after = Event.get(*event_key(event_id))
    assert (refused.value.file, refused.value.field) == ("event", "starts_at")
    assert (after.state, after.starts_at, after.ends_at) == ("published", before.starts_at, before.ends_at)
