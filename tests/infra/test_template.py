from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import boto3
import pytest
from podium.localstack.aws import read_template

pytestmark = pytest.mark.integration
REPO = Path(__file__).resolve().parents[2]
TEMPLATE = REPO / "infra" / "template.yaml"


def test_template_passes_cfn_lint():
    cfn_lint = Path(sys.executable).with_name("cfn-lint")

    result = subprocess.run([str(cfn_lint), str(TEMPLATE)], capture_output=True, text=True)

    assert result.returncode == 0, result.stdout + result.stderr


def test_template_deployed_into_moto_matches_the_app_settings(aws_stack):
    from chalicelib.settings import read_settings

    current = read_settings()

    assert (aws_stack.table_name, aws_stack.uploads_bucket, aws_stack.site_bucket, aws_stack.jobs_queue_name) == (
        current.table_name,
        current.uploads_bucket,
        current.site_bucket,
        current.jobs_queue_name,
    )


def test_deployed_table_has_indexes_stream_ttl_and_recovery(aws_stack):
    ddb = boto3.client("dynamodb")

    table = ddb.describe_table(TableName=aws_stack.table_name)["Table"]
    ttl = ddb.describe_time_to_live(TableName=aws_stack.table_name)["TimeToLiveDescription"]
    backups = ddb.describe_continuous_backups(TableName=aws_stack.table_name)["ContinuousBackupsDescription"]

    assert sorted(i["IndexName"] for i in table["GlobalSecondaryIndexes"]) == ["gsi1", "gsi2", "trash"]
    assert table["StreamSpecification"] == {"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"}
    assert table["BillingModeSummary"]["BillingMode"] == "PAY_PER_REQUEST"
    assert ttl == {"TimeToLiveStatus": "ENABLED", "AttributeName": "expires_at"}
    assert backups["PointInTimeRecoveryDescription"]["PointInTimeRecoveryStatus"] == "ENABLED"


def test_deployed_queue_sends_poison_messages_to_dead_letters_after_five_receives(aws_stack):
    sqs = boto3.client("sqs")

    attributes = sqs.get_queue_attributes(QueueUrl=aws_stack.jobs_queue_url, AttributeNames=["All"])["Attributes"]
    redrive = json.loads(attributes["RedrivePolicy"])

    assert redrive["maxReceiveCount"] == 5
    assert redrive["deadLetterTargetArn"].endswith(":podium-test-jobs-dlq")


def test_queue_visibility_is_six_times_the_worker_timeout():
    config = json.loads((REPO / "backend" / ".chalice" / "config.json").read_text())
    worker_timeout = config["lambda_functions"]["run_jobs"]["lambda_timeout"]

    visibility = read_template()["Resources"]["JobsQueue"]["Properties"]["VisibilityTimeout"]

    assert visibility >= 6 * worker_timeout


def test_deployed_buckets_block_public_access_and_let_the_admin_page_post(aws_stack):
    s3 = boto3.client("s3")

    blocks = [
        s3.get_public_access_block(Bucket=b)["PublicAccessBlockConfiguration"]
        for b in (aws_stack.uploads_bucket, aws_stack.site_bucket)
    ]
    cors = s3.get_bucket_cors(Bucket=aws_stack.uploads_bucket)["CORSRules"]

    assert all(all(block.values()) and len(block) == 4 for block in blocks)
    assert cors[0]["AllowedMethods"] == ["POST"] and cors[0]["AllowedOrigins"] == ["http://127.0.0.1:8080"]


def test_deployed_uploads_bucket_expires_the_incoming_prefix_after_a_day(aws_stack):
    from chalicelib.domain.uploads import FILES_PREFIX, INCOMING_PREFIX

    rules = boto3.client("s3").get_bucket_lifecycle_configuration(Bucket=aws_stack.uploads_bucket)["Rules"]

    incoming = [r for r in rules if r["Filter"]["Prefix"] == INCOMING_PREFIX]
    assert [(r["Expiration"]["Days"], r["Status"]) for r in incoming] == [(1, "Enabled")]
    assert not FILES_PREFIX.startswith(INCOMING_PREFIX)  # accepted files never expire


def test_deployed_uploads_bucket_expires_job_result_files_after_the_retention_parameter(aws_stack):
    from chalicelib.domain.uploads import FILES_PREFIX
    from chalicelib.jobs.results import RESULTS_PREFIX

    template = read_template()
    rules = boto3.client("s3").get_bucket_lifecycle_configuration(Bucket=aws_stack.uploads_bucket)["Rules"]

    assert template["Parameters"]["JobResultRetentionDays"]["Default"] == 7
    results = [r for r in rules if r["Filter"]["Prefix"] == RESULTS_PREFIX]
    assert [(r["Expiration"]["Days"], r["Status"]) for r in results] == [(7, "Enabled")]
    assert not FILES_PREFIX.startswith(RESULTS_PREFIX)  # accepted uploads never expire


def test_deployed_uploads_bucket_expires_uploaded_imports_after_a_day(aws_stack):
    from chalicelib.domain.uploads import FILES_PREFIX, IMPORTS_PREFIX

    rules = boto3.client("s3").get_bucket_lifecycle_configuration(Bucket=aws_stack.uploads_bucket)["Rules"]

    imports = [r for r in rules if r["Filter"]["Prefix"] == IMPORTS_PREFIX]
    assert [(r["Expiration"]["Days"], r["Status"]) for r in imports] == [(1, "Enabled")]
    assert not FILES_PREFIX.startswith(IMPORTS_PREFIX)
