"""Changing an account's email: asked for with the current password, confirmed from a link
mailed to the new address (a single-use token, domain/onetime.py), written in one transaction
that moves the email guard, so no two accounts ever hold one address."""

from __future__ import annotations

from typing import Any

from pynamodb.exceptions import TransactWriteError

from chalicelib.clock import clock
from chalicelib.db.base import is_condition_failure, transact_write
from chalicelib.db.keys import email_guard_key, email_key
from chalicelib.db.users import EmailGuard, User
from chalicelib.domain import onetime, ratelimit
from chalicelib.domain.accounts import (
    SLOW_DOWN,
    find_user_by_email,
    get_user,
    normalize_email,
    verify_current_password,
)
from chalicelib.errors import Conflict, ValidationFailed
from chalicelib.jobs.enqueue import enqueue
from chalicelib.request_context import current_context

PURPOSE = "email_change"
CHANGE_SECONDS = 24 * 3600
ANSWER = "We mailed a link to the new address; the change takes effect when you open it."
# Each request mails the new address (with the account's name in it) and the old one: a few per
# window per account and per new address, or a signed-in account could mail anyone without end.
LIMIT_PER_ACCOUNT, LIMIT_PER_ADDRESS, WINDOW = 3, 3, 900


def request_email_change(*, user_id: str, email: str, current_password: str, client_address: str) -> dict[str, str]:
    """Mail a confirmation link to `email` (the old address is told too). An address another
    account holds gets a mail saying so instead, and the answer is the same, so it tells
    nobody which addresses have accounts. Raises 422 naming the field for a wrong password
    (rate-limited as a sign-in) or the address the account has already; 429 past a few requests
    per account or per new address in a window."""
    user = get_user(user_id)
    verify_current_password(user, current_password, client_address=client_address)
    email = normalize_email(email)
    if email == user.email:
        raise ValidationFailed("This is your address already.", fields={"email": "is your current address"})
    ratelimit.take("email-change-user", user.id, limit=LIMIT_PER_ACCOUNT, window=WINDOW, message=SLOW_DOWN)
    ratelimit.take("email-change-email", email, limit=LIMIT_PER_ADDRESS, window=WINDOW, message=SLOW_DOWN)
    if find_user_by_email(email) is not None:
        _mail(email, "Someone tried to move a Podium account to your email",
              "Hello,\n\nsomeone asked to move another Podium account to this email address, which has an "
              "account already. Nothing was changed.")  # fmt: skip
        return {"status": ANSWER}
    secret = onetime.issue(
        purpose=PURPOSE, ttl_seconds=CHANGE_SECONDS, user_id=user.id, subject=email, token_version=user.token_version
    )
    link = current_context().absolute_url(f"admin/#/email?token={secret}")
    _mail(email, "Confirm your new email for Podium",
          f"Hello {user.name},\n\nto use this address for your Podium account, open this link (valid for one "
          f"day):\n{link}\n\nYour confirmation code: {secret}\n\nIf you did not ask for this, ignore this mail.")  # fmt: skip
    _mail(user.email, "Your Podium email is being changed",
          f"Hello {user.name},\n\nsomeone signed in to your account asked to change its email address. The "
          "change happens only when the link mailed to the new address is opened. If it was not you, "
          "change your password now.")  # fmt: skip
    return {"status": ANSWER}


def confirm_email_change(*, token: str) -> User:
    """Move the account to the address the token was mailed to, once: the new guard, the old
    guard's removal, the user's email (verified: the mail reached it) and the token's use are
    one transaction. Gone for a used, expired or revoked link (a password change since);
    Conflict when another account took the address meanwhile."""
    record = onetime.peek(token, purpose=PURPOSE)
    user = get_user(record.user_id)
    if user.token_version != record.token_version:
        raise onetime.Gone("This link is invalid, was already used or has expired; ask for a new one.")
    old, new = user.email, record.subject
    guard = EmailGuard(*email_guard_key(new), user_id=user.id)
    guard.stamp()
    old_guard = EmailGuard(*email_guard_key(old), user_id=user.id)
    actions: list[Any] = [
        User.email.set(new), User.email_verified.set(True), User.gsi1pk.set(email_key(new)), User.gsi2sk.set(new),
        User.updated_at.set(clock().now()),
    ]  # fmt: skip
    try:
        with transact_write() as transaction:
            onetime.spend(transaction, record)
            transaction.save(guard, condition=EmailGuard.pk.does_not_exist())
            transaction.delete(old_guard, condition=EmailGuard.user_id == user.id, add_version_condition=False)
            transaction.update(user, actions=actions)
    except TransactWriteError as err:
        if gone := onetime.refused_use(err, position=0):
            raise gone from None
        if not is_condition_failure(err):
            raise
        raise Conflict("Another account uses this address now.", fields={"email": "is taken"}) from None
    return get_user(user.id)


def _mail(to: str, subject: str, text: str) -> None:
    enqueue("send_email", to=to, subject=subject, text=text, html=None)
