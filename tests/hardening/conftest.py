"""One `podium dev` stack per module for the hostile-use suites (fuzzing, load, faults over HTTP)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from dev_stack import DevStack, start_dev_stack
from http_client import HttpApi


@pytest.fixture(scope="module")
def dev_stack(tmp_path_factory) -> Iterator[DevStack]:
    stack = start_dev_stack(tmp_path_factory.mktemp("hardening-stack") / "state")
    yield stack
    if stack.process.poll() is None:
        stack.stop(timeout=15)


@pytest.fixture(scope="module")
def http_api(dev_stack) -> HttpApi:
    return HttpApi(dev_stack.urls["API"])
