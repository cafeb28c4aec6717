from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


@pytest.mark.integration
def test_stack_outputs_are_written_into_the_stage_config(aws_stack, tmp_path):
    from podium.stages import write_stack_outputs

    config = tmp_path / "config.json"
    shutil.copy(REPO / "backend" / ".chalice" / "config.json", config)
    before = json.loads(config.read_text())

    write_stack_outputs("prod", config, stack_name="podium-test")

    after = json.loads(config.read_text())
    variables = after["stages"]["prod"]["environment_variables"]
    assert variables["PODIUM_SITE_BUCKET"] == aws_stack.site_bucket
    assert variables["PODIUM_UPLOADS_BUCKET"] == aws_stack.uploads_bucket
    assert variables["PODIUM_TABLE_STREAM_ARN"] == aws_stack.table_stream_arn
    assert variables["PODIUM_JOBS_QUEUE_URL"] == aws_stack.jobs_queue_url
    assert (
        variables["PODIUM_SITE_BASE_URL"] == before["stages"]["prod"]["environment_variables"]["PODIUM_SITE_BASE_URL"]
    )
    assert after["stages"]["dev"] == before["stages"]["dev"]


@pytest.mark.integration
def test_stage_environment_is_completed_from_the_stack_without_overriding_the_config(aws_stack):
    from podium.stages import complete_stage_environ

    completed = complete_stage_environ("prod", {"PODIUM_TABLE_NAME": "podium-prod"}, stack_name="podium-test")

    assert completed["PODIUM_SITE_BUCKET"] == aws_stack.site_bucket
    assert completed["PODIUM_JOBS_QUEUE_URL"] == aws_stack.jobs_queue_url
    assert completed["PODIUM_TABLE_NAME"] == "podium-prod"


@pytest.mark.unit
def test_stage_target_reads_the_stage_variables_over_the_shared_ones():
    from podium.target import stage_target

    target = stage_target("staging")

    assert (target.name, target.is_protected, target.is_local) == ("staging", False, False)
    assert target.environ["PODIUM_TABLE_NAME"] == "podium-staging"
    assert target.environ["POWERTOOLS_SERVICE_NAME"] == "podium"


@pytest.mark.unit
def test_unknown_stage_is_named_with_the_known_ones():
    from podium.target import TargetError, stage_target

    with pytest.raises(TargetError, match=r"no stage 'qa'.*known: dev, prod, staging"):
        stage_target("qa")


@pytest.mark.unit
def test_a_stack_marker_left_by_a_dead_process_is_not_a_running_stack(tmp_path):
    from podium.target import TargetError, local_target

    (tmp_path / "stack.json").write_text(json.dumps({"pid": 2**22 + 7, "environ": {}}))

    with pytest.raises(TargetError, match=r"not running any more.*make run"):
        local_target(tmp_path)


@pytest.mark.integration
def test_partial_batch_step_turns_on_item_failures_for_the_deployed_worker(aws_stack):
    import io
    import zipfile

    import boto3
    from podium.stages import enable_partial_batch_responses

    lambda_ = boto3.client("lambda")
    trust = '{"Statement": [{"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}]}'
    role = boto3.client("iam").create_role(RoleName="podium-partial", AssumeRolePolicyDocument=trust)["Role"]["Arn"]
    code = io.BytesIO()
    with zipfile.ZipFile(code, "w") as archive:
        archive.writestr("app.py", "def handler(event, context):\n    return {}\n")
    lambda_.create_function(
        FunctionName="podium-partial-run_jobs",
        Runtime="python3.11",
        Role=role,
        Handler="app.handler",
        Code={"ZipFile": code.getvalue()},
    )
    # A queue of its own: moto keeps invoking a mapped function, so never map the stack's queue.
    sqs = boto3.client("sqs")
    queue_url = sqs.create_queue(QueueName="podium-partial-jobs")["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    mapping = lambda_.create_event_source_mapping(
        EventSourceArn=queue_arn, FunctionName="podium-partial-run_jobs", BatchSize=10
    )

    changed = enable_partial_batch_responses("partial")
    again = enable_partial_batch_responses("partial")

    stored = lambda_.get_event_source_mapping(UUID=mapping["UUID"])
    assert changed == again == [mapping["UUID"]]
    assert stored["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
    lambda_.delete_event_source_mapping(UUID=mapping["UUID"])
    lambda_.delete_function(FunctionName="podium-partial-run_jobs")
    boto3.client("iam").delete_role(RoleName="podium-partial")
    sqs.delete_queue(QueueUrl=queue_url)


def test_page_origins_are_the_deployed_api_and_the_uploads_bucket_post_endpoint(tmp_path, monkeypatch):
    from chalicelib.adapters.aws import reset_clients
    from podium.stages import main

    # S3 itself, not the moto stack an earlier test of this process pointed the clients at.
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    monkeypatch.delenv("AWS_ENDPOINT_URL_S3", raising=False)
    reset_clients()

    deployed = tmp_path / "deployed"
    deployed.mkdir()
    (deployed / "staging.json").write_text(json.dumps({"resources": [
        {"resource_type": "rest_api", "rest_api_url": "https://abc123.execute-api.eu-west-1.amazonaws.com/api/"},
    ]}))  # fmt: skip
    argv = ["page-origins", "--stage", "staging", "--deployed", str(deployed), "--uploads-bucket", "podium-up"]

    try:
        printed = _run(main, argv)
    finally:
        monkeypatch.undo()
        reset_clients()

    assert printed == [
        "API_ORIGIN=https://abc123.execute-api.eu-west-1.amazonaws.com",
        "UPLOADS_POST_ORIGIN=https://podium-up.s3.amazonaws.com",
    ]


def test_page_origins_without_a_deploy_record_name_the_missing_file(tmp_path):
    from podium.stages import page_origins

    with pytest.raises(RuntimeError, match=r"staging\.json: no record of `chalice deploy --stage staging`"):
        page_origins("staging", deployed_dir=tmp_path, uploads_bucket="b")


def _run(main, argv: list[str]) -> list[str]:
    import contextlib
    import io

    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert main(argv) == 0
    return out.getvalue().splitlines()
