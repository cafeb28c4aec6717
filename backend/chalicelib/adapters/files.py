"""Files in S3: the uploads bucket (what people upload, job results, exports) and the site bucket.

Every S3 call Podium makes is one of these functions. S3's answers for "no such object" and
"not the object you named" become None and FileChanged here; throttling and outages stay
botocore's errors, which `aws.is_unavailable` recognises (a 503 in the API, a retry in jobs).
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any, NamedTuple
from urllib.parse import urlsplit

from chalicelib.adapters.aws import client, error_code
from chalicelib.settings import settings

# S3's codes for "there is no object at this key" (HEAD answers a bare status).
_MISSING_CODES = frozenset({"NoSuchKey", "404", "NotFound"})
# ...and for "the object at this key is not the one named" (If-Match on another ETag) or gone.
_CHANGED_CODES = _MISSING_CODES | {"PreconditionFailed", "412"}
DELETE_BATCH = 1000  # DeleteObjects' limit


class FileChanged(Exception):
    """The object is not (or no longer) the one a condition named: another ETag, or gone."""


class FileInfo(NamedTuple):
    size: int
    etag: str  # as S3 answers it, quotes included


# --- the uploads bucket -------------------------------------------------------------------


def presign_upload(*, key: str, headers: dict[str, str], max_bytes: int, seconds: int) -> dict[str, Any]:
    """A presigned POST ({"url", "fields"}) that may write `key` only, with exactly `headers`
    and 1 to `max_bytes` bytes, for `seconds`."""
    conditions: list[Any] = [{name: value} for name, value in headers.items()]
    conditions.append(["content-length-range", 1, max_bytes])
    return client("s3").generate_presigned_post(
        settings().uploads_bucket, key, Fields=headers, Conditions=conditions, ExpiresIn=seconds
    )


def upload_post_origin(bucket: str) -> str:
    """Where a browser sends presigned POSTs to `bucket` (scheme and host): what the pages'
    Content-Security-Policy must allow (infra/cdn.yaml's UploadsPostOrigin)."""
    url = urlsplit(client("s3").generate_presigned_post(bucket, "probe")["url"])
    return f"{url.scheme}://{url.netloc}"


def presign_download(key: str, *, seconds: int, filename: str | None = None) -> str:
    """A presigned GET of `key`, valid for `seconds`; with `filename`, browsers save it as that."""
    params = {"Bucket": settings().uploads_bucket, "Key": key}
    if filename is not None:
        params["ResponseContentDisposition"] = f'attachment; filename="{filename}"'
    return client("s3").generate_presigned_url("get_object", Params=params, ExpiresIn=seconds)


def stored_file_info(key: str) -> FileInfo | None:
    """Size and ETag of the object at `key`; None when there is none."""
    try:
        head = client("s3").head_object(Bucket=settings().uploads_bucket, Key=key)
    except client("s3").exceptions.ClientError as err:
        if error_code(err) in _MISSING_CODES:
            return None
        raise
    return FileInfo(size=head["ContentLength"], etag=head["ETag"])


def read_stored_file(key: str, *, first_bytes: int | None = None, if_match: str | None = None) -> bytes | None:
    """The object's bytes (only the first `first_bytes` when given); None when there is none.

    With `if_match` (an ETag) the bytes are those of that very object: FileChanged otherwise.
    """
    request: dict[str, Any] = {"Bucket": settings().uploads_bucket, "Key": key}
    if first_bytes is not None:
        request["Range"] = f"bytes=0-{first_bytes - 1}"
    if if_match is not None:
        request["IfMatch"] = if_match
    try:
        return client("s3").get_object(**request)["Body"].read()
    except client("s3").exceptions.ClientError as err:
        code = error_code(err)
        if if_match is not None and code in _CHANGED_CODES:
            raise FileChanged(key) from err
        if code in _MISSING_CODES:
            return None
        raise


def download_stored_file(key: str, path: Path) -> None:
    """Write the object at `key` to `path` (large objects in parts)."""
    client("s3").download_file(settings().uploads_bucket, key, str(path))


def put_stored_file(key: str, data: bytes, *, content_type: str | None = None) -> None:
    request: dict[str, Any] = {"Bucket": settings().uploads_bucket, "Key": key, "Body": data}
    if content_type is not None:
        request["ContentType"] = content_type
    client("s3").put_object(**request)


def copy_checked_upload(*, source_key: str, key: str, etag: str, content_type: str, content_disposition: str) -> None:
    """Copy the object at `source_key` to `key` with these headers, only if it still has `etag`.

    Raises FileChanged (and leaves no copy) when the source has another ETag or is gone.
    """
    s3, bucket = client("s3"), settings().uploads_bucket
    try:
        copied = s3.copy_object(
            Bucket=bucket,
            Key=key,
            CopySource={"Bucket": bucket, "Key": source_key},
            CopySourceIfMatch=etag,
            MetadataDirective="REPLACE",
            ContentType=content_type,
            ContentDisposition=content_disposition,
        )
    except s3.exceptions.ClientError as err:
        if error_code(err) in _CHANGED_CODES:
            raise FileChanged(source_key) from err
        raise
    # moto ignores CopySourceIfMatch, so the copy's own ETag must be the checked one too: for
    # single-part objects under SSE-S3 (POSTs, the uploads bucket) it is the MD5 of the bytes.
    if copied["CopyObjectResult"]["ETag"] != etag:
        s3.delete_object(Bucket=bucket, Key=key)
        raise FileChanged(source_key)


def delete_stored_file(key: str) -> None:
    client("s3").delete_object(Bucket=settings().uploads_bucket, Key=key)


def delete_stored_files(keys: Iterable[str]) -> None:
    _delete(settings().uploads_bucket, list(keys))


def delete_stored_folder(prefix: str) -> int:
    """Delete every object whose key starts with `prefix`; returns how many there were."""
    bucket, deleted = settings().uploads_bucket, 0
    for page in client("s3").get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix):
        keys = [obj["Key"] for obj in page.get("Contents", [])]
        _delete(bucket, keys)
        deleted += len(keys)
    return deleted


# --- the site bucket (any bucket a build writes to) ----------------------------------------


def put_public_file(*, bucket: str, key: str, data: bytes, content_type: str, cache_control: str) -> None:
    client("s3").put_object(Bucket=bucket, Key=key, Body=data, ContentType=content_type, CacheControl=cache_control)


def delete_public_files(*, bucket: str, keys: list[str]) -> None:
    _delete(bucket, keys)


def public_file_digests(*, bucket: str, prefix: str) -> dict[str, str]:
    """key → MD5 (the ETag of a single-part upload, unquoted) of every object under `prefix`."""
    found: dict[str, str] = {}
    for page in client("s3").get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix):
        found.update({o["Key"]: o["ETag"].strip('"') for o in page.get("Contents", [])})
    return found


def public_file_digest(*, bucket: str, key: str) -> str | None:
    """The MD5 (unquoted ETag) of the object at `key`; None when there is none."""
    try:
        head = client("s3").head_object(Bucket=bucket, Key=key)
    except client("s3").exceptions.ClientError as err:
        if error_code(err) in _MISSING_CODES:
            return None
        raise
    return head["ETag"].strip('"')


def public_folders(*, bucket: str, prefix: str) -> tuple[set[str], list[str]]:
    """The folders right under `prefix` ("e/x/"), and the objects lying loose in it."""
    folders: set[str] = set()
    loose: list[str] = []
    pages = client("s3").get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix, Delimiter="/")
    for page in pages:
        folders.update(p["Prefix"] for p in page.get("CommonPrefixes", []))
        loose.extend(o["Key"] for o in page.get("Contents", []))
    return folders, loose


def _delete(bucket: str, keys: list[str]) -> None:
    s3 = client("s3")
    for start in range(0, len(keys), DELETE_BATCH):
        chunk = keys[start : start + DELETE_BATCH]
        s3.delete_objects(Bucket=bucket, Delete={"Objects": [{"Key": k} for k in chunk], "Quiet": True})
