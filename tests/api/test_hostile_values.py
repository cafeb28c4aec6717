"""Hostile values through the API (chalice test client, real tokens): each finding of issue #19's
"values in one place" answers a 4xx naming what is wrong, never a 5xx, and stores nothing bad."""

from __future__ import annotations

import base64
import json
import re
from xml.etree import ElementTree

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from support.api import unique_email

pytestmark = pytest.mark.integration


@pytest.fixture
def api(writing_api):
    return writing_api


@pytest.fixture
def event(api, owner):
    return api.dated_event(owner, "Values Conf", year=2026)


def _raw(api, method: str, path: str, raw: bytes | str, token: str, headers: dict | None = None):
    headers = {"Content-Type": "application/json", "Authorization": f"Bearer {token}", **(headers or {})}
    return getattr(api.client.http, method.lower())(path, body=raw, headers=headers)


def _error(response) -> dict:
    return json.loads(response.body)["error"]


@pytest.mark.parametrize("url", ["javascript:alert(document.domain)", "data:text/html,<script>x</script>", "//evil"])
def test_social_link_with_an_unsafe_scheme_is_422_naming_social_links(api, owner, event, url):
    body = {"version": event["version"], "social_links": [{"name": "Home", "url": url}]}

    answer = api.json("PATCH", f"/v1/events/{event['id']}", body, token=owner["token"], expect=422)

    assert list(answer["error"]["fields"]) == ["social_links"]


def test_social_link_with_an_https_url_is_stored(api, owner, event):
    body = {"version": event["version"], "social_links": [{"name": "Home", "url": "https://example.org/"}]}

    answer = api.json("PATCH", f"/v1/events/{event['id']}", body, token=owner["token"], expect=200)

    assert answer["social_links"] == [{"name": "Home", "url": "https://example.org/"}]


@pytest.mark.parametrize(
    "title", ["Good talk\nsecond line", "tab\there", "v\u000btab", "nul\u0000", "unit\u001fsep", "non\ufffechar"]
)
def test_session_title_with_a_line_break_or_control_character_is_422_naming_title(api, owner, event, title):
    answer = api.json("POST", f"/v1/events/{event['id']}/sessions", {"title": title}, token=owner["token"], expect=422)

    assert list(answer["error"]["fields"]) == ["title"]


def test_session_abstract_keeps_its_line_breaks(api, owner, event):
    body = {"title": "Talk", "short_abstract": "First line\nsecond line"}

    answer = api.json("POST", f"/v1/events/{event['id']}/sessions", body, token=owner["token"], expect=201)

    assert answer["short_abstract"] == "First line\nsecond line"


def test_lone_surrogate_in_a_title_is_422_naming_title(api, owner, event):
    response = _raw(api, "POST", f"/v1/events/{event['id']}/sessions", '{"title": "bad \\ud800 text"}', owner["token"])

    assert (response.status_code, list(_error(response)["fields"])) == (422, ["title"])


@pytest.mark.parametrize("depth", [100_000, 5_000, 33])
def test_deeply_nested_body_is_400_naming_body(api, owner, event, depth):
    raw = '{"title": ' + "[" * depth + "]" * depth + "}"

    response = _raw(api, "POST", f"/v1/events/{event['id']}/sessions", raw, owner["token"])

    assert (response.status_code, list(_error(response)["fields"])) == (400, ["body"])


@pytest.mark.parametrize("number", ["NaN", "Infinity", "-Infinity", "1e400"])
def test_non_finite_latitude_is_400(api, owner, event, number):
    raw = '{"version": ' + str(event["version"]) + ', "latitude": ' + number + "}"

    response = _raw(api, "PATCH", f"/v1/events/{event['id']}", raw, owner["token"])

    assert response.status_code == 400


@pytest.mark.parametrize("moment", ["9999-12-31T23:59:59-12:00", "0001-01-01T00:00:00+14:00", "1969-12-31T00:00:00Z"])
def test_date_time_outside_1970_to_2100_is_422_naming_the_field(api, owner, event, moment):
    body = {"version": event["version"], "starts_at": moment}

    answer = api.json("PATCH", f"/v1/events/{event['id']}", body, token=owner["token"], expect=422)

    assert list(answer["error"]["fields"]) == ["starts_at"]


def test_huge_version_is_422_naming_version(api, owner, event):
    answer = api.json(
        "PATCH", f"/v1/events/{event['id']}", {"version": 10**40, "name": "x"}, token=owner["token"], expect=422
    )

    assert list(answer["error"]["fields"]) == ["version"]


@pytest.mark.parametrize("header", ["\u0661", "\u00b2", "1 2", "W/x", '"abc"', "-1"])
def test_if_match_that_is_not_ascii_digits_is_400_naming_if_match(api, owner, event, header):
    track = api.json("POST", f"/v1/events/{event['id']}/tracks", {"name": "Web"}, token=owner["token"], expect=201)

    response = _raw(
        api, "PATCH", f"/v1/events/{event['id']}/tracks/{track['id']}", '{"name": "Web 2"}', owner["token"],
        headers={"If-Match": header},
    )  # fmt: skip

    assert (response.status_code, list(_error(response)["fields"])) == (400, ["If-Match"])


@pytest.mark.parametrize("header", ['"1"', "1", 'W/"1"'])
def test_if_match_with_the_current_version_updates(api, owner, event, header):
    track = api.json("POST", f"/v1/events/{event['id']}/tracks", {"name": "Web"}, token=owner["token"], expect=201)

    response = _raw(
        api, "PATCH", f"/v1/events/{event['id']}/tracks/{track['id']}", '{"name": "Web 2"}', owner["token"],
        headers={"If-Match": header},
    )  # fmt: skip

    assert response.status_code == 200


def _cursor(key) -> str:
    return base64.urlsafe_b64encode(json.dumps(key).encode()).decode().rstrip("=")


FORGED_KEYS = [
    {"pk": {"S": "EVENT#x"}, "sk": {"N": "1"}},
    {"pk": {"S": "EVENT#x"}},
    {"pk": {"S": "EVENT#x"}, "sk": {"S": "SESSION#a"}, "gsi2pk": {"S": "USERS"}},
    {"gsi2pk": {"S": "USERS"}},
    {"gsi2pk": {"S": "USERS"}, "pk": {"S": "USER#x"}, "sk": {"S": 3}},
    ["not", "an", "object"],
]


@pytest.mark.parametrize("key", FORGED_KEYS)
def test_forged_session_cursor_is_400_naming_next(api, owner, event, key):
    forged = _cursor(json.loads(json.dumps(key).replace("EVENT#x", f"EVENT#{event['id']}")))

    response = api.call("GET", f"/v1/events/{event['id']}/sessions?next={forged}", token=owner["token"])

    assert (response.status_code, list(_error(response)["fields"])) == (400, ["next"])


@pytest.mark.parametrize("key", FORGED_KEYS)
def test_forged_users_and_audit_cursors_are_400_naming_next(api, key):
    from chalicelib.domain.accounts import make_super_admin

    email = unique_email("root")
    make_super_admin(email=email, password="root password 1")
    root = api.login(email, "root password 1")

    answers = [api.call("GET", f"/v1/{route}?next={_cursor(key)}", token=root) for route in ("users", "audit")]

    assert [(a.status_code, list(_error(a)["fields"])) for a in answers] == [(400, ["next"])] * 2


def test_cursor_given_out_pages_on_and_an_edited_one_is_refused(api, owner, event):
    for number in range(3):
        api.json("POST", f"/v1/events/{event['id']}/tracks", {"name": f"T{number}"}, token=owner["token"], expect=201)
    first = api.json("GET", f"/v1/events/{event['id']}/tracks?limit=2", token=owner["token"], expect=200)

    second = api.json("GET", f"/v1/events/{event['id']}/tracks?limit=2&next={first['next']}", token=owner["token"])
    cursor = first["next"]  # its first character carries six whole bits: a different one changes what it says
    forged = ("B" if cursor[0] != "B" else "C") + cursor[1:]
    edited = api.call("GET", f"/v1/events/{event['id']}/tracks?next={forged}", token=owner["token"])

    assert len(first["items"]) == 2 and len(second["items"]) == 1
    assert (edited.status_code, list(_error(edited)["fields"])) == (400, ["next"])


# --- any hostile value in any field of any schema: never a 5xx, and what is stored renders ---------

HOSTILE = [
    "Good talk\nsecond line", "\u000b", "nul\u0000", "\u001f", "\ufffe", "a\u2028b", "<script>alert(1)</script>",
    "javascript:alert(document.domain)", " JavaScript:alert(1)", "data:text/html,<b>x</b>", "//evil.example",
    "https://ok.example/", "9999-12-31T23:59:59-12:00", "1969-12-31T23:59:59Z", "2026-03-23T10:00:00+08:00",
    10**40, -(10**40), 1e300, -1, 0, 2**53 + 1, True, None, [], {}, [{"name": "x", "url": "javascript:alert(1)"}],
    [{"name": "ok", "url": "https://ok.example/"}], "x" * 400, "#0050eb", "Asia/Singapore", "accepted",
]  # fmt: skip
RAW_HOSTILE = ['"\\ud800"', '"a\\udfffb"', "NaN", "1e400", "[" * 40 + "]" * 40]
KIND_SEGMENTS = {"session": "sessions", "speaker": "speakers", "sponsor": "sponsors", "track": "tracks",
                 "room": "rooms", "session_type": "session-types", "post": "posts"}  # fmt: skip
UNSAFE_HREF = re.compile(r"""(?:href|src)=["']?\s*(?:javascript|data|vbscript):""", re.IGNORECASE)


def _hostile_body(draw, schema) -> str:
    choices = st.sampled_from([json.dumps(v) for v in HOSTILE] + RAW_HOSTILE)
    parts = draw(st.dictionaries(st.sampled_from(sorted(schema.fields)), choices, max_size=4))
    parts.setdefault("name" if "name" in schema.fields else "title", '"Named"')
    return "{" + ", ".join(f"{json.dumps(name)}: {value}" for name, value in parts.items()) + "}"


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=st.data())
def test_hostile_values_in_any_field_get_no_5xx_and_what_is_stored_renders_safely(api, owner, event, data):
    from chalicelib.api.payloads import CHILD_SCHEMAS, EVENT
    from chalicelib.site import from_db
    from chalicelib.site.render import render_event

    kind = data.draw(st.sampled_from(["event", *KIND_SEGMENTS]))
    schema = EVENT if kind == "event" else CHILD_SCHEMAS[kind]
    raw = _hostile_body(data.draw, schema)
    if kind == "event":
        current = api.json("GET", f"/v1/events/{event['id']}", token=owner["token"], expect=200)
        raw = raw[:-1] + f', "version": {current["version"]}}}' if '"version"' not in raw else raw
        response = _raw(api, "PATCH", f"/v1/events/{event['id']}", raw, owner["token"])
    else:
        response = _raw(api, "POST", f"/v1/events/{event['id']}/{KIND_SEGMENTS[kind]}", raw, owner["token"])

    assert response.status_code < 500, (kind, raw[:200], response.body[:300])
    if response.status_code < 300:
        files = render_event(from_db.load_bundle(event["id"]), base_url="http://podium.test")
        assert [p for p, body in files.items() if UNSAFE_HREF.search(body.decode("utf-8", "replace"))] == []
        schedule = next(body for path, body in files.items() if path.endswith("schedule.xml"))
        ElementTree.fromstring(schedule)  # well-formed


@pytest.mark.parametrize("item_id", ["x" * 3000, "%00", "%C3%28", "..%2F..", "%EF%BF%BE", "a%0Ab"])
def test_hostile_path_ids_get_a_4xx(api, owner, event, item_id):
    answers = [
        api.call("GET", f"/v1/events/{item_id}", token=owner["token"]),
        api.call("GET", f"/v1/events/{event['id']}/sessions/{item_id}", token=owner["token"]),
        api.call("PATCH", f"/v1/events/{event['id']}/tracks/{item_id}", {"name": "x", "version": 1}, owner["token"]),
    ]

    assert [a.status_code for a in answers if not 400 <= a.status_code < 500] == []


@pytest.mark.parametrize("query", ["month=%00", "month=9999-99", "month=" + "1" * 3000, "q=%00", "limit=%D9%A1",
                                   "limit=1_0", "next=" + "A" * 5000, "all=%FF"])  # fmt: skip
def test_hostile_query_strings_of_admin_lists_get_no_5xx(api, query):
    from chalicelib.domain.accounts import make_super_admin

    email = unique_email("root")
    make_super_admin(email=email, password="root password 1")
    root = api.login(email, "root password 1")

    answers = [api.call("GET", f"/v1/{route}?{query}", token=root) for route in ("users", "audit", "events", "trash")]

    assert [a.status_code for a in answers if a.status_code >= 500] == []
