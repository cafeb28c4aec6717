from __future__ import annotations

import pytest
from uploads_support import SeededEvent, job_runner, seed_event


@pytest.fixture
def seeded(stack) -> SeededEvent:
    return seed_event()


@pytest.fixture
def worker(aws_stack):
    return job_runner(aws_stack)
