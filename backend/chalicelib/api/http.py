"""HTTP plumbing shared by every blueprint: the endpoint decorator, JSON errors, request ids.

Every route is declared through `endpoint`, which records it in `ENDPOINTS` (the route
table the OpenAPI document and the permission tests read) and maps `PodiumError`s and
unexpected failures to the one JSON error shape. No traceback ever reaches a client.
"""

from __future__ import annotations

import functools
import json
import re
import time
import uuid
from collections.abc import Callable
from datetime import datetime
from typing import Any, NamedTuple

from chalice import Blueprint, CORSConfig, Response
from pynamodb.attributes import MapAttribute

from chalicelib.actors import ANONYMOUS, Actor
from chalicelib.adapters.aws import is_unavailable
from chalicelib.api.schema import Schema, parse_json_body
from chalicelib.db.keys import event_key, role_key, user_key
from chalicelib.db.prefetch import Key, prefetched
from chalicelib.domain import audit
from chalicelib.domain.accounts import authenticate
from chalicelib.domain.permissions import authorize, check_write, is_known_action
from chalicelib.domain.tokens import InvalidToken, decode_access_token
from chalicelib.errors import BadRequest, PodiumError, ServiceUnavailable
from chalicelib.logs import logger, request_logging
from chalicelib.request_context import anonymous_request_context, current_context, reset_context, set_context
from chalicelib.settings import settings

JSON_TYPES = ["application/json"]
BUSY_RETRY_AFTER_SECONDS = 2
# The ETag we send is the version in quotes; a client may send it back as is, weak, or bare.
_IF_MATCH = re.compile(r'(?:W/)?"([0-9]{1,16})"|([0-9]{1,16})', re.ASCII)


class Endpoint(NamedTuple):
    """One declared route: what it does (`action`, "<kind>.<verb>" of the permission table) is
    what authorization decides on."""

    path: str
    method: str
    action: str
    summary: str
    name: str
    status: int = 200
    body: Schema | None = None
    response: Schema | None = None
    errors: tuple[int, ...] = ()


ENDPOINTS: list[Endpoint] = []


@functools.cache
def cors() -> CORSConfig:
    """CORS limited to the admin page's origin."""
    return CORSConfig(
        allow_origin=settings().site_origin,
        allow_headers=["Authorization", "Content-Type", "If-Match", "X-Request-Id"],
        expose_headers=["ETag", "X-Request-Id", "Retry-After"],
        max_age=600,
    )


def _default(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, set | frozenset | tuple):
        return sorted(value)

    if isinstance(value, MapAttribute):  # an event's social links and call for papers
        return value.as_dict()
    raise TypeError(f"not JSON serializable: {type(value).__name__}")


def json_response(body: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    return Response(
        body=json.dumps(body, default=_default, separators=(",", ":")),
        status_code=status,
        headers={"Content-Type": "application/json", **(headers or {})},
    )


def error_response(err: PodiumError) -> Response:
    headers = {}
    if getattr(err, "retry_after", None) is not None:  # 429 and 503
        headers["Retry-After"] = str(err.retry_after)
    return json_response(err.to_body(), err.status, headers)


def busy() -> ServiceUnavailable:
    return ServiceUnavailable(
        "The service is busy; nothing was changed by this request. Try again shortly.",
        retry_after=BUSY_RETRY_AFTER_SECONDS,
    )


def internal_error_response() -> Response:
    body = {"error": {"code": "internal", "message": "Something went wrong on our side; it was logged."}}
    return json_response(body, 500)


def endpoint(
    bp: Blueprint,
    path: str,
    method: str,
    *,
    action: str,
    summary: str,
    status: int = 200,
    body: Schema | None = None,
    response: Schema | None = None,
    errors: tuple[int, ...] = (),
    load: Callable[..., Any] | None = None,
    prefetch: Callable[..., list[Key]] | None = None,
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Register `view` on `bp` for one method; its return value becomes the JSON body.

    Before the view runs, the bearer token is checked (the one place: bad, expired or revoked
    tokens are 401) and `authorize` decides `action` for the caller, on the `{event_id}` of the
    path and on the resource `load(**path_params)` returns (passed to the view as `resource=`).
    With `body`, the request body is parsed and validated (PATCH: partially) and passed to
    the view as `body=`; `response` and `errors` only describe the route in OpenAPI.
    The caller's user, the event and their role in it, and the keys `prefetch(**path_params)`
    names (the item `load` reads) come from one BatchGetItem (db/prefetch.py).
    """
    if not is_known_action(action):
        raise ValueError(f"{method} {path}: action {action!r} is not in the permission table")

    def decorate(view: Callable[..., Any]) -> Callable[..., Any]:
        ENDPOINTS.append(Endpoint(path, method, action, summary, view.__name__, status, body, response, errors))

        @functools.wraps(view)
        def wrapped(**params: str) -> Response:
            try:
                headers = bp.current_request.headers
                with prefetched(request_keys(headers, params, prefetch)):
                    actor = authenticated_actor(headers)
                    event_id = params.get("event_id")
                    if load is None or actor.is_anonymous:  # nobody anonymous gains from a resource
                        relations = authorize(actor, action, event_id=event_id)
                    if load is not None:
                        params["resource"] = load(**params)
                        # A resource found without an event in the path (the trash's) names its event.
                        event_id = event_id or getattr(params["resource"], "event_id", None)
                        relations = authorize(actor, action, event_id=event_id, resource=params["resource"])
                    if body is not None:
                        payload = parse_json_body(bp.current_request.raw_body)
                        params["body"] = body.validate(payload, partial=method == "PATCH")  # type: ignore[assignment]
                        # What the body writes: fields, references and state each relation may touch.
                        check_write(relations, action, resource=params.get("resource"), fields=params["body"])
                    result = view(**params)
                    _record_change(action, method, actor, params, result)
            except PodiumError as err:
                return error_response(err)
            except Exception as err:
                if is_unavailable(err):  # throttled or failing even after the AWS client's retries
                    logger().warning("AWS unavailable", extra={"path": path, "method": method, "error": str(err)})
                    return error_response(busy())
                logger().exception("unhandled error", extra={"path": path, "method": method})
                return internal_error_response()
            return result if isinstance(result, Response) else json_response(result, status)

        bp.route(path, methods=[method], cors=cors(), content_types=JSON_TYPES)(wrapped)
        return view

    return decorate


def _record_change(action: str, method: str, actor: Actor, params: dict[str, Any], result: Any) -> None:
    """The audit record of a successful change (domain/audit.py decides which). The change has
    happened: a failed audit write is logged, never answered as an error of the change."""
    try:
        if isinstance(result, Response):  # an answer with headers (ETag, 202): its JSON body names the item
            result = json.loads(result.body) if isinstance(result.body, str) and result.body.startswith("{") else None
        audit.record_request(action=action, method=method, actor=actor, params=params, result=result)
    except Exception:
        logger().exception("audit record not written", extra={"action": action})


def bearer_token(headers: Any) -> str | None:
    """The access token of the Authorization header; None without one, 401 when malformed."""
    header = (headers or {}).get("authorization") or ""
    if not header:
        return None
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip() or len(token) > 4096:
        raise InvalidToken("Send the access token as 'Authorization: Bearer <token>'.")
    return token.strip()


def request_keys(headers: Any, params: dict[str, str], prefetch: Callable[..., list[Key]] | None) -> list[Key]:
    """What authenticating, authorizing and loading will read: the token's user, the path's
    event and the user's role in it, and the route's own keys. A bad token fails here (401)."""
    token = bearer_token(headers)
    user_id = decode_access_token(token).user_id if token else None
    keys = [user_key(user_id)] if user_id else []
    if event_id := params.get("event_id"):
        keys.append(event_key(event_id))
        if user_id:
            keys.append(role_key(event_id, user_id))
    return keys + (prefetch(**params) if prefetch else [])


def authenticated_actor(headers: Any) -> Actor:
    """The caller: ANONYMOUS without an Authorization header, else the token's user (401 when
    the token is bad). The actor goes into the request context, so jobs enqueued carry it."""
    token = bearer_token(headers)
    if token is None:
        return ANONYMOUS
    actor = authenticate(token)
    set_context(current_context().with_actor(actor))
    return actor


def if_match_version(headers: Any) -> int | None:
    """The version an If-Match header names: None without one, 400 naming If-Match unless it is
    ASCII digits, bare or as the ETag we send ("7", W/"7")."""
    raw = ((headers or {}).get("if-match") or "").strip()
    if not raw:
        return None
    match = _IF_MATCH.fullmatch(raw)
    if match is None:
        raise BadRequest(
            'If-Match must be the ETag of the item as read, e.g. "3".',
            fields={"If-Match": "must be a version number or the ETag we sent"},
        )
    return int(match[1] or match[2])


def client_address(request: Any) -> str:
    """The caller's IP as API Gateway saw it (rate limits count per address)."""
    identity = (getattr(request, "context", None) or {}).get("identity") or {}
    return str(identity.get("sourceIp") or "unknown")


def request_id_of(event: Any) -> str:
    context = getattr(event, "context", None) or {}
    return str(context.get("requestId") or uuid.uuid4())


def _normalize_error(response: Response) -> Response:
    """Rewrite Chalice's own error bodies ({"Code", "Message"}) into the one error shape."""
    body = response.body
    if isinstance(body, dict) and "Code" in body and "error" not in body:
        code = {405: "method_not_allowed", 415: "unsupported_media_type"}.get(response.status_code, "bad_request")
        if response.status_code >= 500:
            code, message = "internal", "Something went wrong on our side; it was logged."
        else:
            message = str(body.get("Message", ""))
        response.body = json.dumps({"error": {"code": code, "message": message}})
        response.headers["Content-Type"] = "application/json"
    return response


def request_base_url(headers: Any) -> str:
    """Where links for this request's user should point: the admin page's origin when the
    request comes from it (the one CORS origin), the configured site otherwise."""
    current = settings()
    origin = (headers or {}).get("origin") or ""
    if origin and origin.rstrip("/") == current.site_origin.rstrip("/"):
        return origin.rstrip("/") + "/"
    return current.site_base_url


def http_middleware(event: Any, get_response: Callable[[Any], Response]) -> Response:
    """Bind the request context (id, base URL, locale; anonymous until authenticated) to logs,
    jobs and the response; normalize errors; log one line a request."""
    request_id = request_id_of(event)
    with request_logging(request_id):
        headers = event.headers or {}
        locale = (headers.get("accept-language") or "en").split(",")[0].split(";")[0].strip()[:16] or "en"
        token = set_context(anonymous_request_context(request_id, request_base_url(headers), locale))
        started = time.perf_counter()
        try:
            response = _normalize_error(get_response(event))
        finally:
            reset_context(token)
        response.headers["X-Request-Id"] = request_id
        logger().info(
            "request",
            extra={
                "method": event.method,
                "path": event.path,
                "status": response.status_code,
                "ms": round((time.perf_counter() - started) * 1000, 1),
            },
        )
    return response
