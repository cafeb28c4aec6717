from __future__ import annotations

from datetime import UTC, datetime

import boto3
import pytest
from support.uploads import (
    KEY_BYTES,
    ODP_BYTES,
    OWNER_ID,
    PDF_BYTES,
    PPTX_BYTES,
    STRANGER_ID,
    acting_as,
    actor,
    bucket_keys,
    image_bytes,
    post_file,
)

pytestmark = pytest.mark.integration

PEOPLE = {f"{s}x{s}.{f}" for s in (500, 100, 50) for f in ("webp", "jpeg")}
LOGOS = {f"{s}x{s}.{f}" for s in (500, 100) for f in ("webp", "jpeg")}
HAPPY = {
    "event_logo": ("image/png", lambda: image_bytes("PNG"), "logo.png", LOGOS),
    "event_banner": (
        "image/jpeg", lambda: image_bytes("JPEG", (130, 50)), "banner.jpg",
        {f"{w}x{h}.{f}" for w, h in ((1300, 500), (500, 200), (75, 30)) for f in ("webp", "jpeg")},
    ),
    "sponsor_logo": ("image/webp", lambda: image_bytes("WEBP"), "acme.webp", LOGOS),
    "avatar": ("image/gif", lambda: image_bytes("GIF"), "me.gif", PEOPLE),
    "speaker_photo": ("image/jpeg", lambda: image_bytes("JPEG"), "ada.jpg", PEOPLE),
    "post_image": (
        "image/png", lambda: image_bytes("PNG"), "news.png",
        {f"{s}x{s}.{f}" for s in (1300, 500) for f in ("webp", "jpeg")},
    ),
    "slides": ("application/pdf", lambda: PDF_BYTES, "talk.pdf", set()),
}  # fmt: skip
SLIDE_FORMATS = {
    "application/vnd.oasis.opendocument.presentation": ODP_BYTES,
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": PPTX_BYTES,
    "application/vnd.apple.keynote": KEY_BYTES,
}


def _ask(seeded, kind: str, data: bytes, *, content_type: str, filename: str = "file.bin", size: int | None = None):
    from chalicelib.domain.uploads import request_upload

    return request_upload(
        kind=kind,
        filename=filename,
        content_type=content_type,
        size=len(data) if size is None else size,
        event_id=None if kind == "avatar" else seeded.event_id,
        target_id=seeded.target_of(kind),
    )


def _upload(seeded, kind: str, data: bytes, content_type: str, filename: str = "file.bin") -> dict:
    """Ask, POST to S3 and complete as the event owner; returns the completion answer."""
    from chalicelib.domain.uploads import complete_upload

    with acting_as(actor(OWNER_ID)):
        presigned = _ask(seeded, kind, data, content_type=content_type, filename=filename)
        assert post_file(presigned, data, filename) == 204
        return complete_upload(upload_id=presigned["id"])


def _attached(seeded, kind: str):
    from chalicelib.domain.uploads import target_file

    event_id = None if kind == "avatar" else seeded.event_id
    return target_file(kind=kind, event_id=event_id, target_id=seeded.target_of(kind))


@pytest.mark.parametrize("kind", sorted(HAPPY))
def test_upload_of_each_kind_attaches_file_then_thumbnails(seeded, worker, kind):
    from chalicelib.domain.uploads import VERIFIED_MARKER, file_view

    content_type, make, filename, thumbnails = HAPPY[kind]

    completed = _upload(seeded, kind, make(), content_type, filename)
    worker()

    stored = _attached(seeded, kind)
    assert completed["state"] == "accepted"
    assert completed["file"] == {**file_view(stored), "thumbnails": {}}
    assert completed["file"]["url"] == "http://127.0.0.1:8080/uploads/" + stored.key
    assert stored.key.startswith(f"files/{kind}/{OWNER_ID}/") and stored.content_type == content_type
    names = set(stored.thumbnails.as_dict()) if stored.thumbnails else set()
    assert names == thumbnails
    folder = stored.key.rsplit("/", 1)[0]
    marker = f"{folder}/{VERIFIED_MARKER}"  # the served headers, beside the original
    assert set(bucket_keys()) == {stored.key, marker} | {f"{folder}/thumb-{name}" for name in thumbnails}


@pytest.mark.parametrize("content_type", sorted(SLIDE_FORMATS))
def test_slides_in_each_presentation_format_are_accepted(seeded, content_type):
    completed = _upload(seeded, "slides", SLIDE_FORMATS[content_type], content_type, "deck")

    assert completed["file"]["content_type"] == content_type


def test_request_over_the_limit_answers_413_before_any_url(seeded):
    from chalicelib.db.uploads import Upload
    from chalicelib.errors import PayloadTooLarge

    with acting_as(actor(OWNER_ID)), pytest.raises(PayloadTooLarge) as raised:
        _ask(seeded, "slides", b"", content_type="application/pdf", size=30 * 1024 * 1024 + 1)

    assert raised.value.extra["max_size"] == 30 * 1024 * 1024
    mine = [u for u in Upload.gsi1.scan() if u.owner_id == OWNER_ID]
    assert mine == []  # no record, so no URL was ever signed


@pytest.fixture
def small_image_limit(monkeypatch):
    from chalicelib.settings import settings

    monkeypatch.setenv("PODIUM_UPLOAD_IMAGE_MAX_BYTES", "2000")
    settings.cache_clear()
    yield 2000
    monkeypatch.undo()
    settings.cache_clear()


def test_stored_object_over_the_limit_answers_422_and_is_deleted(seeded, small_image_limit):
    from chalicelib.domain.uploads import complete_upload
    from chalicelib.errors import ValidationFailed

    data = image_bytes("PNG") + b"\0" * small_image_limit
    with acting_as(actor(OWNER_ID)):
        presigned = _ask(seeded, "speaker_photo", data, content_type="image/png", size=100)
        _store_ignoring_the_policy(presigned, data)
        with pytest.raises(ValidationFailed) as raised:
            complete_upload(upload_id=presigned["id"])

    assert "at most 2000 bytes" in raised.value.message
    assert bucket_keys() == []
    assert _attached(seeded, "speaker_photo") is None


def _store_ignoring_the_policy(presigned: dict, data: bytes, **headers: str) -> None:
    """Store the file as a store that skipped the POST policy would (the local stack's AWS
    refuses such POSTs, as S3 does): completion's own checks must still catch it."""
    from chalicelib.settings import settings

    boto3.client("s3").put_object(Bucket=settings().uploads_bucket, Key=presigned["key"], Body=data, **headers)


def _png_with_text_chunk(text: bytes) -> bytes:
    import struct
    import zlib

    png = image_bytes("PNG")
    chunk = b"tEXt" + b"Comment\0" + text
    packed = struct.pack(">I", len(chunk) - 4) + chunk + struct.pack(">I", zlib.crc32(chunk))
    return png[:33] + packed + png[33:]  # after the signature and IHDR


@pytest.mark.parametrize(
    ("content_type", "data", "reason"),
    [
        ("image/png", b"\x89PNG\r\n\x1a\n<html><script>alert(1)</script></html>", "not a PNG"),
        ("image/png", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', "markup"),
        ("image/png", _png_with_text_chunk(b"<html><body><script>alert(1)</script>"), "embedded markup"),
        ("image/jpeg", image_bytes("JPEG", comment=b"<script>alert(1)</script>"), "embedded markup"),
        ("image/gif", b"GIF89a<!doctype html><script>alert(1)</script>", "embedded markup"),
        ("application/pdf", b"<!doctype html><p>not a pdf", "markup"),
    ],
    ids=["png-magic-then-html", "svg", "png-text-chunk-polyglot", "jpeg-comment-polyglot", "gif-html", "html-as-pdf"],
)
def test_file_not_matching_its_type_answers_422_and_is_deleted(seeded, content_type, data, reason):
    from chalicelib.domain.uploads import complete_upload
    from chalicelib.errors import ValidationFailed

    kind = "slides" if content_type == "application/pdf" else "speaker_photo"
    with acting_as(actor(OWNER_ID)):
        presigned = _ask(seeded, kind, data, content_type=content_type)
        post_file(presigned, data)
        with pytest.raises(ValidationFailed) as raised:
            complete_upload(upload_id=presigned["id"])

    assert reason in raised.value.message
    assert raised.value.to_body()["error"]["reason"] == raised.value.message
    assert bucket_keys() == []


@pytest.mark.parametrize(
    ("filename", "disposition_name"),
    [
        ("../../etc/passwd", "passwd"),
        ("slides\x00.pdf\r\nX-Evil: 1", "slides.pdfX-Evil: 1"),
        ("a" * 2000 + ".pdf", "a" * 146 + ".pdf"),
        ("Cafe\u0301 \u202egnp.pdf", "Café gnp.pdf"),
    ],
    ids=["traversal", "nul-and-control", "2000-chars", "unicode-and-bidi-override"],
)
def test_hostile_filename_is_stored_under_the_server_key_with_sanitized_disposition(seeded, filename, disposition_name):
    from urllib.parse import quote

    from chalicelib.settings import settings

    completed = _upload(seeded, "slides", PDF_BYTES, "application/pdf", filename)

    key = completed["file"]["key"]
    head = boto3.client("s3").head_object(Bucket=settings().uploads_bucket, Key=key)
    prefix, kind, owner, folder, name = key.split("/")
    assert (prefix, kind, owner, len(folder)) == ("files", "slides", OWNER_ID, 32)
    assert name.endswith(".pdf") and len(name) <= 84 and ".." not in name
    assert completed["file"]["filename"] == disposition_name
    assert head["ContentDisposition"].startswith('attachment; filename="')
    assert head["ContentDisposition"].endswith("filename*=UTF-8''" + quote(disposition_name, safe=""))
    assert all(32 <= ord(ch) < 127 for ch in head["ContentDisposition"])
    assert head["ContentType"] == "application/pdf"


def test_lying_post_headers_are_rewritten_at_completion(seeded):
    from chalicelib.domain.uploads import complete_upload
    from chalicelib.settings import settings

    data = image_bytes("PNG")
    with acting_as(actor(OWNER_ID)):
        presigned = _ask(seeded, "speaker_photo", data, content_type="image/png", filename="ada.png")
        _store_ignoring_the_policy(presigned, data, ContentType="text/html", ContentDisposition="inline")
        completed = complete_upload(upload_id=presigned["id"])

    head = boto3.client("s3").head_object(Bucket=settings().uploads_bucket, Key=completed["file"]["key"])
    assert head["ContentType"] == "image/png"
    assert head["ContentDisposition"].startswith('inline; filename="ada.png"')


def test_other_user_completing_answers_403(seeded):
    from chalicelib.domain.uploads import complete_upload
    from chalicelib.errors import Forbidden

    data = image_bytes("PNG")
    with acting_as(actor(OWNER_ID)):
        presigned = _ask(seeded, "event_logo", data, content_type="image/png")
    post_file(presigned, data)

    with acting_as(actor(STRANGER_ID, "admin")), pytest.raises(Forbidden):
        complete_upload(upload_id=presigned["id"])
    assert _attached(seeded, "event_logo") is None


def test_completing_after_the_window_answers_410_and_deletes_the_object(seeded):
    from chalicelib.clock import FrozenClock, use_clock
    from chalicelib.domain.uploads import complete_upload
    from chalicelib.errors import Gone

    frozen = FrozenClock(datetime.now(UTC))
    previous = use_clock(frozen)
    try:
        data = image_bytes("PNG")
        with acting_as(actor(OWNER_ID)):
            presigned = _ask(seeded, "event_logo", data, content_type="image/png")
            post_file(presigned, data)
            frozen.advance(minutes=10, seconds=1)
            with pytest.raises(Gone):
                complete_upload(upload_id=presigned["id"])
    finally:
        use_clock(previous)

    assert bucket_keys() == []


def test_completing_before_uploading_answers_409_and_completing_twice_answers_the_same(seeded):
    from chalicelib.domain.uploads import complete_upload
    from chalicelib.errors import Conflict

    data = image_bytes("PNG")
    with acting_as(actor(OWNER_ID)):
        presigned = _ask(seeded, "event_logo", data, content_type="image/png")
        with pytest.raises(Conflict):
            complete_upload(upload_id=presigned["id"])
        post_file(presigned, data)
        first = complete_upload(upload_id=presigned["id"])
        second = complete_upload(upload_id=presigned["id"])

    assert first == second and first["state"] == "accepted"


def test_replacing_a_file_deletes_the_old_objects_and_thumbnails(seeded, worker):
    old = _upload(seeded, "speaker_photo", image_bytes("JPEG"), "image/jpeg", "old.jpg")
    worker()
    new = _upload(seeded, "speaker_photo", image_bytes("PNG"), "image/png", "new.png")
    worker()

    old_folder = old["file"]["key"].rsplit("/", 1)[0] + "/"
    new_folder = new["file"]["key"].rsplit("/", 1)[0] + "/"
    assert [key for key in bucket_keys() if key.startswith(old_folder)] == []
    assert len([key for key in bucket_keys() if key.startswith(new_folder)]) == 2 + len(PEOPLE)  # and the marker
    assert _attached(seeded, "speaker_photo").upload_id == new["id"]


def test_thumbnails_of_a_replaced_file_are_not_kept(seeded, worker):
    old = _upload(seeded, "speaker_photo", image_bytes("JPEG"), "image/jpeg", "old.jpg")
    new = _upload(seeded, "speaker_photo", image_bytes("PNG"), "image/png", "new.png")
    worker()  # the old file's thumbnail job runs after it was replaced

    old_folder = old["file"]["key"].rsplit("/", 1)[0] + "/"
    assert [key for key in bucket_keys() if key.startswith(old_folder)] == []
    assert set(_attached(seeded, "speaker_photo").thumbnails.as_dict()) == PEOPLE
    assert new["file"]["key"] in bucket_keys()


def test_purging_an_entity_deletes_its_files(seeded, worker):
    from chalicelib.db import content, keys
    from chalicelib.domain.uploads import delete_files_of

    _upload(seeded, "event_logo", image_bytes("PNG"), "image/png")
    _upload(seeded, "event_banner", image_bytes("PNG"), "image/png")
    kept = _upload(seeded, "speaker_photo", image_bytes("PNG"), "image/png")
    worker()
    event = content.Event.get(keys.event_pk(seeded.event_id), "EVENT")

    deleted = delete_files_of(item=event)

    assert deleted == 2 * 2 + len(LOGOS) + 6  # each original with its served-headers marker, and thumbnails
    kept_folder = kept["file"]["key"].rsplit("/", 1)[0] + "/"
    assert bucket_keys() and all(key.startswith(kept_folder) for key in bucket_keys())


@pytest.mark.parametrize(
    ("who", "kind", "target", "error"),
    [
        (None, "event_logo", None, "Unauthorized"),
        (actor(STRANGER_ID), "event_logo", None, "NotFound"),  # a draft event is invisible to outsiders
        (actor(STRANGER_ID), "avatar", OWNER_ID, "Forbidden"),
        (actor(OWNER_ID), "speaker_photo", "nobody", "NotFound"),
        (actor(OWNER_ID), "speaker_photo", None, "ValidationFailed"),
    ],
    ids=["anonymous", "stranger", "someone-elses-avatar", "missing-speaker", "speaker-not-named"],
)
def test_asking_without_the_right_to_edit_the_target_is_refused(seeded, who, kind, target, error):
    from chalicelib.actors import ANONYMOUS
    from chalicelib.domain.uploads import request_upload
    from chalicelib.errors import PodiumError

    with acting_as(who or ANONYMOUS), pytest.raises(PodiumError) as raised:
        request_upload(
            kind=kind, filename="x.png", content_type="image/png", size=10,
            event_id=None if kind == "avatar" else seeded.event_id, target_id=target,
        )  # fmt: skip

    assert type(raised.value).__name__ == error


@pytest.mark.parametrize("who", [actor("organizer1"), actor(STRANGER_ID, "admin")], ids=["organizer", "admin"])
def test_organizers_and_admins_may_upload_event_files(seeded, who):
    from chalicelib.domain.uploads import request_upload

    with acting_as(who):
        presigned = request_upload(
            kind="sponsor_logo", filename="x.png", content_type="image/png", size=10,
            event_id=seeded.event_id, target_id=seeded.sponsor_id,
        )  # fmt: skip

    assert presigned["fields"]["Content-Type"] == "image/png"


def test_public_pages_show_the_uploaded_logo_thumbnail(seeded, worker):
    from chalicelib.site.from_db import load_bundle
    from chalicelib.site.render import render_event

    _upload(seeded, "sponsor_logo", image_bytes("PNG"), "image/png", "acme.png")
    worker()

    bundle = load_bundle(seeded.event_id)
    files = render_event(bundle, base_url="http://127.0.0.1:8080/")

    thumbnail = _attached(seeded, "sponsor_logo").thumbnails.as_dict()["500x500.webp"]
    assert bundle.sponsors[0].logo_url == "http://127.0.0.1:8080/uploads/" + thumbnail
    assert f'src="http://127.0.0.1:8080/uploads/{thumbnail}"'.encode() in files["e/conf/sponsors/index.html"]


def test_thumbnails_record_their_real_sizes_on_the_target(seeded, worker):
    from chalicelib.site.from_db import load_bundle

    _upload(seeded, "sponsor_logo", image_bytes("PNG", (200, 80)), "image/png", "wide.png")
    worker()

    stored = _attached(seeded, "sponsor_logo")
    sizes = stored.thumbnail_sizes.as_dict()
    picture = load_bundle(seeded.event_id).sponsors[0].logo_file

    # A logo fits inside its box without cropping or enlarging: 200x80 stays, 100x100 halves it.
    assert sizes == {"500x500.webp": "200x80", "500x500.jpeg": "200x80", "100x100.webp": "100x40",
                     "100x100.jpeg": "100x40"}  # fmt: skip
    thumbnails = stored.thumbnails.as_dict()
    uploads = "http://127.0.0.1:8080/uploads/"
    # The site's model: the WebP thumbnails with those sizes, smallest first (<img width height>).
    assert picture.versions == ((uploads + thumbnails["100x100.webp"], 100, 40), (uploads + thumbnails["500x500.webp"], 200, 80))


def test_files_view_gives_the_json_of_an_items_files(seeded, worker):
    import json

    from chalicelib.db import content, keys
    from chalicelib.domain.uploads import files_view

    _upload(seeded, "event_banner", image_bytes("PNG"), "image/png", "banner.png")
    worker()
    event = content.Event.get(keys.event_pk(seeded.event_id), "EVENT")

    view = json.loads(json.dumps(files_view(event)))

    assert list(view) == ["banner_file"]
    assert view["banner_file"]["thumbnails"]["75x30.jpeg"].startswith("http://127.0.0.1:8080/uploads/files/event_banner/")


def test_swap_between_check_and_copy_is_refused(seeded, monkeypatch):
    """Bytes POSTed again after the check (the presigned POST is still valid) never become the
    accepted file: the copy to the final key must carry the checked object."""
    from chalicelib.domain import uploads
    from chalicelib.errors import Conflict

    png = image_bytes("PNG")
    swapped = b"\x89PNG\r\n\x1a\n<html><script>alert(1)</script></html>"
    checked = uploads.file_problem

    def check_then_swap(**kwargs):
        problem = checked(**kwargs)
        assert post_file(presigned, swapped, "ada.png") == 204  # the second POST lands after the check
        return problem

    monkeypatch.setattr(uploads, "file_problem", check_then_swap)
    with acting_as(actor(OWNER_ID)):
        presigned = _ask(seeded, "speaker_photo", png, content_type="image/png", filename="ada.png")
        assert post_file(presigned, png, "ada.png") == 204
        with pytest.raises(Conflict) as raised:
            uploads.complete_upload(upload_id=presigned["id"])

    assert "changed" in raised.value.message
    assert _attached(seeded, "speaker_photo") is None
    assert bucket_keys() == []


def test_presigned_key_is_incoming_and_the_accepted_file_is_a_copy_under_files(seeded):
    from chalicelib.domain.uploads import complete_upload
    from chalicelib.settings import settings

    png = image_bytes("PNG")
    with acting_as(actor(OWNER_ID)):
        presigned = _ask(seeded, "speaker_photo", png, content_type="image/png", filename="ada.png")
        post_file(presigned, png, "ada.png")
        completed = complete_upload(upload_id=presigned["id"])

    body = boto3.client("s3").get_object(Bucket=settings().uploads_bucket, Key=completed["file"]["key"])["Body"].read()
    assert presigned["key"].startswith(f"incoming/speaker_photo/{OWNER_ID}/")
    assert completed["file"]["key"] == "files/" + presigned["key"].removeprefix("incoming/")
    assert body == png
    assert presigned["key"] not in bucket_keys()  # the incoming object is gone once copied


def test_thumbnails_are_made_from_the_checked_file_after_a_repost(seeded, worker):
    import io

    from chalicelib.domain.uploads import complete_upload
    from chalicelib.settings import settings
    from PIL import Image

    red, blue = image_bytes("PNG", color="red"), image_bytes("PNG", color="blue")
    with acting_as(actor(OWNER_ID)):
        presigned = _ask(seeded, "speaker_photo", red, content_type="image/png", filename="ada.png")
        post_file(presigned, red, "ada.png")
        complete_upload(upload_id=presigned["id"])
        assert post_file(presigned, blue, "ada.png") == 204  # the POST is valid for 10 minutes
    worker()

    thumbnail = _attached(seeded, "speaker_photo").thumbnails.as_dict()["50x50.jpeg"]
    data = boto3.client("s3").get_object(Bucket=settings().uploads_bucket, Key=thumbnail)["Body"].read()
    pixel = Image.open(io.BytesIO(data)).convert("RGB").getpixel((25, 25))
    assert pixel[0] > 200 and pixel[2] < 60  # red: the accepted file, not the reposted one


def _export_zip() -> bytes:
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("event", b'{"id": 1, "name": "Conf"}')
    return buffer.getvalue()


def _upload_import(data: bytes, who: str = OWNER_ID, size: int | None = None) -> dict:
    from chalicelib.domain.uploads import complete_upload, request_upload

    with acting_as(actor(who)):
        presigned = request_upload(
            kind="import", filename="fossasia.zip", content_type="application/zip", size=size or len(data)
        )
        assert post_file(presigned, data, "fossasia.zip") == 204
        return complete_upload(upload_id=presigned["id"])


def test_import_upload_is_kept_in_the_importers_imports_folder_and_never_served(stack):
    from chalicelib.domain.uploads import served_headers

    done = _upload_import(_export_zip())

    kept = [key for key in bucket_keys() if not key.startswith("incoming/")]
    assert (done["kind"], done["state"], done["event_id"], done["file"]) == ("import", "accepted", None, None)
    assert [key.split("/")[:2] + key.split("/")[-1:] for key in kept] == [["imports", OWNER_ID, "fossasia.zip"]]
    assert served_headers(key=kept[0]) is None


def test_import_upload_that_is_not_a_zip_answers_422_and_is_deleted(stack):
    from chalicelib.errors import ValidationFailed

    with pytest.raises(ValidationFailed):
        _upload_import(b'{"not": "a zip"}')

    assert bucket_keys() == []


def test_import_upload_over_the_import_limit_answers_413(stack, monkeypatch):
    from chalicelib.errors import PayloadTooLarge
    from chalicelib.settings import settings

    monkeypatch.setenv("PODIUM_UPLOAD_IMPORT_MAX_BYTES", "1000")
    settings.cache_clear()
    try:
        with pytest.raises(PayloadTooLarge):
            _upload_import(_export_zip(), size=1001)
    finally:
        monkeypatch.delenv("PODIUM_UPLOAD_IMPORT_MAX_BYTES")
        settings.cache_clear()


def test_accept_fetched_image_needs_the_right_to_edit_the_target_and_its_url_unchanged(seeded):
    from chalicelib.db import content, keys
    from chalicelib.domain.uploads import accept_fetched_image
    from chalicelib.errors import NotFound

    pk = keys.event_pk(seeded.event_id)
    speaker = content.Speaker.get(pk, keys.child_sk("speaker", seeded.speaker_id))
    speaker.update(actions=[content.Speaker.photo_url.set("https://pictures.example/ada.png")])
    fetched = {"kind": "speaker_photo", "event_id": seeded.event_id, "target_id": seeded.speaker_id,
               "data": image_bytes("PNG"), "content_type": "image/png"}  # fmt: skip

    # The permission table decides: to an outsider the draft event is as missing as any.
    with acting_as(actor(STRANGER_ID)), pytest.raises(NotFound):
        accept_fetched_image(url="https://pictures.example/ada.png", **fetched)
    with acting_as(actor(OWNER_ID)):
        changed_meanwhile = accept_fetched_image(url="https://pictures.example/old.png", **fetched)

    assert changed_meanwhile is None and bucket_keys() == []
    assert content.Speaker.get(pk, keys.child_sk("speaker", seeded.speaker_id)).photo_file is None
