"""The deployable package: its dependencies, and that the zip alone can render a page."""

from __future__ import annotations

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


@pytest.mark.integration
@pytest.mark.xdist_group("package")
def test_packaged_zip_renders_a_page_in_a_clean_process(tmp_path):
    built = subprocess.run(
        [sys.executable, "-m", "podium.packaging", "--stage", "dev", "--out", str(tmp_path / "out")],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert built.returncode == 0, built.stdout + built.stderr
    unzipped = tmp_path / "lambda"
    with zipfile.ZipFile(tmp_path / "out" / "deployment.zip") as archive:
        archive.extractall(unzipped)
    boto3_home = str(Path(boto3.__file__).resolve().parents[1])
    script = (
        "import sys; sys.path[:] = [sys.argv[1], sys.argv[2]] + [p for p in sys.path if 'site-packages' not in p]\n"
        "import app\n"
        "from chalicelib.site.render import render_index\n"
        "from datetime import datetime, UTC\n"
        "files = render_index([], base_url='https://example.org/', now=datetime.now(UTC))\n"
        "assert app.__file__.startswith(sys.argv[1]), app.__file__\n"
        "print(files['index.html'].decode()[:400])\n"
    )
    env = {"PATH": "/usr/bin:/bin", "PODIUM_STAGE": "dev", "AWS_DEFAULT_REGION": "us-east-1"}
    rendered = subprocess.run(
        [sys.executable, "-I", "-c", script, str(unzipped), boto3_home],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=120,
    )

    assert rendered.returncode == 0, rendered.stderr
    assert "<title>" in rendered.stdout and "Podium" in rendered.stdout
    assert "Package:" in built.stdout and "MB" in built.stdout
