"""Cached boto3 clients. Built lazily so importing the API costs no client set-up."""

from __future__ import annotations

import functools
from typing import Any

import boto3
from botocore import exceptions as botocore_errors
from botocore.config import Config

# Standard mode retries throttling and 5xx with exponential backoff and jitter (pynamodb's
# connection does the same: db/base.py). What still fails after that is `is_unavailable`.
# 5 attempts in all (`max_attempts` would count retries only, i.e. 6 calls).
MAX_ATTEMPTS = 5
_CONFIG = Config(retries={"mode": "standard", "total_max_attempts": MAX_ATTEMPTS}, connect_timeout=5, read_timeout=30)
# Error codes meaning "busy or failing, not your request": worth a 503 and a retry later.
_UNAVAILABLE_CODES = frozenset(
    {
        "ProvisionedThroughputExceededException",
        "ThrottlingException",
        "Throttling",
        "ThrottledException",
        "RequestLimitExceeded",
        "RequestThrottled",
        "RequestThrottledException",
        "TooManyRequestsException",
        "SlowDown",
        "InternalError",
        "InternalServerError",
        "InternalFailure",
        "ServiceUnavailable",
        "ServiceUnavailableException",
    }
)
_CONNECTION_ERRORS = (
    botocore_errors.EndpointConnectionError,
    botocore_errors.ConnectionClosedError,
    botocore_errors.ConnectTimeoutError,
    botocore_errors.ReadTimeoutError,
)


@functools.cache
def client(service: str) -> Any:
    """A boto3 client for `service`, shared by the process (clients are thread-safe).

    S3 signs with SigV4, which presigned POSTs need in every region.
    """
    config = _CONFIG.merge(Config(signature_version="s3v4")) if service == "s3" else _CONFIG
    return boto3.session.Session().client(service, config=config)


def is_unavailable(err: BaseException) -> bool:
    """True when `err` (boto3's, or pynamodb's wrapping one) says AWS throttled or failed even
    after the client's retries: the caller should get a 503, not a 500."""
    for _ in range(5):  # pynamodb wraps botocore's error in `cause`
        if isinstance(err, botocore_errors.ClientError):
            code = err.response.get("Error", {}).get("Code", "")
            status = err.response.get("ResponseMetadata", {}).get("HTTPStatusCode") or 0
            reasons = {(r or {}).get("Code") for r in err.response.get("CancellationReasons") or ()}
            return code in _UNAVAILABLE_CODES or status >= 500 or "ThrottlingError" in reasons
        if isinstance(err, _CONNECTION_ERRORS):
            return True
        cause = getattr(err, "cause", None) or err.__cause__
        if not isinstance(cause, BaseException):
            return False
        err = cause
    return False


def error_code(err: BaseException) -> str:
    """The AWS error code of a client's error ("NoSuchKey", "404", ...); "" for any other error."""
    if isinstance(err, botocore_errors.ClientError):
        return str(err.response.get("Error", {}).get("Code", ""))
    return ""


def fresh_client(service: str) -> Any:
    """A new client with the shared clients' configuration, for a caller that hooks its events
    (db/table.py keeps Query items unparsed) and must not change the shared one."""
    return boto3.session.Session().client(service, config=client(service).meta.config)


def reset_clients() -> None:
    """Forget cached clients, e.g. after the endpoint or credentials changed."""
    client.cache_clear()
