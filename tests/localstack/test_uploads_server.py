"""The local uploads server: accepted files only, on their own origin, with their verified type."""

from __future__ import annotations

import urllib.error
import urllib.request

import boto3
import pytest
from support.uploads import OWNER_ID, PDF_BYTES, acting_as, actor, image_bytes, post_file, seed_event

pytestmark = pytest.mark.integration


@pytest.fixture
def uploads_server(stack):
    from podium.localstack.servers import UploadsServer, serve_in_thread

    server = UploadsServer(0, uploads_bucket=stack.uploads_bucket)
    serve_in_thread(server, "test-uploads")
    yield server.url
    server.shutdown()
    server.server_close()


@pytest.fixture
def seeded(stack):
    return seed_event()


def _get(url: str):
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as err:
        return err.code, err.headers, err.read()


def _upload(seeded, kind: str, data: bytes, content_type: str, filename: str, *, complete: bool = True) -> str:
    """Ask, POST and (unless told not to) complete an upload as the event's owner; returns the
    accepted file's key (the presigned incoming key when not completed)."""
    from chalicelib.domain.uploads import complete_upload, request_upload

    with acting_as(actor(OWNER_ID)):
        presigned = request_upload(
            kind=kind, filename=filename, content_type=content_type, size=len(data),
            event_id=seeded.event_id, target_id=seeded.target_of(kind),
        )  # fmt: skip
        assert post_file(presigned, data, filename) == 204
        if complete:
            return complete_upload(upload_id=presigned["id"])["file"]["key"]
    return presigned["key"]


def test_uploads_server_serves_a_completed_image_inline_with_its_verified_type(seeded, uploads_server):
    png = image_bytes("PNG")
    key = _upload(seeded, "speaker_photo", png, "image/png", "ada.png")

    status, headers, body = _get(uploads_server + key)

    assert (status, body) == (200, png)
    assert headers["Content-Type"] == "image/png"
    assert headers["Content-Disposition"].startswith('inline; filename="ada.png"')
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Content-Security-Policy"] == "default-src 'none'; sandbox"


def test_uploads_server_serves_nothing_before_completion(seeded, uploads_server):
    key = _upload(seeded, "speaker_photo", image_bytes("PNG"), "image/png", "ada.png", complete=False)

    status, _, _ = _get(uploads_server + key)

    assert status == 404


def test_uploads_server_serves_slides_as_an_attachment_whatever_the_stored_type(seeded, uploads_server, stack):
    key = _upload(seeded, "slides", PDF_BYTES, "application/pdf", "deck.pdf")
    # A later write of the object with other headers (only a local SDK client can make one):
    boto3.client("s3").put_object(
        Bucket=stack.uploads_bucket, Key=key, Body=PDF_BYTES, ContentType="text/html", ContentDisposition="inline"
    )

    status, headers, _ = _get(uploads_server + key)

    assert (status, headers["Content-Type"]) == (200, "application/pdf")
    assert headers["Content-Disposition"].startswith('attachment; filename="deck.pdf"')


def test_uploads_server_never_serves_html_stored_without_completion(stack, uploads_server):
    key = "files/speaker_photo/owner1/0123/page.html"
    boto3.client("s3").put_object(Bucket=stack.uploads_bucket, Key=key, Body=b"<script>alert(1)</script>",
                                  ContentType="text/html")  # fmt: skip

    status, headers, body = _get(uploads_server + key)

    assert (status, headers["Content-Type"], body) == (404, "text/plain; charset=utf-8", b"Not found")


def test_uploads_server_serves_thumbnails_but_not_the_marker(seeded, uploads_server, stack):
    from chalicelib.domain.uploads import VERIFIED_MARKER

    key = _upload(seeded, "speaker_photo", image_bytes("PNG"), "image/png", "ada.png")
    folder = key.rsplit("/", 1)[0] + "/"
    thumbnail = image_bytes("JPEG")
    boto3.client("s3").put_object(Bucket=stack.uploads_bucket, Key=folder + "thumb-75x75.jpeg", Body=thumbnail)

    thumb_status, thumb_headers, thumb_body = _get(uploads_server + folder + "thumb-75x75.jpeg")
    marker_status, _, _ = _get(uploads_server + folder + VERIFIED_MARKER)
    other_status, _, _ = _get(uploads_server + folder + "other.png")

    assert (thumb_status, thumb_headers["Content-Type"], thumb_body) == (200, "image/jpeg", thumbnail)
    assert (marker_status, other_status) == (404, 404)


def test_site_server_serves_no_uploads(seeded, stack):
    from podium.localstack.servers import SiteServer, serve_in_thread

    key = _upload(seeded, "speaker_photo", image_bytes("PNG"), "image/png", "ada.png")
    site = SiteServer(0, bucket=stack.site_bucket, api_url="")
    serve_in_thread(site, "test-site")
    try:
        status, _, _ = _get(f"http://127.0.0.1:{site.server_address[1]}/uploads/{key}")
    finally:
        site.shutdown()
        site.server_close()

    assert status == 404


def test_uploads_server_serves_the_checked_bytes_after_a_repost_to_the_presigned_key(seeded, uploads_server, stack):
    """The presigned POST stays valid for its window after completion: a second POST with the
    same fields writes the incoming key, never the accepted file that is served."""
    from chalicelib.domain.uploads import complete_upload, request_upload, target_file

    png = image_bytes("PNG")
    with acting_as(actor(OWNER_ID)):
        presigned = request_upload(
            kind="speaker_photo", filename="ada.png", content_type="image/png", size=len(png),
            event_id=seeded.event_id, target_id=seeded.speaker_id,
        )  # fmt: skip
        assert post_file(presigned, png, "ada.png") == 204
        completed = complete_upload(upload_id=presigned["id"])
        swapped = b"\x89PNG\r\n\x1a\n" + b"<html><script>alert(1)</script></html>".ljust(len(png) - 8, b" ")

        reposted = post_file(presigned, swapped, "ada.png")

    stored = target_file(kind="speaker_photo", event_id=seeded.event_id, target_id=seeded.speaker_id)
    status, headers, body = _get(uploads_server + completed["file"]["key"])
    incoming_status, _, _ = _get(uploads_server + presigned["key"])
    kept = boto3.client("s3").get_object(Bucket=stack.uploads_bucket, Key=stored.key)["Body"].read()
    assert reposted == 204  # S3 would accept it too: the policy is still valid
    assert stored.key == completed["file"]["key"] != presigned["key"]
    assert (status, headers["Content-Type"], body, kept) == (200, "image/png", png, png)
    assert incoming_status == 404
