"""AWS failing under the API: throttled DynamoDB and S3 answering 5xx, injected in botocore.

Every client built during a test gets a `before-send` hook that answers chosen calls itself
(the request never reaches moto). botocore's standard retry mode must retry them with backoff;
when retries run out the API answers 503 in the error shape with Retry-After, and a
multi-item write leaves either all of its items or none.
"""

from __future__ import annotations

import json

import pytest
from chalice.test import Client
from support.auth import bearer
from support.aws_faults import S3_FAILING, THROTTLED, Rule, table_items
from support.uploads import OWNER_ID, image_bytes, post_file, seed_event

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def client():
    from app import app

    with Client(app) as test_client:
        yield test_client


def call(client, method: str, path: str, body: dict | None = None, user: str | None = OWNER_ID):
    headers = {"Content-Type": "application/json", **bearer(user)}
    response = getattr(client.http, method.lower())(path, body=json.dumps(body) if body else None, headers=headers)
    return response.status_code, json.loads(response.body or b"{}"), response.headers


def test_throttled_dynamodb_calls_are_retried_with_backoff_and_the_request_succeeds(client, faults):
    seeded = seed_event()
    faults.add(Rule("dynamodb", None, THROTTLED, times=3))

    status, body, _ = call(client, "GET", f"/v1/events/{seeded.event_id}/sessions")

    assert status == 200 and [s["id"] for s in body["items"]] == [seeded.session_id]
    assert sum(faults.injected.values()) == 3
    assert len(faults.backoffs) >= 3 and all(delay > 0 for delay in faults.backoffs)


def test_dynamodb_throttled_past_retries_answers_503_and_writes_nothing(client, faults):
    seeded = seed_event()
    before = table_items()
    faults.add(Rule("dynamodb", "PutItem", THROTTLED))

    status, body, headers = call(client, "POST", f"/v1/events/{seeded.event_id}/tracks", {"name": "Main"})
    faults.clear()

    assert status == 503
    assert body["error"]["code"] == "service_unavailable" and "Traceback" not in json.dumps(body)
    assert headers["Retry-After"] == "2"
    assert faults.injected["dynamodb.PutItem"] == 5  # 1 + 4 retries
    assert table_items() == before


def test_throttled_transaction_leaves_neither_the_session_nor_the_speaker_link(client, faults):
    # GIVEN a new session naming a speaker: one transaction writes both sides of the link
    seeded = seed_event()
    before = table_items()
    faults.add(Rule("dynamodb", "TransactWriteItems", THROTTLED))

    status, body, _ = call(
        client, "POST", f"/v1/events/{seeded.event_id}/sessions", {"title": "New", "speaker_ids": [seeded.speaker_id]}
    )
    faults.clear()

    assert (status, body["error"]["code"]) == (503, "service_unavailable")
    assert table_items() == before


def test_s3_failing_past_retries_answers_503_and_keeps_the_upload_pending(client, faults):
    seeded = seed_event()
    request = {
        "kind": "event_logo", "filename": "logo.png", "content_type": "image/png", "size": 100,
        "event_id": seeded.event_id,
    }  # fmt: skip
    _, presigned, _ = call(client, "POST", "/v1/uploads", request)
    assert post_file(presigned, image_bytes()) in (200, 204)
    before = table_items()
    faults.add(Rule("s3", None, S3_FAILING))

    status, body, headers = call(client, "POST", f"/v1/uploads/{presigned['id']}/complete")
    faults.clear()
    after = table_items()
    retried, _, _ = call(client, "POST", f"/v1/uploads/{presigned['id']}/complete")

    assert (status, body["error"]["code"], headers["Retry-After"]) == (503, "service_unavailable", "2")
    assert min(faults.injected.values()) == 5
    assert after == before
    assert retried == 200  # the client's retry after the outage completes the upload
