"""The `dev_stack_factory` fixture: `podium dev` subprocesses, killed after the test."""

from __future__ import annotations

from pathlib import Path

import pytest
from support.dev_stack import DevStack, start_dev_stack


@pytest.fixture
def dev_stack_factory(tmp_path):
    started: list[DevStack] = []

    def start(state_dir: Path | None = None, seed: str = "demo") -> DevStack:
        stack = start_dev_stack(state_dir or tmp_path / "state", seed=seed)
        started.append(stack)
        return stack

    yield start
    for stack in started:
        if stack.process.poll() is None:
            stack.process.kill()
            stack.process.wait()
