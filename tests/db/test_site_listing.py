"""The site listing item: one attribute per listed event, versioned by every update."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.integration


def test_site_listing_sets_and_removes_entries_and_counts_versions(stack):
    from chalicelib.db import site_listing

    site_listing.update_entries("bucket-l1", [("SET", "ev1", '{"a": 1}'), ("SET", "ev2", '{"b": 2}')])
    after = site_listing.update_entries("bucket-l1", [("REMOVE", "ev1", None)])

    assert after == ({"ev2": '{"b": 2}'}, 2)
    assert site_listing.read_entries("bucket-l1") == after


def test_site_listing_of_an_unknown_bucket_is_empty(stack):
    from chalicelib.db import site_listing

    assert site_listing.read_entries("bucket-none") == ({}, 0)


def test_site_listing_reads_back_as_its_model(stack):
    from chalicelib.db import site_listing
    from chalicelib.db.base import Item
    from chalicelib.db.keys import site_listing_key

    site_listing.update_entries("bucket-l2", [("SET", "ev1", "{}")])

    assert isinstance(Item.get(*site_listing_key("bucket-l2"), consistent_read=True), site_listing.SiteListing)
