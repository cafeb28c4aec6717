"""Serve a built site folder on 127.0.0.1 as the CDN serves the bucket (infra/cdn.yaml).

What page-speed tools measure depends on it: folder URLs answer their index.html (the CDN's
IndexDocuments function), text is gzip-compressed for clients that accept it (`Compress: true`),
each file carries the Cache-Control the publisher gives its object, and every answer the
security headers of the CDN's response headers policy. Used by bench/lighthouse.py and the
site's page-quality tests; `podium dev` serves the bucket itself (podium.localstack.servers).
"""

from __future__ import annotations

import gzip
import mimetypes
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from chalicelib.site.publish import _cache_control as cache_control

from podium.localstack.page_headers import page_headers

HOST = "127.0.0.1"
# CloudFront compresses these types (and only objects of 1,000 bytes to 10 MB).
COMPRESSED_TYPES = ("text/", "application/javascript", "application/json", "application/xml", "image/svg+xml")
MIN_COMPRESSED_BYTES = 1000


class _FolderHandler(BaseHTTPRequestHandler):
    server: SiteFolderServer

    def do_GET(self) -> None:
        self._serve(send_body=True)

    def do_HEAD(self) -> None:
        self._serve(send_body=False)

    def _serve(self, *, send_body: bool) -> None:
        key = _object_key(unquote(urlsplit(self.path).path))
        body = self.server.read(key) if key is not None else None
        status = 200
        if body is None:  # the CDN answers a missing key with the 404 page
            key, status = "404.html", 404
            body = self.server.read(key) or b"Not found"
        content_type = _content_type(key)
        headers = {"Content-Type": content_type, "Cache-Control": cache_control(key), **self.server.headers}
        if _compressible(content_type, body) and "gzip" in self.headers.get("Accept-Encoding", ""):
            body = gzip.compress(body, compresslevel=6, mtime=0)
            headers |= {"Content-Encoding": "gzip", "Vary": "Accept-Encoding"}
        self.send_response(status)
        for name, value in (headers | {"Content-Length": str(len(body))}).items():
            self.send_header(name, value)
        self.end_headers()
        if send_body:
            self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib signature
        pass


def _object_key(path: str) -> str | None:
    """The bucket key of a URL path, as the CDN's IndexDocuments function maps it; None for a
    path that could leave the folder."""
    key = path.lstrip("/")
    if key == "" or key.endswith("/"):
        key += "index.html"
    elif "." not in key.rsplit("/", 1)[-1]:
        key += "/index.html"
    if any(part in ("", ".", "..") for part in key.split("/")) or "\\" in key:
        return None
    return key


def _content_type(key: str) -> str:
    guessed = mimetypes.guess_type(key)[0] or "application/octet-stream"
    return f"{guessed}; charset=utf-8" if guessed.startswith("text/") or guessed.endswith("javascript") else guessed


def _compressible(content_type: str, body: bytes) -> bool:
    return content_type.startswith(COMPRESSED_TYPES) and len(body) >= MIN_COMPRESSED_BYTES


class SiteFolderServer(ThreadingHTTPServer):
    """`folder` at http://127.0.0.1:<port>/ (port 0: a free one; `url` names it)."""

    daemon_threads = True

    def __init__(self, folder: str | Path, port: int = 0) -> None:
        super().__init__((HOST, port), _FolderHandler)
        self.folder = Path(folder)
        self.headers = page_headers(api_origin="", uploads_origin="", uploads_post_origin="")

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.server_address[1]}/"

    def handle_error(self, request: Any, client_address: Any) -> None:
        # A browser that navigates away mid-answer closes the connection: not an error to print.
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)

    def read(self, key: str) -> bytes | None:
        target = self.folder / key
        return target.read_bytes() if target.is_file() else None

    def __enter__(self) -> SiteFolderServer:
        threading.Thread(target=self.serve_forever, name="site-folder", daemon=True).start()
        return self

    def __exit__(self, *_: Any) -> None:
        self.shutdown()
        self.server_close()
