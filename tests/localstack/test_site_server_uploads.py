from __future__ import annotations

import urllib.error
import urllib.request

import boto3
import pytest

pytestmark = pytest.mark.integration

DISPOSITION = "attachment; filename=\"deck.pdf\"; filename*=UTF-8''deck.pdf"


@pytest.fixture
def site_server(stack):
    from podium.localstack.servers import SiteServer, serve_in_thread

    server = SiteServer(0, bucket=stack.site_bucket, api_url="", uploads_bucket=stack.uploads_bucket)
    serve_in_thread(server, "test-site")
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def _get(url: str):
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as err:
        return err.code, err.headers, err.read()


def test_site_server_serves_uploads_with_their_stored_headers(stack, site_server):
    s3 = boto3.client("s3")
    key = "slides/owner1/0123/deck.pdf"
    s3.put_object(
        Bucket=stack.uploads_bucket, Key=key, Body=b"%PDF-1.4\n",
        ContentType="application/pdf", ContentDisposition=DISPOSITION,
    )  # fmt: skip

    status, headers, body = _get(f"{site_server}/uploads/{key}")

    assert (status, body) == (200, b"%PDF-1.4\n")
    assert headers["Content-Type"] == "application/pdf"
    assert headers["Content-Disposition"] == DISPOSITION
    assert headers["X-Content-Type-Options"] == "nosniff"


def test_site_server_answers_404_for_a_missing_upload(site_server):
    status, _, _ = _get(f"{site_server}/uploads/avatar/nobody/none.png")

    assert status == 404
