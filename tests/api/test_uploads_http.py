from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from chalice.test import Client
from support.auth import bearer
from support.uploads import OWNER_ID, STRANGER_ID, image_bytes, post_file, seed_event

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def client():
    from app import app

    with Client(app) as test_client:
        yield test_client


@pytest.fixture
def seeded(stack):
    return seed_event()


@pytest.fixture
def post(client):
    def send(path: str, body: dict | None = None, user: str | None = OWNER_ID):
        headers = {"Content-Type": "application/json", **bearer(user)}
        response = client.http.post(path, body=json.dumps(body or {}), headers=headers)
        return response.status_code, json.loads(response.body)

    return send


def _logo_request(seeded, **overrides) -> dict:
    return {
        "kind": "event_logo", "filename": "logo.png", "content_type": "image/png",
        "size": 100, "event_id": seeded.event_id, **overrides,
    }  # fmt: skip


def test_post_uploads_answers_201_with_a_presigned_post(post, seeded):
    status, body = post("/v1/uploads", _logo_request(seeded))

    assert status == 201
    assert body["fields"]["Content-Type"] == "image/png"
    assert body["fields"]["key"] == body["key"] and body["key"].endswith("/logo.png")
    assert body["max_size"] == 10 * 1024 * 1024
    assert 0 < (datetime.fromisoformat(body["expires_at"]) - datetime.now(UTC)).total_seconds() <= 600


def test_post_uploads_policy_limits_type_size_and_time(post, seeded):
    import base64

    _, body = post("/v1/uploads", _logo_request(seeded))
    policy = json.loads(base64.b64decode(body["fields"]["policy"]))

    assert {"Content-Type": "image/png"} in policy["conditions"]
    assert ["content-length-range", 1, 10 * 1024 * 1024] in policy["conditions"]
    expiration = datetime.fromisoformat(policy["expiration"].replace("Z", "+00:00"))
    assert (expiration - datetime.now(UTC)).total_seconds() <= 600


def test_post_uploads_anonymous_answers_401(post, seeded):
    status, body = post("/v1/uploads", _logo_request(seeded), user=None)

    assert (status, body["error"]["code"]) == (401, "authentication_required")


def test_post_uploads_declared_size_over_limit_answers_413(post, seeded):
    status, body = post("/v1/uploads", _logo_request(seeded, size=10 * 1024 * 1024 + 1))

    assert (status, body["error"]["code"]) == (413, "payload_too_large")
    assert body["error"]["max_size"] == 10 * 1024 * 1024
    assert "10 MB" in body["error"]["message"]


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"content_type": "image/svg+xml"}, "content_type"),
        ({"kind": "executable"}, "kind"),
        ({"size": 0}, "size"),
        ({"owner_id": "someone"}, "owner_id"),
    ],
    ids=["svg", "unknown-kind", "empty", "mass-assignment"],
)
def test_post_uploads_invalid_request_answers_422_naming_the_field(post, seeded, overrides, field):
    status, body = post("/v1/uploads", _logo_request(seeded, **overrides))

    assert status == 422
    assert list(body["error"]["fields"]) == [field]


def test_complete_bad_file_answers_422_with_the_reason(post, seeded):
    _, presigned = post("/v1/uploads", _logo_request(seeded))
    post_file(presigned, b"<svg onload=alert(1)></svg>")

    status, body = post(f"/v1/uploads/{presigned['id']}/complete")

    assert (status, body["error"]["code"]) == (422, "validation_failed")
    assert body["error"]["reason"] == "The file is markup (SVG, HTML or XML), not a PNG file."


def test_complete_by_another_user_answers_403(post, seeded):
    _, presigned = post("/v1/uploads", _logo_request(seeded))
    post_file(presigned, image_bytes("PNG"))

    status, body = post(f"/v1/uploads/{presigned['id']}/complete", user=STRANGER_ID)

    assert (status, body["error"]["code"]) == (403, "forbidden")


def test_complete_after_expiry_answers_410(post, seeded):
    from chalicelib.clock import FrozenClock, use_clock

    frozen = FrozenClock(datetime.now(UTC))
    previous = use_clock(frozen)
    try:
        _, presigned = post("/v1/uploads", _logo_request(seeded))
        post_file(presigned, image_bytes("PNG"))
        frozen.advance(minutes=11)
        status, body = post(f"/v1/uploads/{presigned['id']}/complete")
    finally:
        use_clock(previous)

    assert (status, body["error"]["code"]) == (410, "gone")


def test_complete_answers_200_with_the_attached_file(post, seeded):
    _, presigned = post("/v1/uploads", _logo_request(seeded))
    post_file(presigned, image_bytes("PNG"))

    status, body = post(f"/v1/uploads/{presigned['id']}/complete")

    assert status == 200
    assert body["state"] == "accepted" and body["target_id"] == seeded.event_id
    final_key = "files/" + presigned["key"].removeprefix("incoming/")
    assert body["file"]["url"] == "http://127.0.0.1:8080/uploads/" + final_key
    assert body["file"]["thumbnails"] == {}


def test_complete_unknown_upload_answers_404(post, seeded):
    status, body = post("/v1/uploads/nosuchupload/complete")

    assert (status, body["error"]["code"]) == (404, "not_found")
