"""One list shape: every list route answers {"items": [...], "next": <cursor or null>}, is
documented so, and pages with `limit` and `next` (db/pagination.py)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from support.api import unique_email

pytestmark = pytest.mark.integration

# Not a list of one kind: an event's team, members and pending invites side by side, as one document;
# and the schedule's conflicts, a report computed whole from the sessions (at most 2,000 listed, with
# the full count), not stored items to page through.
NOT_PAGES = {"list_roles", "list_schedule_conflicts"}


def _page_routes() -> list[str]:
    import app  # noqa: F401 - registers every route
    from chalicelib.api.http import ENDPOINTS
    from chalicelib.api.schema import PAGE

    return sorted(e.path for e in ENDPOINTS if e.response == PAGE)


@pytest.mark.unit
def test_every_list_view_is_declared_with_the_one_page_shape():
    import app  # noqa: F401 - registers every route
    from chalicelib.api.http import ENDPOINTS
    from chalicelib.api.schema import PAGE

    lists = sorted((e.method, e.name) for e in ENDPOINTS if e.name.startswith("list_") and e.name not in NOT_PAGES)
    pages = sorted((e.method, e.name) for e in ENDPOINTS if e.response == PAGE)

    assert pages == lists
    assert {method for method, _ in pages} == {"GET"}


@pytest.mark.unit
def test_openapi_documents_limit_and_next_on_every_list_route():
    from chalicelib.api.openapi import PREFIX, document

    paths = document()["paths"]

    documented = {path: [p["name"] for p in paths[PREFIX + path]["get"].get("parameters", [])] for path in _page_routes()}
    expected = {path: [*(p for p in ("event_id",) if "{event_id}" in path), "limit", "next"] for path in _page_routes()}
    assert documented == expected
    assert {paths[PREFIX + path]["get"]["responses"]["200"]["content"]["application/json"]["schema"]["required"][0]
            for path in _page_routes()} == {"items"}  # fmt: skip


def test_every_list_route_answers_items_and_next(writing_api):
    from chalicelib.domain.accounts import make_super_admin

    email = unique_email("root")
    make_super_admin(email=email, password="root password 1")
    root = writing_api.login(email, "root password 1")
    event = writing_api.json("POST", "/v1/events", {"name": "Lists Conf"}, token=root, expect=201)
    now = datetime.now(UTC)
    cfp = {"opens_at": (now - timedelta(days=1)).isoformat(), "closes_at": (now + timedelta(days=9)).isoformat()}
    writing_api.json("PUT", f"/v1/events/{event['id']}/call-for-papers", cfp, token=root, expect=200)

    answers = {}
    for path in _page_routes():
        response = writing_api.call("GET", "/v1" + path.replace("{event_id}", event["id"]) + "?limit=1", token=root)
        answers[path] = (response.status_code, sorted(json.loads(response.body)))

    assert answers == {path: (200, ["items", "next"]) for path in _page_routes()}
