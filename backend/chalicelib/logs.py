"""Structured JSON logging (Powertools Logger), one logger for the whole app."""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Iterator

from aws_lambda_powertools.logging import Logger

from chalicelib.settings import settings


@functools.cache
def logger() -> Logger:
    """The app's logger; every line carries the current request id once one is bound."""
    return Logger(service="podium", level=settings().log_level)


@contextlib.contextmanager
def request_logging(request_id: str) -> Iterator[None]:
    """Tag the log lines of this request with its id: only its own thread's and only while it runs
    (the local API server serves requests in threads; workers log after requests end)."""
    logger().thread_safe_append_keys(request_id=request_id)  # a ContextVar: per thread, not global
    try:
        yield
    finally:
        logger().thread_safe_remove_keys(["request_id"])
