"""Test set-up shared by every suite.

pynamodb fixes table names at import, so the environment is set here, before any
application module is imported. Every AWS call goes to a moto server on 127.0.0.1.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from support.package import Build, build_once, package_prod, run_folder
from support.stack import empty_stack

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "backend"))

TEST_STAGE = "test"
ACCOUNT = "123456789012"  # moto's fixed account id
os.environ.update(
    {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
        "PODIUM_STAGE": TEST_STAGE,
        "PODIUM_TABLE_NAME": f"podium-{TEST_STAGE}",
        "PODIUM_UPLOADS_BUCKET": f"podium-{TEST_STAGE}-uploads-{ACCOUNT}",
        "PODIUM_SITE_BUCKET": f"podium-{TEST_STAGE}-site-{ACCOUNT}",
        "PODIUM_JOBS_QUEUE_NAME": f"podium-{TEST_STAGE}-jobs",
        "PODIUM_JOBS_QUEUE_URL": f"https://sqs.us-east-1.amazonaws.com/{ACCOUNT}/podium-{TEST_STAGE}-jobs",
        "PODIUM_SITE_BASE_URL": "http://127.0.0.1:8080/",
        "PODIUM_LOG_LEVEL": "WARNING",
        "PODIUM_JOB_RETRY_BASE_SECONDS": "0",  # failed jobs come back at once; one test sets a delay
        "PODIUM_JWT_SECRET": "test-signing-key-0123456789abcdef0123456789",
        # argon2id at its cheapest: the suite hashes hundreds of passwords.
        "PODIUM_ARGON2_TIME_COST": "1",
        "PODIUM_ARGON2_MEMORY_KIB": "1024",
    }
)
for leaked in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_ENDPOINT_URL"):
    os.environ.pop(leaked, None)

# The test process enqueues like the API and the CLI do, so it hands the registry the job bodies'
# loader the same way (after the environment above: the package path starts at chalicelib).
import chalicelib.job_bodies  # noqa: E402, F401


@pytest.fixture(scope="session")
def aws_stack() -> Iterator[object]:
    """moto's server on 127.0.0.1 with infra/template.yaml deployed, for this test process."""
    from podium.localstack import aws

    server = aws.start_moto(0)
    endpoint = "http://{}:{}".format(*server.get_host_and_port())
    aws.point_boto_at(endpoint)
    os.environ["AWS_ACCESS_KEY_ID"] = os.environ["AWS_SECRET_ACCESS_KEY"] = "testing"
    outputs = aws.deploy_stack(TEST_STAGE, site_origin="http://127.0.0.1:8080")
    yield outputs
    server.stop()


FIGURE = "figure: "


@pytest.fixture
def figure(record_property):
    """`figure(name, number)`: a figure for the run's summary (e.g. fuzz cases sent); figures of the
    same name add up across tests and xdist workers."""

    def record(name: str, number: int) -> None:
        record_property(FIGURE + name, number)

    return record


def pytest_terminal_summary(terminalreporter) -> None:
    """Print the figures tests recorded (matrix cells, fuzz cases, load requests, faults injected)."""
    totals: dict[str, int] = {}
    for reports in terminalreporter.stats.values():
        for report in reports:
            if getattr(report, "when", None) != "teardown":  # holds what the call and fixtures recorded
                continue
            for name, number in getattr(report, "user_properties", ()):
                if isinstance(name, str) and name.startswith(FIGURE):
                    totals[name[len(FIGURE) :]] = totals.get(name[len(FIGURE) :], 0) + number
    if totals:
        terminalreporter.write_sep("-", "figures")
        for name, number in sorted(totals.items()):
            terminalreporter.write_line(f"{name}: {number}")


@pytest.fixture(scope="session")
def lambda_package(tmp_path_factory) -> Build:
    """The prod Lambda package (`python -m podium.packaging`), built once for the whole run
    whatever the number of xdist workers; tests read it, none changes it."""
    built = build_once(run_folder(tmp_path_factory.getbasetemp()) / "lambda-package", package_prod)
    assert built.returncode == 0, built.stdout + built.stderr
    return built


@pytest.fixture
def stack(aws_stack) -> Iterator[object]:
    """The moto stack, emptied after the test: use it for tests that write."""
    yield aws_stack
    empty_stack(aws_stack)


@pytest.fixture
def faults(monkeypatch, stack, figure):
    """AWS failures to inject (tests/support/aws_faults.py): add `Rule`s; counted in the run's figures."""
    from support.aws_faults import injected_faults

    with injected_faults(monkeypatch) as found:
        yield found
    figure("faults injected", sum(found.injected.values()))


# The Open Event samples (CI clones the repo with ../shared beside it).
OPENEVENT_SAMPLES = REPO.parent / "shared" / "data" / "openevent"


@pytest.fixture(scope="session")
def sample_2017() -> Path:
    return OPENEVENT_SAMPLES / "FOSSASIASummit2017"


@pytest.fixture(scope="session")
def sample_2018() -> Path:
    return OPENEVENT_SAMPLES / "FOSSASIASummit2018"
