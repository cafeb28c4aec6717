"""The registry knows the job bodies only through the package that holds them (chalicelib.job_bodies):
it never imports a body itself, and importing that package stays light until a job is looked up."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.unit

BACKEND = Path(__file__).resolve().parents[2] / "backend"
# What a body module imports (Pillow, the renderer's Markdown and sanitizer): the API's cold start
# must not pay for them.
HEAVY = ("PIL", "nh3", "markdown_it", "jinja2")
PROBE = """
import json, sys
{setup}
from chalicelib.jobs import registry
before = sorted(m for m in sys.modules if m.split(".")[0] in {heavy!r} or m.startswith("chalicelib.job_bodies."))
names = registry.registered()
after = sorted(m for m in sys.modules if m.startswith("chalicelib.job_bodies."))
print(json.dumps({{"before": before, "names": names, "after": after}}))
"""


def _probe(setup: str) -> dict[str, list[str]]:
    """In a fresh interpreter: what is loaded before the first lookup, the registered names, the bodies after."""
    code = PROBE.format(setup=setup, heavy=set(HEAVY))
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=BACKEND, env=os.environ | {"PYTHONPATH": str(BACKEND)},
        capture_output=True, text=True, timeout=60, check=True,
    )  # fmt: skip
    return json.loads(result.stdout)


def test_registry_without_the_job_bodies_package_loads_no_body():
    probe = _probe("")

    assert (probe["names"], probe["after"]) == ([], [])


def test_registry_with_the_job_bodies_package_knows_each_body_after_the_first_lookup():
    probe = _probe("import chalicelib.job_bodies")

    assert probe["before"] == []  # importing the package loads no body and nothing heavy
    assert {"noop", "send_email", "render_event", "render_site", "make_thumbnails", "import_event", "export_event",
            "fetch_remote_images", "trash_event", "trash_user", "restore_trashed"} <= set(probe["names"])  # fmt: skip
    assert {m.rsplit(".", 1)[1] for m in probe["after"]} == {
        "builtin", "exports", "imports", "outbox", "remote_images", "site", "thumbnails", "trash",
    }  # fmt: skip


def test_registry_lookup_of_an_unknown_job_without_the_bodies_says_the_package_is_not_loaded():
    code = (
        "from chalicelib.jobs import registry\n"
        "try:\n    registry.lookup('noop')\nexcept LookupError as err:\n    print(err)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=BACKEND, env=os.environ | {"PYTHONPATH": str(BACKEND)},
        capture_output=True, text=True, timeout=60, check=True,
    )  # fmt: skip

    assert "no job named 'noop'" in result.stdout
    assert "chalicelib.job_bodies" in result.stdout
