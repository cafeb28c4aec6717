"""The deployable package: its dependencies, its size, that the zip alone can render a page and
call AWS, and that builds run at once or after a killed one still give a whole zip."""

from __future__ import annotations

import ast
import json
import re
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import boto3
import pytest
from deploy.test_policies import CHALICELIB, _client_service
from podium import packaging
from support.package import Build, build_once

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


@pytest.fixture
def built(lambda_package):
    """The run's one package build (tests/support/package.py): its process and output folder."""
    return lambda_package, lambda_package.out


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


def _services_the_code_calls() -> set[str]:
    """Services named in `client("…")` calls under chalicelib (the scan tests/deploy/test_policies.py
    grants policies from), and DynamoDB for pynamodb; migrations run on operators' machines."""
    services = {"dynamodb"}
    for path in CHALICELIB.rglob("*.py"):
        if "migrations" not in path.relative_to(CHALICELIB).parts:
            services |= {s for node in ast.walk(ast.parse(path.read_text())) if (s := _client_service(node))}
    return services


@pytest.mark.unit
def test_botocore_services_kept_cover_every_service_the_code_calls():
    called = _services_the_code_calls()

    assert {"dynamodb", "s3", "sqs", "ssm"} <= called  # the scan finds the calls
    assert called <= packaging.BOTOCORE_SERVICES


@pytest.mark.integration
@pytest.mark.xdist_group("package")
def test_packaged_zip_is_under_its_size_limit_and_says_so(built):
    build, out = built

    size = (out / "deployment.zip").stat().st_size

    assert size <= packaging.MAX_ZIP_BYTES
    assert f"({size / 1_000_000:.1f} MB)" in build.stdout


@pytest.mark.integration
@pytest.mark.xdist_group("package")
def test_packaged_zip_keeps_botocore_data_of_exactly_the_kept_services(built):
    _, out = built
    with zipfile.ZipFile(out / "deployment.zip") as archive:
        names = archive.namelist()

    services = {n.split("/")[2] for n in names if n.startswith("botocore/data/") and n.count("/") > 2}
    models = {n.split("/")[2] for n in names if re.fullmatch(r"botocore/data/[^/]+/[^/]+/service-2\.json(\.gz)?", n)}

    assert services == models == set(packaging.BOTOCORE_SERVICES)
    assert {"botocore/data/endpoints.json", "botocore/data/partitions.json"} <= set(names)


@pytest.mark.integration
@pytest.mark.xdist_group("package")
def test_packaged_zip_makes_a_client_of_every_called_service_from_its_own_botocore_data(built, tmp_path):
    """The adapters' clients of every service the code calls, built in a clean process from the
    unzipped package: each finds its model, endpoints and paginators, all read from the zip."""
    _, out = built
    services = sorted(_services_the_code_calls())

    made, unzipped = _run_in_package(
        out,
        tmp_path,
        "import json, os, botocore.loaders\n"
        "os.environ.update(AWS_ACCESS_KEY_ID='testing', AWS_SECRET_ACCESS_KEY='testing')  # to sign a URL\n"
        "loaded = []\n"
        "original = botocore.loaders.Loader.load_data_with_path\n"
        "def recording(self, name, *args, **kwargs):\n"
        "    data, path = original(self, name, *args, **kwargs)\n"
        "    loaded.append(path)\n"
        "    return data, path\n"
        "botocore.loaders.Loader.load_data_with_path = recording\n"
        "import app\n"
        "from chalicelib.adapters.aws import client\n"
        f"for service in {services!r}:\n"
        "    client(service)\n"
        "client('s3').generate_presigned_url('get_object', Params={'Bucket': 'b', 'Key': 'k'})\n"
        "client('s3').get_paginator('list_objects_v2')\n"
        "client('dynamodb').get_paginator('query')\n"
        "print(json.dumps({'botocore': botocore.loaders.__file__, 'loaded': loaded}))\n",
    )

    assert made.returncode == 0, made.stderr
    answer = json.loads(made.stdout)
    assert answer["botocore"].startswith(str(unzipped))
    outside = [p for p in answer["loaded"] if not p.startswith(str(unzipped / "botocore" / "data"))]
    assert answer["loaded"] and outside == []


@pytest.mark.integration
@pytest.mark.xdist_group("package")
def test_packaged_zip_is_the_one_chalice_deploy_reuses_for_the_staged_sources(built):
    """CI's deploy job runs `chalice deploy` in build/package-src after the build: Chalice uploads
    its cached zip for those sources, which must be the lean, precompiled one."""
    _, out = built

    with packaging.build_lock():
        cached = packaging.chalice_cached_zip(packaging.STAGING)
        assert cached.read_bytes() == (out / "deployment.zip").read_bytes()
        assert sorted(cached.parent.iterdir()) == [cached]  # no stale caches of earlier sources


@pytest.mark.unit
def test_packaging_finishing_a_finished_zip_changes_nothing(tmp_path):
    chalice_zip = _zip(tmp_path / "deployment.zip", {"app.py": b"import json\n", "botocore/data/ec2/x.json": b"{}"})
    packaging.finish_zip(chalice_zip)
    once = {e.filename: (e.CRC, e.date_time) for e in zipfile.ZipFile(chalice_zip).infolist()}

    compiled, dropped = packaging.finish_zip(chalice_zip)

    twice = [(e.filename, (e.CRC, e.date_time)) for e in zipfile.ZipFile(chalice_zip).infolist()]
    assert (compiled, dropped) == (1, 0)
    assert dict(twice) == once and len(twice) == len(once) == 2


@pytest.mark.unit
def test_package_build_once_builds_once_for_two_processes_at_once(tmp_path):
    # GIVEN two processes asking for the same build; the first to build waits until both started
    script = (
        "import subprocess, sys, time\n"
        "from pathlib import Path\n"
        "sys.path.insert(0, sys.argv[3])\n"
        "from support.package import build_once\n"
        "folder, me = Path(sys.argv[1]), sys.argv[2]\n"
        "(folder.parent / f'started-{me}').touch()\n"
        "def build(out):\n"
        "    deadline = time.monotonic() + 60\n"
        "    while len(list(folder.parent.glob('started-*'))) < 2 and time.monotonic() < deadline:\n"
        "        time.sleep(0.01)\n"
        "    with (folder.parent / 'builds').open('a') as builds:\n"
        "        builds.write(me + '\\n')\n"
        "    return subprocess.CompletedProcess([], 0, f'built by {me}', '')\n"
        "print(build_once(folder, build).stdout)\n"
    )
    folder = tmp_path / "shared"

    # WHEN they run at once
    running = [
        subprocess.Popen(
            [sys.executable, "-c", script, str(folder), me, str(REPO / "tests")], stdout=subprocess.PIPE, text=True
        )
        for me in ("a", "b")
    ]
    said = [process.communicate(timeout=120)[0].strip() for process in running]

    # THEN one built, and both got its build
    [builder] = (tmp_path / "builds").read_text().split()
    assert said == [f"built by {builder}"] * 2
    assert [process.returncode for process in running] == [0, 0]


@pytest.mark.unit
def test_package_build_once_hands_a_failed_build_to_the_next_caller_without_building_again(tmp_path):
    calls = []

    def failing(out: Path) -> subprocess.CompletedProcess:
        calls.append(out)
        return subprocess.CompletedProcess([], 1, "", "chalice failed")

    first, second = build_once(tmp_path, failing), build_once(tmp_path, failing)

    assert (first, len(calls)) == (second, 1)
    assert isinstance(first, Build) and (first.returncode, first.stderr) == (1, "chalice failed")


def _zip(path: Path, files: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return path


@pytest.mark.unit
def test_packaging_discards_cached_zips_that_fail_their_crc_check(tmp_path):
    # GIVEN Chalice's cache with an intact zip, one with a flipped byte, one cut off, and a leftover temp zip
    content = {"botocore/__init__.py": b"x = 1\n" * 2000, "app.py": b"import botocore\n"}
    intact = _zip(tmp_path / "aaaa-python3.11.zip", content)
    corrupt = _zip(tmp_path / "bbbb-python3.11.zip", content)
    raw = bytearray(corrupt.read_bytes())
    raw[60] ^= 0xFF  # inside the first entry's compressed data
    corrupt.write_bytes(bytes(raw))
    cut_off = _zip(tmp_path / "cccc-python3.11.zip", content)
    cut_off.write_bytes(cut_off.read_bytes()[:100])
    leftover = _zip(tmp_path / "aaaa-python3.11.zip.tmp.zip", content)

    # WHEN the build looks at the cache
    removed = packaging.discard_broken_caches(tmp_path)

    # THEN only the intact zip is left for Chalice to reuse
    assert removed == sorted([corrupt, cut_off, leftover])
    assert sorted(tmp_path.iterdir()) == [intact]


@pytest.mark.unit
def test_packaging_swaps_a_finished_build_in_whole(tmp_path):
    out = tmp_path / "package"
    out.mkdir()
    (out / "deployment.zip").write_bytes(b"old")
    building = tmp_path / ".package.123.tmp"
    building.mkdir()
    (building / "deployment.zip").write_bytes(b"new")

    packaging._swap_in(building, out)

    assert sorted(p.name for p in tmp_path.iterdir()) == ["package"]
    assert (out / "deployment.zip").read_bytes() == b"new"


@pytest.mark.unit
def test_packaging_leaves_out_botocore_data_of_services_not_kept():
    names = {
        "botocore/data/ec2/2016-11-15/service-2.json.gz": True,
        "botocore/data/s3/2006-03-01/service-2.json.gz": False,
        "botocore/data/endpoints.json": False,
        "botocore/data/sdk-default-configuration.json": False,
        "botocore/client.py": False,
        "chalicelib/data/ec2/x.json": False,
    }

    assert {name: packaging.unused_botocore_data(name) for name in names} == names


@pytest.mark.unit
def test_packaging_leaves_out_dependencies_tests_and_unused_parts_never_podiums_code():
    names = {
        "icalendar/tests/test_time.py": True,
        "icalendar/tests/prop/test_dt.py": True,
        "xmlschema/testing/_builders.py": False,
        "aws_lambda_powertools/event_handler/openapi/models.py": True,
        "aws_lambda_powertools/utilities/batch/base.py": False,
        "botocore/data/ec2/2016-11-15/service-2.json.gz": True,
        "chalicelib/tests/x.py": False,
        "icalendar/cal/calendar.py": False,
        "tests.py": False,
    }

    assert {name: packaging.left_out(name) for name in names} == names


@pytest.mark.unit
def test_packaging_fails_a_package_over_its_size_limit(tmp_path, monkeypatch, capsys):
    oversized = tmp_path / "deployment.zip"
    with oversized.open("wb") as zip_file:
        zip_file.truncate(packaging.MAX_ZIP_BYTES + 1)
    monkeypatch.setattr(packaging, "package", lambda stage, out_dir: oversized)  # the size check alone

    failed = packaging.main(["--out", str(tmp_path / "out")])

    said = capsys.readouterr()
    assert failed == 1
    assert "(15.0 MB)" in said.out and "over 15 MB" in said.err


@pytest.mark.unit
def test_api_import_loads_neither_markdown_nor_powertools_until_a_text_or_a_message_needs_them():
    """bench/cold_start.py's budget: the API Lambda imports app.py, which wires the jobs worker and
    modules that clean rich text; Markdown and Powertools load only when their work comes."""
    env = {"PATH": "/usr/bin:/bin", "PODIUM_STAGE": "prod", "PODIUM_TABLE_NAME": "podium-prod",
           "PODIUM_JOBS_QUEUE_NAME": "podium-prod-jobs", "AWS_DEFAULT_REGION": "us-east-1"}  # fmt: skip
    probe = (
        "import sys, app\n"
        "loaded = lambda: sorted(m for m in ('markdown_it', 'aws_lambda_powertools') if m in sys.modules)\n"
        "print(loaded())\n"
        "from chalicelib.public.richtext import sanitize\n"
        "sanitize('*a biography*')\n"
        "print(loaded())\n"
    )

    run = subprocess.run([sys.executable, "-c", probe], cwd=REPO / "backend", env=env, capture_output=True, text=True,
                         timeout=60)  # fmt: skip

    assert run.returncode == 0, run.stderr
    assert run.stdout.split("\n")[:2] == ["[]", "['markdown_it']"]
