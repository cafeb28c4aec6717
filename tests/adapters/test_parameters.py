"""adapters/parameters.py against moto's SSM: a stage's secrets, decrypted, or None when absent."""

from __future__ import annotations

import json
import uuid

import boto3
import pytest
from support.aws_faults import Rule

pytestmark = pytest.mark.integration


def test_get_parameter_answers_the_decrypted_value_or_none_when_absent(aws_stack):
    from chalicelib.adapters.parameters import get_parameter

    name = f"/podium/test/{uuid.uuid4().hex}"
    boto3.client("ssm", region_name="us-east-1").put_parameter(Name=name, Value="s3cret", Type="SecureString")

    assert get_parameter(name) == "s3cret"
    assert get_parameter(name + "-absent") is None


def test_ssm_failing_is_not_read_as_an_absent_parameter(faults):
    from chalicelib.adapters.aws import is_unavailable
    from chalicelib.adapters.parameters import get_parameter

    failing = (500, json.dumps({"__type": "InternalServerError", "message": "down"}))
    faults.add(Rule("ssm", "GetParameter", failing))

    with pytest.raises(Exception) as raised:
        get_parameter("/podium/test/jwt-secret")

    assert is_unavailable(raised.value)
    assert faults.injected["ssm.GetParameter"] == 5  # 1 + 4 retries
