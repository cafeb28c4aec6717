"""Structured JSON logging (Powertools Logger), one logger for the whole app."""

from __future__ import annotations

import functools

from aws_lambda_powertools.logging import Logger

from chalicelib.settings import settings


@functools.cache
def logger() -> Logger:
    """The app's logger; every line carries the current request id once one is bound."""
    return Logger(service="podium", level=settings().log_level)


def bind_request(request_id: str) -> None:
    """Tag every following log line with this request's id."""
    logger().append_keys(request_id=request_id)
