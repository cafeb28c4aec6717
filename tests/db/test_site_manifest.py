"""Site manifests: remembered only when one writer wrote alone, in the bucket's current generation."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.integration


def test_site_manifest_remembers_the_files_of_a_writer_alone(stack):
    from chalicelib.db import site_manifest

    generation = site_manifest.start_generation("bucket-m1")
    seen = site_manifest.remembered_files("bucket-m1", ["e/x/"])
    lease = site_manifest.begin_writing("bucket-m1", ["e/x/"], generation=generation, seen_version=seen.version)

    assert site_manifest.finish_writing(lease, {"e/x/index.html": "md5"})
    assert site_manifest.remembered_files("bucket-m1", ["e/x/"]).files == {"e/x/index.html": "md5"}


def test_site_manifest_forgets_files_when_writers_overlap(stack):
    from chalicelib.db import site_manifest

    generation = site_manifest.start_generation("bucket-m2")
    seen = site_manifest.remembered_files("bucket-m2", ["e/x/"])
    first = site_manifest.begin_writing("bucket-m2", ["e/x/"], generation=generation, seen_version=seen.version)
    second = site_manifest.begin_writing("bucket-m2", ["e/x/"], generation=generation, seen_version=seen.version)

    assert not site_manifest.finish_writing(second, {"a": "1"})
    assert not site_manifest.finish_writing(first, {"a": "1"})
    assert site_manifest.remembered_files("bucket-m2", ["e/x/"]).files is None


def test_site_manifest_of_an_earlier_generation_is_not_trusted(stack):
    from chalicelib.db import site_manifest
    from chalicelib.db.base import Item
    from chalicelib.db.keys import site_generation_key, site_manifest_key

    generation = site_manifest.start_generation("bucket-m3")
    seen = site_manifest.remembered_files("bucket-m3", ["e/x/"])
    lease = site_manifest.begin_writing("bucket-m3", ["e/x/"], generation=generation, seen_version=seen.version)
    site_manifest.finish_writing(lease, {"a": "1"})

    newer = site_manifest.start_generation("bucket-m3")

    assert newer == generation + 1
    assert site_manifest.remembered_files("bucket-m3", ["e/x/"]).files is None
    assert isinstance(Item.get(*site_manifest_key("bucket-m3", ["e/x/"])), site_manifest.SiteManifest)
    assert isinstance(Item.get(*site_generation_key("bucket-m3")), site_manifest.SiteGeneration)
