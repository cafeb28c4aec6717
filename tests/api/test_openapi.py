from __future__ import annotations

import json

import pytest
from chalice.test import Client
from chalicelib.api.fallback import CATCH_ALL
from chalicelib.api.openapi import PREFIX
from openapi_spec_validator import validate

pytestmark = pytest.mark.unit


@pytest.fixture(scope="module")
def app():
    from app import app as chalice_app

    return chalice_app


def test_openapi_document_is_valid_openapi_3_1(app):
    with Client(app) as client:
        document = json.loads(client.http.get("/v1/openapi.json").body)

    validate(document)
    assert document["openapi"] == "3.1.0"


def test_openapi_lists_exactly_the_routes_chalice_registers(app):
    with Client(app) as client:
        document = json.loads(client.http.get("/v1/openapi.json").body)
    documented = {(path, method.upper()) for path, ops in document["paths"].items() for method in ops}

    registered = {
        (path, method)
        for path, views in app.routes.items()
        for method, entry in views.items()
        if path != CATCH_ALL and not entry.view_name.startswith("method_not_allowed_")
    }

    assert documented == registered
    assert all(path.startswith(PREFIX + "/") for path, _ in documented)
