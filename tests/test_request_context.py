"""The request context: built by the API or the system, carried by a job as JSON, restored by
the worker; URLs made absolute only for paths on this site."""

from __future__ import annotations

import pytest
from chalicelib.actors import ANONYMOUS, SYSTEM, Actor
from chalicelib.request_context import (
    RequestContext,
    anonymous_request_context,
    current_context,
    reset_context,
    set_context,
    system_context,
)

pytestmark = pytest.mark.unit

ADA = Actor(id="u1", kind="user", roles=frozenset({"admin"}), name="Ada")


def test_request_context_absolute_url_joins_a_path_to_the_base_url_with_one_slash():
    ctx = RequestContext(actor=ADA, request_id="r1", base_url="https://podium.example/site/")

    assert [ctx.absolute_url(p) for p in ("/events/x/", "events/x/", "")] == [
        "https://podium.example/site/events/x/",
        "https://podium.example/site/events/x/",
        "https://podium.example/site/",
    ]


@pytest.mark.parametrize("path", ["https://evil.example/", "//evil.example/x", " //evil.example", "javascript:alert(1)"])
def test_request_context_absolute_url_refuses_what_is_not_a_path_on_this_site(path):
    ctx = RequestContext(actor=ADA, request_id="r1", base_url="https://podium.example/")

    with pytest.raises(ValueError, match="not a path on this site"):
        ctx.absolute_url(path)


def test_request_context_round_trips_through_json_as_a_job_carries_it():
    ctx = RequestContext(actor=ADA, request_id="r1", base_url="https://podium.example/", locale="de", extra={"n": 1})
    bare = anonymous_request_context("r2", "https://podium.example/")

    assert RequestContext.from_json(ctx.to_json()) == ctx
    assert RequestContext.from_json(bare.to_json()) == bare
    assert (bare.actor, bare.extra, bare.with_actor(ADA).actor) == (ANONYMOUS, None, ADA)


def test_current_context_is_the_set_one_until_reset_and_the_system_outside_requests():
    ctx = anonymous_request_context("r3", "https://podium.example/")

    token = set_context(ctx)
    try:
        assert current_context() is ctx
    finally:
        reset_context(token)
    outside = current_context()

    assert (outside.actor, outside.request_id.startswith("system-")) == (SYSTEM, True)
    assert system_context(reason="sweep").extra == {"reason": "sweep"}
