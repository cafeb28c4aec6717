"""One `podium dev` stack shared by the hostile-use suites over HTTP (fuzzing, load). Their modules
carry `xdist_group("hardening-stack")`, so under `pytest -n 2 --dist loadgroup` one worker runs
them all on one stack."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from support.dev_stack import DevStack, start_dev_stack
from support.http_client import HttpApi


@pytest.fixture(scope="session")
def dev_stack(tmp_path_factory) -> Iterator[DevStack]:
    stack = start_dev_stack(tmp_path_factory.mktemp("hardening-stack") / "state")
    yield stack
    if stack.process.poll() is None:
        stack.stop(timeout=15)


@pytest.fixture(scope="session")
def http_api(dev_stack) -> HttpApi:
    return HttpApi(dev_stack.urls["API"])
