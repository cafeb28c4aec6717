"""Real sign-in for tests that need a user but not the sign-up flow: the user item is written
directly and the token is a real one, checked by the real authentication path."""

from __future__ import annotations


def token_for(user_id: str, *, roles: tuple[str, ...] = (), name: str | None = None) -> str:
    """A bearer token for `user_id`, creating (or refreshing) that user's item first."""
    from chalicelib.db.keys import user_pk
    from chalicelib.db.users import User
    from chalicelib.domain.tokens import issue_access_token
    from pynamodb.exceptions import DoesNotExist

    try:
        user = User.get(user_pk(user_id), "USER", consistent_read=True)
    except DoesNotExist:
        user = User(
            user_pk(user_id), "USER", id=user_id, email=f"{user_id}@example.org", name=name or user_id,
            password_hash="!", email_verified=True, site_roles=set(roles) or None, token_version=0,
        )  # fmt: skip
        user.save()
    return issue_access_token(user_id=user_id, token_version=user.token_version)[0]


def bearer(user_id: str | None, **kwargs) -> dict[str, str]:
    """Authorization header for `user_id` (none for anonymous)."""
    return {"Authorization": f"Bearer {token_for(user_id, **kwargs)}"} if user_id else {}
