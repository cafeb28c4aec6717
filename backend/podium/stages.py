"""Write a stage's stack outputs (bucket names, queue URL, stream ARN) into .chalice/config.json.

The infra stack names its buckets after the AWS account, which the committed config cannot
know; CI runs `python -m podium.stages --stage NAME` after deploying the infra stack and
before `chalice deploy`, so the functions get the real names.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import boto3

from podium.target import CHALICE_CONFIG

# Stack output → the environment variable chalicelib.settings reads.
OUTPUT_VARIABLES = {
    "TableName": "PODIUM_TABLE_NAME",
    "TableStreamArn": "PODIUM_TABLE_STREAM_ARN",
    "UploadsBucketName": "PODIUM_UPLOADS_BUCKET",
    "SiteBucketName": "PODIUM_SITE_BUCKET",
    "JobsQueueName": "PODIUM_JOBS_QUEUE_NAME",
    "JobsQueueUrl": "PODIUM_JOBS_QUEUE_URL",
}


def stack_environ(stage: str, *, stack_name: str | None = None) -> dict[str, str]:
    """The app's variables from the CloudFormation stack `podium-<stage>`."""
    stack = boto3.client("cloudformation").describe_stacks(StackName=stack_name or f"podium-{stage}")["Stacks"][0]
    outputs = {o["OutputKey"]: o["OutputValue"] for o in stack.get("Outputs", [])}
    missing = sorted(set(OUTPUT_VARIABLES) - set(outputs))
    if missing:
        raise RuntimeError(f"stack podium-{stage} has no outputs {', '.join(missing)}; deploy infra/template.yaml")
    return {variable: outputs[output] for output, variable in OUTPUT_VARIABLES.items()}


def write_stack_outputs(stage: str, config_path: Path = CHALICE_CONFIG, *, stack_name: str | None = None) -> dict:
    """Merge the stack's outputs into the stage's environment_variables; returns what was written."""
    config = json.loads(config_path.read_text())
    if stage not in config.get("stages", {}):
        raise RuntimeError(f"no stage {stage!r} in {config_path}")
    found = stack_environ(stage, stack_name=stack_name)
    config["stages"][stage].setdefault("environment_variables", {}).update(found)
    config_path.write_text(json.dumps(config, indent=2) + "\n")
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m podium.stages", description=__doc__.splitlines()[0])
    parser.add_argument("--stage", required=True)
    parser.add_argument("--config", type=Path, default=CHALICE_CONFIG)
    args = parser.parse_args(argv)
    for name, value in write_stack_outputs(args.stage, args.config).items():
        print(f"{name}={value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
