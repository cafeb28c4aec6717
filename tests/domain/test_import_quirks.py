"""Real exports' quirks, several at once, through the whole import (issue #21): the export imports,
every session it read is stored with references that resolve, and the result lists the repairs."""

from __future__ import annotations

import json
import uuid

import pytest
from hypothesis import HealthCheck, Phase, given, note, settings
from hypothesis import strategies as st
from support.openevent_quirks import QUIRKS, SAMPLES, encoded, respell, small_exports

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def samples(sample_2017):
    return small_exports(sample_2017.parent)


@settings(
    max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture], print_blob=False,
    phases=[Phase.explicit, Phase.reuse, Phase.generate],  # each example imports into moto: shrinking would take minutes
)  # fmt: skip
@given(
    data=st.data(),
    quirks=st.lists(st.sampled_from(QUIRKS), min_size=2, max_size=5, unique_by=lambda q: q.name),
    sample=st.sampled_from(SAMPLES),
    spelling=st.sampled_from("_-"),
)
def test_import_of_an_export_with_several_quirks_stores_every_record_it_read(
    aws_stack, organizer, samples, data, quirks, sample, spelling
):
    from chalicelib.db import content
    from chalicelib.db.queries import event_items
    from chalicelib.domain.imports import import_event
    from chalicelib.formats.openevent import parse_files

    # GIVEN a real export, respelled, with several quirks, as an event of its own
    files = respell(json.loads(json.dumps(samples[sample])), spelling)
    files["event"]["identifier"] = uuid.uuid4().hex[:8]
    for quirk in sorted(quirks, key=lambda q: q.file == "*"):  # a file broken last: the others edit its records
        note(f"{quirk.name}: {str(quirk.mutate(files, data))[:120]}")
    export = parse_files(encoded(files))

    # WHEN it is imported
    result = import_event(export=export, actor=organizer, owner_id=organizer.id)

    # THEN every session and speaker read is stored, and every reference names a stored record
    stored = list(event_items(result.event_id))
    by_kind = {kind: {i.id for i in stored if isinstance(i, model)} for kind, model in content.CHILD_KINDS.items()}
    sessions = [i for i in stored if isinstance(i, content.Session)]
    assert (len(sessions), len(by_kind["speaker"])) == (len(export.sessions), len(export.speakers))
    for session in sessions:
        assert session.track_id is None or session.track_id in by_kind["track"]
        assert session.room_id is None or session.room_id in by_kind["room"]
        assert session.session_type_id is None or session.session_type_id in by_kind["session_type"]
        assert set(session.speaker_ids) <= by_kind["speaker"]
        assert session.ends_at is None or session.starts_at is None or session.ends_at >= session.starts_at
    assert result.to_json()["repairs"] == [r.to_json() for r in export.repairs]
