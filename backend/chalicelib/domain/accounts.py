"""Accounts: sign-up, email verification, sign-in, profile, passwords, site admins."""

from __future__ import annotations

import os
from typing import Any

from pynamodb.exceptions import DoesNotExist, TransactWriteError

from chalicelib.actors import Actor
from chalicelib.adapters.parameters import get_parameter
from chalicelib.clock import clock
from chalicelib.db.base import is_condition_failure, new_id, transact_write
from chalicelib.db.keys import USER_SK, USERS_INDEX_KEY, email_guard_key, email_key, user_key
from chalicelib.db.live import live_item
from chalicelib.db.pagination import Page, read_page
from chalicelib.db.prefetch import get_item
from chalicelib.db.users import EmailGuard, User
from chalicelib.domain import onetime, ratelimit
from chalicelib.domain.passwords import MAX_LENGTH, MIN_LENGTH, dummy_hash, hash_password, verify_password
from chalicelib.domain.projections import ACCOUNT_HOLDER, VISITORS, user_view
from chalicelib.domain.tokens import InvalidToken, decode_access_token, issue_access_token, signing_key
from chalicelib.errors import Conflict, ServiceUnavailable, TooManyRequests, Unauthorized, ValidationFailed
from chalicelib.jobs.enqueue import enqueue
from chalicelib.request_context import current_context

VERIFY_SECONDS = 7 * 24 * 3600
RESET_SECONDS = 3600
LOGIN_LIMIT_PER_EMAIL, LOGIN_LIMIT_PER_ADDRESS, LOGIN_WINDOW = 5, 30, 60
RESET_LIMIT_PER_EMAIL, RESET_LIMIT_PER_ADDRESS, RESET_WINDOW = 3, 10, 900
SIGNUP_LIMIT_PER_EMAIL, SIGNUP_WINDOW = 3, 900
SLOW_DOWN = "Too many attempts; wait before trying again."


class InvalidCredentials(Unauthorized):
    code = "invalid_credentials"


class EmailTaken(Conflict):
    """Said to admins and operators creating accounts, never to a sign-up."""


def normalize_email(email: str) -> str:
    return email.strip().lower()


def find_user_by_email(email: str) -> User | None:
    for user in User.gsi1.query(email_key(email), User.gsi1sk == USER_SK, limit=1):
        if isinstance(user, User):
            return user
    return None


def get_user(user_id: str) -> User:
    return live_item(User, *user_key(user_id), missing="No such user.")


def private_view(user: User) -> dict[str, Any]:
    """What the user and admins see (domain/projections.py decides)."""
    return user_view(user, ACCOUNT_HOLDER)


def public_view(user: User) -> dict[str, Any]:
    """What other users may see of someone (e.g. in an event's role list)."""
    return user_view(user, VISITORS)


def _check_password(password: str, field: str = "password") -> None:
    if not MIN_LENGTH <= len(password) <= MAX_LENGTH:
        raise ValidationFailed(
            f"The {field} must be {MIN_LENGTH} to {MAX_LENGTH} characters long.",
            fields={field: f"must be {MIN_LENGTH} to {MAX_LENGTH} characters"},
        )


def create_user(
    *, email: str, password: str, name: str, verified: bool = False, roles: frozenset[str] = frozenset()
) -> User:
    """Write the user and its email guard in one transaction; Conflict when the email is taken."""
    email = normalize_email(email)
    _check_password(password)
    user_id = new_id()
    user = User(
        *user_key(user_id),
        id=user_id,
        email=email,
        name=name,
        password_hash=hash_password(password),
        email_verified=verified,
        site_roles=set(roles) or None,
        gsi1pk=email_key(email),
        gsi1sk=USER_SK,
        gsi2pk=USERS_INDEX_KEY,
        gsi2sk=email,
    )
    user.stamp()
    guard = EmailGuard(*email_guard_key(email), user_id=user_id)
    guard.stamp()
    try:
        with transact_write() as transaction:
            transaction.save(guard, condition=EmailGuard.pk.does_not_exist())
            transaction.save(user, condition=User.pk.does_not_exist())
    except TransactWriteError as err:
        if not is_condition_failure(err):  # throttled or failing: not a taken email
            raise
        raise EmailTaken("An account with this email already exists.", fields={"email": "is taken"}) from None
    return user


SIGNUP_ANSWER = "Check your mailbox: we sent a message to this address to go on."


def signup(*, email: str, password: str, name: str) -> dict[str, str]:
    """Create an unverified account and mail its verification link (a send_email job); an email
    that already has an account gets a mail saying so instead. Both answer the same, so the
    answer tells nobody which emails have accounts (create_user hashes the password either way)."""
    email = normalize_email(email)
    # Each attempt may mail the address: a few per window, for new and taken emails alike.
    ratelimit.take("signup-email", email, limit=SIGNUP_LIMIT_PER_EMAIL, window=SIGNUP_WINDOW, message=SLOW_DOWN)
    try:
        user = create_user(email=email, password=password, name=name)
    except EmailTaken:
        _mail_signup_attempt(email)
    else:
        _mail_verification(user)
    return {"email": email, "message": SIGNUP_ANSWER}


def _mail_signup_attempt(email: str) -> None:
    reset = current_context().absolute_url("admin/#/reset")
    enqueue(
        "send_email",
        to=email,
        subject="Someone tried to sign up to Podium with your email",
        text="Hello,\n\nsomeone tried to create a Podium account with this email address, which already has "
        f"one. If it was you, sign in, or choose a new password here:\n{reset}\n\n"
        "If it was not you, you need do nothing: your account is unchanged.",
        html=None,
    )


def _mail_verification(user: User) -> None:
    secret = onetime.issue(purpose="verify", ttl_seconds=VERIFY_SECONDS, user_id=user.id)
    link = current_context().absolute_url(f"admin/#/verify?token={secret}")
    enqueue(
        "send_email",
        to=user.email,
        subject="Confirm your email for Podium",
        text=f"Hello {user.name},\n\nconfirm your email address by opening this link:\n{link}\n\n"
        f"Your verification code: {secret}\n\nThe link works for 7 days.",
        html=None,
    )


def verify_email(*, token: str) -> User:
    record = onetime.consume(token, purpose="verify")
    user = get_user(record.user_id)
    user.update(actions=[User.email_verified.set(True), User.updated_at.set(clock().now())])
    return user


def login(*, email: str, password: str, client_address: str) -> tuple[str, int, User]:
    """A fresh access token; the same InvalidCredentials for a wrong password and an unknown
    email (and the same hashing work for both). Failures count towards the rate limits."""
    email = normalize_email(email)
    _take_login_attempt(email, client_address)
    user = find_user_by_email(email) or bootstrap_admin(email)
    matches = verify_password(user.password_hash if user else dummy_hash(), password)
    if user is None or not matches:
        raise InvalidCredentials("Wrong email or password.")
    _give_back_login_attempt(email, client_address)
    token, lifetime = issue_access_token(user_id=user.id, token_version=user.token_version)
    return token, lifetime, user


def _take_login_attempt(email: str, client_address: str) -> None:
    """Count a password check before it is made (429 past the limits): parallel guesses cannot
    all pass a check made before any of them is counted. A success gives its count back."""
    ratelimit.take("login-email", email, limit=LOGIN_LIMIT_PER_EMAIL, window=LOGIN_WINDOW, message=SLOW_DOWN)
    try:
        ratelimit.take(
            "login-address", client_address, limit=LOGIN_LIMIT_PER_ADDRESS, window=LOGIN_WINDOW, message=SLOW_DOWN
        )
    except TooManyRequests:
        ratelimit.give_back("login-email", email)  # no password was checked
        raise


def _give_back_login_attempt(email: str, client_address: str) -> None:
    ratelimit.give_back("login-email", email)
    ratelimit.give_back("login-address", client_address)


def authenticate(token: str) -> Actor:
    """The actor a bearer token stands for; InvalidToken when it is bad, expired or revoked."""
    claims = decode_access_token(token)
    try:
        user = get_item(User, *user_key(claims.user_id))
    except DoesNotExist:
        raise InvalidToken("The access token is invalid; sign in again.") from None
    if user.is_trashed() or user.is_gone():
        raise InvalidToken("This account was deleted.")
    if user.token_version != claims.token_version:
        raise InvalidToken("The access token was revoked by a password change; sign in again.")
    return Actor(id=user.id, kind="user", roles=user.roles, name=user.name)


def update_profile(*, user_id: str, changes: dict[str, Any]) -> User:
    """Apply already validated profile fields (the schema admits only name, avatar_url, bio)."""
    user = get_user(user_id)
    if changes:
        actions = [getattr(User, name).set(value) for name, value in changes.items()]
        user.update(actions=[*actions, User.updated_at.set(clock().now())])
    return user


def _set_password(user: User, password: str) -> User:
    _check_password(password)
    user.update(
        actions=[
            User.password_hash.set(hash_password(password)),
            User.token_version.add(1),
            User.updated_at.set(clock().now()),
        ]
    )
    return user


def verify_current_password(user: User, password: str, *, client_address: str) -> None:
    """422 naming `current_password` unless it is the user's; counted as a sign-in attempt."""
    _take_login_attempt(user.email, client_address)
    if not verify_password(user.password_hash, password):
        raise ValidationFailed("The current password is wrong.", fields={"current_password": "is wrong"})
    _give_back_login_attempt(user.email, client_address)


def change_password(*, user_id: str, current_password: str, new_password: str, client_address: str) -> tuple[str, int]:
    """Set a new password, revoke every earlier token, and return a fresh one."""
    user = get_user(user_id)
    verify_current_password(user, current_password, client_address=client_address)
    _check_password(new_password, "new_password")
    _set_password(user, new_password)
    return issue_access_token(user_id=user.id, token_version=user.token_version)


def request_password_reset(*, email: str, client_address: str) -> None:
    """Mail a one-hour reset link when the email has an account; the caller answers the same
    either way. Every request counts towards the limits."""
    email = normalize_email(email)
    ratelimit.take("reset-email", email, limit=RESET_LIMIT_PER_EMAIL, window=RESET_WINDOW, message=SLOW_DOWN)
    ratelimit.take("reset-address", client_address, limit=RESET_LIMIT_PER_ADDRESS, window=RESET_WINDOW, message=SLOW_DOWN)
    user = find_user_by_email(email)
    if user is None:
        return
    secret = onetime.issue(
        purpose="reset", ttl_seconds=RESET_SECONDS, user_id=user.id, token_version=user.token_version
    )
    link = current_context().absolute_url(f"admin/#/reset?token={secret}")
    enqueue(
        "send_email",
        to=user.email,
        subject="Reset your Podium password",
        text=f"Hello {user.name},\n\nset a new password here (valid for one hour):\n{link}\n\n"
        f"Your reset code: {secret}\n\nIf you did not ask for this, ignore this mail.",
        html=None,
    )


def confirm_password_reset(*, token: str, password: str) -> None:
    """Set the password from a reset link (once); earlier tokens stop working."""
    _check_password(password)
    record = onetime.consume(token, purpose="reset")
    user = get_user(record.user_id)
    if user.token_version != record.token_version:
        # The password changed since the link was mailed: the link is void.
        raise onetime.Gone("This link is invalid, was already used or has expired; ask for a new one.")
    _set_password(user, password)


def make_super_admin(*, email: str, password: str, name: str = "") -> tuple[User, bool]:
    """Create (or promote) the super admin; returns the user and whether it was created."""
    existing = find_user_by_email(email)
    roles = {"admin", "super_admin"}
    if existing is None:
        user = create_user(
            email=email,
            password=password,
            name=name or email.split("@", maxsplit=1)[0],
            verified=True,
            roles=frozenset(roles),
        )
        return user, True
    _check_password(password)
    existing.update(
        actions=[
            User.site_roles.set(roles),
            User.email_verified.set(True),
            User.password_hash.set(hash_password(password)),
            User.token_version.add(1),
            User.updated_at.set(clock().now()),
        ]
    )
    return existing, False


def bootstrap_admin(email: str) -> User | None:
    """The first sign-in of a new stage's configured super admin creates it: the email from
    `PODIUM_BOOTSTRAP_ADMIN_EMAIL`, the password from the SSM SecureString named by
    `PODIUM_BOOTSTRAP_ADMIN_PASSWORD_PARAMETER`. Does nothing once that account exists."""
    configured = normalize_email(os.environ.get("PODIUM_BOOTSTRAP_ADMIN_EMAIL", ""))
    parameter = os.environ.get("PODIUM_BOOTSTRAP_ADMIN_PASSWORD_PARAMETER", "")
    if not configured or not parameter or email != configured:
        return None
    password = get_parameter(parameter)
    if password is None:
        raise ServiceUnavailable(f"The first admin's password parameter {parameter} is missing on this stage.")
    try:
        user = create_user(
            email=configured,
            password=password,
            name="Administrator",
            verified=True,
            roles=frozenset({"admin", "super_admin"}),
        )
    except Conflict:
        return find_user_by_email(configured)
    return user


def set_admin(*, user_id: str, is_admin: bool) -> User:
    """Grant or remove the site admin role (callers are super admins; the table says so)."""
    user = get_user(user_id)
    if "super_admin" in user.roles:
        raise Conflict("A super admin stays an admin; use `podium create-admin` to manage super admins.")
    roles = {"admin"} if is_admin else set()
    action = User.site_roles.set(roles) if roles else User.site_roles.remove()
    user.update(actions=[action, User.updated_at.set(clock().now())])
    return user


def list_users(*, prefix: str, limit: int, cursor: str | None, name: str = "") -> Page:
    """Users whose email starts with `prefix` and whose name holds `name` (any case), by email,
    through gsi2 (never a table scan; a name is matched on the index's items as they are read)."""
    prefix = normalize_email(prefix)  # all blanks is no prefix: DynamoDB refuses an empty one (a 500)
    condition = User.gsi2sk.startswith(prefix) if prefix else None
    wanted = name.strip().casefold()

    def keep(item: Any) -> bool:
        return _is_user(item) and (not wanted or wanted in (item.name or "").casefold())

    return read_page(User.gsi2, USERS_INDEX_KEY, condition, keep=keep, limit=limit, cursor=cursor, secret=signing_key())


def _is_user(item: Any) -> bool:
    return isinstance(item, User)
