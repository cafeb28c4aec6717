"""The deployable package: its dependencies, and that the zip alone can render a page."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import boto3
import pytest

REPO = Path(__file__).resolve().parents[1]
PROVIDED_BY_LAMBDA = {"boto3"}


def _names(requirements: list[str]) -> dict[str, str]:
    parsed = {}
    for line in requirements:
        line = line.split("#", 1)[0].strip()
        if line:
            name = re.split(r"[<>=!~\[ ;]", line, maxsplit=1)[0]
            parsed[name.lower().replace("_", "-")] = line.replace(" ", "")
    return parsed


@pytest.mark.unit
def test_requirements_txt_equals_runtime_dependencies():
    declared = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["dependencies"]
    listed = (REPO / "backend" / "requirements.txt").read_text().splitlines()

    expected = {k: v for k, v in _names(declared).items() if k not in PROVIDED_BY_LAMBDA}

    assert _names(listed) == expected


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """One `python -m podium.packaging` run shared by this module's tests (packaging is slow)."""
    out = tmp_path_factory.mktemp("package") / "out"
    run = subprocess.run(
        [sys.executable, "-m", "podium.packaging", "--stage", "dev", "--out", str(out)],
        cwd=REPO,
        env={**os.environ, "PYTHONPATH": str(REPO / "backend")},  # this checkout, whatever the venv points at
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    return run, out


@pytest.mark.integration
@pytest.mark.xdist_group("package")
def test_packaged_template_reports_batch_item_failures_for_the_jobs_worker(built):
    _, out = built
    template = json.loads((out / "sam.json").read_text())

    sqs_sources = {
        name: source["Properties"]
        for name, resource in template["Resources"].items()
        for source in resource.get("Properties", {}).get("Events", {}).values()
        if source["Type"] == "SQS"
    }

    assert list(sqs_sources) == ["RunJobs"]
    assert sqs_sources["RunJobs"]["FunctionResponseTypes"] == ["ReportBatchItemFailures"]


def _run_in_package(out: Path, folder: Path, code: str, *flags: str) -> tuple[subprocess.CompletedProcess, Path]:
    """`code` in a clean interpreter whose imports come from the unzipped package (and boto3,
    which Lambda provides); returns the finished process and the unzipped folder."""
    unzipped = folder / "lambda"
    with zipfile.ZipFile(out / "deployment.zip") as archive:
        archive.extractall(unzipped)
    boto3_home = str(Path(boto3.__file__).resolve().parents[1])
    script = (
        "import sys; sys.path[:] = [sys.argv[1], sys.argv[2]] + [p for p in sys.path if 'site-packages' not in p]\n"
        + code
    )
    env = {"PATH": "/usr/bin:/bin", "PODIUM_STAGE": "dev", "AWS_DEFAULT_REGION": "us-east-1"}
    finished = subprocess.run(
        [sys.executable, "-I", *flags, "-c", script, str(unzipped), boto3_home],
        capture_output=True,
        text=True,
        env=env,
        cwd=folder,
        timeout=120,
    )
    return finished, unzipped


@pytest.mark.integration
@pytest.mark.xdist_group("package")
def test_packaged_zip_renders_a_page_in_a_clean_process(built, tmp_path):
    built, out = built

    rendered, _ = _run_in_package(
        out,
        tmp_path,
        "import app\n"
        "from chalicelib.site.render import render_index\n"
        "from datetime import datetime, UTC\n"
        "files = render_index([], base_url='https://example.org/', now=datetime.now(UTC))\n"
        "assert app.__file__.startswith(sys.argv[1]), app.__file__\n"
        "print(files['index.html'].decode()[:400])\n",
    )

    assert rendered.returncode == 0, rendered.stderr
    assert "<title>" in rendered.stdout and "Podium" in rendered.stdout
    assert "Package:" in built.stdout and "MB" in built.stdout


@pytest.mark.integration
@pytest.mark.xdist_group("package")
def test_packaged_zip_imports_the_api_without_compiling_any_module(built, tmp_path):
    """Lambda's code folder is read-only: bytecode not in the package is compiled at every cold start."""
    _, out = built

    imported, unzipped = _run_in_package(
        out,
        tmp_path,
        "from importlib.machinery import SourceFileLoader\n"
        "compiled = []\n"
        "original = SourceFileLoader.source_to_code\n"
        "def recording(self, data, path, **kwargs):\n"
        "    compiled.append(path)\n"
        "    return original(self, data, path, **kwargs)\n"
        "SourceFileLoader.source_to_code = recording\n"
        "import app\n"
        "print([p for p in compiled if p.startswith(sys.argv[1])])\n",
        "-B",  # nothing written: what is not in the package would be compiled again
    )

    assert imported.returncode == 0, imported.stderr
    assert imported.stdout.strip() == "[]"
    assert (unzipped / "chalicelib" / "__pycache__" / f"logs.{sys.implementation.cache_tag}.pyc").exists()


@pytest.mark.integration
@pytest.mark.xdist_group("package")
def test_packaged_zip_entries_are_readable_by_lambda_whatever_the_build_umask(built):
    """Lambda runs the code as another user: an entry that is not world-readable fails every import."""
    _, out = built
    with zipfile.ZipFile(out / "deployment.zip") as archive:
        entries = archive.infolist()

    unreadable = [e.filename for e in entries if not (e.external_attr >> 16) & 0o004]
    assert entries and unreadable == []
    assert {e.date_time for e in entries if e.filename.endswith(".pyc")} <= {
        e.date_time for e in entries if e.filename.endswith(".py")
    }
