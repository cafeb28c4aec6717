"""The OpenAPI 3.1 document, generated from the route table so it cannot drift from the code."""

from __future__ import annotations

import functools
import re
from typing import Any

from chalice import Blueprint

from chalicelib.api.http import ENDPOINTS, Endpoint, endpoint
from chalicelib.api.jobs import JOB_STARTED
from chalicelib.api.schema import PAGE
from chalicelib.db import pagination
from chalicelib.settings import VERSION

bp = Blueprint(__name__)
PREFIX = "/v1"
_PARAM = re.compile(r"{(\w+)}")
_PAGE_PARAMETERS = [
    {
        "name": "limit", "in": "query", "required": False,
        "schema": {"type": "integer", "minimum": 1, "maximum": pagination.MAX_LIMIT},
    },
    {
        "name": "next", "in": "query", "required": False,
        "schema": {"type": "string", "maxLength": pagination.MAX_CURSOR_LENGTH},
        "description": "the `next` cursor of the page before",
    },
]  # fmt: skip
_ERROR_TEXT = {
    400: "Malformed request",
    401: "Not signed in, or the token is invalid",
    403: "Signed in but not allowed",
    404: "No such resource",
    409: "Conflict with the current state (e.g. a stale version)",
    410: "Gone",
    413: "Body too large",
    422: "Invalid fields, named in error.fields",
    429: "Too many attempts; see Retry-After",
    503: "Busy (storage throttled or failing); nothing was changed, retry after Retry-After seconds",
}
ERROR_SCHEMA = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["code", "message"],
            "properties": {
                "code": {"type": "string"},
                "message": {"type": "string"},
                "fields": {"type": "object", "additionalProperties": {"type": "string"}},
            },
        }
    },
}


def _operation(spec: Endpoint) -> dict[str, Any]:
    operation: dict[str, Any] = {"operationId": spec.name, "summary": spec.summary, "x-podium-action": spec.action}
    parameters = [
        {"name": name, "in": "path", "required": True, "schema": {"type": "string", "maxLength": 200}}
        for name in _PARAM.findall(spec.path)
    ]
    if spec.response == PAGE:  # every list pages the same way (db/pagination.py)
        parameters += _PAGE_PARAMETERS
    if parameters:
        operation["parameters"] = parameters
    if spec.body is not None:
        schema = spec.body.openapi()
        if spec.method == "PATCH":
            schema = {k: v for k, v in schema.items() if k != "required"}
        operation["requestBody"] = {"required": True, "content": {"application/json": {"schema": schema}}}
    ok_schema = spec.response.openapi() if spec.response is not None else {"type": "object"}
    responses: dict[str, Any] = {
        str(spec.status): {"description": "Success", "content": {"application/json": {"schema": ok_schema}}}
    }
    if 202 in spec.errors:  # a route that runs large work as a job answers where to follow it
        responses["202"] = {"description": "Accepted: a job does it", "content": {"application/json": {"schema": JOB_STARTED.openapi()}}}
    # Any route may meet throttled or failing AWS storage after retries: 503 with Retry-After.
    for status in sorted({*spec.errors, *((400, 413, 422) if spec.body is not None else ()), 503} - {202}):
        responses[str(status)] = {"$ref": f"#/components/responses/E{status}"}
    operation["responses"] = responses
    return operation


@functools.cache
def document() -> dict[str, Any]:
    paths: dict[str, dict[str, Any]] = {}
    for spec in ENDPOINTS:
        paths.setdefault(PREFIX + spec.path, {})[spec.method.lower()] = _operation(spec)
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Podium API",
            "version": VERSION,
            "description": "Events, schedules and sites. Errors: {error: {code, message, fields?}}.",
        },
        "servers": [{"url": "/"}],
        "paths": dict(sorted(paths.items())),
        "components": {
            "schemas": {"Error": ERROR_SCHEMA},
            "responses": {
                f"E{status}": {
                    "description": text,
                    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
                }
                for status, text in _ERROR_TEXT.items()
            },
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}},
        },
    }


@endpoint(bp, "/openapi.json", "GET", action="docs.read", summary="This OpenAPI document")
def openapi_document() -> dict[str, Any]:
    return document()
