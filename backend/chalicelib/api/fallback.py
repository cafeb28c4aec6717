"""Answers in the one error shape where no route matches: unknown paths and wrong methods.

API Gateway itself would answer those with its own 403 body; registering the gaps as
routes keeps every client-visible error in `{"error": {...}}` form, in AWS and locally.
"""

from __future__ import annotations

from chalice import Chalice, Response

from chalicelib.api.http import cors, error_response
from chalicelib.errors import MethodNotAllowed, NotFound

METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")
CATCH_ALL = "/{proxy+}"


def _not_found(**_: str) -> Response:
    return error_response(NotFound("No such resource. The API lives under /v1; see /v1/openapi.json."))


def _method_not_allowed(**_: str) -> Response:
    return error_response(MethodNotAllowed("This resource does not support that method."))


def install_fallbacks(app: Chalice) -> None:
    """Give every known path a 405 for its missing methods, and everything else a 404."""
    for index, (path, views) in enumerate(sorted(app.routes.items())):
        missing = [method for method in METHODS if method not in views]
        if missing:
            handler = _named(_method_not_allowed, f"method_not_allowed_{index}")
            app.route(path, methods=missing, cors=cors())(handler)
    app.route(CATCH_ALL, methods=list(METHODS), cors=cors())(_named(_not_found, "not_found"))


def _named(func, name: str):
    def view(**params: str) -> Response:
        return func(**params)

    view.__name__ = name
    return view
