from __future__ import annotations

import pytest

pytestmark = pytest.mark.integration


@pytest.fixture
def fresh_key(monkeypatch):
    from chalicelib.domain.tokens import signing_key

    signing_key.cache_clear()
    yield monkeypatch
    signing_key.cache_clear()


def test_signing_key_comes_from_ssm_on_aws_stages(aws_stack, fresh_key):
    import boto3
    from chalicelib.domain.tokens import decode_access_token, issue_access_token, signing_key

    secret = "ssm-held-signing-key-0123456789abcdef"
    boto3.client("ssm", region_name="us-east-1").put_parameter(
        Name="/podium/test/jwt-secret", Value=secret, Type="SecureString", Overwrite=True
    )
    fresh_key.delenv("PODIUM_JWT_SECRET")
    fresh_key.setenv("PODIUM_JWT_SECRET_PARAMETER", "/podium/test/jwt-secret")

    token, _ = issue_access_token(user_id="u1", token_version=3)

    assert signing_key() == secret
    assert decode_access_token(token).token_version == 3


def test_a_signing_key_parameter_missing_from_ssm_means_503(aws_stack, fresh_key):
    from chalicelib.domain.tokens import signing_key
    from chalicelib.errors import ServiceUnavailable

    fresh_key.delenv("PODIUM_JWT_SECRET")
    fresh_key.setenv("PODIUM_JWT_SECRET_PARAMETER", "/podium/test/no-such-secret")

    with pytest.raises(ServiceUnavailable):
        signing_key()


def test_no_signing_key_means_503_not_a_default(fresh_key):
    from chalicelib.domain.tokens import signing_key
    from chalicelib.errors import ServiceUnavailable

    fresh_key.delenv("PODIUM_JWT_SECRET")
    fresh_key.delenv("PODIUM_JWT_SECRET_PARAMETER", raising=False)

    with pytest.raises(ServiceUnavailable):
        signing_key()


@pytest.mark.unit
def test_tokens_live_at_most_an_hour():
    import jwt
    from chalicelib.domain.tokens import issue_access_token

    token, lifetime = issue_access_token(user_id="u1", token_version=0)
    claims = jwt.decode(token, options={"verify_signature": False})

    assert lifetime <= 3600
    assert claims["exp"] - claims["iat"] <= 3600


def test_first_deploy_bootstraps_the_configured_super_admin(aws_stack, monkeypatch):
    import boto3
    from chalicelib.domain.accounts import login

    boto3.client("ssm", region_name="us-east-1").put_parameter(
        Name="/podium/test/bootstrap-admin", Value="bootstrap password 1", Type="SecureString", Overwrite=True
    )
    monkeypatch.setenv("PODIUM_BOOTSTRAP_ADMIN_EMAIL", "Boot@Example.org")
    monkeypatch.setenv("PODIUM_BOOTSTRAP_ADMIN_PASSWORD_PARAMETER", "/podium/test/bootstrap-admin")

    _, _, first = login(email="boot@example.org", password="bootstrap password 1", client_address="192.0.2.200")
    _, _, again = login(email="boot@example.org", password="bootstrap password 1", client_address="192.0.2.200")

    assert first.roles == frozenset({"admin", "super_admin"})
    assert (again.id, again.email_verified) == (first.id, True)


def test_a_bootstrap_password_parameter_missing_from_ssm_means_503(aws_stack, monkeypatch):
    from chalicelib.domain.accounts import login
    from chalicelib.errors import ServiceUnavailable

    monkeypatch.setenv("PODIUM_BOOTSTRAP_ADMIN_EMAIL", "lost-boot@example.org")
    monkeypatch.setenv("PODIUM_BOOTSTRAP_ADMIN_PASSWORD_PARAMETER", "/podium/test/no-such-password")

    with pytest.raises(ServiceUnavailable) as raised:
        login(email="lost-boot@example.org", password="any password 1", client_address="192.0.2.201")

    assert "/podium/test/no-such-password" in raised.value.message
