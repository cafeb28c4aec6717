"""Request ids on log lines: only the request's own lines carry its id."""

from __future__ import annotations

import threading

import pytest

pytestmark = pytest.mark.unit


def test_request_logging_tags_only_its_own_thread_and_only_while_it_runs():
    from chalicelib.logs import logger, request_logging

    seen_elsewhere = []
    with request_logging("req-1"):
        inside = logger().thread_safe_get_current_keys().get("request_id")
        other = threading.Thread(target=lambda: seen_elsewhere.append(logger().thread_safe_get_current_keys()))
        other.start()
        other.join()
    after = logger().thread_safe_get_current_keys().get("request_id")

    assert (inside, after) == ("req-1", None)
    assert "request_id" not in seen_elsewhere[0]
