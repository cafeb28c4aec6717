"""What one API call costs in DynamoDB requests: the caller's user, the event, their role and the
item a route acts on come from one BatchGetItem (db/prefetch.py)."""

from __future__ import annotations

from collections import Counter

import pytest

pytestmark = pytest.mark.integration


@pytest.fixture
def api(writing_api):
    return writing_api


@pytest.fixture
def operations(monkeypatch) -> Counter:
    """Every DynamoDB operation pynamodb sends from now on, by name (the calls go through)."""
    from pynamodb.connection.base import Connection

    seen: Counter = Counter()
    dispatch = Connection.dispatch

    def counting(self, operation_name, operation_kwargs):
        seen[operation_name] += 1
        return dispatch(self, operation_name, operation_kwargs)

    monkeypatch.setattr(Connection, "dispatch", counting)
    return seen


@pytest.fixture
def published(api):
    owner = api.user("reads")
    event = api.json("POST", "/v1/events", {"name": "Reads Conf"}, token=owner["token"], expect=201)
    body = {
        "version": event["version"], "timezone": "UTC",
        "starts_at": "2030-03-22T09:00:00+00:00", "ends_at": "2030-03-24T18:00:00+00:00",
    }  # fmt: skip
    api.json("PATCH", f"/v1/events/{event['id']}", body, token=owner["token"], expect=200)
    base = f"/v1/events/{event['id']}/sessions"
    session = api.json("POST", base, {"title": "Cheap", "state": "confirmed"}, token=owner["token"], expect=201)
    api.json("POST", f"/v1/events/{event['id']}/publish", token=owner["token"], expect=200)
    return owner, f"{base}/{session['id']}"


@pytest.mark.parametrize("caller", ["organizer", "anonymous"])
def test_single_session_get_is_one_batch_get(api, published, operations, caller):
    owner, path = published
    operations.clear()

    read = api.json("GET", path, token=owner["token"] if caller == "organizer" else None, expect=200)

    assert read["title"] == "Cheap"
    assert operations == Counter({"BatchGetItem": 1})


@pytest.mark.parametrize("caller", ["organizer", "anonymous"])
def test_session_list_page_is_one_batch_get_and_one_query(api, published, operations, caller):
    owner, path = published
    operations.clear()

    listed = api.json(
        "GET", path.rsplit("/", 1)[0], token=owner["token"] if caller == "organizer" else None, expect=200
    )

    assert [s["title"] for s in listed["items"]] == ["Cheap"]
    assert operations == Counter({"BatchGetItem": 1, "Query": 1})


def test_bad_token_is_refused_before_any_read(api, published, operations):
    _, path = published
    operations.clear()

    response = api.call("GET", path, token="not-a-token")

    assert (response.status_code, operations) == (401, Counter())


def test_session_list_names_speakers_without_reading_them(api, published, operations):
    owner, path = published
    base = path.rsplit("/sessions/", 1)[0]
    ada = api.json("POST", f"{base}/speakers", {"name": "Ada"}, token=owner["token"], expect=201)
    body = {"title": "Named", "state": "confirmed", "speaker_ids": [ada["id"]]}
    api.json("POST", f"{base}/sessions", body, token=owner["token"], expect=201)
    operations.clear()

    listed = api.json("GET", f"{base}/sessions", token=owner["token"], expect=200)

    assert {s["title"]: [p["name"] for p in s["speakers"]] for s in listed["items"]} == {"Cheap": [], "Named": ["Ada"]}
    assert operations == Counter({"BatchGetItem": 1, "Query": 1})
