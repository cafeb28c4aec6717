"""The import-linter contracts of pyproject.toml hold, and a layering violation breaks them."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.unit

ROOT = Path(__file__).resolve().parents[1]
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"


def _lint_imports(backend: Path) -> subprocess.CompletedProcess:
    """lint-imports with the contracts of pyproject.toml over the packages in `backend`."""
    env = os.environ | {"PYTHONPATH": str(backend)}
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache", str(ROOT / "pyproject.toml")],
        cwd=backend, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip


def _copy_with(tmp_path: Path, module: str, line: str) -> Path:
    """A copy of backend/'s packages with `line` appended to `module` (a path under backend/)."""
    backend = tmp_path / "backend"
    for package in ("chalicelib", "podium"):
        shutil.copytree(ROOT / "backend" / package, backend / package, ignore=shutil.ignore_patterns("__pycache__"))
    with (backend / module).open("a") as source:
        source.write(f"\n{line}\n")
    return backend


def test_import_contracts_kept():
    result = _lint_imports(ROOT / "backend")

    assert (result.returncode, "Contracts: 3 kept, 0 broken." in result.stdout) == (0, True), result.stdout


def test_import_contracts_domain_importing_the_api_breaks_the_layers(tmp_path):
    backend = _copy_with(tmp_path, "chalicelib/domain/events.py", "from chalicelib.api import http  # noqa")

    result = _lint_imports(backend)

    assert result.returncode == 1
    assert "chalicelib.domain is not allowed to import chalicelib.api" in result.stdout


def test_import_contracts_db_importing_the_domain_breaks_the_layers(tmp_path):
    backend = _copy_with(tmp_path, "chalicelib/db/content.py", "from chalicelib.domain import events  # noqa")

    result = _lint_imports(backend)

    assert result.returncode == 1
    assert "chalicelib.db is not allowed to import chalicelib.domain" in result.stdout


def test_import_contracts_chalicelib_importing_podium_breaks_them(tmp_path):
    backend = _copy_with(tmp_path, "chalicelib/settings.py", "import podium.stages  # noqa")

    result = _lint_imports(backend)

    assert result.returncode == 1
    assert "chalicelib (deployed to Lambda) never imports podium (the CLI and local stack) BROKEN" in result.stdout


def test_import_contracts_job_registry_importing_a_job_body_breaks_the_layers(tmp_path):
    backend = _copy_with(tmp_path, "chalicelib/jobs/registry.py", "from chalicelib.job_bodies import site  # noqa")

    result = _lint_imports(backend)

    assert result.returncode == 1
    assert "chalicelib.jobs is not allowed to import chalicelib.job_bodies" in result.stdout


def test_import_contracts_schedule_writer_importing_the_site_breaks_the_layers(tmp_path):
    backend = _copy_with(tmp_path, "chalicelib/formats/frab.py", "from chalicelib.site import render  # noqa")

    result = _lint_imports(backend)

    assert result.returncode == 1
    assert "chalicelib.formats is not allowed to import chalicelib.site" in result.stdout


def test_import_contracts_request_context_importing_the_domain_breaks_the_layers(tmp_path):
    backend = _copy_with(tmp_path, "chalicelib/request_context.py", "from chalicelib.domain import events  # noqa")

    result = _lint_imports(backend)

    assert result.returncode == 1
    assert "chalicelib.jobs is not allowed to import chalicelib.domain" in result.stdout
    assert "chalicelib.request_context -> chalicelib.domain.events" in result.stdout
