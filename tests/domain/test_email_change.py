"""Email change (domain/email_change.py): over HTTP, as a user meets it, and its races."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from support.api import mailed_code, mails_to, unique_email

pytestmark = pytest.mark.integration
PASSWORD = "correct horse battery"


@pytest.fixture(scope="module")
def api(aws_stack):
    from app import app
    from chalice.test import Client
    from support.api import Api

    boto = __import__("boto3").client("ses", region_name="us-east-1")
    boto.verify_domain_identity(Domain="podium.example.org")
    with Client(app) as client:
        yield Api(client)


def _ask(api, user: dict, email: str, password: str = PASSWORD):
    body = {"email": email, "current_password": password}
    return api.call("POST", "/v1/me/email", body, token=user["token"])


def test_email_change_confirmed_from_the_new_address_moves_the_account(api):
    user = api.user("mover")
    new = unique_email("moved")

    asked = _ask(api, user, new.upper())
    code = mailed_code(new, "Confirm your new email")
    unchanged = api.json("GET", "/v1/me", token=user["token"])["email"]
    confirmed = api.json("POST", "/v1/auth/email-change/confirm", {"token": code}, expect=200)
    again = api.call("POST", "/v1/auth/email-change/confirm", {"token": code})

    assert asked.status_code == 202
    assert unchanged == user["email"]
    assert confirmed == {"email": new, "email_verified": True}
    assert again.status_code == 410
    assert sorted(m["subject"] for m in mails_to(user["email"])) == [
        "Confirm your email for Podium", "Your Podium email is being changed",
    ]  # fmt: skip
    assert api.login(new)  # signs in with the new address
    assert api.call("POST", "/v1/auth/login", {"email": user["email"], "password": PASSWORD}).status_code == 401
    assert api.signup(user["email"])["email"] == user["email"]  # the old address is free again


def test_email_change_needs_the_current_password_and_a_new_address(api):
    user = api.user("careful")

    wrong = _ask(api, user, unique_email("elsewhere"), password="not my password")
    same = _ask(api, user, user["email"])

    assert (wrong.status_code, wrong.json_body["error"]["fields"]) == (422, {"current_password": "is wrong"})
    assert (same.status_code, same.json_body["error"]["fields"]) == (422, {"email": "is your current address"})


def test_email_change_to_a_taken_address_answers_the_same_and_tells_its_owner(api):
    user, other = api.user("taker"), api.user("holder")

    asked = _ask(api, user, other["email"])

    assert asked.status_code == 202
    assert sorted(m["subject"] for m in mails_to(other["email"])) == [
        "Confirm your email for Podium", "Someone tried to move a Podium account to your email",
    ]  # fmt: skip
    assert api.json("GET", "/v1/me", token=user["token"])["email"] == user["email"]


def test_email_change_link_of_an_address_taken_meanwhile_is_409_and_changes_nothing(api):
    user = api.user("racer")
    new = unique_email("contested")
    _ask(api, user, new)
    code = mailed_code(new, "Confirm your new email")
    api.signup(new)  # someone else signs up with it before the link is opened

    taken = api.call("POST", "/v1/auth/email-change/confirm", {"token": code})

    assert (taken.status_code, taken.json_body["error"]["fields"]) == (409, {"email": "is taken"})
    assert api.json("GET", "/v1/me", token=user["token"])["email"] == user["email"]


def test_email_change_link_dies_with_a_password_change(api):
    user = api.user("careful2")
    new = unique_email("later")
    _ask(api, user, new)
    code = mailed_code(new, "Confirm your new email")
    api.json("POST", "/v1/me/password", {"current_password": PASSWORD, "new_password": "another long password"},
             token=user["token"], expect=200)  # fmt: skip

    assert api.call("POST", "/v1/auth/email-change/confirm", {"token": code}).status_code == 410


def test_email_change_requests_are_rate_limited_per_account_and_per_new_address(api):
    # GIVEN an account that asked three times within the window to move to one address
    user, other = api.user("mailer"), api.user("bystander")
    target = unique_email("flooded")
    asked = [_ask(api, user, target).status_code for _ in range(3)]

    # WHEN it asks once more (another address), and another account asks for that same address
    again = _ask(api, user, unique_email("elsewhere"))
    someone_else = _ask(api, other, target)

    # THEN both are 429 with Retry-After and mail nobody: the request is no way to mail any
    # address without end (the account's name goes into the mail)
    assert asked == [202, 202, 202]
    assert (again.status_code, someone_else.status_code) == (429, 429)
    assert int(again.headers["Retry-After"]) > 0
    assert len(mails_to(target)) == 3
    assert [m["subject"] for m in mails_to(user["email"])].count("Your Podium email is being changed") == 3


@pytest.fixture(scope="module")
def hostile_user(api):
    return api.user("hostile")


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(email=st.one_of(st.text(max_size=300), st.integers(), st.none(), st.lists(st.text(max_size=3), max_size=2)))
def test_email_change_hostile_address_is_a_4xx_naming_the_field(api, hostile_user, email):
    answer = api.call("POST", "/v1/me/email", {"email": email, "current_password": "x"}, token=hostile_user["token"])

    error = answer.json_body["error"]
    # a well-formed address gets as far as the password check (counted: past 5 a minute, 429)
    assert answer.status_code in (400, 422, 429)
    if answer.status_code == 422:
        assert set(error["fields"]) & {"email", "current_password"}
