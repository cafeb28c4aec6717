"""Deploy steps around `chalice deploy` that CI runs for a stage.

`outputs`: the infra stack names its buckets after the AWS account and its stream after its
creation time, which the committed config cannot know; this writes them into the stage's
environment_variables in .chalice/config.json before `chalice deploy`.

`partial-batch`: `chalice deploy` creates the jobs queue mapping without
ReportBatchItemFailures, so a batch with one failed job would delete every message; this
turns it on for the deployed worker.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from urllib.parse import urlsplit

import boto3
from chalicelib.adapters.files import upload_post_origin

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


def complete_stage_environ(stage: str, environ: dict[str, str], *, stack_name: str | None = None) -> dict[str, str]:
    """`environ` with the names only the stack knows (buckets, queue URL, stream) filled in."""
    if all(name in environ for name in OUTPUT_VARIABLES.values()):
        return dict(environ)
    return {**stack_environ(stage, stack_name=stack_name), **environ}


def write_stack_outputs(stage: str, config_path: Path = CHALICE_CONFIG, *, stack_name: str | None = None) -> dict:
    """Merge the stack's outputs into the stage's environment_variables; returns what was written."""
    config = json.loads(config_path.read_text())
    if stage not in config.get("stages", {}):
        raise RuntimeError(f"no stage {stage!r} in {config_path}")
    found = stack_environ(stage, stack_name=stack_name)
    config["stages"][stage].setdefault("environment_variables", {}).update(found)
    config_path.write_text(json.dumps(config, indent=2) + "\n")
    return found


def enable_partial_batch_responses(stage: str, *, function: str = "run_jobs", app: str = "podium") -> list[str]:
    """Turn on ReportBatchItemFailures for the SQS mappings of the deployed worker; returns their UUIDs."""
    lambda_ = boto3.client("lambda")
    name = f"{app}-{stage}-{function}"
    changed = []
    for mapping in lambda_.list_event_source_mappings(FunctionName=name)["EventSourceMappings"]:
        if ":sqs:" not in mapping["EventSourceArn"]:
            continue
        if "ReportBatchItemFailures" not in mapping.get("FunctionResponseTypes", []):
            lambda_.update_event_source_mapping(UUID=mapping["UUID"], FunctionResponseTypes=["ReportBatchItemFailures"])
        changed.append(mapping["UUID"])
    if not changed:
        raise RuntimeError(f"{name} has no SQS event source mapping; did `chalice deploy --stage {stage}` run?")
    return changed


def page_origins(stage: str, *, deployed_dir: Path, uploads_bucket: str) -> dict[str, str]:
    """The origins the site's pages may reach besides their own (infra/cdn.yaml's ApiOrigin and
    UploadsPostOrigin): the API Chalice deployed, and where the admin page POSTs uploads."""
    record = deployed_dir / f"{stage}.json"
    try:
        resources = json.loads(record.read_text())["resources"]
    except (OSError, ValueError, KeyError) as err:
        raise RuntimeError(f"{record}: no record of `chalice deploy --stage {stage}` ({err})") from None
    api = next((r["rest_api_url"] for r in resources if r.get("resource_type") == "rest_api"), None)
    if not api:
        raise RuntimeError(f"{record}: the deploy made no REST API")
    parts = urlsplit(api)
    return {"API_ORIGIN": f"{parts.scheme}://{parts.netloc}", "UPLOADS_POST_ORIGIN": upload_post_origin(uploads_bucket)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m podium.stages", description=__doc__.splitlines()[0])
    steps = parser.add_subparsers(dest="step", required=True)
    outputs = steps.add_parser("outputs", help="write the infra stack's outputs into the stage config")
    outputs.add_argument("--stage", required=True)
    outputs.add_argument("--config", type=Path, default=CHALICE_CONFIG)
    origins = steps.add_parser("page-origins", help="the API and upload origins the site's pages may reach")
    origins.add_argument("--stage", required=True)
    origins.add_argument("--deployed", type=Path, required=True, help="Chalice's .chalice/deployed folder")
    origins.add_argument("--uploads-bucket", required=True)
    partial = steps.add_parser("partial-batch", help="report failed jobs one by one on the deployed queue mapping")
    partial.add_argument("--stage", required=True)
    args = parser.parse_args(argv)
    if args.step == "outputs":
        for name, value in write_stack_outputs(args.stage, args.config).items():
            print(f"{name}={value}")
    elif args.step == "page-origins":
        found = page_origins(args.stage, deployed_dir=args.deployed, uploads_bucket=args.uploads_bucket)
        for name, value in found.items():
            print(f"{name}={value}")
    else:
        for uuid in enable_partial_batch_responses(args.stage):
            print(f"ReportBatchItemFailures on mapping {uuid}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
