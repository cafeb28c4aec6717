"""The remote images job (#25): an import's picture URLs fetched into uploads and thumbnailed like
uploads; each failure leaves the text version, is named in the result and stops no other picture.

Fetches go to a local HTTP server on 127.0.0.1 under made-up names: the job's `fetch` is given a
resolver for them and an allowance for that one address (adapters/remote_files.py); production
passes neither."""

from __future__ import annotations

import functools
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from support.uploads import OWNER_ID, acting_as, actor, image_bytes, job_runner, seed_event

pytestmark = pytest.mark.integration

PHOTO = image_bytes("JPEG", (120, 90))
LOGO = image_bytes("PNG", (300, 100))
FILES = {
    "/photo.jpg": ("image/jpeg", PHOTO),
    "/logo.png": ("application/octet-stream", LOGO),  # a wrong type: only the bytes count
    "/page.html": ("image/png", b"<!doctype html><p>not an image</p>"),
    "/huge.png": ("image/png", b"\x89PNG" + b"\0" * (5 * 1024 * 1024)),
    "/drawing.bmp": ("image/bmp", image_bytes("BMP", (4, 4))),
}


class _Files(BaseHTTPRequestHandler):
    def do_GET(self):
        content_type, body = FILES.get(self.path, ("text/plain", b""))
        self.send_response(200 if self.path in FILES else 404)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def seeded(stack):
    return seed_event()


@pytest.fixture
def worker(aws_stack):
    return job_runner(aws_stack)


@pytest.fixture(scope="module")
def image_server() -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Files)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://pictures.example:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture
def local_fetch(monkeypatch):
    from chalicelib.adapters.remote_files import fetch
    from chalicelib.job_bodies import remote_images

    names = {"pictures.example": ["127.0.0.1"], "intranet.example": ["10.0.0.8"]}
    asked: list[str] = []

    def resolve(host: str, port: int) -> list[str]:
        asked.append(host)
        return names[host]

    monkeypatch.setattr(remote_images, "fetch", functools.partial(fetch, resolve=resolve, also_allow=frozenset({"127.0.0.1"})))
    return asked


def _with_urls(seeded, server: str) -> None:
    """The seeded event as an import leaves it: pictures named by URL only."""
    from chalicelib.db import content, keys

    pk = keys.event_pk(seeded.event_id)
    event = content.Event.get(pk, "EVENT")
    event.update(actions=[content.Event.logo_url.set(server + "/huge.png"), content.Event.banner_url.set("")])
    speaker = content.Speaker.get(pk, keys.child_sk("speaker", seeded.speaker_id))
    speaker.update(actions=[content.Speaker.photo_url.set(server + "/photo.jpg")])
    sponsor = content.Sponsor.get(pk, keys.child_sk("sponsor", seeded.sponsor_id))
    sponsor.update(actions=[content.Sponsor.logo_url.set(server + "/logo.png")])
    others = {"sp2": "http://intranet.example/me.jpg", "sp3": server + "/page.html", "sp4": server + "/drawing.bmp",
              "sp5": "http://intranet.example/you.jpg"}  # fmt: skip
    for speaker_id, url in others.items():
        item = content.Speaker(pk, keys.child_sk("speaker", speaker_id), id=speaker_id, event_id=seeded.event_id,
                               name=speaker_id, photo_url=url)  # fmt: skip
        item.stamp()
        item.save()


def _run_job(event_id: str) -> dict:
    from chalicelib.job_bodies.remote_images import fetch_remote_images_job
    from chalicelib.request_context import current_context

    with acting_as(actor(OWNER_ID)):
        return fetch_remote_images_job(current_context(), event_id=event_id)


def test_remote_images_job_fetches_checks_and_thumbnails_each_and_reports_failures(
    seeded, worker, image_server, local_fetch
):
    from chalicelib.site.from_db import load_bundle

    # GIVEN an imported event whose pictures are URLs, good and bad
    _with_urls(seeded, image_server)

    # WHEN the job runs, and then the thumbnail jobs it queued
    result = _run_job(seeded.event_id)
    worker()

    # THEN the good ones are the items' files, with thumbnails of known sizes; each bad one is reported
    assert sorted((f["kind"], f["target_id"]) for f in result["fetched"]) == [("speaker_photo", "sp1"), ("sponsor_logo", "so1")]
    failed = {f["target_id"]: f["reason"] for f in result["failed"]}
    assert sorted(failed) == ["ev1", "sp2", "sp3", "sp4", "sp5"]
    assert "over the limit" in failed["ev1"]
    # the host is named, never the address the worker's resolver gave (the importer would learn
    # the worker network's DNS answers: which internal names exist and where they point)
    assert "intranet.example resolves to a non-public address" in failed["sp2"] and failed["sp5"] == failed["sp2"]
    assert not [reason for reason in failed.values() if "10.0.0.8" in reason]
    assert local_fetch.count("intranet.example") == 1  # a refused host's other URLs are not tried again
    assert "not a decodable image" in failed["sp3"]
    assert "BMP images are not accepted" in failed["sp4"]
    bundle = load_bundle(seeded.event_id)
    speakers = {s.id: s for s in bundle.speakers}
    assert speakers["sp1"].photo_file is not None
    assert [(w, h) for _, w, h in speakers["sp1"].photo_file.versions] == [(50, 50), (100, 100), (500, 500)]
    assert [(w, h) for _, w, h in bundle.sponsors[0].logo_file.versions] == [(100, 33), (300, 100)]
    # the failures keep their text version: the URL, which the site does not load from another origin
    assert speakers["sp2"].photo_file is None and speakers["sp2"].photo_url == "http://intranet.example/me.jpg"
    assert bundle.event.logo_file is None


def test_remote_images_job_again_fetches_only_what_is_still_missing(seeded, worker, image_server, local_fetch):
    from chalicelib.db import content, keys

    _with_urls(seeded, image_server)
    first = _run_job(seeded.event_id)
    key = content.Speaker.get(keys.event_pk(seeded.event_id), keys.child_sk("speaker", "sp1")).photo_file.key

    again = _run_job(seeded.event_id)

    assert len(first["fetched"]) == 2 and again["fetched"] == []
    assert sorted(f["target_id"] for f in again["failed"]) == sorted(f["target_id"] for f in first["failed"])
    assert content.Speaker.get(keys.event_pk(seeded.event_id), keys.child_sk("speaker", "sp1")).photo_file.key == key


def test_remote_images_image_type_is_decided_by_the_bytes():
    from chalicelib.adapters.remote_files import FetchRefused
    from chalicelib.job_bodies.remote_images import image_type

    assert image_type(PHOTO) == "image/jpeg" and image_type(LOGO) == "image/png"
    assert image_type(image_bytes("GIF")) == "image/gif" and image_type(image_bytes("WEBP")) == "image/webp"
    for data in (b"<svg xmlns='http://www.w3.org/2000/svg'/>", b"GIF89a" + b"\0" * 10, image_bytes("BMP"), b""):
        with pytest.raises(FetchRefused):
            image_type(data)


def test_remote_images_job_reports_a_malformed_stored_url_and_fetches_the_others(seeded, image_server, local_fetch):
    from chalicelib.db import content, keys

    # GIVEN a speaker whose photo URL was stored before the URL rule, one urllib cannot split
    pk = keys.event_pk(seeded.event_id)
    content.Speaker.get(pk, keys.child_sk("speaker", seeded.speaker_id)).update(
        actions=[content.Speaker.photo_url.set(image_server + "/photo.jpg")]
    )
    broken = content.Speaker(pk, keys.child_sk("speaker", "sp9"), id="sp9", event_id=seeded.event_id, name="sp9",
                             photo_url="http://[::1/me.jpg")  # fmt: skip
    broken.stamp()
    broken.save()

    # WHEN the job runs
    result = _run_job(seeded.event_id)

    # THEN that picture alone fails, named; the others are fetched
    assert [f["target_id"] for f in result["fetched"]] == [seeded.speaker_id]
    assert [(f["target_id"], f["reason"]) for f in result["failed"]] == [("sp9", "not a valid URL: http://[::1/me.jpg")]


def test_remote_images_job_replaces_a_picture_fetched_from_a_url_the_import_no_longer_names(
    seeded, worker, image_server, local_fetch
):
    from chalicelib.db import content, keys
    from chalicelib.domain.uploads import remote_images

    # GIVEN a speaker photo fetched from the export's URL, and an uploaded sponsor logo
    pk = keys.event_pk(seeded.event_id)

    def speaker():
        return content.Speaker.get(pk, keys.child_sk("speaker", seeded.speaker_id))

    speaker().update(actions=[content.Speaker.photo_url.set(image_server + "/photo.jpg")])
    first = _run_job(seeded.event_id)
    fetched_first = speaker().photo_file

    # WHEN a re-import names another picture for the speaker, and one for the sponsor whose logo was
    # uploaded (re-imports keep each item's file), and the job runs again
    speaker().update(actions=[content.Speaker.photo_url.set(image_server + "/logo.png")])
    from support.trash import put_file

    sponsor = content.Sponsor.get(pk, keys.child_sk("sponsor", seeded.sponsor_id))
    sponsor.update(actions=[content.Sponsor.logo_file.set(put_file("sponsor_logo/uploaded", "acme.png")),
                            content.Sponsor.logo_url.set(image_server + "/logo.png")])  # fmt: skip
    wanted = remote_images(event_id=seeded.event_id)
    again = _run_job(seeded.event_id)

    # THEN the new picture replaces the one fetched from the old URL; an uploaded file stays (the
    # organizers chose it); a URL fetched already is not fetched again
    assert [f["target_id"] for f in first["fetched"]] == [seeded.speaker_id]
    assert [(w["target_id"], w["url"]) for w in wanted] == [(seeded.speaker_id, image_server + "/logo.png")]
    assert [f["target_id"] for f in again["fetched"]] == [seeded.speaker_id]
    assert speaker().photo_file.upload_id != fetched_first.upload_id
    assert _objects_under(fetched_first.key.rsplit("/", 1)[0] + "/") == []  # the old picture's objects are gone
    assert speaker().photo_file.content_type == "image/png"
    assert remote_images(event_id=seeded.event_id) == []
    assert content.Sponsor.get(pk, keys.child_sk("sponsor", seeded.sponsor_id)).logo_file.key == sponsor.logo_file.key


def _objects_under(prefix: str) -> list[str]:
    import boto3
    from chalicelib.settings import settings

    found = boto3.client("s3").list_objects_v2(Bucket=settings().uploads_bucket, Prefix=prefix)
    return [o["Key"] for o in found.get("Contents", [])]
