"""Schemathesis against /v1/openapi.json of a real `podium dev`: requests generated from the
document, sent as an event's owner and as a signed-in outsider. No answer may be a 5xx, use a
status the document does not list, or break the documented body schema.

CI sends up to 7 cases per operation and actor (over 1,000 in all, about 45 s); `make fuzz`
sends up to 25 (PODIUM_FUZZ_EXAMPLES=25). A second test sends hostile values the document cannot
describe (deep nesting, lone surrogates, non-finite numbers, forged cursors, odd If-Match headers):
20 times PODIUM_FUZZ_EXAMPLES cases, none of which may get a 5xx.
"""

from __future__ import annotations

import json
import os
import re
from collections import Counter

import pytest
import requests
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import Failure, FailureGroup
from schemathesis.generation.modes import GenerationMode
from schemathesis.specs.openapi.checks import response_schema_conformance, status_code_conformance

pytestmark = [pytest.mark.integration, pytest.mark.xdist_group("hardening-stack")]

EXAMPLES = int(os.environ.get("PODIUM_FUZZ_EXAMPLES", "7"))
CHECKS = [not_a_server_error, status_code_conformance, response_schema_conformance]
# Deleting the event would turn every later case into a 404: the matrix covers that route.
SKIPPED = {("DELETE", "/v1/events/{event_id}")}
KINDS = {
    "tracks": {"name": "Main"},
    "rooms": {"name": "Hall A"},
    "session-types": {"name": "Talk"},
    "speakers": {"name": "Grace"},
    "sponsors": {"name": "ACME"},
    "posts": {"title": "Welcome"},
    "sessions": {"title": "Opening"},
    "questions": {"label": "Why you?", "kind": "short_text"},
    "schedule-blocks": {"title": "Lunch", "block_type": "break", "starts_at": "2026-03-22T12:00:00+08:00",
                        "ends_at": "2026-03-22T13:00:00+08:00"},
}


@pytest.fixture(scope="module")
def scene(http_api):
    """An event with one item of every kind, its owner and an outsider (no role in it)."""
    owner, outsider = http_api.user("fuzz-owner"), http_api.user("fuzz-outsider")
    event = http_api.json("POST", "/v1/events", {"name": "Fuzz Conf"}, token=owner["token"], expect=201)
    items = {}
    for segment, body in KINDS.items():
        path = f"/v1/events/{event['id']}/{segment}"
        items[segment] = http_api.json("POST", path, body, token=owner["token"], expect=201)["id"]
    return {"owner": owner, "outsider": outsider, "event_id": event["id"], "items": items}


@pytest.fixture(scope="module")
def api_schema(dev_stack):
    import schemathesis

    return schemathesis.openapi.from_url(dev_stack.urls["API"] + "/v1/openapi.json")


def aim_at_scene(case, scene, *, at_event: bool, at_item: bool) -> None:
    """Point generated path parameters at the scene's real event and items (as drawn), so cases
    reach the views rather than stopping at 404."""
    params = case.path_parameters
    if "event_id" in params and at_event:
        params["event_id"] = scene["event_id"]
        segment = case.operation.path.split("/")[4] if case.operation.path.count("/") >= 4 else ""
        if "item_id" in params and segment in scene["items"] and at_item:
            params["item_id"] = scene["items"][segment]


def fuzz_operation(operation, *, base_url: str, token: str, scene, seen: Counter, failures: list[str]) -> None:
    # Positive cases fit the document; negative ones break it (bad types, lengths, missing fields).
    cases = operation.as_strategy(GenerationMode.POSITIVE) | operation.as_strategy(GenerationMode.NEGATIVE)

    @given(case=cases, at_event=st.integers(0, 3).map(bool), at_item=st.booleans())
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    def run(case, at_event: bool, at_item: bool) -> None:
        aim_at_scene(case, scene, at_event=at_event, at_item=at_item)
        response = case.call(base_url=base_url, headers={"Authorization": f"Bearer {token}"})
        seen[response.status_code] += 1
        try:
            case.validate_response(response, checks=CHECKS)
        except (Failure, FailureGroup) as failure:
            failures.append(f"{case.operation.label} → {response.status_code}: {failure}\n{case.as_curl_command()}")

    run()


@pytest.mark.parametrize("actor", ["owner", "outsider"])
def test_fuzzed_requests_get_documented_answers_and_no_5xx(api_schema, dev_stack, scene, actor, figure):
    seen: Counter = Counter()
    failures: list[str] = []
    operations = [result.ok() for result in api_schema.get_all_operations()]

    for operation in operations:
        if (operation.method.upper(), operation.path) in SKIPPED:
            continue
        fuzz_operation(
            operation, base_url=dev_stack.urls["API"], token=scene[actor]["token"], scene=scene, seen=seen,
            failures=failures,
        )  # fmt: skip

    figure("fuzz cases", sum(seen.values()))
    print(f"\nfuzz as {actor}: {sum(seen.values())} cases over {len(operations)} operations, statuses {dict(seen)}")
    print("".join(f"\nFAILED CASE {failure.splitlines()[0]}" for failure in failures))  # all of them, not pytest's cut
    assert failures == []
    assert not [status for status in seen if status >= 500]


# Hostile inputs schemathesis does not make from the document: deep nesting, lone surrogates,
# control characters, non-finite numbers, extreme dates, unsafe URL schemes, forged cursors and
# If-Match headers, each sent to every operation that takes a body or pages.
def _deep(depth: int) -> str:
    return "[" * depth + "]" * depth


HOSTILE_VALUES = [
    _deep(100_000), _deep(5_000), '"\\ud800"', '"a\\nb"', '"\\u000b\\u0000\\u001f\\ufffe"', "NaN", "1e400",
    "-Infinity", '"9999-12-31T23:59:59-12:00"', '"javascript:alert(document.domain)"',
    '"data:text/html,<script>alert(1)</script>"', '[{"name": "x", "url": "javascript:alert(1)"}]', "1" + "0" * 40,
]  # fmt: skip
FORGED_CURSORS = [
    "eyJwayI6eyJOIjoiMSJ9fQ", "eyJnc2kycGsiOnsiUyI6IlVTRVJTIn19", "e30", "W10", "%00", "a.b", "\u0661", "x" * 3000,
]
IF_MATCH = ["\u0661", "\u00b2", "W/x", '"abc"', "1 2", "-1", "9" * 40]


@st.composite
def hostile_requests(draw, operations):
    operation = draw(st.sampled_from(operations))
    spec = operation.definition.raw.get("requestBody", {}).get("content", {}).get("application/json", {})
    fields = sorted(spec.get("schema", {}).get("properties", {})) or ["name"]
    field = draw(st.sampled_from(fields))
    raw = "{" + json.dumps(field) + ": " + draw(st.sampled_from(HOSTILE_VALUES)) + "}"
    return operation, raw, draw(st.sampled_from(FORGED_CURSORS)), draw(st.sampled_from(IF_MATCH))


def test_hostile_bodies_cursors_and_if_match_get_no_5xx(api_schema, dev_stack, scene, figure):
    operations = [result.ok() for result in api_schema.get_all_operations()]
    operations = [o for o in operations if (o.method.upper(), o.path) not in SKIPPED]
    session = requests.Session()
    seen: Counter = Counter()
    failures: list[str] = []

    @given(case=hostile_requests(operations))
    @settings(max_examples=EXAMPLES * 20, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    def run(case) -> None:
        operation, raw, cursor, if_match = case
        path = operation.path.replace("{event_id}", scene["event_id"])
        segment = operation.path.split("/")[4] if operation.path.count("/") >= 4 else ""
        path = path.replace("{item_id}", scene["items"].get(segment, "x"))
        path = re.sub(r"\{[a-z_]+\}", "x", path)
        headers = {"Authorization": f"Bearer {scene['owner']['token']}", "Content-Type": "application/json",
                   "If-Match": if_match.encode("utf-8").decode("latin-1")}  # fmt: skip
        response = session.request(
            operation.method.upper(), dev_stack.urls["API"] + path, params={"next": cursor}, data=raw.encode(),
            headers=headers, timeout=60,
        )  # fmt: skip
        seen[response.status_code] += 1
        if response.status_code >= 500:
            failures.append(f"{operation.method.upper()} {path} {raw[:80]!r} next={cursor[:20]!r} → {response.status_code}")

    run()
    figure("hostile cases", sum(seen.values()))
    print(f"\nhostile values: {sum(seen.values())} cases, statuses {dict(seen)}")
    assert failures == []
