"""Syncs through the site-file manifest (db/site_manifest.py): an incremental sync reads and
writes only the shards it changes."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator

import pytest

pytestmark = pytest.mark.integration

PREFIX = "e/manifest-test/"
MANY = 3000  # 64 shards
FEW = 300  # 8 shards


@contextlib.contextmanager
def _manifest_traffic() -> Iterator[dict[str, int]]:
    """Bytes sent and received by DynamoDB requests about site manifests, and S3 listings."""
    from chalicelib.adapters.aws import client
    from chalicelib.db.keys import site_generation_key, site_manifest_key

    counted = {"bytes": 0, "listings": 0, "shard_reads": 0}
    pending: list[bool] = []
    bucket = settings_bucket()
    head = site_manifest_key(bucket, [PREFIX])

    def sent(request, **_kwargs) -> None:
        body = request.body if isinstance(request.body, bytes) else (request.body or "").encode()
        pending.append(site_generation_key(bucket)[0].encode() in body)  # the generation's pk starts the head's
        counted["shard_reads"] += _reads_shards(body, head)
        if pending[-1]:
            counted["bytes"] += len(body)

    def answered(http_response, **_kwargs) -> None:
        if pending and pending.pop(0):
            counted["bytes"] += len(http_response.content)

    def listed(**_kwargs) -> None:
        counted["listings"] += 1

    ddb, s3 = client("dynamodb").meta.events, client("s3").meta.events
    ddb.register("before-send.dynamodb", sent)
    ddb.register("after-call.dynamodb", answered)
    s3.register("before-call.s3.ListObjectsV2", listed)
    try:
        yield counted
    finally:
        ddb.unregister("before-send.dynamodb", sent)
        ddb.unregister("after-call.dynamodb", answered)
        s3.unregister("before-call.s3.ListObjectsV2", listed)


def settings_bucket() -> str:
    from chalicelib.settings import settings

    return settings().site_bucket


def _reads_shards(body: bytes, head: tuple[str, str]) -> bool:
    """Whether a request is a BatchGetItem of the manifest's shard items (any key of its
    partition but the head's)."""
    if b'"RequestItems"' not in body or b'"Keys"' not in body:
        return False
    asked = [key for wanted in json.loads(body)["RequestItems"].values() for key in wanted.get("Keys", [])]
    return any(key["pk"]["S"] == head[0] and key["sk"]["S"] != head[1] for key in asked)


def _sync(files: dict[str, bytes]):
    from chalicelib.site.publish import sync_files

    return sync_files(files, owned_prefixes=[PREFIX], trust_remembered=True)


def _files(changed: str = "", count: int = FEW) -> dict[str, bytes]:
    files = {f"{PREFIX}page{n}/index.html": f"page {n}".encode() for n in range(count)}
    if changed:
        files[f"{PREFIX}page7/index.html"] = changed.encode()
    return files


def test_sync_of_one_changed_file_moves_a_small_part_of_the_manifest(stack):
    # GIVEN a folder of 3000 files synced once (listed, every shard remembered)
    with _manifest_traffic() as first:
        _sync(_files(count=MANY))

    # WHEN one file changes
    with _manifest_traffic() as second:
        report = _sync(_files(changed="page 7, edited", count=MANY))

    # THEN it is written without a listing, moving under a tenth of the manifest's bytes
    assert (report.written, first["listings"], second["listings"]) == ([f"{PREFIX}page7/index.html"], 1, 0)
    assert second["bytes"] * 10 < first["bytes"]


def test_sync_after_its_own_write_reads_no_shard_item(stack):
    # GIVEN a folder this process synced last
    _sync(_files())

    # WHEN one file changes
    with _manifest_traffic() as traffic:
        report = _sync(_files(changed="page 7, edited"))

    # THEN the head alone was read: the shards this process certified are the stored ones
    assert (report.written, traffic["shard_reads"]) == ([f"{PREFIX}page7/index.html"], 0)


def test_sync_in_another_process_reads_the_changed_shards(stack, monkeypatch):
    from chalicelib.db import site_manifest

    _sync(_files())
    monkeypatch.setattr(site_manifest, "WRITTEN_HERE", {})  # GIVEN another process (it wrote nothing)

    with _manifest_traffic() as traffic:
        report = _sync(_files(changed="page 7, edited"))

    assert (report.written, traffic["shard_reads"], traffic["listings"]) == ([f"{PREFIX}page7/index.html"], 1, 0)


def test_sync_lists_the_bucket_when_a_shard_item_is_not_the_one_the_head_names(stack, monkeypatch):
    from chalicelib.adapters.files import delete_public_files
    from chalicelib.db import site_manifest, table
    from chalicelib.db.keys import site_manifest_key

    # GIVEN a folder synced by another process, whose manifest shards were then overwritten
    _sync(_files())
    monkeypatch.setattr(site_manifest, "WRITTEN_HERE", {})
    head = site_manifest_key(stack.site_bucket, [PREFIX])
    shards = [key for key in table.partition_keys(head[0]) if key != head]
    empty = {"S": "eJyrrgUAAXUA+Q=="}  # zlib("{}"): a shard that says it holds nothing
    for shard in shards:
        table.put_item(shard, {"kind": {"S": "site_manifest_shard"}, "files": empty})
    delete_public_files(bucket=stack.site_bucket, keys=[f"{PREFIX}page7/index.html"])

    # WHEN the folder is synced with one file changed
    with _manifest_traffic() as traffic:
        report = _sync(_files(changed="page 7, edited"))

    # THEN what the bucket holds was listed, not believed, and the page is back
    assert (traffic["listings"] > 0, report.written) == (True, [f"{PREFIX}page7/index.html"])
