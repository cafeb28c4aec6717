"""SECURITY.md names the test covering each threat: every name must be a test that exists."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]

pytestmark = pytest.mark.unit


def test_security_doc_cites_only_tests_that_exist():
    cited = set(re.findall(r"`(tests/[\w/]+\.py)::(\w+)`", (REPO / "SECURITY.md").read_text()))

    missing = [
        f"{path}::{name}"
        for path, name in sorted(cited)
        if not (REPO / path).is_file() or not re.search(rf"^def {name}\(", (REPO / path).read_text(), re.M)
    ]

    assert len(cited) > 50 and missing == []
