from __future__ import annotations

import json

import pytest
from chalice.test import Client

pytestmark = pytest.mark.unit


@pytest.fixture(scope="module")
def client():
    from app import app

    with Client(app) as test_client:
        yield test_client


def test_health_when_up_reports_stage_and_version(client):
    response = client.http.get("/v1/health")

    assert response.status_code == 200
    assert json.loads(response.body) == {"status": "ok", "stage": "test", "version": "0.1.0"}


def test_health_response_carries_request_id_header(client):
    response = client.http.get("/v1/health")

    assert len(response.headers["X-Request-Id"]) >= 8


def test_health_cors_allows_only_the_site_origin(client):
    response = client.http.get("/v1/health")

    assert response.headers["Access-Control-Allow-Origin"] == "http://127.0.0.1:8080"
