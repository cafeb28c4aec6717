"""db/pagination.py: the one limit rule, the signed cursor and page walking."""

from __future__ import annotations

import ast
import uuid
from pathlib import Path

import pytest

SECRET = "a-cursor-secret-of-at-least-32-bytes-long"
OTHER_SECRET = "another-secret-of-at-least-32-bytes-long"
KEY = {"pk": {"S": "EVENT#ev1"}, "sk": {"S": "TRACK#t1"}}


def _fields(err) -> list[str]:
    return list(err.value.to_body()["error"]["fields"])


@pytest.mark.unit
@pytest.mark.parametrize("raw", ["0", "101", "-1", "1.5", "abc", "\u0663", "1000", " 5"])
def test_parse_limit_outside_1_to_100_is_400_naming_limit(raw):
    from chalicelib.db.pagination import parse_limit
    from chalicelib.errors import BadRequest

    with pytest.raises(BadRequest) as err:
        parse_limit(raw)

    assert (err.value.status, _fields(err)) == (400, ["limit"])


@pytest.mark.unit
def test_page_request_reads_limit_and_cursor_with_defaults():
    from chalicelib.db.pagination import PageRequest, page_request

    asked = [page_request(None), page_request({"limit": "100", "next": "c"}), page_request({}, default=20)]

    assert asked == [PageRequest(50, None), PageRequest(100, "c"), PageRequest(20, None)]


@pytest.mark.unit
def test_cursor_decodes_to_the_key_it_was_made_of():
    from chalicelib.db.pagination import decode_cursor, encode_cursor

    cursor = encode_cursor(KEY, secret=SECRET)

    assert decode_cursor(cursor, partition="EVENT#ev1", secret=SECRET) == KEY


@pytest.mark.unit
def test_cursor_at_the_end_of_a_list_is_none_and_none_decodes_to_the_start():
    from chalicelib.db.pagination import decode_cursor, encode_cursor

    assert (encode_cursor(None, secret=SECRET), decode_cursor(None, partition=None, secret=SECRET)) == (None, None)


@pytest.mark.unit
def test_cursor_signed_with_another_secret_is_400_naming_next():
    from chalicelib.db.pagination import decode_cursor, encode_cursor
    from chalicelib.errors import BadRequest

    cursor = encode_cursor(KEY, secret=OTHER_SECRET)

    with pytest.raises(BadRequest) as err:
        decode_cursor(cursor, partition=None, secret=SECRET)
    assert _fields(err) == ["next"]


@pytest.mark.unit
def test_edited_cursor_is_400_naming_next():
    from chalicelib.db.pagination import decode_cursor, encode_cursor
    from chalicelib.errors import BadRequest

    cursor = encode_cursor(KEY, secret=SECRET)
    edited = ("B" if cursor[0] != "B" else "C") + cursor[1:]

    with pytest.raises(BadRequest) as err:
        decode_cursor(edited, partition=None, secret=SECRET)
    assert _fields(err) == ["next"]


@pytest.mark.unit
def test_cursor_of_another_partition_is_400_naming_next():
    from chalicelib.db.pagination import decode_cursor, encode_cursor
    from chalicelib.errors import BadRequest

    cursor = encode_cursor(KEY, secret=SECRET)

    with pytest.raises(BadRequest) as err:
        decode_cursor(cursor, partition="EVENT#ev2", secret=SECRET)
    assert (str(err.value), _fields(err)) == ("The `next` cursor belongs to another list.", ["next"])


@pytest.mark.unit
def test_page_body_is_the_one_list_shape():
    from chalicelib.db.pagination import Page

    body = Page([1, 2], "cursor").map(lambda n: {"n": n}).body()

    assert body == {"items": [{"n": 1}, {"n": 2}], "next": "cursor"}


@pytest.mark.unit
def test_pagination_imports_nothing_above_db():
    source = Path(__file__).resolve().parents[2] / "backend" / "chalicelib" / "db" / "pagination.py"
    tree = ast.parse(source.read_text())

    imported = {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)} | {
        alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names
    }

    assert sorted(m for m in imported if m and m.startswith("chalicelib") and m != "chalicelib.errors") == []


def _tracks(count: int, *, trashed: frozenset[int] = frozenset()) -> list[str]:
    from datetime import UTC, datetime

    from chalicelib.db.content import Track
    from chalicelib.db.keys import child_sk, event_pk

    for number in range(count):
        track = Track(event_pk("ev1"), child_sk("track", f"t{number:02d}"), id=f"t{number:02d}", event_id="ev1")
        track.name = f"Track {number}"
        if number in trashed:
            track.trashed_at = datetime(2026, 1, 1, tzinfo=UTC)
        track.save()
    return [f"t{number:02d}" for number in range(count) if number not in trashed]


def _walk(limit: int, **options) -> list[list[str]]:
    from chalicelib.db.base import Item
    from chalicelib.db.content import Track
    from chalicelib.db.keys import child_sk, event_pk
    from chalicelib.db.live import is_live
    from chalicelib.db.pagination import read_page

    pages, cursor = [], None
    while True:
        page = read_page(
            Track, event_pk("ev1"), Item.sk.startswith(child_sk("track", "")), keep=is_live, limit=limit,
            cursor=cursor, secret=SECRET, **options,
        )  # fmt: skip
        pages.append([track.id for track in page.items])
        if page.next is None:
            return pages
        cursor = page.next


@pytest.mark.integration
def test_read_page_walks_every_item_once_and_a_full_last_page_ends_the_list(stack):
    ids = _tracks(6)

    pages = _walk(3)

    assert pages == [ids[:3], ids[3:]]


@pytest.mark.integration
def test_read_page_skips_what_keep_refuses_without_shortening_a_page(stack):
    ids = _tracks(9, trashed=frozenset({1, 2, 3, 6}))

    pages = _walk(2, page_size=2)

    assert pages == [ids[0:2], ids[2:4], ids[4:]]


@pytest.mark.integration
@pytest.mark.parametrize("where", ["keep", "filter_condition"])
def test_read_page_reads_at_most_its_page_budget_and_answers_where_it_stopped(stack, monkeypatch, where):
    # GIVEN 12 tracks of which only the first and the last are live, and a budget of 3 Query pages of 1 item
    from chalicelib.db import pagination
    from chalicelib.db.base import Item

    ids = _tracks(12, trashed=frozenset(range(1, 11)))
    monkeypatch.setattr(pagination, "MAX_PAGES_READ", 3)
    options = {"filter_condition": Item.trashed_at.does_not_exist()} if where == "filter_condition" else {}

    # WHEN a client walks the list, whether its own code or DynamoDB filters
    pages = _walk(2, page_size=1, **options)

    # THEN each request stops after 3 pages (a filter matching little no longer reads the whole
    # partition in one request), answering what it kept and a cursor where it stopped; together
    # the pages hold every live item once
    assert [track for page in pages for track in page] == ids
    assert pages[0] == ids[:1] and [] in pages and len(pages) == 4


@pytest.mark.integration
def test_read_page_through_an_index_pages_with_the_index_keys(stack):
    from chalicelib.db.keys import USERS_INDEX_KEY
    from chalicelib.db.pagination import decode_cursor, read_page
    from chalicelib.db.users import User, user_pk

    # Users other tests of this process made stay in the index: this test pages through its own.
    prefix = f"paging-{uuid.uuid4().hex[:8]}-"
    for number in range(3):
        User(
            user_pk(f"u{number}"), "USER", id=f"u{number}", email=f"{prefix}{number}@example.org", name="P",
            password_hash="unused", gsi2pk=USERS_INDEX_KEY, gsi2sk=f"{prefix}{number}@example.org",
        ).save()  # fmt: skip
    mine = User.gsi2sk.startswith(prefix)
    first = read_page(User.gsi2, USERS_INDEX_KEY, mine, limit=2, cursor=None, secret=SECRET)
    second = read_page(User.gsi2, USERS_INDEX_KEY, mine, limit=2, cursor=first.next, secret=SECRET)

    assert [u.id for u in first.items + second.items] == ["u0", "u1", "u2"]
    assert second.next is None
    assert sorted(decode_cursor(first.next, partition=USERS_INDEX_KEY, secret=SECRET)) == sorted(
        ["pk", "sk", "gsi2pk", "gsi2sk"]
    )


def test_page_of_list_pages_a_computed_list_with_signed_cursors():
    from chalicelib.db.pagination import page_of_list

    rows = list(range(5))

    first = page_of_list(rows, partition="LIST#a", limit=2, cursor=None, secret="s")
    second = page_of_list(rows, partition="LIST#a", limit=2, cursor=first.next, secret="s")
    last = page_of_list(rows, partition="LIST#a", limit=2, cursor=second.next, secret="s")

    assert [first.items, second.items, last.items] == [[0, 1], [2, 3], [4]]
    assert last.next is None


def test_page_of_list_refuses_the_cursor_of_another_list_naming_next():
    from chalicelib.db.pagination import encode_cursor, page_of_list
    from chalicelib.errors import BadRequest

    other = page_of_list(list(range(5)), partition="LIST#b", limit=2, cursor=None, secret="s").next
    query_key = encode_cursor({"pk": {"S": "LIST#a"}, "sk": {"S": "SESSION#x"}}, secret="s")

    for cursor in (other, query_key):
        with pytest.raises(BadRequest) as refused:
            page_of_list(list(range(5)), partition="LIST#a", limit=2, cursor=cursor, secret="s")
        assert refused.value.fields == {"next": "invalid cursor"}
