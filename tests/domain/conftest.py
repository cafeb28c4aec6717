from __future__ import annotations

import json
import shutil
import uuid
from pathlib import Path

import pytest

SHARED = Path(__file__).resolve().parents[3] / "shared"
SAMPLE_2017 = SHARED / "data" / "openevent" / "FOSSASIASummit2017"
SAMPLE_2018 = SHARED / "data" / "openevent" / "FOSSASIASummit2018"


@pytest.fixture(scope="session")
def sample_2017() -> Path:
    return SAMPLE_2017


@pytest.fixture(scope="session")
def sample_2018() -> Path:
    return SAMPLE_2018


@pytest.fixture(scope="session")
def organizer():
    """One organizer for the session: the samples' events are shared by the tests of a process."""
    from chalicelib.domain.actors import Actor

    return Actor(id="organizer-1", kind="user", name="Organizer")


@pytest.fixture
def fresh_copy(tmp_path):
    """A copy of an export under a new identifier, so it imports as a new event."""

    def copy(source: Path) -> Path:
        target = tmp_path / source.name
        shutil.copytree(source, target)
        event = json.loads((target / "event").read_text())
        event["identifier"] = uuid.uuid4().hex[:8]
        (target / "event").write_text(json.dumps(event))
        return target

    return copy
