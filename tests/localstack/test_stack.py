from __future__ import annotations

import json
import signal
import urllib.error
import urllib.request

import boto3
import psutil
import pytest

pytestmark = pytest.mark.integration


def _get(url: str) -> tuple[int, str, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.headers.get("Content-Type", ""), response.read()
    except urllib.error.HTTPError as err:
        return err.code, err.headers.get("Content-Type", ""), err.read()


def test_dev_stack_serves_api_site_and_admin_then_stops_on_sigterm(dev_stack_factory):
    stack = dev_stack_factory()

    health = _get(stack.urls["API"] + "/v1/health")
    site = _get(stack.urls["Site"])
    admin = _get(stack.urls["Admin"])
    code, seconds = stack.stop(signal.SIGTERM)

    assert health[0] == 200 and json.loads(health[2])["status"] == "ok"
    assert site[0] == 200 and b"FOSSASIA Summit" in site[2]  # seeded from ../shared (demo.py without it)
    assert admin[0] == 200 and b"Podium admin" in admin[2]
    assert code == 0 and seconds < 5


def test_dev_stack_answers_unknown_api_paths_with_json_404(dev_stack_factory):
    stack = dev_stack_factory()

    status, content_type, body = _get(stack.urls["API"] + "/v1/no/such/thing")

    assert status == 404
    assert content_type.startswith("application/json")
    assert json.loads(body)["error"]["code"] == "not_found"


def test_dev_stack_listens_on_loopback_only(dev_stack_factory):
    stack = dev_stack_factory()

    listening = [
        c.laddr for c in psutil.Process(stack.process.pid).net_connections(kind="inet") if c.status == "LISTEN"
    ]

    assert len(listening) >= 3  # API, site, embedded AWS
    assert {address.ip for address in listening} == {"127.0.0.1"}


def test_dev_stack_keeps_data_across_restart(dev_stack_factory, tmp_path):
    state = tmp_path / "kept"
    first = dev_stack_factory(state)
    aws = _client_for(first.urls["AWS"])
    table = first.output and _table_name(aws)
    aws["dynamodb"].put_item(TableName=table, Item={"pk": {"S": "NOTE#1"}, "sk": {"S": "NOTE"}, "text": {"S": "kept"}})
    bucket = _bucket(aws, "uploads")
    aws["s3"].put_object(Bucket=bucket, Key="avatar/u1/a.png", Body=b"\x89PNG-bytes", ContentType="image/png")
    code, _ = first.stop()

    second = dev_stack_factory(state)
    aws = _client_for(second.urls["AWS"])
    item = aws["dynamodb"].get_item(TableName=table, Key={"pk": {"S": "NOTE#1"}, "sk": {"S": "NOTE"}}).get("Item")
    stored = aws["s3"].get_object(Bucket=bucket, Key="avatar/u1/a.png")

    assert code == 0
    assert item["text"] == {"S": "kept"}
    assert stored["Body"].read() == b"\x89PNG-bytes" and stored["ContentType"] == "image/png"


def _client_for(endpoint: str) -> dict:
    kwargs = {
        "endpoint_url": endpoint,
        "region_name": "us-east-1",
        "aws_access_key_id": "local",
        "aws_secret_access_key": "local",
    }
    return {name: boto3.client(name, **kwargs) for name in ("dynamodb", "s3")}


def _table_name(aws: dict) -> str:
    return aws["dynamodb"].list_tables()["TableNames"][0]


def _bucket(aws: dict, kind: str) -> str:
    return next(b["Name"] for b in aws["s3"].list_buckets()["Buckets"] if f"-{kind}-" in b["Name"])
