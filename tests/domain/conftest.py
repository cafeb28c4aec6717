from __future__ import annotations

import json
import shutil
import uuid
from pathlib import Path

import pytest
from support.stack import keep_sample, show_sample
from support.uploads import SeededEvent, job_runner, seed_event


@pytest.fixture
def seeded(stack) -> SeededEvent:
    return seed_event()


@pytest.fixture
def worker(aws_stack):
    return job_runner(aws_stack)


@pytest.fixture(scope="session")
def organizer():
    """One organizer for the session: the samples' events are shared by the tests of a process."""
    from chalicelib.actors import Actor

    return Actor(id="organizer-1", kind="user", name="Organizer")


@pytest.fixture
def small_export(tmp_path, sample_2018):
    """FOSSASIA 2018 cut to a few sessions and their speakers, under a new identifier (a new event)."""
    target = tmp_path / "small"
    shutil.copytree(sample_2018, target)
    sessions = json.loads((target / "sessions").read_text())[:12]
    kept = {s["id"] for s in sessions}
    speaker_ids = {p["id"] for s in sessions for p in s["speakers"]}
    speakers = [p for p in json.loads((target / "speakers").read_text()) if p["id"] in speaker_ids]
    for speaker in speakers:
        speaker["sessions"] = [s for s in speaker["sessions"] if s["id"] in kept]
    event = json.loads((target / "event").read_text())
    event["identifier"] = uuid.uuid4().hex[:8]
    # A name of its own: a copy holding the sample's slug would push the sample's own import
    # (the `imported` fixture, whenever it runs later in the process) to another slug.
    event["name"] = f"{event['name']} {event['identifier']}"
    for name, records in (("sessions", sessions), ("speakers", speakers), ("event", event)):
        (target / name).write_text(json.dumps(records))
    return target


@pytest.fixture(scope="session")
def imported(aws_stack, organizer):
    """The samples imported (published) once per test process: name → ImportResult. The system
    imports them, as `podium import --publish` does, for the organizer."""
    from chalicelib.actors import SYSTEM
    from chalicelib.domain.imports import import_event, read_source

    done = {}

    def get(path: Path):
        if path not in done:
            done[path] = import_event(export=read_source(path), actor=SYSTEM, owner_id=organizer.id, publish=True)
            keep_sample(done[path].event_id)  # shared by later tests: `stack` keeps it
        show_sample(done[path].event_id)  # published again if an earlier test's clean-up parked it
        return done[path]

    return get
