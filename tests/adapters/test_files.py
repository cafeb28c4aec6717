"""adapters/files.py against moto's S3: what each function does, and how S3's answers read."""

from __future__ import annotations

import base64
import hashlib
import json
import urllib.request
import uuid

import boto3
import pytest
from support.aws_faults import S3_FAILING, Rule

pytestmark = pytest.mark.integration


def _key(folder: str = "files") -> str:
    return f"{folder}/{uuid.uuid4().hex}/a.bin"


def _stored(stack, key: str) -> dict:
    return boto3.client("s3").get_object(Bucket=stack.uploads_bucket, Key=key)


def test_presign_upload_signs_a_post_for_the_key_its_headers_and_size_range(stack):
    from chalicelib.adapters.files import presign_upload

    headers = {"Content-Type": "image/png", "Content-Disposition": "inline"}

    post = presign_upload(key="incoming/x/a.png", headers=headers, max_bytes=1000, seconds=600)

    policy = json.loads(base64.b64decode(post["fields"]["policy"]))
    assert post["fields"]["key"] == "incoming/x/a.png"
    assert {k: post["fields"][k] for k in headers} == headers
    assert {"Content-Type": "image/png"} in policy["conditions"]
    assert {"Content-Disposition": "inline"} in policy["conditions"]
    assert ["content-length-range", 1, 1000] in policy["conditions"]
    assert {"bucket": stack.uploads_bucket} in policy["conditions"]


def test_stored_file_info_is_none_without_an_object_and_size_and_etag_with_one(stack):
    from chalicelib.adapters.files import FileInfo, put_stored_file, stored_file_info

    key = _key()
    put_stored_file(key, b"12345")

    found, missing = stored_file_info(key), stored_file_info(_key())

    assert found == FileInfo(size=5, etag=f'"{hashlib.md5(b"12345").hexdigest()}"')
    assert missing is None


def test_read_stored_file_reads_the_first_bytes_or_none_without_an_object(stack):
    from chalicelib.adapters.files import put_stored_file, read_stored_file

    key = _key()
    put_stored_file(key, b"abcdef", content_type="text/plain")

    assert read_stored_file(key) == b"abcdef"
    assert read_stored_file(key, first_bytes=2) == b"ab"
    assert read_stored_file(_key()) is None
    assert _stored(stack, key)["ContentType"] == "text/plain"


def test_read_stored_file_on_another_etag_or_a_gone_object_raises_file_changed(stack):
    from chalicelib.adapters.files import FileChanged, put_stored_file, read_stored_file, stored_file_info

    key = _key()
    put_stored_file(key, b"first")
    etag = stored_file_info(key).etag
    put_stored_file(key, b"second")

    with pytest.raises(FileChanged):
        read_stored_file(key, if_match=etag)
    with pytest.raises(FileChanged):
        read_stored_file(_key(), if_match=etag)
    assert read_stored_file(key, if_match=stored_file_info(key).etag) == b"second"


def test_copy_checked_upload_copies_the_checked_object_with_its_headers(stack):
    from chalicelib.adapters.files import copy_checked_upload, put_stored_file, stored_file_info

    source, target = _key("incoming"), _key()
    put_stored_file(source, b"checked bytes")

    copy_checked_upload(
        source_key=source, key=target, etag=stored_file_info(source).etag,
        content_type="application/pdf", content_disposition='attachment; filename="a.pdf"',
    )  # fmt: skip

    copied = _stored(stack, target)
    assert copied["Body"].read() == b"checked bytes"
    assert (copied["ContentType"], copied["ContentDisposition"]) == ("application/pdf", 'attachment; filename="a.pdf"')


def test_copy_checked_upload_of_a_changed_or_gone_source_raises_and_leaves_no_copy(stack):
    from chalicelib.adapters.files import FileChanged, copy_checked_upload, put_stored_file, stored_file_info

    source, target = _key("incoming"), _key()
    put_stored_file(source, b"checked bytes")
    etag = stored_file_info(source).etag
    put_stored_file(source, b"swapped after the check")
    headers = {"content_type": "image/png", "content_disposition": "inline"}

    with pytest.raises(FileChanged):
        copy_checked_upload(source_key=source, key=target, etag=etag, **headers)
    with pytest.raises(FileChanged):
        copy_checked_upload(source_key=_key("incoming"), key=target, etag=etag, **headers)
    assert stored_file_info(target) is None


def test_delete_stored_folder_deletes_the_folder_only_and_counts(stack, monkeypatch):
    from chalicelib.adapters import files

    monkeypatch.setattr(files, "DELETE_BATCH", 2)  # several DeleteObjects calls
    folder, kept = f"files/{uuid.uuid4().hex}/", _key()
    for name in ("a", "b", "c", "d", "e"):
        files.put_stored_file(folder + name, b"x")
    files.put_stored_file(kept, b"x")

    deleted = files.delete_stored_folder(folder)

    assert deleted == 5
    assert [files.stored_file_info(folder + n) for n in "abcde"] == [None] * 5
    assert files.stored_file_info(kept) is not None


def test_delete_stored_files_deletes_the_keys_named(stack):
    from chalicelib.adapters.files import delete_stored_file, delete_stored_files, put_stored_file, stored_file_info

    keys = [_key() for _ in range(3)]
    for key in keys:
        put_stored_file(key, b"x")

    delete_stored_files(keys[:2])
    delete_stored_file(keys[2])

    assert [stored_file_info(k) for k in keys] == [None, None, None]


def test_presign_download_serves_the_bytes_under_the_file_name(stack, tmp_path):
    from chalicelib.adapters.files import download_stored_file, presign_download, put_stored_file

    key = _key("exports")
    put_stored_file(key, b"zip bytes", content_type="application/zip")

    url = presign_download(key, seconds=60, filename="conf-openevent.zip")
    with urllib.request.urlopen(url, timeout=10) as answer:  # the moto server on 127.0.0.1
        body, disposition = answer.read(), answer.headers["Content-Disposition"]
    download_stored_file(key, tmp_path / "copy")

    assert body == b"zip bytes"
    assert disposition == 'attachment; filename="conf-openevent.zip"'
    assert (tmp_path / "copy").read_bytes() == b"zip bytes"


def test_public_files_are_put_listed_and_deleted_with_their_headers(stack, monkeypatch):
    from chalicelib.adapters import files

    monkeypatch.setattr(files, "DELETE_BATCH", 1)
    bucket, folder = stack.site_bucket, f"e/{uuid.uuid4().hex}/"
    for key in (folder + "index.html", folder + "talks/index.html"):
        files.put_public_file(
            bucket=bucket, key=key, data=b"<h1>x</h1>", content_type="text/html; charset=utf-8", cache_control="no-cache"
        )
    stored = boto3.client("s3").get_object(Bucket=bucket, Key=folder + "index.html")
    md5 = hashlib.md5(b"<h1>x</h1>").hexdigest()

    digests = files.public_file_digests(bucket=bucket, prefix=folder)
    one, missing = (files.public_file_digest(bucket=bucket, key=folder + k) for k in ("index.html", "gone.html"))
    files.delete_public_files(bucket=bucket, keys=sorted(digests))

    assert (stored["ContentType"], stored["CacheControl"]) == ("text/html; charset=utf-8", "no-cache")
    assert digests == {folder + "index.html": md5, folder + "talks/index.html": md5}
    assert (one, missing) == (md5, None)
    assert files.public_file_digests(bucket=bucket, prefix=folder) == {}


def test_public_folders_are_the_folders_under_a_prefix_and_the_loose_objects(stack):
    from chalicelib.adapters.files import public_folders, put_public_file

    prefix = f"p{uuid.uuid4().hex}/"
    for key in ("a/index.html", "a/b/index.html", "c/index.html", "loose.html"):
        put_public_file(bucket=stack.site_bucket, key=prefix + key, data=b"x", content_type="text/html", cache_control="")

    folders, loose = public_folders(bucket=stack.site_bucket, prefix=prefix)

    assert folders == {prefix + "a/", prefix + "c/"}
    assert loose == [prefix + "loose.html"]


def test_s3_failing_is_not_read_as_a_missing_object(faults):
    # GIVEN S3 answering 500 to every HEAD and GET, past the client's retries
    from chalicelib.adapters.aws import is_unavailable
    from chalicelib.adapters.files import public_file_digest, read_stored_file, stored_file_info

    faults.add(Rule("s3", "HeadObject", S3_FAILING), Rule("s3", "GetObject", S3_FAILING))

    # THEN each call raises what the API answers 503 for (and a job retries), never "no such object"
    for call in (
        lambda: stored_file_info(_key()),
        lambda: read_stored_file(_key()),
        lambda: public_file_digest(bucket="any", key="index.html"),
    ):
        with pytest.raises(Exception) as raised:
            call()
        assert is_unavailable(raised.value)
