"""`podium export` (podium/exports.py) and `build_site.py` from the table, each run as an operator
runs them (a process of their own) for an event with a team, an invite, a post and an uploaded photo."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from support.uploads import OWNER_ID, seed_event

pytestmark = pytest.mark.integration

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def team_event(stack) -> str:
    """The seeded event (owner, organizer, speaker, sponsor, session, post), published, with a
    pending invite, a published post and a speaker photo; its id."""
    from chalicelib.db import content, keys
    from chalicelib.db.uploads import StoredFile
    from chalicelib.db.users import Invite

    seeded = seed_event()
    event = content.Event.get(*keys.event_key(seeded.event_id))
    event.update(
        actions=[
            content.Event.state.set("published"),
            content.Event.gsi1pk.set(keys.slug_key(event.slug)),
            content.Event.gsi1sk.set(keys.EVENT_SK),
            content.Event.gsi2pk.set(keys.PUBLISHED),
            content.Event.gsi2sk.set(event.starts_at.isoformat()),
        ]
    )
    pk, sk = keys.invite_key(seeded.event_id, "inv1")
    Invite(pk, sk, id="inv1", event_id=seeded.event_id, email="x@example.org", role="organizer", invited_by=OWNER_ID).save()
    post = content.Post.get(*keys.child_key(seeded.event_id, "post", seeded.post_id))
    post.update(actions=[content.Post.published.set(True), content.Post.body.set("<p>Hello</p>")])
    speaker = content.Speaker.get(*keys.child_key(seeded.event_id, "speaker", seeded.speaker_id))
    photo = StoredFile(upload_id="up1", key="files/ev1/up1/a.png", content_type="image/png", filename="a.png", size=9)
    speaker.update(actions=[content.Speaker.photo_file.set(photo)])
    return seeded.event_id


def _operator_env() -> dict[str, str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("PODIUM_", "AWS_", "FORCE_COLOR"))}
    return {**clean, "PYTHONPATH": str(REPO / "backend")}


def test_podium_export_of_an_event_with_a_team_posts_and_photos_writes_the_zip(
    team_event, local_stack, podium, tmp_path
):
    out = tmp_path / "conf.zip"

    run = podium("export", "conf", "--out", str(out), "--state-dir", str(local_stack))

    assert run.returncode == 0, run.stderr
    with zipfile.ZipFile(io.BytesIO(out.read_bytes())) as archive:
        posts = json.loads(archive.read("posts"))
    assert [p["title"] for p in posts] == ["News"]


@pytest.mark.parametrize("which", [["--event", "conf"], []], ids=["one-event", "every-event"])
def test_build_site_from_the_table_builds_an_event_with_a_team_posts_and_photos(
    team_event, local_stack, tmp_path, which
):
    command = [sys.executable, str(REPO / "build_site.py"), *which, "--out", str(tmp_path / "site")]

    run = subprocess.run(
        [*command, "--state-dir", str(local_stack)], capture_output=True, text=True, env=_operator_env(), timeout=120
    )

    assert run.returncode == 0, run.stderr
    assert (tmp_path / "site" / "e" / "conf" / "index.html").is_file()


def test_podium_export_zip_imports_again_as_the_same_event(stack, local_stack, podium, tmp_path):
    from chalicelib.actors import SYSTEM
    from chalicelib.domain.imports import import_event, read_source
    from support.round_trip import comparable, rich_event

    event_id = rich_event()
    out = tmp_path / "export.zip"

    run = podium("export", event_id, "--out", str(out), "--state-dir", str(local_stack))
    copy = import_event(export=read_source(out), actor=SYSTEM, owner_id="round-trip-importer", publish=True)

    assert run.returncode == 0, run.stderr
    assert copy.created and copy.event_id != event_id
    assert comparable(copy.event_id) == comparable(event_id)
