"""Access tokens: short-lived HS256 JWTs. The one place tokens are made and checked.

The signing key comes from `PODIUM_JWT_SECRET` (local stack, tests) or, on AWS stages, from the
SSM Parameter Store SecureString named by `PODIUM_JWT_SECRET_PARAMETER`, read once per cold start.
"""

from __future__ import annotations

import functools
import os
from typing import NamedTuple

import jwt

from chalicelib.adapters.parameters import get_parameter
from chalicelib.clock import clock
from chalicelib.errors import ServiceUnavailable, Unauthorized

ALGORITHM = "HS256"
ACCESS_TOKEN_SECONDS = 3600
ISSUER = "podium"
MIN_SECRET_BYTES = 32


class InvalidToken(Unauthorized):
    code = "invalid_token"


class TokenClaims(NamedTuple):
    user_id: str
    token_version: int
    expires_at: int


@functools.cache
def signing_key() -> str:
    """The HS256 secret; raises ServiceUnavailable when none is configured (never a default)."""
    secret = os.environ.get("PODIUM_JWT_SECRET", "")
    parameter = os.environ.get("PODIUM_JWT_SECRET_PARAMETER", "")
    if not secret and parameter:
        secret = get_parameter(parameter) or ""
    if len(secret.encode()) < MIN_SECRET_BYTES:
        raise ServiceUnavailable("Sign-in is not configured on this stage (no signing key of 32 bytes or more).")
    return secret


def issue_access_token(*, user_id: str, token_version: int) -> tuple[str, int]:
    """A signed token for the user and the seconds it lives."""
    now = clock().epoch()
    claims = {"sub": user_id, "ver": token_version, "iat": now, "exp": now + ACCESS_TOKEN_SECONDS, "iss": ISSUER}
    return jwt.encode(claims, signing_key(), algorithm=ALGORITHM), ACCESS_TOKEN_SECONDS


def decode_access_token(token: str) -> TokenClaims:
    """Claims of a valid token; InvalidToken for a bad signature, another algorithm (alg: none
    included), a missing claim or an expired token. Revocation is checked by the caller."""
    try:
        claims = jwt.decode(
            token,
            signing_key(),
            algorithms=[ALGORITHM],
            issuer=ISSUER,
            options={"require": ["sub", "ver", "iat", "exp", "iss"], "verify_exp": False, "verify_iat": False},
        )
    except jwt.PyJWTError as err:
        raise InvalidToken("The access token is invalid; sign in again.") from err
    # Expiry against the one clock (not the wall clock), so tests can move time.
    if not isinstance(claims["exp"], int) or claims["exp"] <= clock().epoch():
        raise InvalidToken("The access token has expired; sign in again.")
    if not isinstance(claims["sub"], str) or not isinstance(claims["ver"], int):
        raise InvalidToken("The access token is invalid; sign in again.")
    return TokenClaims(user_id=claims["sub"], token_version=claims["ver"], expires_at=claims["exp"])
