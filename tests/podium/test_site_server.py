"""podium.site_server: a built folder served as the CDN serves the bucket."""

from __future__ import annotations

import gzip
import http.client

import pytest
from podium.site_server import SiteFolderServer

pytestmark = pytest.mark.unit

PAGE = b"<!doctype html><title>t</title>" + b"<p>words</p>" * 200  # over the CDN's 1,000-byte floor


@pytest.fixture
def server(tmp_path):
    site = tmp_path / "site"
    (site / "e" / "conf").mkdir(parents=True)
    (site / "e" / "conf" / "index.html").write_bytes(PAGE)
    (site / "404.html").write_bytes(b"<h1>Page not found</h1>")
    (site / "assets").mkdir()
    (site / "assets" / "podium.css").write_bytes(b"body{}" * 300)
    (tmp_path / "secret.txt").write_bytes(b"outside the site")
    with SiteFolderServer(site) as running:
        yield running


def _get(server: SiteFolderServer, path: str, **headers: str) -> http.client.HTTPResponse:
    connection = http.client.HTTPConnection(*server.server_address, timeout=10)
    connection.request("GET", path, headers=headers)
    answer = connection.getresponse()
    answer.body = answer.read()
    connection.close()
    return answer


def test_site_server_answers_folder_urls_with_their_index_compressed_when_accepted(server):
    plain = _get(server, "/e/conf/")
    compressed = _get(server, "/e/conf", **{"Accept-Encoding": "gzip, br"})

    assert (plain.status, plain.getheader("Content-Encoding"), plain.body) == (200, None, PAGE)
    assert (compressed.status, compressed.getheader("Content-Encoding")) == (200, "gzip")
    assert gzip.decompress(compressed.body) == PAGE


def test_site_server_sends_the_publishers_cache_control_and_the_cdn_security_headers(server):
    page, stylesheet = _get(server, "/e/conf/"), _get(server, "/assets/podium.css")

    assert page.getheader("Cache-Control") == "public, max-age=0, must-revalidate"
    assert stylesheet.getheader("Cache-Control") == "public, max-age=300"
    assert stylesheet.getheader("Content-Type") == "text/css; charset=utf-8"
    assert page.getheader("X-Frame-Options") == "DENY"
    assert page.getheader("Content-Security-Policy").startswith("default-src 'self'; script-src 'self';")


def test_site_server_answers_missing_and_escaping_paths_with_the_404_page(server):
    missing, escaping = _get(server, "/e/none/"), _get(server, "/../secret.txt")

    assert (missing.status, missing.body) == (404, b"<h1>Page not found</h1>")
    assert (escaping.status, escaping.body) == (404, b"<h1>Page not found</h1>")


def test_site_server_listens_on_loopback_only(server):
    assert server.server_address[0] == "127.0.0.1"
