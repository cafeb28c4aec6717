"""Log lines: one JSON object each, carrying the request id only for the request's own lines."""

from __future__ import annotations

import json
import threading

import pytest

pytestmark = pytest.mark.unit


def _lines(captured: str) -> list[dict]:
    return [json.loads(line) for line in captured.splitlines() if line.strip()]


def test_request_logging_tags_only_its_own_thread_and_only_while_it_runs(capsys):
    from chalicelib.logs import logger, request_logging

    with request_logging("req-1"):
        logger().warning("inside")
        other = threading.Thread(target=lambda: logger().warning("other thread"))
        other.start()
        other.join()
    logger().warning("after")

    lines = {line["message"]: line for line in _lines(capsys.readouterr().out)}
    assert lines["inside"]["request_id"] == "req-1"
    assert "request_id" not in lines["other thread"]
    assert "request_id" not in lines["after"]


def test_log_line_carries_extra_keys_and_exception_once(capsys):
    from chalicelib.logs import logger

    try:
        raise ValueError("boom")
    except ValueError:
        logger().exception("unhandled error", extra={"path": "/v1/events", "method": "GET"})

    (line,) = _lines(capsys.readouterr().out)
    assert (line["level"], line["service"], line["path"], line["method"]) == ("ERROR", "podium", "/v1/events", "GET")
    assert line["exception_name"] == "ValueError"
    assert "boom" in line["exception"]


def test_warnings_are_logged_once_the_app_is_imported(capsys):
    import app  # noqa: F401 - Chalice sets its own logger (named after the app) to ERROR
    from chalicelib.logs import logger

    logger().warning("AWS unavailable", extra={"path": "/v1/events"})

    (line,) = _lines(capsys.readouterr().out)
    assert (line["level"], line["message"]) == ("WARNING", "AWS unavailable")
