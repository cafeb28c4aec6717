"""`chalice package --stage prod` (through `make package`'s module) gives a template that
cfn-lint accepts, wired to the prod stage's queue and the hand-written prod policy."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

# One worker takes the package tests (`--dist loadgroup`) while the other runs the rest instead
# of waiting for the shared build's lock.
pytestmark = [pytest.mark.integration, pytest.mark.xdist_group("package")]
REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def prod_template(lambda_package) -> tuple[Path, dict]:
    path = lambda_package.out / "sam.json"
    return path, json.loads(path.read_text())


def test_packaged_prod_template_passes_cfn_lint(prod_template):
    path, _ = prod_template
    cfn_lint = Path(sys.executable).with_name("cfn-lint")

    result = subprocess.run([str(cfn_lint), str(path)], capture_output=True, text=True)

    assert result.returncode == 0, result.stdout + result.stderr


def test_packaged_prod_functions_use_the_prod_policy_and_queue(prod_template):
    _, template = prod_template
    policy = json.loads((REPO / "backend" / ".chalice" / "policy-prod.json").read_text())
    roles = {k: v for k, v in template["Resources"].items() if v["Type"] == "AWS::IAM::Role"}
    sqs_sources = [
        event["Properties"]["Queue"]
        for resource in template["Resources"].values()
        for event in resource.get("Properties", {}).get("Events", {}).values()
        if event["Type"] == "SQS"
    ]

    assert roles  # one role per function
    for role in roles.values():
        assert [p["PolicyDocument"] for p in role["Properties"]["Policies"]] == [policy]
    assert sqs_sources == [{"Fn::Sub": "arn:${AWS::Partition}:sqs:${AWS::Region}:${AWS::AccountId}:podium-prod-jobs"}]
