"""Structured JSON log lines on the standard library's logging, one logger for the whole app.

Not Powertools' Logger: importing it costs about 12 ms of every cold start (the package's
`__init__` also imports its metrics and tracing modules, and typing_extensions), a quarter of the
API's own import budget (bench/cold_start.py). The lines keep Powertools' shape: level, location,
message, timestamp, service, then the request id and the call's `extra` keys, so CloudWatch
Logs Insights queries read them the same way. Workers still use Powertools for batch handling.
"""

from __future__ import annotations

import contextlib
import functools
import json
import logging
import sys
from collections.abc import Iterator
from contextvars import ContextVar
from datetime import UTC, datetime

from chalicelib.settings import settings

SERVICE = "podium"
# A ContextVar, not a logger attribute: the local API server serves requests in threads.
_request_id: ContextVar[str | None] = ContextVar("request_id", default=None)
_RECORD_FIELDS = frozenset(logging.makeLogRecord({}).__dict__) | {"message", "asctime"}


class JsonFormatter(logging.Formatter):
    """One JSON object per line: the standard fields, the request id, then the `extra` keys."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, object] = {
            "level": record.levelname,
            "location": f"{record.funcName}:{record.lineno}",
            "message": record.getMessage(),
            "timestamp": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "service": SERVICE,
        }
        if (request_id := _request_id.get()) is not None:
            line["request_id"] = request_id
        line.update((key, value) for key, value in record.__dict__.items() if key not in _RECORD_FIELDS)
        if record.exc_info:
            line["exception_name"] = record.exc_info[0].__name__ if record.exc_info[0] else None
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, default=str)


class _StdoutHandler(logging.StreamHandler):
    """Writes to whatever `sys.stdout` is when a line is logged (Lambda reads stdout)."""

    def __init__(self) -> None:
        super().__init__()
        self.setFormatter(JsonFormatter())

    @property
    def stream(self):  # type: ignore[override]
        return sys.stdout

    @stream.setter
    def stream(self, _value) -> None:
        pass


@functools.cache
def logger() -> logging.Logger:
    """The app's logger; every line carries the current request id once one is bound."""
    # Not the logger named "podium": that is Chalice's `app.log`, which `app.debug = False` sets to ERROR.
    log = logging.getLogger(f"{SERVICE}.app")
    log.setLevel(settings().log_level)
    log.propagate = False  # the Lambda runtime's root handler would print each line again
    log.addHandler(_StdoutHandler())
    return log


@contextlib.contextmanager
def request_logging(request_id: str) -> Iterator[None]:
    """Tag the log lines of this request with its id: only its own thread's and only while it runs
    (the local API server serves requests in threads; workers log after requests end)."""
    token = _request_id.set(request_id)
    try:
        yield
    finally:
        _request_id.reset(token)
