from __future__ import annotations

import json

import pytest
from support.api import mailed_code, mails_to, unique_email

pytestmark = pytest.mark.integration


def test_signup_verify_login_me_shows_the_verified_account(api):
    email = unique_email("flow")
    created = api.json(
        "POST", "/v1/auth/signup", {"email": email, "password": "correct horse battery", "name": "Flo"}, expect=201
    )

    api.verify(email)
    token = api.login(email)
    me = api.json("GET", "/v1/me", token=token, expect=200)

    assert created == {"email": email, "message": created["message"]}
    assert (me["email"], me["name"], me["email_verified"]) == (email, "Flo", True)
    assert "password_hash" not in me


def test_verification_token_works_once(api):
    email = unique_email("once")
    api.signup(email)
    code = mailed_code(email, "Confirm your email")
    api.json("POST", "/v1/auth/verify", {"token": code}, expect=200)

    again = api.json("POST", "/v1/auth/verify", {"token": code}, expect=410)

    assert again["error"]["code"] == "gone"


def test_signup_answers_a_taken_email_as_a_new_one_and_mails_its_owner(api):
    account = api.signup()
    new_email = unique_email("new")

    taken = api.call(
        "POST", "/v1/auth/signup", {"email": account["email"].upper(), "password": "another password", "name": "Copy"}
    )
    new = api.call("POST", "/v1/auth/signup", {"email": new_email, "password": "another password", "name": "Copy"})

    assert (taken.status_code, new.status_code) == (201, 201)
    assert json.loads(taken.body) == {**json.loads(new.body), "email": account["email"]}
    assert sorted(m["subject"] for m in mails_to(account["email"])) == [
        "Confirm your email for Podium",
        "Someone tried to sign up to Podium with your email",
    ]
    assert api.login(account["email"], account["password"])  # the account is unchanged


def test_fourth_signup_attempt_for_one_email_within_the_window_is_429(api):
    taken = api.signup()["email"]
    fresh = unique_email("fresh")

    statuses = {
        email: [
            api.call("POST", "/v1/auth/signup", {"email": email, "password": "some password", "name": "X"}).status_code
            for _ in range(4)
        ]
        for email in (taken, fresh)
    }

    # Three attempts per email and window, the account's own sign-up among them: an email
    # answers as any other with as many attempts behind it.
    assert statuses == {taken: [201, 201, 429, 429], fresh: [201, 201, 201, 429]}


def test_wrong_password_and_unknown_email_get_the_same_401(api):
    account = api.signup()

    wrong = api.call("POST", "/v1/auth/login", {"email": account["email"], "password": "not the password"})
    unknown = api.call("POST", "/v1/auth/login", {"email": unique_email("ghost"), "password": "not the password"})

    assert (wrong.status_code, unknown.status_code) == (401, 401)
    assert wrong.body == unknown.body


def test_sixth_failed_login_within_a_minute_is_429_with_retry_after(api):
    account = api.signup()
    statuses = [
        api.call("POST", "/v1/auth/login", {"email": account["email"], "password": f"wrong {n}"}).status_code
        for n in range(5)
    ]

    sixth = api.call("POST", "/v1/auth/login", {"email": account["email"], "password": account["password"]})

    assert statuses == [401] * 5
    assert sixth.status_code == 429
    assert 0 < int(sixth.headers["Retry-After"]) <= 60


def test_failed_logins_count_zero_once_the_window_has_passed(api):
    from chalicelib.clock import Clock, FrozenClock, clock, use_clock

    account = api.signup()
    frozen = FrozenClock(clock().now())
    previous = use_clock(frozen)
    try:
        for n in range(5):
            api.call("POST", "/v1/auth/login", {"email": account["email"], "password": f"wrong {n}"})
        frozen.advance(seconds=61)  # moto never expires the counter item: the read must ignore it

        answer = api.call("POST", "/v1/auth/login", {"email": account["email"], "password": account["password"]})
    finally:
        use_clock(previous if isinstance(previous, Clock) else Clock())

    assert answer.status_code == 200


def test_password_reset_end_to_end_and_the_token_is_single_use(api):
    account = api.user("reset")
    old_token = account["token"]

    answer = api.json("POST", "/v1/auth/password-reset", {"email": account["email"]}, expect=202)
    code = mailed_code(account["email"], "Reset your Podium password")
    api.json("POST", "/v1/auth/password-reset/confirm", {"token": code, "password": "a brand new secret"}, expect=200)
    reused = api.call("POST", "/v1/auth/password-reset/confirm", {"token": code, "password": "yet another secret"})

    assert answer == api.json("POST", "/v1/auth/password-reset", {"email": unique_email("nobody")}, expect=202)
    assert reused.status_code == 410
    assert api.call("GET", "/v1/me", token=old_token).status_code == 401
    assert (
        api.call("POST", "/v1/auth/login", {"email": account["email"], "password": account["password"]}).status_code
        == 401
    )
    assert api.login(account["email"], "a brand new secret")


def test_password_change_revokes_earlier_tokens(api):
    account = api.user("change")

    fresh = api.json(
        "POST",
        "/v1/me/password",
        {"current_password": account["password"], "new_password": "changed password 1"},
        token=account["token"],
        expect=200,
    )["access_token"]

    assert api.call("GET", "/v1/me", token=account["token"]).status_code == 401
    assert api.json("GET", "/v1/me", token=fresh, expect=200)["id"] == account["id"]


def _token(claims: dict, key: str, algorithm: str = "HS256") -> str:
    import jwt

    return jwt.encode(claims, key, algorithm=algorithm)


@pytest.mark.parametrize("kind", ["forged", "expired", "alg_none", "garbage", "no_bearer"])
def test_bad_tokens_are_401(api, kind):
    import base64
    import json
    import os

    from chalicelib.clock import clock

    account = api.user("tokens")
    now = clock().epoch()
    claims = {"sub": account["id"], "ver": 0, "iat": now, "exp": now + 600, "iss": "podium"}
    secret = os.environ["PODIUM_JWT_SECRET"]
    if kind == "forged":
        header = f"Bearer {_token(claims, 'another-key-of-thirty-two-bytes-or-more!!')}"
    elif kind == "expired":
        header = f"Bearer {_token({**claims, 'iat': now - 7200, 'exp': now - 3600}, secret)}"
    elif kind == "alg_none":
        encode = lambda part: base64.urlsafe_b64encode(json.dumps(part).encode()).decode().rstrip("=")  # noqa: E731
        header = f"Bearer {encode({'alg': 'none', 'typ': 'JWT'})}.{encode(claims)}."
    elif kind == "garbage":
        header = "Bearer not.a.token"
    else:
        header = f"Token {account['token']}"

    response = api.client.http.get("/v1/me", headers={"Authorization": header})

    assert response.status_code == 401
    assert b"invalid_token" in response.body


def test_a_valid_token_from_the_right_key_is_accepted(api):
    account = api.user("valid")

    assert api.call("GET", "/v1/me", token=account["token"]).status_code == 200


@pytest.mark.parametrize("field", ["is_admin", "email_verified", "roles", "id", "email"])
def test_patch_me_refuses_privileged_fields_by_name_and_applies_nothing(api, field):
    account = api.user("patch")
    other = api.signup()
    value = {"is_admin": True, "email_verified": True, "roles": ["admin"], "id": other["id"], "email": other["email"]}[
        field
    ]

    answer = api.json("PATCH", "/v1/me", {"name": "Changed", field: value}, token=account["token"], expect=422)
    after = api.json("GET", "/v1/me", token=account["token"], expect=200)

    assert field in answer["error"]["fields"]
    assert (after["name"], after["is_admin"], after["id"]) == (account["name"], False, account["id"])


def test_patch_me_changes_the_name(api):
    account = api.user("rename")

    changed = api.json("PATCH", "/v1/me", {"name": "New Name"}, token=account["token"], expect=200)

    assert changed["name"] == "New Name"


def test_parallel_wrong_password_logins_check_at_most_the_limit_of_passwords(api, monkeypatch):
    import threading
    from concurrent.futures import ThreadPoolExecutor

    from chalicelib.domain import accounts

    # GIVEN an account and a count of the password checks made
    account = api.signup()
    checks, lock = [], threading.Lock()

    def counted(stored: str, password: str) -> bool:
        with lock:
            checks.append(password)
        return real_verify(stored, password)

    real_verify = accounts.verify_password
    monkeypatch.setattr(accounts, "verify_password", counted)

    # WHEN 40 wrong-password logins arrive at once
    def wrong_login(n: int) -> int:
        body = {"email": account["email"], "password": f"wrong {n}"}
        return api.call("POST", "/v1/auth/login", body).status_code

    with ThreadPoolExecutor(8) as pool:
        statuses = list(pool.map(wrong_login, range(40)))

    # THEN at most the limit got as far as a password check, and every other one was told to wait
    assert len(checks) <= accounts.LOGIN_LIMIT_PER_EMAIL
    assert sorted(statuses) == sorted([401] * len(checks) + [429] * (40 - len(checks)))


def test_successful_logins_give_their_count_back(api):
    account = api.signup()
    body = {"email": account["email"], "password": account["password"]}

    statuses = [api.call("POST", "/v1/auth/login", body).status_code for _ in range(8)]
    wrong = [api.call("POST", "/v1/auth/login", body | {"password": f"wrong {n}"}).status_code for n in range(6)]

    assert statuses == [200] * 8
    assert wrong == [401] * 5 + [429]
