"""Password hashing with argon2id. argon2 is imported on first use: it stays off cold starts."""

from __future__ import annotations

import functools
import os
from typing import Any

MIN_LENGTH, MAX_LENGTH = 10, 128


@functools.cache
def _hasher() -> Any:
    from argon2 import PasswordHasher, Type  # noqa: PLC0415 — argon2 loads on first use: it stays off the API's cold start

    # OWASP's argon2id baseline (19 MiB, 2 passes); tests lower it through the environment.
    return PasswordHasher(
        time_cost=int(os.environ.get("PODIUM_ARGON2_TIME_COST", "2")),
        memory_cost=int(os.environ.get("PODIUM_ARGON2_MEMORY_KIB", "19456")),
        parallelism=1,
        type=Type.ID,
    )


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    from argon2.exceptions import InvalidHashError, VerificationError  # noqa: PLC0415 — argon2 loads on first use: it stays off the API's cold start

    try:
        return _hasher().verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


@functools.cache
def dummy_hash() -> str:
    """Verified against when no account matches, so unknown emails take as long as wrong passwords."""
    return hash_password("not-a-password-of-anyone")
