"""db/live.py: the one "get the live item or 404"."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

pytestmark = pytest.mark.integration


def _room(room_id: str, **fields) -> None:
    from chalicelib.db.content import Room
    from chalicelib.db.keys import child_sk, event_pk

    Room(event_pk("ev1"), child_sk("room", room_id), id=room_id, event_id="ev1", name=room_id, **fields).save()


def _read(room_id: str, **options):
    from chalicelib.db.content import Room
    from chalicelib.db.keys import child_sk, event_pk
    from chalicelib.db.live import live_item

    return live_item(Room, event_pk("ev1"), child_sk("room", room_id), missing=f"No room {room_id}.", **options)


def _missing(room_id: str, **options) -> str:
    from chalicelib.errors import NotFound

    with pytest.raises(NotFound) as err:
        _read(room_id, **options)
    return str(err.value)


def test_live_item_reads_a_live_item(stack):
    _room("r1")

    assert _read("r1").id == "r1"


def test_live_item_absent_is_not_found_with_the_callers_message(stack):
    assert _missing("nowhere") == "No room nowhere."


def test_live_item_trashed_is_not_found_unless_trashed_too(stack):
    _room("r2", trashed_at=datetime(2026, 1, 1, tzinfo=UTC))

    assert (_missing("r2"), _read("r2", trashed_too=True).id) == ("No room r2.", "r2")


def test_live_item_past_its_ttl_is_not_found_even_with_trashed_too(stack):
    _room("r3", trashed_at=datetime(2026, 1, 1, tzinfo=UTC), expires_at=1)

    assert _missing("r3", trashed_too=True) == "No room r3."


def test_live_item_of_another_kind_at_the_key_is_not_found(stack):
    from chalicelib.db.content import Track
    from chalicelib.db.keys import child_sk, event_pk

    Track(event_pk("ev1"), child_sk("room", "r4"), id="r4", event_id="ev1", name="a track where a room would be").save()

    assert _missing("r4", prefetched=True) == "No room r4."


def test_live_item_prefetched_reads_the_requests_copy(stack):
    from chalicelib.db.keys import child_sk, event_pk
    from chalicelib.db.prefetch import prefetched

    _room("r5")
    with prefetched([(event_pk("ev1"), child_sk("room", "r5"))]):
        stored = _read("r5", consistent_read=True)
        stored.trashed_at = datetime(2026, 1, 1, tzinfo=UTC)
        stored.save()  # written after the request's read
        during = _read("r5", prefetched=True).id

    assert (during, _missing("r5", consistent_read=True)) == ("r5", "No room r5.")
