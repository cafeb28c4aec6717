"""Single-use secrets that travel by mail (verify, reset, invite). Only their hash is stored."""

from __future__ import annotations

import secrets
from typing import Any

from pynamodb.exceptions import DeleteError, DoesNotExist

from chalicelib.clock import clock
from chalicelib.db.keys import token_pk
from chalicelib.db.users import OneTimeToken
from chalicelib.errors import Gone


def issue(
    *,
    purpose: str,
    ttl_seconds: int,
    user_id: str | None = None,
    subject: str | None = None,
    token_version: int | None = None,
) -> str:
    """Store a new token and return its secret (to be mailed, never stored in clear)."""
    secret = secrets.token_urlsafe(32)
    record = OneTimeToken(
        token_pk(secret),
        purpose,
        purpose=purpose,
        user_id=user_id,
        subject=subject,
        token_version=token_version,
        expires_at=clock().epoch() + ttl_seconds,
    )
    record.stamp()
    record.save()
    return secret


def peek(secret: str, *, purpose: str) -> OneTimeToken:
    """The token's record, left in place; Gone when unknown, used or expired."""
    if not isinstance(secret, str) or not 20 <= len(secret) <= 100:
        raise _refused()
    try:
        record = OneTimeToken.get(token_pk(secret), purpose, consistent_read=True)
    except DoesNotExist:
        raise _refused() from None
    if record.is_gone():
        raise _refused()
    return record


def consume(secret: str, *, purpose: str) -> OneTimeToken:
    """The token's record, deleted in the same step; Gone when unknown, used or expired."""
    record = peek(secret, purpose=purpose)
    try:
        record.delete()  # conditional on the version read: a concurrent second use fails here
    except DeleteError:
        raise _refused() from None
    return record


def spend(transaction: Any, record: OneTimeToken) -> None:
    """Delete the token (read with `peek`) in `transaction`, conditioned on the version read: the
    token is spent only if everything else the transaction writes is written too. A concurrent
    second use cancels the transaction (`refused_use` tells that apart)."""
    transaction.delete(record)


def refused_use(err: Exception, *, position: int = 0) -> Gone | None:
    """Gone when a transaction that spent a token at `position` (its order among the
    transaction's writes) was canceled because the token had been used meanwhile."""
    reasons = getattr(err, "cancellation_reasons", None) or []
    failed = len(reasons) > position and reasons[position] is not None
    return _refused() if failed and reasons[position].code == "ConditionalCheckFailed" else None


def _refused() -> Gone:
    return Gone("This link is invalid, was already used or has expired; ask for a new one.")
