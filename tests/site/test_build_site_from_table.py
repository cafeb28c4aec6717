"""build_site.py reading the table: --event, --out and --bucket through its real entry point."""

from __future__ import annotations

import re
from pathlib import Path
from zoneinfo import ZoneInfo

import boto3
import pytest

pytestmark = pytest.mark.integration

BASE_URL = "http://podium.test"
SESSION_PAGE = re.compile(r"e/[^/]+/sessions/[^/]+/index\.html")


def _tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture
def demo_event(stack):
    from podium.localstack.demo import seed_demo_event

    return seed_demo_event()


def test_build_from_the_table_equals_the_build_from_the_export(
    stack, frozen_clock, tmp_path, build_site_module, sample_2018, capsys
):
    # GIVEN FOSSASIA 2018 imported (published) into the table
    from chalicelib.actors import SYSTEM
    from chalicelib.domain.imports import import_event, read_source

    slug = import_event(export=read_source(sample_2018), actor=SYSTEM, owner_id=SYSTEM.id, publish=True).slug

    # WHEN the site is built from the export and from the table, each through main()
    from_export = build_site_module.main(
        ["--from-openevent", str(sample_2018), "--out", str(tmp_path / "export"), "--base-url", BASE_URL]
    )
    from_table = build_site_module.main(["--event", slug, "--out", str(tmp_path / "table"), "--base-url", BASE_URL])

    # THEN both folders hold the same files, byte for byte, with a page per accepted session
    export_files, table_files = _tree(tmp_path / "export"), _tree(tmp_path / "table")
    assert (from_export, from_table) == (0, 0)
    assert sorted(table_files) == sorted(export_files)
    assert [path for path in export_files if export_files[path] != table_files[path]] == []
    assert len([path for path in table_files if SESSION_PAGE.fullmatch(path)]) == 234
    assert f"loaded {slug} in " in capsys.readouterr().err


def test_build_of_an_unknown_event_exits_2_naming_it(stack, tmp_path, build_site_module, capsys):
    code = build_site_module.main(["--event", "no-such-event", "--out", str(tmp_path / "site")])

    assert code == 2
    assert capsys.readouterr().err == "error: no event with the slug or id 'no-such-event'\n"
    assert not (tmp_path / "site").exists()


def test_build_of_a_draft_event_exits_2(demo_event, tmp_path, build_site_module, capsys):
    from chalicelib.db.content import Event
    from chalicelib.db.keys import event_pk
    from podium.localstack.demo import DEMO_ID

    Event.get(event_pk(DEMO_ID), "EVENT").update(
        actions=[Event.state.set("draft"), Event.gsi2pk.remove(), Event.gsi2sk.remove()]
    )

    code = build_site_module.main(["--event", DEMO_ID, "--out", str(tmp_path / "site")])

    assert code == 2
    assert "is not published" in capsys.readouterr().err


def test_build_of_every_published_event_to_a_folder(demo_event, frozen_clock, tmp_path, build_site_module, capsys):
    code = build_site_module.main(["--out", str(tmp_path / "site"), "--base-url", BASE_URL])

    files = _tree(tmp_path / "site")
    assert code == 0
    assert f"e/{demo_event}/sessions/static/index.html" in files
    assert b"Podium Demo Conf" in files["index.html"]
    assert capsys.readouterr().out.startswith(f"Wrote {len(files)} files (")


def test_build_into_a_bucket_writes_changed_files_only(demo_event, build_site_module, capsys):
    s3 = boto3.client("s3")
    bucket = "build-site-test-bucket"
    s3.create_bucket(Bucket=bucket)
    try:
        first = build_site_module.main(["--event", demo_event, "--bucket", bucket])
        first_out = capsys.readouterr().out
        again = build_site_module.main(["--event", demo_event, "--bucket", bucket])
        again_out = capsys.readouterr().out
        keys = [
            o["Key"] for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket) for o in page["Contents"]
        ]
    finally:
        for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket):
            for found in page.get("Contents", []):
                s3.delete_object(Bucket=bucket, Key=found["Key"])
        s3.delete_bucket(Bucket=bucket)

    assert (first, again) == (0, 0)
    assert f"e/{demo_event}/sessions/static/index.html" in keys
    assert re.match(rf"Published to s3://{bucket}: [1-9]\d* written, 0 deleted, 0 unchanged in ", first_out)
    assert re.match(rf"Published to s3://{bucket}: 0 written, 0 deleted, [1-9]\d* unchanged in ", again_out)


def test_build_with_an_event_that_cannot_render_writes_the_others_and_exits_1_naming_it(
    demo_event, monkeypatch, tmp_path, build_site_module, capsys
):
    from support.render import failing_render, second_published_event

    other = second_published_event()
    failing_render(monkeypatch, demo_event)

    code = build_site_module.main(["--out", str(tmp_path / "site"), "--base-url", BASE_URL])

    files, err = _tree(tmp_path / "site"), capsys.readouterr().err
    assert code == 1
    assert f"error: event {demo_event} was not built: RuntimeError: cannot render {demo_event}" in err
    assert f"e/{other}/index.html" in files
    assert not [path for path in files if path.startswith(f"e/{demo_event}/")]
    assert (f"/e/{other}/".encode() in files["index.html"], f"/e/{demo_event}/".encode() in files["index.html"]) == (
        True,
        False,
    )


def test_publish_with_an_event_that_cannot_render_publishes_the_others_and_exits_1_naming_it(
    demo_event, monkeypatch, build_site_module, capsys
):
    from chalicelib.settings import settings
    from support.render import failing_render, second_published_event

    other = second_published_event()
    failing_render(monkeypatch, demo_event)

    code = build_site_module.main(["--bucket", settings().site_bucket])

    pages = boto3.client("s3").get_paginator("list_objects_v2").paginate(Bucket=settings().site_bucket, Prefix="e/")
    keys = [o["Key"] for page in pages for o in page.get("Contents", [])]  # other tests' events fill pages of 1,000
    assert code == 1
    assert f"error: event {demo_event} was not built: RuntimeError: cannot render {demo_event}" in capsys.readouterr().err
    assert (f"e/{other}/index.html" in keys, [k for k in keys if k.startswith(f"e/{demo_event}/")]) == (True, [])


@pytest.mark.parametrize("feed", ["schedule.json", "schedule.xml"])
def test_build_of_a_rich_event_round_trips_through_its_schedule_feeds(stack, tmp_path, build_site_module, feed):
    # GIVEN an event with a team, posts, an uploaded photo, a call for papers, a pending session
    from chalicelib.actors import SYSTEM
    from chalicelib.domain.imports import import_event, read_source
    from support.round_trip import comparable, rich_event

    event_id = rich_event()
    original = comparable(event_id)

    # WHEN the site is built from the table and its feed is imported as a new event
    code = build_site_module.main(["--event", event_id, "--out", str(tmp_path / "site"), "--base-url", BASE_URL])
    (written,) = (tmp_path / "site").rglob(feed)
    copy = import_event(export=read_source(written), actor=SYSTEM, owner_id="round-trip-importer", publish=True)

    # THEN the copy has the public sessions with their times, tracks, rooms, types and speakers, and
    # the public speakers, tracks and rooms (a feed carries no sponsors, posts, emails or pending
    # work; both formats require a type, so an untyped session comes back as the feeds' "talk")
    imported = comparable(copy.event_id)
    public_sessions = [s for s in original["sessions"] if s[1] in ("accepted", "confirmed")]
    assert code == 0
    assert [(s[0], s[2], s[3], s[4], s[5], s[6], s[7]) for s in imported["sessions"]] == [
        (s[0], s[2], s[3], s[4], s[5], s[6] or "talk", s[7]) for s in public_sessions
    ]
    assert [s[0] for s in imported["speakers"]] == [s[0] for s in original["speakers"]]
    assert [t[0] for t in imported["tracks"]] == [t[0] for t in original["tracks"]]
    assert [r[0] for r in imported["rooms"]] == [r[0] for r in original["rooms"]]
    # the feeds carry the conference's days as dates, so the copy's start and end are those days
    name, starts_at, ends_at, zone = original["event"][:4]
    local = ZoneInfo(zone)
    assert imported["event"][0] == name and imported["event"][3] == zone
    assert imported["event"][1].astimezone(local).date() == starts_at.astimezone(local).date()
    assert imported["event"][2].astimezone(local).date() == ends_at.astimezone(local).date()


def test_build_of_a_rich_event_round_trips_through_its_public_export(stack, tmp_path, build_site_module):
    # GIVEN an event with a team, posts (one a draft), an uploaded photo, a call for papers, a pending session
    from chalicelib.actors import SYSTEM
    from chalicelib.domain.imports import import_event, read_source
    from support.round_trip import comparable, rich_event, seen_by_visitors

    event_id = rich_event()

    # WHEN the site is built from the table and its public export is imported as a new event
    code = build_site_module.main(["--event", event_id, "--out", str(tmp_path / "site"), "--base-url", BASE_URL])
    (written,) = (tmp_path / "site").rglob("openevent.zip")
    copy = import_event(export=read_source(written), actor=SYSTEM, owner_id="round-trip-importer", publish=True)

    # THEN the copy has what visitors see of the event: its public sessions with their times, tracks,
    # rooms, types and speakers, the speakers giving them, the sponsors, the published post, the times
    assert code == 0
    assert copy.created and copy.event_id != event_id
    assert comparable(copy.event_id) == seen_by_visitors(comparable(event_id))
