"""Shared reads against the table."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.integration


def test_event_items_reads_every_item_as_a_pynamodb_query_does(stack):
    from chalicelib.db import keys
    from chalicelib.db.base import Item
    from chalicelib.db.queries import event_items, published_events
    from podium.localstack.stack import seed_first_start

    seed_first_start()  # FOSSASIA 2018: over 1 MB, so the Query has more than one page
    event_id = published_events()[0].id

    read = [(type(item), item.serialize()) for item in event_items(event_id)]

    expected = [(type(item), item.serialize()) for item in Item.query(keys.event_pk(event_id))]
    assert len(read) > 700
    assert read == expected
