"""The embedded AWS endpoint's front door: what may reach moto's server, and from where.

moto answers CORS for any origin, so without this a page on any site could Query the table
(password hashes) or UpdateItem it from a visitor's browser. Here:
- only loopback host names are served (a rebound DNS name is refused);
- a request from a browser (an Origin header, or Sec-Fetch-Site other than "none") is served
  only when it is what the admin page needs: a presigned POST (or its preflight) to a bucket
  whose CORS rule (deployed from infra/template.yaml) allows that origin and POST;
  everything else from a browser is refused with 403, simple requests included;
- every form POST to a bucket is checked against its signed policy (`uploads_gate`), as S3 does.
SDK clients (boto3, pynamodb) send neither header and keep working.
"""

from __future__ import annotations

import io
import os
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from typing import Any
from xml.sax.saxutils import escape

from moto.core import DEFAULT_ACCOUNT_ID
from moto.s3.models import s3_backends
from werkzeug.formparser import parse_form_data

from podium.localstack.uploads_gate import PostProblem, post_problem

_LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "[::1]"})
_MAX_POST_BYTES = 64 * 1024 * 1024  # above every upload kind's limit; S3's own is 5 GB
WsgiApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


class AwsGate:
    """WSGI middleware in front of moto's server app (see the module docstring)."""

    def __init__(self, app: WsgiApp) -> None:
        self.app = app

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        if _host_name(environ.get("HTTP_HOST", "")) not in _LOOPBACK_HOSTS:
            return _error(start_response, PostProblem(403, "AccessDenied", "Only loopback host names are served."))
        origin = environ.get("HTTP_ORIGIN")
        from_browser = origin is not None or environ.get("HTTP_SEC_FETCH_SITE", "none") != "none"
        bucket = _post_bucket(environ)
        if from_browser and not (origin and bucket and _origin_may_post(bucket, origin)):
            return _error(
                start_response,
                PostProblem(403, "AccessDenied", "Browsers may only POST uploads here, from the site's origin."),
            )
        if from_browser and environ["REQUEST_METHOD"] == "OPTIONS":
            return _preflight(environ, start_response, origin or "")
        if bucket and environ["REQUEST_METHOD"] == "POST":
            problem = _checked_post(environ, bucket)
            if problem is not None:
                return _error(start_response, problem, origin if from_browser else None)
        if from_browser:
            return self.app(environ, _with_cors(start_response, origin or ""))
        return self.app(environ, start_response)


def _host_name(host: str) -> str:
    return host.split("]", 1)[0] + "]" if host.startswith("[") else host.rsplit(":", 1)[0]


def _post_bucket(environ: dict[str, Any]) -> str:
    """The bucket of a path-style form POST (`POST /bucket`, or its preflight); "" otherwise."""
    method = environ["REQUEST_METHOD"]
    preflight = method == "OPTIONS" and environ.get("HTTP_ACCESS_CONTROL_REQUEST_METHOD") == "POST"
    if not (method == "POST" or preflight) or environ.get("QUERY_STRING"):
        return ""
    if method == "POST" and not environ.get("CONTENT_TYPE", "").startswith("multipart/form-data"):
        return ""
    parts = environ.get("PATH_INFO", "").strip("/").split("/")
    return parts[0] if len(parts) == 1 else ""


def _origin_may_post(bucket: str, origin: str) -> bool:
    """Does the bucket's CORS configuration (the template's rule) allow POSTs from `origin`?
    Read from moto's own state: the gate runs in moto's server process."""
    found = s3_backends[DEFAULT_ACCOUNT_ID]["aws"].buckets.get(bucket)
    rules = found.cors if found is not None else []
    return any(origin in rule.allowed_origins and "POST" in rule.allowed_methods for rule in rules)


def _preflight(environ: dict[str, Any], start_response: Callable[..., Any], origin: str) -> Iterable[bytes]:
    requested = environ.get("HTTP_ACCESS_CONTROL_REQUEST_HEADERS", "")
    headers = [
        ("Access-Control-Allow-Origin", origin),
        ("Access-Control-Allow-Methods", "POST"),
        ("Access-Control-Max-Age", "3000"),
        ("Vary", "Origin"),
        ("Content-Length", "0"),
    ]
    if requested:
        headers.append(("Access-Control-Allow-Headers", requested))
    start_response("200 OK", headers)
    return [b""]


def _with_cors(start_response: Callable[..., Any], origin: str) -> Callable[..., Any]:
    def start(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
        kept = [(name, value) for name, value in headers if not name.lower().startswith("access-control-")]
        kept += [("Access-Control-Allow-Origin", origin), ("Vary", "Origin")]
        return start_response(status, kept, exc_info)

    return start


def _checked_post(environ: dict[str, Any], bucket: str) -> PostProblem | None:
    """Read the form (putting the bytes back for moto) and check it against its policy."""
    try:
        length = int(environ.get("CONTENT_LENGTH") or "")
    except ValueError:
        return PostProblem(411, "MissingContentLength", "You must provide the Content-Length HTTP header.")
    if length > _MAX_POST_BYTES:
        return PostProblem(400, "EntityTooLarge", "Your proposed upload exceeds the maximum allowed size")
    body = environ["wsgi.input"].read(length)
    environ["wsgi.input"] = io.BytesIO(body)
    _, form, files = parse_form_data({**environ, "wsgi.input": io.BytesIO(body)})
    # Exactly one file part, named `file`: moto stores the last file part whatever its name,
    # so the size checked must be of the only one there is.
    parts = list(files.items(multi=True))
    upload = parts[0][1] if len(parts) == 1 and parts[0][0] == "file" else None
    return post_problem(
        bucket=bucket,
        fields=list(form.items(multi=True)),
        file_size=len(upload.read()) if upload is not None else None,
        # The app signs with the process's credentials (`aws.point_boto_at`); moto shares the process.
        secret_key=os.environ.get("AWS_SECRET_ACCESS_KEY", ""),
        now=datetime.now(UTC),
    )


def _error(start_response: Callable[..., Any], problem: PostProblem, origin: str | None = None) -> Iterable[bytes]:
    """An S3-style XML error; with the CORS header for an allowed origin, so its page can read why."""
    body = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f"<Error><Code>{problem.code}</Code><Message>{escape(problem.message)}</Message></Error>"
    ).encode()
    headers = [("Content-Type", "application/xml"), ("Content-Length", str(len(body)))]
    if origin:
        headers += [("Access-Control-Allow-Origin", origin), ("Vary", "Origin")]
    reason = {400: "Bad Request", 403: "Forbidden", 411: "Length Required"}[problem.status]
    start_response(f"{problem.status} {reason}", headers)
    return [body]
