from __future__ import annotations

import json

import pytest
from chalice import Blueprint, Chalice
from chalice.test import Client
from chalicelib.api import fallback
from chalicelib.api.http import ENDPOINTS, endpoint, http_middleware
from chalicelib.errors import TooManyRequests, ValidationFailed

pytestmark = pytest.mark.unit


def _app_with_failing_routes() -> Chalice:
    bp = Blueprint(__name__)

    @endpoint(bp, "/boom", "GET", action="health.read", summary="always fails")
    def boom() -> dict:
        raise RuntimeError("secret internals /etc/passwd")

    @endpoint(bp, "/invalid", "POST", action="auth.login", summary="refuses input")
    def invalid() -> dict:
        raise ValidationFailed("The title is too long.", fields={"title": "at most 300 characters"})

    @endpoint(bp, "/slow-down", "GET", action="health.read", summary="rate limited")
    def slow_down() -> dict:
        raise TooManyRequests("Too many attempts.", retry_after=42)

    app = Chalice(app_name="errors-test", configure_logs=False)
    app.register_middleware(http_middleware, "http")
    app.register_blueprint(bp, url_prefix="/v1")
    fallback.install_fallbacks(app)
    return app


@pytest.fixture(scope="module")
def client():
    declared = list(ENDPOINTS)
    try:
        with Client(_app_with_failing_routes()) as test_client:
            yield test_client
    finally:
        ENDPOINTS[:] = declared  # the throwaway routes must not reach the real OpenAPI document


def test_unhandled_error_answers_500_without_traceback(client):
    response = client.http.get("/v1/boom")

    assert response.status_code == 500
    body = json.loads(response.body)
    assert body["error"]["code"] == "internal"
    assert b"secret" not in response.body and b"Traceback" not in response.body


def test_validation_error_names_the_field(client):
    response = client.http.post("/v1/invalid", body="{}", headers={"Content-Type": "application/json"})

    assert response.status_code == 422
    assert json.loads(response.body)["error"]["fields"] == {"title": "at most 300 characters"}


def test_rate_limit_error_sets_retry_after(client):
    response = client.http.get("/v1/slow-down")

    assert response.status_code == 429
    assert response.headers["Retry-After"] == "42"


def test_unknown_path_answers_404_in_error_shape(client):
    # Deeper paths reach the catch-all on API Gateway and the local server (tests/localstack).
    response = client.http.get("/nothing-here")

    assert response.status_code == 404
    assert json.loads(response.body)["error"]["code"] == "not_found"


def test_wrong_method_answers_405_in_error_shape(client):
    response = client.http.delete("/v1/boom")

    assert response.status_code == 405
    assert json.loads(response.body)["error"]["code"] == "method_not_allowed"


def test_unsupported_content_type_answers_error_shape(client):
    response = client.http.post("/v1/invalid", body="x", headers={"Content-Type": "text/plain"})

    assert response.status_code == 415
    assert json.loads(response.body)["error"]["code"] == "unsupported_media_type"
