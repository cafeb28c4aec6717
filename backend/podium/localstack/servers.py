"""The local HTTP servers: Chalice's API server, the public site + admin page server, and the
uploads server (uploaded files on an origin of their own, as a CDN host would serve them).

All bind 127.0.0.1 only.
"""

from __future__ import annotations

import json
import mimetypes
import posixpath
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import unquote, urlsplit

import boto3
from chalice import Chalice
from chalice.config import Config
from chalice.local import (
    ChaliceRequestHandler,
    LocalDevServer,
    LocalGatewayException,
    ThreadedHTTPServer,
    create_local_server,
)

from podium.localstack.aws import REGION, REPO

HOST = "127.0.0.1"
# Connections the kernel holds while the accept loop catches up: socketserver's default of 5
# dropped bursts of a few dozen clients (their connects timed out or were reset).
LISTEN_BACKLOG = 128
ADMIN_DIR = REPO / "site" / "admin"
_NOT_FOUND = json.dumps(
    {"error": {"code": "not_found", "message": "No such resource. The API lives under /v1; see /v1/openapi.json."}}
).encode()


class _ApiRequestHandler(ChaliceRequestHandler):
    """Chalice's local handler, answering unknown deep paths in the one error shape."""

    def _send_error_response(self, error: LocalGatewayException) -> None:
        if _is_missing_route(error):
            self._send_http_response(404, {"Content-Type": "application/json"}, _NOT_FOUND)
            return
        super()._send_error_response(error)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib signature
        pass  # the app logs each request itself, as JSON


def _is_missing_route(error: LocalGatewayException) -> bool:
    # Chalice mimics API Gateway: an unmatched path is a 403 naming the token or signature.
    body = error.body or b""
    return error.CODE == 403 and (b"Authentication Token" in body or b"Authorization header requires" in body)


class _ApiHttpServer(ThreadedHTTPServer):
    """Chalice's threaded server with a listen backlog that holds a burst of clients."""

    request_queue_size = LISTEN_BACKLOG


def api_server(app: Chalice, port: int) -> LocalDevServer:
    """Chalice's local server for `app` on 127.0.0.1:port (0 picks a free port)."""
    config = Config.create(chalice_stage="local", app_name="podium", lambda_timeout=60, lambda_memory_size=512)
    create_local_server(app, config, HOST, 0).server.server_close()  # patches the app for threads
    return LocalDevServer(app, config, HOST, port, handler_cls=_ApiRequestHandler, server_cls=_ApiHttpServer)


class _SiteRequestHandler(BaseHTTPRequestHandler):
    server: SiteServer

    def do_GET(self) -> None:
        self._serve(send_body=True)

    def do_HEAD(self) -> None:
        self._serve(send_body=False)

    def _serve(self, *, send_body: bool) -> None:
        raw = unquote(urlsplit(self.path).path)
        path = posixpath.normpath(raw) + ("/" if raw.endswith("/") and raw != "/" else "")
        if raw == "/admin":
            self._redirect("/admin/")
        elif path == "/admin/config.json":
            self._send(200, "application/json", json.dumps({"api": self.server.api_url}).encode(), send_body)
        elif path.startswith("/admin/"):
            self._serve_admin(path, send_body)
        else:
            self._serve_bucket(path, send_body)

    def _serve_admin(self, path: str, send_body: bool) -> None:
        relative = path[len("/admin") :].lstrip("/") or "index.html"
        target = (ADMIN_DIR / relative).resolve()
        if not target.is_relative_to(ADMIN_DIR.resolve()) or not target.is_file():
            target = ADMIN_DIR / "index.html"  # the admin app routes client-side
        self._send(200, _content_type(target.name), target.read_bytes(), send_body)

    def _serve_bucket(self, path: str, send_body: bool) -> None:
        key = path.lstrip("/")
        if key == "" or path.endswith("/") or "." not in key.rsplit("/", 1)[-1]:
            key = (key.rstrip("/") + "/index.html").lstrip("/")
        found = self.server.read_object(key)
        if found is None:
            missing = self.server.read_object("404.html")
            body, content_type = missing if missing else (b"<h1>Not found</h1>", "text/html; charset=utf-8")
            self._send(404, content_type, body, send_body)
            return
        body, content_type = found
        self._send(200, content_type, body, send_body)

    def _redirect(self, location: str) -> None:
        self.send_response(301)
        self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def _send(self, status: int, content_type: str, body: bytes, send_body: bool) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-cache")
        for name, value in {"X-Content-Type-Options": "nosniff", **self.server.page_headers}.items():
            self.send_header(name, value)
        self.end_headers()
        if send_body:
            self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib signature
        pass


def _content_type(name: str) -> str:
    guessed = mimetypes.guess_type(name)[0] or "application/octet-stream"
    return f"{guessed}; charset=utf-8" if guessed.startswith("text/") or guessed.endswith("javascript") else guessed


class SiteServer(ThreadingHTTPServer):
    """Serves the site bucket at / (as the CDN would) and site/admin/ at /admin/."""

    daemon_threads = True
    request_queue_size = LISTEN_BACKLOG

    def __init__(self, port: int, bucket: str, api_url: str, page_headers: dict[str, str] | None = None) -> None:
        super().__init__((HOST, port), _SiteRequestHandler)
        self.bucket = bucket
        # Security headers of every answer (podium.localstack.page_headers, from infra/cdn.yaml).
        self.page_headers = page_headers or {}
        self.api_url = api_url
        self._s3 = boto3.client("s3", region_name=REGION)

    def read_object(self, key: str) -> tuple[bytes, str] | None:
        try:
            obj = self._s3.get_object(Bucket=self.bucket, Key=key)
        except self._s3.exceptions.NoSuchKey:
            return None
        return obj["Body"].read(), obj.get("ContentType") or _content_type(key)


class _UploadsRequestHandler(BaseHTTPRequestHandler):
    server: UploadsServer

    def do_GET(self) -> None:
        self._serve(send_body=True)

    def do_HEAD(self) -> None:
        self._serve(send_body=False)

    def _serve(self, *, send_body: bool) -> None:
        key = unquote(urlsplit(self.path).path).lstrip("/")
        found = self.server.read_upload(key) if key else None
        status, body, headers = (404, b"Not found", {"Content-Type": "text/plain; charset=utf-8"})
        if found is not None:
            status, (body, headers) = 200, found
        self.send_response(status)
        for name, value in {**headers, **UPLOAD_HEADERS}.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if send_body:
            self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib signature
        pass


# On every uploads answer: no type guessing, and a document that could run nothing even if
# opened directly (a file is only ever an image to embed or a download).
UPLOAD_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": "default-src 'none'; sandbox",
    "Cache-Control": "no-cache",
}


class UploadsServer(ThreadingHTTPServer):
    """Serves accepted uploads from the uploads bucket at /<key>, on an origin of their own."""

    daemon_threads = True
    request_queue_size = LISTEN_BACKLOG

    def __init__(self, port: int, uploads_bucket: str = "") -> None:
        super().__init__((HOST, port), _UploadsRequestHandler)
        self.uploads_bucket = uploads_bucket
        self._s3 = boto3.client("s3", region_name=REGION)

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.server_address[1]}/"

    def read_upload(self, key: str) -> tuple[bytes, dict[str, str]] | None:
        """An accepted upload's bytes and the headers completion verified; None otherwise."""
        # Imported here: the app's modules fix table and bucket names when first imported, and
        # this server is made before the stack's environment exists.
        from chalicelib.domain.uploads import served_headers  # noqa: PLC0415 — loads the table models, which read the table name at import: the command line picks the table before it calls this

        headers = served_headers(key=key)
        if headers is None:
            return None
        try:
            obj = self._s3.get_object(Bucket=self.uploads_bucket, Key=key)
        except self._s3.exceptions.NoSuchKey:
            return None
        return obj["Body"].read(), headers


def serve_in_thread(server: Any, name: str) -> threading.Thread:
    thread = threading.Thread(target=server.serve_forever, name=name, daemon=True)
    thread.start()
    return thread
