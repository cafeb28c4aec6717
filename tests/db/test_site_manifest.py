"""Site manifests: remembered only when one writer wrote alone, in the bucket's current generation;
files split into shards, each trusted only while it has the digest its head names."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.integration


def test_site_manifest_remembers_the_files_of_a_writer_alone(stack, monkeypatch):
    from chalicelib.db import site_manifest

    generation = site_manifest.start_generation("bucket-m1")
    seen = site_manifest.remembered_files("bucket-m1", ["e/x/"])
    lease = site_manifest.begin_writing("bucket-m1", ["e/x/"], generation=generation, seen_version=seen.version)

    shards = site_manifest.shards_of({"e/x/index.html": "md5"})

    assert site_manifest.finish_writing(lease, shards, changed=range(shards.count))
    monkeypatch.setattr(site_manifest, "WRITTEN_HERE", {})  # read back as another process would: from the shard items
    remembered = site_manifest.remembered_files("bucket-m1", ["e/x/"])
    assert remembered.digests == shards.digests
    assert remembered.files_of(list(range(shards.count))) == {"e/x/index.html": "md5"}


def test_site_manifest_forgets_files_when_writers_overlap(stack):
    from chalicelib.db import site_manifest

    generation = site_manifest.start_generation("bucket-m2")
    seen = site_manifest.remembered_files("bucket-m2", ["e/x/"])
    first = site_manifest.begin_writing("bucket-m2", ["e/x/"], generation=generation, seen_version=seen.version)
    second = site_manifest.begin_writing("bucket-m2", ["e/x/"], generation=generation, seen_version=seen.version)

    shards = site_manifest.shards_of({"a": "1"})

    assert not site_manifest.finish_writing(second, shards, changed=[0])
    assert not site_manifest.finish_writing(first, shards, changed=[0])
    assert site_manifest.remembered_files("bucket-m2", ["e/x/"]).digests is None


def test_site_manifest_of_an_earlier_generation_is_not_trusted(stack):
    from chalicelib.db import site_manifest
    from chalicelib.db.base import Item
    from chalicelib.db.keys import site_generation_key, site_manifest_key

    generation = site_manifest.start_generation("bucket-m3")
    seen = site_manifest.remembered_files("bucket-m3", ["e/x/"])
    lease = site_manifest.begin_writing("bucket-m3", ["e/x/"], generation=generation, seen_version=seen.version)
    assert site_manifest.finish_writing(lease, site_manifest.shards_of({"a": "1"}), changed=[0])

    newer = site_manifest.start_generation("bucket-m3")

    assert newer == generation + 1
    assert site_manifest.remembered_files("bucket-m3", ["e/x/"]).digests is None
    assert isinstance(Item.get(*site_manifest_key("bucket-m3", ["e/x/"])), site_manifest.SiteManifest)
    assert isinstance(Item.get(*site_generation_key("bucket-m3")), site_manifest.SiteGeneration)


def test_site_manifest_shards_live_in_the_heads_partition(stack):
    from chalicelib.db import site_manifest
    from chalicelib.db.base import Item
    from chalicelib.db.keys import site_manifest_key, site_manifest_shard_key

    files = {f"e/x/{n}.html": str(n) for n in range(200)}
    shards = site_manifest.shards_of(files)
    generation = site_manifest.start_generation("bucket-m4")
    seen = site_manifest.remembered_files("bucket-m4", ["e/x/"])
    lease = site_manifest.begin_writing("bucket-m4", ["e/x/"], generation=generation, seen_version=seen.version)

    assert site_manifest.finish_writing(lease, shards, changed=range(shards.count))
    head = site_manifest_key("bucket-m4", ["e/x/"])
    stored = Item.get(*site_manifest_shard_key(head, shards.count, 0))
    assert (shards.count, isinstance(stored, site_manifest.SiteManifestShard)) == (4, True)


def test_site_manifest_shard_item_unlike_its_digest_is_not_believed(stack, monkeypatch):
    from chalicelib.db import site_manifest, table
    from chalicelib.db.keys import site_manifest_key, site_manifest_shard_key

    shards = site_manifest.shards_of({"e/x/a.html": "1"})
    generation = site_manifest.start_generation("bucket-m5")
    seen = site_manifest.remembered_files("bucket-m5", ["e/x/"])
    lease = site_manifest.begin_writing("bucket-m5", ["e/x/"], generation=generation, seen_version=seen.version)
    site_manifest.finish_writing(lease, shards, changed=[0])
    monkeypatch.setattr(site_manifest, "WRITTEN_HERE", {})  # another process: it reads the shard item
    shard = site_manifest_shard_key(site_manifest_key("bucket-m5", ["e/x/"]), shards.count, 0)
    table.put_item(shard, {"kind": {"S": "site_manifest_shard"}, "files": {"S": "eJyrrgUAAXUA+Q=="}})  # zlib("{}")

    assert site_manifest.remembered_files("bucket-m5", ["e/x/"]).files_of([0]) is None
