"""`chalice package --stage prod` (through `make package`'s module) gives a template that
cfn-lint accepts, wired to the prod stage's queue and the hand-written prod policy."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.integration
REPO = Path(__file__).resolve().parents[2]
# CI writes the real stream ARN into the stage config from the infra stack's outputs
# (python -m podium.stages); a realistic one stands in for it here.
STREAM_ARN = "arn:aws:dynamodb:us-east-1:123456789012:table/podium-prod/stream/2031-01-01T00:00:00.000"


@pytest.fixture(scope="module")
def prod_template(tmp_path_factory) -> tuple[Path, dict]:
    out = tmp_path_factory.mktemp("prod-package")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PODIUM_", "AWS_"))}
    env.update({"PYTHONPATH": str(REPO / "backend"), "PODIUM_TABLE_STREAM_ARN": STREAM_ARN})
    built = subprocess.run(
        [sys.executable, "-m", "podium.packaging", "--stage", "prod", "--out", str(out)],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert built.returncode == 0, built.stdout + built.stderr
    return out / "sam.json", json.loads((out / "sam.json").read_text())


@pytest.mark.xdist_group("package")
def test_packaged_prod_template_passes_cfn_lint(prod_template):
    path, _ = prod_template
    cfn_lint = Path(sys.executable).with_name("cfn-lint")

    result = subprocess.run([str(cfn_lint), str(path)], capture_output=True, text=True)

    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.xdist_group("package")
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
