"""Accounts: sign-up, email verification, sign-in, password reset, and the caller's profile."""

from __future__ import annotations

from typing import Any

from chalice import Blueprint

from chalicelib.api.http import client_address, endpoint
from chalicelib.api.schema import EMAIL, URL, Field, Schema, name_field, text
from chalicelib.domain import accounts, email_change
from chalicelib.domain.passwords import MAX_LENGTH, MIN_LENGTH
from chalicelib.request_context import current_context

bp = Blueprint(__name__)

NEW_PASSWORD = Field("string", max_length=MAX_LENGTH, min_length=MIN_LENGTH)
ANY_PASSWORD = Field("string", max_length=MAX_LENGTH, min_length=1)
SECRET = Field("string", max_length=200, min_length=1)
SIGNUP = Schema(
    "Signup", {"email": EMAIL, "password": NEW_PASSWORD, "name": name_field()}, frozenset({"email", "password", "name"})
)
LOGIN = Schema("Login", {"email": EMAIL, "password": ANY_PASSWORD}, frozenset({"email", "password"}))
VERIFY = Schema("Verify", {"token": SECRET}, frozenset({"token"}))
RESET = Schema("PasswordReset", {"email": EMAIL}, frozenset({"email"}))
RESET_CONFIRM = Schema(
    "PasswordResetConfirm", {"token": SECRET, "password": NEW_PASSWORD}, frozenset({"token", "password"})
)
PASSWORD_CHANGE = Schema(
    "PasswordChange",
    {"current_password": ANY_PASSWORD, "new_password": NEW_PASSWORD},
    frozenset({"current_password", "new_password"}),
)
EMAIL_CHANGE = Schema(
    "EmailChange", {"email": EMAIL, "current_password": ANY_PASSWORD}, frozenset({"email", "current_password"})
)
_READ_ONLY = Field("string", read_only=True, nullable=True)
SIGNUP_ANSWER = Schema("SignupAnswer", {"email": EMAIL, "message": Field("string")})
PROFILE = Schema(
    "Profile",
    {
        "name": name_field(),
        "avatar_url": URL,
        "bio": text(2000, nullable=True),
        # Shown in the answer, never taken from a request: naming them is a 422.
        "id": _READ_ONLY,
        "email": _READ_ONLY,
        "email_verified": Field("boolean", read_only=True),
        "is_admin": Field("boolean", read_only=True),
        "is_super_admin": Field("boolean", read_only=True),
        "created_at": _READ_ONLY,
    },
)


def _token_answer(token: str, lifetime: int) -> dict[str, Any]:
    return {"access_token": token, "token_type": "Bearer", "expires_in": lifetime}


@endpoint(
    bp,
    "/auth/signup",
    "POST",
    action="auth.signup",
    summary="Create an account (the answer is the same whether the email has one already)",
    status=201,
    body=SIGNUP,
    response=SIGNUP_ANSWER,
    errors=(422, 429),
)
def signup(body: dict[str, Any]) -> dict[str, Any]:
    return accounts.signup(**body)


@endpoint(
    bp,
    "/auth/verify",
    "POST",
    action="auth.verify",
    summary="Confirm an email address with the mailed token",
    body=VERIFY,
    errors=(410,),
)
def verify(body: dict[str, Any]) -> dict[str, Any]:
    accounts.verify_email(token=body["token"])
    return {"email_verified": True}


@endpoint(
    bp,
    "/auth/login",
    "POST",
    action="auth.login",
    summary="Sign in: a short-lived bearer token",
    body=LOGIN,
    errors=(401, 429),
)
def login(body: dict[str, Any]) -> dict[str, Any]:
    token, lifetime, _ = accounts.login(**body, client_address=client_address(bp.current_request))
    return _token_answer(token, lifetime)


@endpoint(
    bp,
    "/auth/password-reset",
    "POST",
    action="auth.password_reset",
    status=202,
    summary="Mail a password reset link (the same answer for unknown emails)",
    body=RESET,
    errors=(429,),
)
def password_reset(body: dict[str, Any]) -> dict[str, Any]:
    accounts.request_password_reset(email=body["email"], client_address=client_address(bp.current_request))
    return {"status": "If an account uses this email, a reset link is on its way."}


@endpoint(
    bp,
    "/auth/password-reset/confirm",
    "POST",
    action="auth.password_reset",
    summary="Set a new password with the mailed token",
    body=RESET_CONFIRM,
    errors=(410,),
)
def password_reset_confirm(body: dict[str, Any]) -> dict[str, Any]:
    accounts.confirm_password_reset(**body)
    return {"status": "Password changed; sign in with the new one."}


@endpoint(bp, "/me", "GET", action="me.read", summary="The signed-in user's profile", response=PROFILE, errors=(401,))
def me() -> dict[str, Any]:
    return accounts.private_view(accounts.get_user(current_context().actor.id))


@endpoint(
    bp,
    "/me",
    "PATCH",
    action="me.update",
    summary="Change the profile fields a user may change",
    body=PROFILE,
    response=PROFILE,
    errors=(401,),
)
def update_me(body: dict[str, Any]) -> dict[str, Any]:
    user = accounts.update_profile(user_id=current_context().actor.id, changes=body)
    return accounts.private_view(user)


@endpoint(
    bp,
    "/me/password",
    "POST",
    action="me.update",
    summary="Change the password; every earlier token stops working",
    body=PASSWORD_CHANGE,
    errors=(401, 429),
)
def change_password(body: dict[str, Any]) -> dict[str, Any]:
    token, lifetime = accounts.change_password(
        user_id=current_context().actor.id, client_address=client_address(bp.current_request), **body
    )
    return _token_answer(token, lifetime)


@endpoint(
    bp,
    "/me/email",
    "POST",
    action="me.update",
    status=202,
    summary="Change the email: a confirmation link goes to the new address (the same answer if it has an account)",
    body=EMAIL_CHANGE,
    errors=(401, 429),
)
def request_email_change(body: dict[str, Any]) -> dict[str, Any]:
    return email_change.request_email_change(
        user_id=current_context().actor.id, client_address=client_address(bp.current_request), **body
    )


@endpoint(
    bp,
    "/auth/email-change/confirm",
    "POST",
    action="auth.verify",
    summary="Confirm an email change with the token mailed to the new address",
    body=VERIFY,
    errors=(409, 410),
)
def confirm_email_change(body: dict[str, Any]) -> dict[str, Any]:
    user = email_change.confirm_email_change(token=body["token"])
    return {"email": user.email, "email_verified": True}
