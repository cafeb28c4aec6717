"""Which event an import writes (issue #21): exports of different conferences share identifiers and
ids, so an import updates an event only when told which (`into_event_id`) or when it is the same
source event (identifier, name and start); otherwise it makes a new event with a slug of its own."""

from __future__ import annotations

import json
import uuid

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

pytestmark = pytest.mark.integration

NAMES = ("Summit", "Summit!", "Open Summit", "Summit 2")  # the first two share a slug


def _export(identifier: str, name: str, day: int, *, source_id: int = 1, session_title: str = "Keynote"):
    """A small Open Event export, as parsed; ids 1 everywhere, as old exports have them."""
    from chalicelib.formats.openevent import parse_files

    starts = f"2018-03-{10 + day:02d}T09:00:00+08:00"
    files = {
        "event": {"id": source_id, "identifier": identifier, "name": name, "timezone": "Asia/Singapore",
                  "starts_at": starts, "ends_at": f"2018-03-{10 + day:02d}T18:00:00+08:00", "state": "Published"},
        "sessions": [{"id": 1, "title": session_title, "state": "accepted", "starts_at": starts,
                      "ends_at": f"2018-03-{10 + day:02d}T10:00:00+08:00", "speakers": [{"id": 1, "name": "Ada"}]}],
        "speakers": [{"id": 1, "name": "Ada", "sessions": [{"id": 1}]}],
    }  # fmt: skip
    return parse_files({name: json.dumps(value).encode() for name, value in files.items()})


def _import(export, actor, **kwargs):
    from chalicelib.domain.imports import import_event

    return import_event(export=export, actor=actor, owner_id=actor.id, **kwargs)


def _sessions(event_id):
    from chalicelib.db import content
    from chalicelib.db.queries import event_items

    return [i for i in event_items(event_id) if isinstance(i, content.Session)]


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    conferences=st.lists(
        st.tuples(st.sampled_from(NAMES), st.integers(0, 2)), min_size=2, max_size=4, unique=True
    ),
    shared_source_id=st.sampled_from([1, 275]),
)
def test_exports_sharing_identifier_and_id_import_as_events_of_their_own(aws_stack, organizer, conferences, shared_source_id):
    from chalicelib.db.queries import events_with_slug

    identifier = uuid.uuid4().hex[:8]  # shared by every conference of this example, as real exports share them

    results = [_import(_export(identifier, n, d, source_id=shared_source_id), organizer) for n, d in conferences]
    again = _import(_export(identifier, *conferences[0], source_id=shared_source_id, session_title="Renamed"), organizer)

    assert [r.created for r in results] == [True] * len(conferences)
    assert len({r.event_id for r in results}) == len(conferences)
    assert (again.created, again.event_id, again.slug) == (False, results[0].event_id, results[0].slug)
    assert [s.title for s in _sessions(again.event_id)] == ["Renamed"]
    for result in results:  # no two events, here or from earlier tests, share a slug
        assert [e.id for e in events_with_slug(result.slug)] == [result.event_id]
    session_ids = [s.id for r in results for s in _sessions(r.event_id)]
    assert len(set(session_ids)) == len(session_ids)  # talk ids differ between conferences


def test_import_into_a_chosen_event_updates_it_and_later_imports_of_that_source_follow(aws_stack, organizer):
    identifier = uuid.uuid4().hex[:8]
    first = _import(_export(identifier, "Summit", 0), organizer)

    into = _import(_export(f"{identifier}-b", "Another name", 1, session_title="Moved in"), organizer, into_event_id=first.event_id)
    again = _import(_export(f"{identifier}-b", "Another name", 1, session_title="Moved again"), organizer)

    assert (into.created, into.event_id, again.created, again.event_id) == (False, first.event_id, False, first.event_id)
    assert [s.title for s in _sessions(first.event_id)] == ["Moved again"]


def test_import_into_an_event_that_does_not_exist_is_not_found(aws_stack, organizer):
    from chalicelib.errors import NotFound

    with pytest.raises(NotFound) as missing:
        _import(_export(uuid.uuid4().hex[:8], "Summit", 0), organizer, into_event_id="no-such-event")

    assert missing.value.fields == {"event_id": "no such event"}


def test_import_into_an_event_the_actor_does_not_organize_is_refused(aws_stack, organizer):
    from chalicelib.actors import Actor
    from chalicelib.errors import PodiumError

    first = _import(_export(uuid.uuid4().hex[:8], "Summit", 0), organizer)
    stranger = Actor(id=f"stranger-{uuid.uuid4().hex[:6]}", kind="user", name="Stranger")

    with pytest.raises(PodiumError):
        _import(_export(uuid.uuid4().hex[:8], "Other", 1), stranger, into_event_id=first.event_id)
    assert [s.title for s in _sessions(first.event_id)] == ["Keynote"]


def test_import_result_carries_the_repair_report_and_its_counts(aws_stack, organizer):
    from chalicelib.formats.openevent import parse_files

    files = {
        "event": {"id": 1, "identifier": uuid.uuid4().hex[:8], "name": "Quirky", "timezone": "US / Pacific",
                  "starts_at": "2018-03-10T09:00:00", "ends_at": "2018-03-10T18:00:00", "state": "Completed"},
        "sessions": [{"id": 1, "name": "No title", "session_type": {}, "speakers": [{"id": None}]}],
    }  # fmt: skip
    export = parse_files({name: json.dumps(value).encode() for name, value in files.items()})

    result = _import(export, organizer)

    assert result.to_json()["repairs"] == [
        {"file": "event", "record": "", "field": "timezone",
         "action": "'US / Pacific' is written 'America/Los_Angeles', its canonical tz database name"},
        {"file": "sessions", "record": "0 (id 1)", "field": "title", "action": "is missing: the session's name used"},
        {"file": "sessions", "record": "0 (id 1)", "field": "session_type", "action": "names no id: no session type"},
        {"file": "sessions", "record": "0 (id 1)", "field": "speakers", "action": "names no id: no speaker"},
    ]  # fmt: skip
    assert result.to_json()["repair_counts"] == {"event": 1, "sessions": 3, "total": 4}
    assert [s.title for s in _sessions(result.event_id)] == ["No title"]


def test_start_import_into_an_event_needs_the_right_to_edit_it(aws_stack, organizer):
    from chalicelib.actors import Actor
    from chalicelib.domain.imports import import_prefix, start_import
    from chalicelib.errors import PodiumError, ValidationFailed

    first = _import(_export(uuid.uuid4().hex[:8], "Summit", 0), organizer)
    stranger = Actor(id=f"stranger-{uuid.uuid4().hex[:6]}", kind="user", name="Stranger")

    with pytest.raises(PodiumError) as refused:
        start_import(actor=stranger, upload_key=f"{import_prefix(stranger.id)}x.zip", publish=False, into_event_id=first.event_id)
    with pytest.raises(ValidationFailed):  # the organizer passes the event check and meets the upload check
        start_import(actor=organizer, upload_key=f"{import_prefix(organizer.id)}x.zip", publish=False, into_event_id=first.event_id)

    assert not isinstance(refused.value, ValidationFailed)
