from __future__ import annotations

import io
import json
import os
import zipfile
from collections import Counter

import pytest

pytestmark = pytest.mark.integration

IMPORTER_ID = "importer-1"


@pytest.fixture
def poller(aws_stack):
    from app import app
    from podium.localstack.poller import LocalPoller

    return LocalPoller(app, aws_stack)


@pytest.fixture
def run_import(poller, stack):
    """Upload `data` for the importer, run the import job through the queue, return the job record
    (the events it makes are removed after the test: `stack`)."""
    from chalicelib.actors import Actor
    from chalicelib.adapters.aws import client
    from chalicelib.db.jobs import Job
    from chalicelib.db.keys import job_pk
    from chalicelib.jobs.enqueue import enqueue
    from chalicelib.request_context import system_context
    from chalicelib.settings import settings

    def run(data: bytes, name: str = "export.zip", **kwargs):
        key = f"imports/{IMPORTER_ID}/{name}"
        client("s3").put_object(Bucket=settings().uploads_bucket, Key=key, Body=data)
        ctx = system_context().with_actor(Actor(id=IMPORTER_ID, kind="user"))
        job_id = enqueue("import_event", _ctx=ctx, upload_key=key, owner_id=IMPORTER_ID, **kwargs)
        while poller.poll_jobs_once(wait_seconds=1):
            pass
        return Job.get(job_pk(job_id), "JOB", consistent_read=True)

    return run


def _zip(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def _small_files(folder) -> dict[str, bytes]:
    sessions = json.loads((folder / "sessions").read_text())[:5]
    speaker_ids = {p["id"] for s in sessions for p in s["speakers"]}
    speakers = [p for p in json.loads((folder / "speakers").read_text()) if p["id"] in speaker_ids]
    return {
        "event": (folder / "event").read_bytes(),
        "sessions": json.dumps(sessions).encode(),
        "speakers": json.dumps(speakers).encode(),
        "tracks": (folder / "tracks").read_bytes(),
        "microlocations": (folder / "microlocations").read_bytes(),
    }


def _content_items() -> int:
    from chalicelib.adapters.aws import client
    from chalicelib.settings import settings

    pages = (
        client("dynamodb").get_paginator("scan").paginate(TableName=settings().table_name, ProjectionExpression="pk")
    )
    return sum(1 for page in pages for item in page["Items"] if not item["pk"]["S"].startswith("JOB#"))


def _session_with(files, **changes):
    sessions = json.loads(files["sessions"])
    sessions[3].update(changes)
    return files | {"sessions": json.dumps(sessions).encode()}


def _bomb() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("sessions", b"[" + b" " * 60_000_000 + b"]")
    return buffer.getvalue()


MALFORMED = {
    "no event file": (lambda f: _zip({k: v for k, v in f.items() if k != "event"}), "event: file missing"),
    "broken event JSON": (lambda f: _zip(f | {"event": f["event"][:-20]}), "event: not valid JSON"),
    "unreadable event start": (
        lambda f: _zip(f | {"event": _with_start(f["event"], "next week")}), "event: starts_at is not an ISO 8601 time",
    ),
    "zip slip": (lambda f: _zip({"../event": f["event"], **f}), "../event: unsafe path in zip"),
    "zip bomb": (lambda f: _bomb(), "sessions: uncompressed size"),
}


def _with_start(event: bytes, start: str | None) -> bytes:
    """The event file with its start replaced, or left out with None."""
    fields = {k: v for k, v in json.loads(event).items() if k != "start_time"}
    return json.dumps(fields | ({"start_time": start} if start is not None else {})).encode()


@pytest.mark.parametrize("case", list(MALFORMED))
def test_import_job_rejects_an_unreadable_export_naming_file_and_field_and_writes_nothing(run_import, sample_2018, case):
    build, message = MALFORMED[case]
    data = build(_small_files(sample_2018))
    before = _content_items()

    record = run_import(data)

    assert (record.state, record.attempts) == ("FAILURE", 1)
    assert message in record.error
    assert _content_items() == before


# Quirks past the event file: the import goes on, and its result lists the repair.
REPAIRED = {
    # A published event without its start comes in as a draft (publishing needs both dates).
    "event without start": (lambda f: _zip(f | {"event": _with_start(f["event"], None)}), ("event", "", "starts_at")),
    "broken JSON": (lambda f: _zip(f | {"speakers": f["speakers"][:-20]}), ("speakers", "", "")),
    "unknown track": (lambda f: _zip(_session_with(f, track={"id": 999999})), ("sessions", "3 (id 4282)", "track")),
    "10 MB title": (
        lambda f: _zip(_session_with(f, title=os.urandom(5_000_000).hex())), ("sessions", "3 (id 4282)", "title"),
    ),
}


@pytest.mark.parametrize("case", list(REPAIRED))
def test_import_job_repairs_what_it_can_and_lists_each_repair_in_its_result(run_import, sample_2018, case):
    build, where = REPAIRED[case]
    files = _small_files(sample_2018)
    # An event of its own: the sample's own source event belongs to another test's organizer.
    event = json.loads(files["event"]) | {"identifier": f"job-repairs-{case}"}

    record = run_import(build(files | {"event": json.dumps(event).encode()}))

    assert record.state == "SUCCESS", record.error
    result = json.loads(record.result)
    assert where in [(r["file"], r["record"], r["field"]) for r in result["repairs"]]
    assert result["repair_counts"]["total"] == len(result["repairs"])


def test_import_job_reports_progress_and_the_new_event(run_import, sample_2018):
    from support.auth import token_for

    files = _small_files(sample_2018)
    event = json.loads(files["event"]) | {"identifier": "job-test"}
    token_for(IMPORTER_ID)  # a verified account: publishing needs one

    record = run_import(_zip(files | {"event": json.dumps(event).encode()}), publish=True)

    result = json.loads(record.result)
    assert (record.state, record.progress) == ("SUCCESS", 100)
    states = Counter(s["state"] for s in json.loads(files["sessions"]))
    assert result["slug"].startswith("fossasia-summit-2018") and result["counts"]["sessions"] == states


@pytest.mark.parametrize("roles", [frozenset(), frozenset({"admin"})])  # the route's rule: admins too
def test_import_job_refuses_an_upload_of_someone_else(poller, aws_stack, roles):
    from chalicelib.actors import Actor
    from chalicelib.db.jobs import Job
    from chalicelib.db.keys import job_pk
    from chalicelib.jobs.enqueue import enqueue
    from chalicelib.request_context import system_context

    ctx = system_context().with_actor(Actor(id=IMPORTER_ID, kind="user", roles=roles))
    job_id = enqueue("import_event", _ctx=ctx, upload_key="imports/someone-else/x.zip", owner_id=IMPORTER_ID)
    poller.poll_jobs_once(wait_seconds=1)

    record = Job.get(job_pk(job_id), "JOB", consistent_read=True)
    assert (record.state, record.attempts) == ("FAILURE", 1) and "must name one of your uploads" in record.error


def test_export_job_of_an_imported_event_gives_its_owner_a_download_of_the_zip(run_import, poller, sample_2018):
    import urllib.request

    from chalicelib.actors import Actor
    from chalicelib.domain.jobs import read_job
    from chalicelib.jobs.enqueue import enqueue
    from chalicelib.request_context import system_context

    files = _small_files(sample_2018)
    event = json.loads(files["event"]) | {"identifier": "export-job-test"}
    imported = json.loads(run_import(_zip(files | {"event": json.dumps(event).encode()})).result)
    ctx = system_context().with_actor(Actor(id=IMPORTER_ID, kind="user"))

    job_id = enqueue("export_event", _ctx=ctx, _event_id=imported["event_id"], event_id=imported["event_id"])
    poller.poll_jobs_once(wait_seconds=1)

    view = read_job(job_id=job_id, actor=ctx.actor)  # the link is made when the job is read
    with urllib.request.urlopen(view["download_url"], timeout=10) as response:
        downloaded = zipfile.ZipFile(io.BytesIO(response.read()))
    speakers = json.loads(downloaded.read("speakers"))
    assert len(json.loads(downloaded.read("sessions"))) == 5
    assert all("email" in s for s in speakers)  # the owner sees private fields
