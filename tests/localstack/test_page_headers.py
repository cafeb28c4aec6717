"""Security headers of the site and the admin page, locally as in infra/cdn.yaml."""

from __future__ import annotations

import re
import urllib.error
import urllib.request
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
ORIGINS = {
    "api_origin": "http://127.0.0.1:8000",
    "uploads_origin": "http://127.0.0.1:8081",
    "uploads_post_origin": "http://127.0.0.1:4566",
}


def _get(url: str):
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as err:
        return err.code, err.headers, err.read()


@pytest.mark.unit
def test_page_headers_are_the_cdn_policys_with_local_origins():
    from podium.localstack.page_headers import page_headers

    headers = page_headers(**ORIGINS)

    assert set(headers) == {"Content-Security-Policy", "X-Content-Type-Options", "X-Frame-Options", "Referrer-Policy"}
    assert (headers["X-Frame-Options"], headers["X-Content-Type-Options"]) == ("DENY", "nosniff")
    assert headers["Referrer-Policy"] == "same-origin"
    policy = dict(part.strip().split(" ", 1) for part in headers["Content-Security-Policy"].split(";"))
    assert policy["script-src"] == "'self'"
    assert policy["frame-ancestors"] == "'none'"
    assert policy["img-src"] == "'self' http://127.0.0.1:8081"
    assert policy["connect-src"] == "'self' http://127.0.0.1:8000 http://127.0.0.1:4566"


@pytest.mark.unit
def test_pages_hold_no_inline_script_or_handler_the_policy_would_block():
    pages = [*sorted((REPO / "templates").glob("*.html")), *sorted((REPO / "site" / "admin").glob("*.html"))]

    inline = [
        f"{page.name}: {found}"
        for page in pages
        for found in re.findall(r"<script(?![^>]*\bsrc=)[^>]*>|\son[a-z]+\s*=|javascript:", page.read_text(), re.I)
    ]

    assert pages and inline == []


@pytest.mark.integration
def test_site_server_sends_the_page_headers_on_site_and_admin_answers(stack):
    from podium.localstack.page_headers import page_headers
    from podium.localstack.servers import SiteServer, serve_in_thread

    expected = page_headers(**ORIGINS)
    site = SiteServer(0, bucket=stack.site_bucket, api_url=ORIGINS["api_origin"], page_headers=expected)
    serve_in_thread(site, "test-site-headers")
    base = f"http://127.0.0.1:{site.server_address[1]}"
    try:
        answers = [_get(base + path) for path in ("/", "/admin/", "/admin/admin.js", "/admin/config.json", "/no/such")]
    finally:
        site.shutdown()
        site.server_close()

    assert [status for status, _, _ in answers] == [404, 200, 200, 200, 404]  # the test stack publishes no site
    for _, headers, _ in answers:
        assert {name: headers[name] for name in expected} == expected


@pytest.mark.integration
def test_dev_stack_sends_the_page_headers_with_its_own_origins(dev_stack_factory):
    stack = dev_stack_factory()

    answers = [_get(stack.urls[name]) for name in ("Site", "Admin")]

    uploads_origin = stack.urls["Uploads"].rstrip("/")
    for status, headers, _ in answers:
        policy = headers["Content-Security-Policy"]
        assert status == 200
        assert f"img-src 'self' {uploads_origin};" in policy
        assert f"connect-src 'self' {stack.urls['API']} {stack.urls['AWS']};" in policy
        assert (headers["X-Frame-Options"], headers["Referrer-Policy"]) == ("DENY", "same-origin")
