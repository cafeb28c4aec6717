from __future__ import annotations

import json

import pytest
from chalice.test import Client
from support.api import USER_ID
from support.api import post_as as _post
from support.auth import bearer

pytestmark = pytest.mark.integration



def test_import_route_refuses_anonymous_callers(aws_stack):
    from app import app

    with Client(app) as client:
        status, body = _post(client, "/v1/imports", {"upload_key": "imports/x/y.zip"}, user=None)

    assert (status, body["error"]["code"]) == (401, "authentication_required")


def test_import_route_refuses_an_upload_key_outside_the_callers_folder(signed_in_client):
    status, body = _post(signed_in_client, "/v1/imports", {"upload_key": "imports/someone-else/a.zip"})

    assert (status, body["error"]["fields"]) == (403, {"upload_key": "not one of your uploads"})


def test_import_route_starts_a_job_for_the_callers_upload(signed_in_client):
    from chalicelib.adapters.aws import client
    from chalicelib.db.jobs import Job
    from chalicelib.db.keys import job_pk
    from chalicelib.settings import settings

    key = f"imports/{USER_ID}/export.zip"
    client("s3").put_object(Bucket=settings().uploads_bucket, Key=key, Body=b"PK")

    status, body = _post(signed_in_client, "/v1/imports", {"upload_key": key, "publish": True})

    record = Job.get(job_pk(body["job_id"]), "JOB")
    assert status == 202 and body["status_url"] == f"/v1/jobs/{body['job_id']}"
    assert (record.name, json.loads(record.args), record.actor_id) == (
        "import_event",
        {"owner_id": USER_ID, "publish": True, "upload_key": key},
        USER_ID,
    )


def test_import_route_refuses_unknown_fields(signed_in_client):
    status, body = _post(signed_in_client, "/v1/imports", {"upload_key": f"imports/{USER_ID}/a", "owner_id": "x"})

    assert status == 422 and "owner_id" in body["error"]["fields"]


def test_import_route_refuses_to_publish_for_an_unverified_user(signed_in_client):
    from chalicelib.adapters.aws import client
    from chalicelib.db.keys import user_pk
    from chalicelib.db.users import User
    from chalicelib.settings import settings

    user_id = "api-unverified-1"
    key = f"imports/{user_id}/export.zip"
    client("s3").put_object(Bucket=settings().uploads_bucket, Key=key, Body=b"PK")
    headers = {"Content-Type": "application/json"} | bearer(user_id)
    User.get(user_pk(user_id), "USER").update(actions=[User.email_verified.set(False)])

    published = signed_in_client.http.post(
        "/v1/imports", headers=headers, body=json.dumps({"upload_key": key, "publish": True})
    )
    drafted = signed_in_client.http.post("/v1/imports", headers=headers, body=json.dumps({"upload_key": key}))

    assert (published.status_code, json.loads(published.body)["error"]["code"]) == (403, "email_not_verified")
    assert drafted.status_code == 202


def _accepted_import_upload(owner_id: str, state: str = "accepted") -> str:
    """An import upload record as completion leaves it (the file stored under imports/<owner>/); its id."""
    from chalicelib.adapters.aws import client
    from chalicelib.db.base import new_id
    from chalicelib.db.keys import upload_key
    from chalicelib.db.uploads import Upload
    from chalicelib.settings import settings

    upload_id = new_id()
    key = f"imports/{owner_id}/{upload_id}/export.zip"
    client("s3").put_object(Bucket=settings().uploads_bucket, Key=key, Body=b"PK\x03\x04")
    Upload(
        *upload_key(upload_id), id=upload_id, owner_id=owner_id, purpose="import",
        key=f"incoming/import/{owner_id}/{upload_id}/export.zip", filename="export.zip",
        content_type="application/zip", declared_size=4, max_size=1000, deadline=0, state=state,
    ).save()  # fmt: skip
    return upload_id


def test_import_route_starts_a_job_for_the_callers_import_upload(signed_in_client):
    from chalicelib.db.jobs import Job
    from chalicelib.db.keys import job_pk

    upload_id = _accepted_import_upload(USER_ID)

    status, body = _post(signed_in_client, "/v1/imports", {"upload_id": upload_id})

    record = Job.get(job_pk(body["job_id"]), "JOB")
    assert status == 202
    assert json.loads(record.args) == {
        "owner_id": USER_ID, "publish": False, "upload_key": f"imports/{USER_ID}/{upload_id}/export.zip"
    }  # fmt: skip


@pytest.mark.parametrize(
    ("owner", "state", "expected"),
    [("someone-else-1", "accepted", 404), (USER_ID, "pending", 422)],
    ids=["someone-elses-upload", "not-completed"],
)
def test_import_route_refuses_an_upload_that_is_not_the_callers_completed_import(
    signed_in_client, owner, state, expected
):
    upload_id = _accepted_import_upload(owner, state)

    status, body = _post(signed_in_client, "/v1/imports", {"upload_id": upload_id})

    assert (status, list(body["error"].get("fields", {}))) == (expected, ["upload_id"])


@pytest.mark.parametrize("body", [{}, {"upload_id": "abc", "upload_key": f"imports/{USER_ID}/a.zip"}])
def test_import_route_needs_exactly_one_of_upload_id_and_upload_key(signed_in_client, body):
    status, answer = _post(signed_in_client, "/v1/imports", body)

    assert (status, sorted(answer["error"]["fields"])) == (422, ["upload_id", "upload_key"])


def test_import_route_into_an_event_carries_it_to_the_job_and_refuses_one_not_organized(signed_in_client):
    from chalicelib.adapters.aws import client
    from chalicelib.db.jobs import Job
    from chalicelib.db.keys import job_pk
    from chalicelib.settings import settings

    key = f"imports/{USER_ID}/into.zip"
    client("s3").put_object(Bucket=settings().uploads_bucket, Key=key, Body=b"PK")
    created_status, event = _post(signed_in_client, "/v1/events", {"name": "Into Conf"})
    assert created_status == 201, event

    status, body = _post(signed_in_client, "/v1/imports", {"upload_key": key, "event_id": event["id"]})
    missing, refused = _post(signed_in_client, "/v1/imports", {"upload_key": key, "event_id": "no-such-event"})

    assert status == 202
    assert json.loads(Job.get(job_pk(body["job_id"]), "JOB").args)["into_event_id"] == event["id"]
    assert missing == 404, refused
