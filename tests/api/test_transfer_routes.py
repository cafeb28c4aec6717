from __future__ import annotations

import json

import pytest
from chalice.test import Client

pytestmark = pytest.mark.integration

USER_ID = "api-user-1"


_SIGNED_IN = []


@pytest.fixture
def signed_in_client(aws_stack):
    """The app with a stand-in for sign-in (identity is built elsewhere): a test header names the user."""
    from app import app
    from chalicelib.domain.actors import Actor
    from chalicelib.jobs.context import current_context, reset_context, set_context

    if not _SIGNED_IN:

        def signed_in(event, get_response):
            user_id = (event.headers or {}).get("x-test-user")
            if not user_id:
                return get_response(event)
            token = set_context(current_context().with_actor(Actor(id=user_id, kind="user")))
            try:
                return get_response(event)
            finally:
                reset_context(token)

        app.register_middleware(signed_in, "http")
        _SIGNED_IN.append(signed_in)
    with Client(app) as client:
        yield client


def _post(client, path, body=None, user=USER_ID):
    headers = {"Content-Type": "application/json"} | ({"X-Test-User": user} if user else {})
    response = client.http.post(path, headers=headers, body=json.dumps(body or {}))
    return response.status_code, json.loads(response.body)


@pytest.mark.parametrize("path", ["/v1/imports", "/v1/events/anyevent/exports"])
def test_transfer_routes_refuse_anonymous_callers(aws_stack, path):
    from app import app

    with Client(app) as client:
        status, body = _post(client, path, {"upload_key": "imports/x/y.zip"}, user=None)

    assert (status, body["error"]["code"]) == (401, "unauthorized")


def test_import_route_refuses_an_upload_key_outside_the_callers_folder(signed_in_client):
    status, body = _post(signed_in_client, "/v1/imports", {"upload_key": "imports/someone-else/a.zip"})

    assert (status, body["error"]["fields"]) == (403, {"upload_key": "not one of your uploads"})


def test_import_route_starts_a_job_for_the_callers_upload(signed_in_client):
    from chalicelib.adapters.aws import client
    from chalicelib.db.jobs import Job, job_pk
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


def test_export_route_is_forbidden_without_a_role_in_the_event(signed_in_client):
    status, body = _post(signed_in_client, "/v1/events/someoneselse/exports")

    assert (status, body["error"]["code"]) == (403, "forbidden")


def test_export_route_starts_a_job_for_the_events_owner(signed_in_client):
    from chalicelib.db import content
    from chalicelib.domain.event_access import grant_owner

    event = content.Event(content.event_pk("ownedevent1"), "EVENT", id="ownedevent1", slug="owned", name="Owned")
    event.save()
    grant_owner(event_id="ownedevent1", user_id=USER_ID)

    status, body = _post(signed_in_client, "/v1/events/ownedevent1/exports")

    assert status == 202 and body["job_id"]
