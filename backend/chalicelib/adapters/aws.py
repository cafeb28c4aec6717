"""Cached boto3 clients. Built lazily so importing the API costs no client set-up."""

from __future__ import annotations

import functools
from typing import Any

import boto3
from botocore.config import Config

# Standard mode retries throttling and 5xx with exponential backoff and jitter.
_CONFIG = Config(retries={"mode": "standard", "max_attempts": 5}, connect_timeout=5, read_timeout=30)


@functools.cache
def client(service: str) -> Any:
    """A boto3 client for `service`, shared by the process (clients are thread-safe).

    S3 signs with SigV4, which presigned POSTs need in every region.
    """
    config = _CONFIG.merge(Config(signature_version="s3v4")) if service == "s3" else _CONFIG
    return boto3.session.Session().client(service, config=config)


def reset_clients() -> None:
    """Forget cached clients, e.g. after the endpoint or credentials changed."""
    client.cache_clear()
