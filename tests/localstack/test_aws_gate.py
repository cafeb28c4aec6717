"""The embedded AWS endpoint as a browser and an S3 POST form see it (podium.localstack.aws_gate)."""

from __future__ import annotations

import json
import os

import boto3
import pytest
import requests
from botocore.config import Config

pytestmark = pytest.mark.integration

SITE_ORIGIN = "http://127.0.0.1:8080"  # the conftest stack's site origin, allowed by the bucket's CORS rule
FOREIGN_ORIGIN = "https://evil.example"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 40


def _endpoint() -> str:
    return os.environ["AWS_ENDPOINT_URL"]


def _presigned(bucket: str, key: str = "avatar/u1/abc/photo.png", expires: int = 600, signature: str = "s3v4") -> dict:
    fields = {"Content-Type": "image/png", "Content-Disposition": 'inline; filename="photo.png"'}
    conditions = [{name: value} for name, value in fields.items()] + [["content-length-range", 1, 1000]]
    return boto3.client("s3", config=Config(signature_version=signature)).generate_presigned_post(
        bucket, key, Fields=fields, Conditions=conditions, ExpiresIn=expires
    )


def _post(presigned: dict, data: bytes = PNG, headers: dict | None = None, **changed: str) -> requests.Response:
    form = {**presigned["fields"], **changed}
    return requests.post(presigned["url"], data=form, files={"file": ("photo.png", data)}, headers=headers, timeout=10)


def _stored(bucket: str, key: str) -> bool:
    listed = boto3.client("s3").list_objects_v2(Bucket=bucket, Prefix=key)
    return any(obj["Key"] == key for obj in listed.get("Contents", []))


def test_aws_gate_refuses_a_preflight_from_a_foreign_origin(stack):
    answer = requests.options(
        f"{_endpoint()}/",
        headers={"Origin": FOREIGN_ORIGIN, "Access-Control-Request-Method": "POST",
                 "Access-Control-Request-Headers": "x-amz-target,content-type"},
        timeout=10,
    )  # fmt: skip

    assert answer.status_code == 403
    assert "Access-Control-Allow-Origin" not in answer.headers


def test_aws_gate_refuses_a_simple_cross_origin_post_to_dynamodb(stack):
    body = json.dumps({"TableName": stack.table_name, "KeyConditionExpression": "pk = :pk"})

    answer = requests.post(
        f"{_endpoint()}/",
        data=body,
        headers={"Origin": FOREIGN_ORIGIN, "Content-Type": "text/plain", "Sec-Fetch-Site": "cross-site"},
        timeout=10,
    )

    assert (answer.status_code, answer.headers.get("Access-Control-Allow-Origin")) == (403, None)
    assert b"<Code>AccessDenied</Code>" in answer.content


def test_aws_gate_refuses_the_site_origin_anything_but_an_upload_post(stack):
    answer = requests.post(
        f"{_endpoint()}/",
        data="{}",
        headers={"Origin": SITE_ORIGIN, "Content-Type": "application/x-amz-json-1.0",
                 "X-Amz-Target": "DynamoDB_20120810.ListTables"},
        timeout=10,
    )  # fmt: skip

    assert answer.status_code == 403


def test_aws_gate_refuses_a_cross_site_read_without_origin(stack):
    boto3.client("s3").put_object(Bucket=stack.uploads_bucket, Key="a/b/c/page.html", Body=b"<h1>x</h1>")

    answer = requests.get(
        f"{_endpoint()}/{stack.uploads_bucket}/a/b/c/page.html", headers={"Sec-Fetch-Site": "cross-site"}, timeout=10
    )

    assert answer.status_code == 403


def test_aws_gate_refuses_a_rebound_host_name(stack):
    answer = requests.post(
        f"{_endpoint()}/",
        data="{}",
        headers={"Host": "evil.example:4566", "X-Amz-Target": "DynamoDB_20120810.ListTables",
                 "Content-Type": "application/x-amz-json-1.0"},
        timeout=10,
    )  # fmt: skip

    assert answer.status_code == 403


def test_aws_gate_lets_sdk_clients_through(stack):
    tables = boto3.client("dynamodb").list_tables()["TableNames"]

    assert stack.table_name in tables


def test_aws_gate_lets_the_site_origin_post_an_upload(stack):
    presigned = _presigned(stack.uploads_bucket)
    preflight = requests.options(
        presigned["url"],
        headers={"Origin": SITE_ORIGIN, "Access-Control-Request-Method": "POST", "Sec-Fetch-Site": "same-site"},
        timeout=10,
    )

    posted = _post(presigned, headers={"Origin": SITE_ORIGIN, "Sec-Fetch-Site": "same-site"})

    assert (preflight.status_code, preflight.headers["Access-Control-Allow-Origin"]) == (200, SITE_ORIGIN)
    assert preflight.headers["Access-Control-Allow-Methods"] == "POST"
    assert (posted.status_code, posted.headers["Access-Control-Allow-Origin"]) == (204, SITE_ORIGIN)
    assert _stored(stack.uploads_bucket, presigned["fields"]["key"])


def test_aws_gate_refuses_an_upload_post_from_a_foreign_origin(stack):
    presigned = _presigned(stack.uploads_bucket)

    posted = _post(presigned, headers={"Origin": FOREIGN_ORIGIN})

    assert posted.status_code == 403
    assert not _stored(stack.uploads_bucket, presigned["fields"]["key"])


@pytest.mark.parametrize(
    ("changed", "data", "status", "message"),
    [
        ({"Content-Type": "text/html"}, PNG, 403, 'Policy Condition failed: ["eq", "$content-type", "image/png"]'),
        ({"key": "speaker_photo/u2/other/photo.png"}, PNG, 403, "Policy Condition failed"),
        ({}, PNG * 30, 400, "exceeds the maximum allowed size"),
        ({"x-amz-signature": "0" * 64}, PNG, 403, "signature"),
        ({"acl": "public-read"}, PNG, 403, "Extra input fields: acl"),
    ],
    ids=["content-type", "key", "size", "signature", "extra-field"],
)
def test_aws_gate_refuses_a_post_breaking_its_policy(stack, changed, data, status, message):
    presigned = _presigned(stack.uploads_bucket)

    posted = _post(presigned, data, **changed)

    assert posted.status_code == status
    assert message in posted.text
    assert posted.text.startswith('<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>')
    assert not _stored(stack.uploads_bucket, changed.get("key", presigned["fields"]["key"]))


def test_aws_gate_refuses_a_post_after_its_policy_expired(stack):
    presigned = _presigned(stack.uploads_bucket, expires=-5)

    posted = _post(presigned)

    assert (posted.status_code, "Policy expired" in posted.text) == (403, True)


def test_aws_gate_checks_an_older_v2_signature_too(stack):
    presigned = _presigned(stack.uploads_bucket, signature="s3")

    forged = _post(presigned, signature="forged")
    posted = _post(presigned)

    assert (forged.status_code, posted.status_code) == (403, 204)


@pytest.mark.parametrize(
    "twin", ["Key", "KEY", "key"], ids=["other-case", "upper-case", "same-name"]
)
def test_aws_gate_refuses_a_post_naming_a_field_twice(stack, twin):
    """moto stores under the form's first `key` field; a policy check reading another spelling
    (the last one, case-folded) let a signed POST write someone else's key."""
    presigned = _presigned(stack.uploads_bucket)
    victim = "speaker_photo/u2/other/photo.png"
    fields = [(name, value) for name, value in presigned["fields"].items() if name != "key"]
    form = [("key", victim), *fields, (twin, presigned["fields"]["key"])]

    posted = requests.post(presigned["url"], data=form, files={"file": ("photo.png", PNG)}, timeout=10)

    assert posted.status_code == 400
    assert "InvalidArgument" in posted.text
    assert not _stored(stack.uploads_bucket, victim)
    assert not _stored(stack.uploads_bucket, presigned["fields"]["key"])


def test_aws_gate_refuses_a_post_with_a_second_file_part(stack):
    """moto stores the last file part: the size range must not be checked on another one."""
    presigned = _presigned(stack.uploads_bucket)
    files = [("file", ("photo.png", PNG)), ("other", ("big.png", PNG * 30))]

    posted = requests.post(presigned["url"], data=presigned["fields"], files=files, timeout=10)

    assert posted.status_code == 400
    assert "exactly one file" in posted.text
    assert not _stored(stack.uploads_bucket, presigned["fields"]["key"])
