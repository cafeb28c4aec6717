from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from chalicelib.public.memo import Memo, SameInputs, remembering_nothing

pytestmark = pytest.mark.unit


def test_memo_tells_equal_inputs_of_other_types_or_zones_apart():
    memo = Memo(10)
    utc = datetime(2018, 3, 22, 1, tzinfo=UTC)
    singapore = utc.astimezone(ZoneInfo("Asia/Singapore"))  # == utc, but renders 09:00

    made = [memo.get((value,), lambda value=value: repr(value).encode()) for value in (1, 1.0, True, utc, singapore)]

    assert made == [b"1", b"1.0", b"True", repr(utc).encode(), repr(singapore).encode()]


def test_memo_makes_each_piece_once_and_forgets_the_least_recently_used():
    memo, calls = Memo(2), []

    def make(name: str) -> bytes:
        calls.append(name)
        return name.encode()

    for name in ("a", "b", "a", "c", "a", "b"):
        memo.get((name,), lambda name=name: make(name))

    assert calls == ["a", "b", "c", "b"]


def test_memo_remembering_nothing_makes_every_piece_afresh_then_remembers_again():
    memo, calls = Memo(10), []

    def make() -> bytes:
        calls.append("a")
        return b"a"

    with remembering_nothing():
        pieces = [memo.get(("a",), make) for _ in range(2)]
    pieces += [memo.get(("a",), make) for _ in range(2)]

    assert pieces == [b"a"] * 4
    assert calls == ["a", "a", "a"]  # twice inside the block, once after it


def test_same_inputs_reused_within_a_build_keeps_pieces_while_remembering_nothing():
    kept, forgetting, calls = SameInputs(10, reused_within_a_build=True), SameInputs(10), []
    row = ("session view",)

    with remembering_nothing():
        for memo in (kept, forgetting, kept, forgetting):
            memo.get("row", row, lambda memo=memo: calls.append(memo is kept) or b"row")

    assert calls == [True, False, False]  # the kept row made once; the other made each time


def test_memo_remembers_again_only_when_every_block_has_ended():
    memo, calls = Memo(10), []
    outer, inner = remembering_nothing(), remembering_nothing()

    outer.__enter__()
    inner.__enter__()
    outer.__exit__(None, None, None)  # blocks of two threads need not end in order
    memo.get(("a",), lambda: calls.append("still forgetting") or b"a")
    inner.__exit__(None, None, None)
    memo.get(("a",), lambda: calls.append("kept") or b"a")
    memo.get(("a",), lambda: calls.append("recomputed") or b"a")

    assert calls == ["still forgetting", "kept"]


def test_same_chunks_asks_per_item_only_in_the_run_holding_a_changed_item():
    from chalicelib.public.memo import SameChunks

    runs, asked = SameChunks(10, chunk=4), []
    items = [object() for _ in range(10)]

    def each(item: object) -> int:
        asked.append(items.index(item))
        return items.index(item) * 10

    first = runs.map("slot", (), items, each)
    items[5] = object()  # a changed item in the second run of four
    second = runs.map("slot", (), items, each)

    assert (first, second) == ([n * 10 for n in range(10)], [n * 10 for n in range(10)])
    assert asked == [*range(10), 4, 5, 6, 7]


def test_kept_digests_digest_again_only_files_whose_bytes_are_other_objects():
    from chalicelib.public.memo import KeptDigests

    digested: list[bytes] = []
    kept = KeptDigests(lambda data: digested.append(data) or len(data))
    page, feed = b"page", b"feed"

    first = kept.of({"a": page, "b": feed})
    second = kept.of({"a": page, "b": b"feed, edited"})

    assert (first, second, digested) == ({"a": 4, "b": 4}, {"a": 4, "b": 12}, [b"page", b"feed", b"feed, edited"])


def test_latest_gives_back_the_last_value_of_each_slot_and_forgets_the_oldest_slot():
    from chalicelib.public.memo import Latest, remembering_nothing

    latest: Latest[str] = Latest(2)
    latest.put("a", "first")
    latest.put("a", "second")
    latest.put("b", "kept")
    latest.put("c", "newest")  # the third slot: "a", used least lately, goes
    with remembering_nothing():
        latest.put("b", "not kept")
        found_while_forgetting = latest.get("b")

    assert (latest.get("a"), latest.get("b"), latest.get("c"), found_while_forgetting) == (None, "kept", "newest", None)
