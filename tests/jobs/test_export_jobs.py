"""The export job (job_bodies/exports.py) through the queue: events with a team, posts and
uploaded files export; the zip is the job's result file, presigned only when the job is read."""

from __future__ import annotations

import io
import zipfile

import pytest
import requests
from support.uploads import OWNER_ID, STRANGER_ID, actor, seed_event

pytestmark = pytest.mark.integration


@pytest.fixture
def run_export(aws_stack, stack):
    """Run the export job of `event_id` for a user (the seeded event's owner) through the queue; the job record."""
    from app import app
    from chalicelib.db.jobs import Job
    from chalicelib.db.keys import job_pk
    from chalicelib.jobs.enqueue import enqueue
    from chalicelib.request_context import system_context
    from podium.localstack.poller import LocalPoller

    poller = LocalPoller(app, aws_stack)

    def run(event_id: str, user_id: str = OWNER_ID):
        ctx = system_context().with_actor(actor(user_id))
        job_id = enqueue("export_event", _ctx=ctx, _event_id=event_id, event_id=event_id)
        while poller.poll_jobs_once(wait_seconds=0):
            pass
        return Job.get(job_pk(job_id), "JOB", consistent_read=True)

    return run


def _with_photo(speaker_id: str, event_id: str) -> None:
    """The speaker gets an uploaded photo, as the uploads' completion step stores it."""
    from chalicelib.db import content, keys
    from chalicelib.db.uploads import StoredFile

    speaker = content.Speaker.get(*keys.child_key(event_id, "speaker", speaker_id))
    speaker.photo_file = StoredFile(
        upload_id="up1", key=f"files/{event_id}/up1/ada.png", content_type="image/png", filename="ada.png", size=10
    )
    speaker.save()


def test_export_job_of_an_event_with_a_team_posts_and_photos_succeeds(run_export):
    # GIVEN an event with an owner and an organizer, a post and a speaker with an uploaded photo
    seeded = seed_event()
    _with_photo(seeded.speaker_id, seeded.event_id)

    # WHEN its export job runs
    job = run_export(seeded.event_id)

    # THEN it succeeds, and the zip is the job's own result file
    assert (job.state, job.error) == ("SUCCESS", None)
    assert job.result_key == f"jobs/{job.id}/{seeded.event_id}-openevent.zip"


def test_export_job_result_holds_no_link_and_the_job_read_presigns_one(run_export):
    from chalicelib.domain.jobs import read_job

    seeded = seed_event()
    job = run_export(seeded.event_id)

    view = read_job(job_id=job.id, actor=actor(OWNER_ID))

    assert "download_url" not in view["result"] and "http" not in str(view["result"])
    response = requests.get(view["download_url"], timeout=10)
    assert response.status_code == 200
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        assert "event" in archive.namelist()


def test_export_job_is_not_readable_by_a_stranger(run_export):
    from chalicelib.domain.jobs import read_job
    from chalicelib.errors import NotFound

    seeded = seed_event()
    job = run_export(seeded.event_id)

    with pytest.raises(NotFound):
        read_job(job_id=job.id, actor=actor(STRANGER_ID))


def test_export_zip_is_not_served_without_a_signature(run_export, aws_stack):
    from chalicelib.domain.jobs import read_job

    seeded = seed_event()
    job = run_export(seeded.event_id)
    signed = read_job(job_id=job.id, actor=actor(OWNER_ID))["download_url"]

    response = requests.get(signed.split("?", 1)[0], timeout=10)

    assert response.status_code == 403


def test_export_zip_goes_when_its_event_is_purged(run_export):
    from chalicelib.actors import SYSTEM
    from chalicelib.db import content, keys
    from chalicelib.domain.trash import purge_trashed, trash_event
    from support.uploads import bucket_keys

    seeded = seed_event()
    job = run_export(seeded.event_id)
    event = content.Event.get(*keys.event_key(seeded.event_id))
    trash_event(event=event, actor=actor(OWNER_ID))
    assert [key for key in bucket_keys() if key.startswith(f"jobs/{job.id}/")] == [job.result_key]

    purge_trashed(item=content.Event.get(*keys.event_key(seeded.event_id), consistent_read=True), actor=SYSTEM)

    assert [key for key in bucket_keys() if key.startswith(f"jobs/{job.id}/")] == []


def test_export_job_zip_imports_again_as_the_same_event(run_export, tmp_path):
    # GIVEN an event with a team, posts, an uploaded photo, a call for papers and timed sessions
    from chalicelib.actors import SYSTEM
    from chalicelib.domain.imports import import_event, read_source
    from chalicelib.domain.jobs import read_job
    from support.round_trip import OWNER_ID as RICH_OWNER
    from support.round_trip import comparable, rich_event

    event_id = rich_event()

    # WHEN its owner exports it through the job and the download is imported
    job = run_export(event_id, RICH_OWNER)
    (tmp_path / "export.zip").write_bytes(
        requests.get(read_job(job_id=job.id, actor=actor(RICH_OWNER))["download_url"], timeout=10).content
    )
    copy = import_event(export=read_source(tmp_path / "export.zip"), actor=SYSTEM, owner_id=RICH_OWNER, publish=True)

    # THEN the copy is a new event with the same sessions, speakers, tracks, rooms, sponsors, posts and times
    assert copy.created and copy.event_id != event_id
    assert comparable(copy.event_id) == comparable(event_id)
