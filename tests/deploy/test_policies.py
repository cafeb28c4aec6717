"""The hand-written IAM policies grant what the code calls, on the stage's resources, and little else.

The AWS actions are collected from the source: boto3 calls through `client("svc")` (directly
or through a variable), paginators, pynamodb model operations, and Chalice event sources.
Migrations are left out: an operator runs them with their own credentials, not the Lambda role.
"""

from __future__ import annotations

import ast
import json
import re
from fnmatch import fnmatchcase
from pathlib import Path

import pytest

pytestmark = pytest.mark.unit
REPO = Path(__file__).resolve().parents[2]
CHALICELIB = REPO / "backend" / "chalicelib"
CHALICE_DIR = REPO / "backend" / ".chalice"
STAGES = ("dev", "staging", "prod")
ACCOUNT, REGION = "123456789012", "us-east-1"

IAM_PREFIX = {"s3": "s3", "sqs": "sqs", "ses": "ses", "sesv2": "ses", "ssm": "ssm", "dynamodb": "dynamodb"}
# boto3 method → IAM action, where the names differ.
RENAMED = {
    ("s3", "list_objects_v2"): ["ListBucket"],
    ("s3", "list_objects"): ["ListBucket"],
    ("s3", "head_object"): ["GetObject"],
    ("s3", "delete_objects"): ["DeleteObject"],
    ("s3", "generate_presigned_post"): ["PutObject"],
    ("s3", "generate_presigned_url"): ["GetObject"],
    ("s3", "copy_object"): ["GetObject", "PutObject"],
    ("s3", "upload_fileobj"): ["PutObject"],
    ("s3", "download_fileobj"): ["GetObject"],
    ("s3", "upload_file"): ["PutObject"],
    ("s3", "download_file"): ["GetObject"],
}
NOT_CALLS = {"exceptions", "meta", "get_paginator", "can_paginate", "close"}
# pynamodb model/connection methods → DynamoDB actions.
PYNAMODB = {
    "get": "GetItem",
    "refresh": "GetItem",
    "get_item": "GetItem",
    "save": "PutItem",
    "put_item": "PutItem",
    "update": "UpdateItem",
    "update_item": "UpdateItem",
    "delete": "DeleteItem",
    "delete_item": "DeleteItem",
    "query": "Query",
    "count": "Query",
    "scan": "Scan",
    "batch_get": "BatchGetItem",
    "batch_write": "BatchWriteItem",
    "TransactWrite": "TransactWriteItems",
    "TransactGet": "TransactGetItems",
    "condition_check": "ConditionCheckItem",
    "describe_table": "DescribeTable",
}
EVENT_SOURCES = {
    "on_sqs_message": ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes"],
    "on_dynamodb_record": [
        "dynamodb:DescribeStream",
        "dynamodb:GetRecords",
        "dynamodb:GetShardIterator",
        "dynamodb:ListStreams",
    ],
}
LOGS = ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"]
# Granted ahead of the code that needs them, for work landing in parallel: transactions
# (identity, roles), purging trash, SSM secrets. Nothing here reads or changes more than
# the stage's own data.
ANTICIPATED = {
    "dynamodb:DeleteItem",
    "dynamodb:TransactWriteItems",
    "dynamodb:TransactGetItems",
    "dynamodb:ConditionCheckItem",
    "dynamodb:BatchGetItem",
    "dynamodb:BatchWriteItem",
    "dynamodb:DescribeStream",
    "dynamodb:GetRecords",
    "dynamodb:GetShardIterator",
    "dynamodb:ListStreams",
    "sqs:ChangeMessageVisibility",
    "ssm:GetParameter",
    "ssm:GetParameters",
}
# Where AWS offers no resource-level permission, or the resource is not the stage's own.
STAR_RESOURCE_OK = {"dynamodb:ListStreams"}
NEVER = re.compile(r"(Scan|Delete(Table|Bucket|Queue)|Create(Table|Bucket)|PutBucketPolicy|\*)$")


def _camel(name: str) -> str:
    return "".join(part.title() for part in name.split("_"))


def _client_service(node: ast.AST) -> str | None:
    """'s3' for `client("s3")` (or `boto3.client("s3")`)."""
    if isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant):
        func = node.func
        name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)
        if name == "client" and isinstance(node.args[0].value, str):
            return node.args[0].value
    return None


def boto3_actions(tree: ast.AST) -> set[str]:
    clients: dict[str, str] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and (service := _client_service(node.value)):
            clients.update({t.id: service for t in node.targets if isinstance(t, ast.Name)})
    found: set[str] = set()
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
            continue
        owner = node.func.value
        service = _client_service(owner) or (clients.get(owner.id) if isinstance(owner, ast.Name) else None)
        if service is None:
            continue
        method = node.func.attr
        if method == "get_paginator" and node.args and isinstance(node.args[0], ast.Constant):
            method = node.args[0].value
        elif method in NOT_CALLS:
            continue
        prefix = IAM_PREFIX[service]
        found.update(f"{prefix}:{a}" for a in RENAMED.get((service, method), [_camel(method)]))
    return found


def pynamodb_actions(tree: ast.AST, source: str) -> set[str]:
    if "pynamodb" not in source and "chalicelib.db" not in source:
        return set()
    found = set()
    for node in ast.walk(tree):
        name = None
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            name = node.func.attr
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            name = node.func.id
        if name in PYNAMODB:
            found.add(f"dynamodb:{PYNAMODB[name]}")
    return found


def event_source_actions(source: str) -> set[str]:
    return {action for decorator, actions in EVENT_SOURCES.items() if f".{decorator}(" in source for action in actions}


def used_actions() -> set[str]:
    used = set(LOGS)
    for path in CHALICELIB.rglob("*.py"):
        if "migrations" in path.relative_to(CHALICELIB).parts:
            continue
        source = path.read_text()
        tree = ast.parse(source)
        used |= boto3_actions(tree) | pynamodb_actions(tree, source) | event_source_actions(source)
    return used


def stage_resources(stage: str) -> dict[str, list[str]]:
    """Concrete ARNs of the stage's resources, by the service prefix of the actions on them."""
    p = f"podium-{stage}"
    table = f"arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/{p}"
    buckets = [f"{p}-uploads-{ACCOUNT}", f"{p}-site-{ACCOUNT}"]
    return {
        "dynamodb": [table, f"{table}/index/gsi1", f"{table}/stream/2031-01-01T00:00:00.000"],
        "s3": [f"arn:aws:s3:::{b}" for b in buckets] + [f"arn:aws:s3:::{b}/e/x/index.html" for b in buckets],
        "sqs": [f"arn:aws:sqs:{REGION}:{ACCOUNT}:{p}-jobs"],
        "ses": [f"arn:aws:ses:{REGION}:{ACCOUNT}:identity/podium.example.org"],
        "ssm": [f"arn:aws:ssm:{REGION}:{ACCOUNT}:parameter/podium/{stage}/jwt-secret"],
        "logs": [f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:/aws/lambda/{p}-run_jobs:log-stream:abc"],
    }


def load_policy(stage: str) -> list[dict]:
    statements = json.loads((CHALICE_DIR / f"policy-{stage}.json").read_text())["Statement"]
    for statement in statements:
        for key in ("Action", "Resource"):
            if isinstance(statement[key], str):
                statement[key] = [statement[key]]
    return statements


def grants(statements: list[dict], action: str, resource: str) -> bool:
    return any(
        s["Effect"] == "Allow" and action in s["Action"] and any(fnmatchcase(resource, r) for r in s["Resource"])
        for s in statements
    )


def test_the_scan_finds_the_calls_the_code_makes():
    used = used_actions()

    assert {"s3:PutObject", "s3:ListBucket", "s3:DeleteObject", "sqs:SendMessage", "ses:SendRawEmail"} <= used
    assert {"dynamodb:Query", "dynamodb:PutItem", "dynamodb:GetItem", "sqs:ReceiveMessage"} <= used
    assert "dynamodb:Scan" not in used  # no request path scans


@pytest.mark.parametrize("stage", STAGES)
def test_policy_grants_every_action_the_code_uses_on_the_stages_resources(stage):
    statements, resources = load_policy(stage), stage_resources(stage)

    missing = sorted(
        action
        for action in used_actions()
        if not any(grants(statements, action, arn) for arn in resources[action.split(":")[0]])
    )

    assert missing == []


@pytest.mark.parametrize("stage", STAGES)
def test_policy_grants_nothing_wildly_broader(stage):
    statements = load_policy(stage)
    granted = {action for s in statements for action in s["Action"]}
    others = [o for o in STAGES if o != stage]
    other_stages = [f"podium-{o}" for o in others] + [f"/podium/{o}/" for o in others]

    assert [a for a in granted if NEVER.search(a)] == []
    assert sorted(granted - used_actions() - ANTICIPATED) == []
    for statement in statements:
        for resource in statement["Resource"]:
            if resource == "*":
                assert set(statement["Action"]) <= STAR_RESOURCE_OK, statement
            else:
                assert not resource.endswith(("::*", ":*:*", "/*/*")), resource
                assert not any(other in resource for other in other_stages), resource


@pytest.mark.parametrize("stage", STAGES)
def test_each_stage_uses_its_own_policy_file_without_autogeneration(stage):
    config = json.loads((CHALICE_DIR / "config.json").read_text())

    assert config["autogen_policy"] is False
    assert config["stages"][stage]["iam_policy_file"] == f"policy-{stage}.json"
    assert config["stages"][stage]["environment_variables"]["PODIUM_STAGE"] == stage
    assert config["stages"][stage]["environment_variables"]["PODIUM_TABLE_NAME"] == f"podium-{stage}"


def test_stage_policies_differ_only_in_the_stage_name():
    def normalized(stage: str) -> str:
        return (CHALICE_DIR / f"policy-{stage}.json").read_text().replace(stage, "STAGE")

    assert normalized("dev") == normalized("staging") == normalized("prod")
