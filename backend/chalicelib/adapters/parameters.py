"""Secrets in SSM Parameter Store (moto's locally): the signing key, the first admin's password."""

from __future__ import annotations

from chalicelib.adapters.aws import client, error_code


def get_parameter(name: str) -> str | None:
    """The decrypted value of the parameter `name`; None when the stage has no such parameter."""
    ssm = client("ssm")
    try:
        return ssm.get_parameter(Name=name, WithDecryption=True)["Parameter"]["Value"]
    except ssm.exceptions.ClientError as err:
        if error_code(err) == "ParameterNotFound":
            return None
        raise
