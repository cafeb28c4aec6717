"""Custom questions and answers in Open Event exports: Podium's own file and key (namespaced
x-podium-, which Open Event readers ignore), written for the audience and read back."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import pytest
from chalicelib.formats.openevent import ANSWERS_KEY, QUESTIONS_FILE, parse_files, write_files
from hypothesis import given, settings
from hypothesis import strategies as st

pytestmark = pytest.mark.unit


class _Item(SimpleNamespace):
    """An item as the writer reads it: any field it was not given is unset (None)."""

    def __getattr__(self, name):
        return None


def _items_by_kind() -> dict[str, list[_Item]]:
    starts = datetime(2026, 3, 1, 9, tzinfo=UTC)
    answers = {"qpub": "@ada@example.social", "qorg": "I built it", "qsize": ["M"], "qok": True}
    return {
        "event": [_Item(id="ev1", name="Conf", timezone="UTC", starts_at=starts, ends_at=starts + timedelta(hours=9), state="published")],
        "track": [_Item(id="t1", name="Web")],
        "session": [_Item(id="s1", title="Talk", state="accepted", track_id="t1", speaker_ids=[], answers=answers)],
        "question": [
            _Item(id="qpub", label="Handle", question_kind="short_text", visibility="public", position=0),
            _Item(id="qorg", label="Why you?", question_kind="long_text", visibility="organizers", required=True, max_length=500, position=1),
            _Item(id="qsize", label="Sizes", question_kind="multiple_choice", choices=["S", "M"], visibility="organizers", track_ids=["t1"], position=2),
            _Item(id="qok", label="Recorded?", question_kind="yes_no", visibility="organizers", identifying=True, position=3),
        ],
    }  # fmt: skip


def test_organizers_export_carries_questions_and_every_answer():
    from chalicelib.domain.projections import ORGANIZERS_AUDIENCE

    files = write_files(_items_by_kind(), audience=ORGANIZERS_AUDIENCE)

    questions = json.loads(files[QUESTIONS_FILE])
    assert [(q["id"], q["kind"], q["visibility"]) for q in questions] == [
        ("qok", "yes_no", "organizers"), ("qorg", "long_text", "organizers"), ("qpub", "short_text", "public"),
        ("qsize", "multiple_choice", "organizers"),
    ]  # fmt: skip
    assert json.loads(files["sessions"])[0][ANSWERS_KEY] == _items_by_kind()["session"][0].answers


def test_a_public_export_carries_only_published_answers():
    from chalicelib.domain.projections import VISITORS

    files = write_files(_items_by_kind(), audience=replace(VISITORS, published_questions=frozenset({"qpub"})))
    plain = write_files(_items_by_kind(), audience=VISITORS)

    assert json.loads(files["sessions"])[0][ANSWERS_KEY] == {"qpub": "@ada@example.social"}
    assert ANSWERS_KEY not in json.loads(plain["sessions"])[0]


def test_an_event_without_questions_exports_no_questions_file():
    from chalicelib.domain.projections import ORGANIZERS_AUDIENCE

    items = _items_by_kind() | {"question": []}

    assert QUESTIONS_FILE not in write_files(items, audience=ORGANIZERS_AUDIENCE)


def test_questions_and_answers_read_back_under_the_imported_ids():
    from chalicelib.domain.projections import ORGANIZERS_AUDIENCE

    written = write_files(_items_by_kind(), audience=ORGANIZERS_AUDIENCE)

    export = parse_files({name.replace("-", "_"): data for name, data in written.items()})

    by_source = {q["source_id"]: q for q in export.questions}
    assert sorted(by_source) == ["qok", "qorg", "qpub", "qsize"]
    assert (by_source["qorg"]["required"], by_source["qorg"]["max_length"]) == (True, 500)
    assert by_source["qsize"]["track_ids"] == [export.tracks[0]["id"]]
    assert (by_source["qok"]["identifying"], by_source["qpub"]["visibility"]) == (True, "public")
    assert export.sessions[0]["answers"] == {
        by_source["qpub"]["id"]: "@ada@example.social", by_source["qorg"]["id"]: "I built it",
        by_source["qsize"]["id"]: ["M"], by_source["qok"]["id"]: True,
    }  # fmt: skip


def test_hostile_answers_in_an_export_are_repaired_or_left_out_with_a_warning():
    from chalicelib.domain.projections import ORGANIZERS_AUDIENCE

    items = _items_by_kind()
    items["session"][0].answers = {"qpub": "bell\x07", "qorg": {"deep": 1}, "nope": "x"}
    written = write_files(items, audience=ORGANIZERS_AUDIENCE)
    sessions = json.loads(written["sessions"])
    sessions[0][ANSWERS_KEY]["forged"] = "x"
    written["sessions"] = json.dumps(sessions).encode()

    export = parse_files({name.replace("-", "_"): data for name, data in written.items()})

    qpub = next(q["id"] for q in export.questions if q["source_id"] == "qpub")
    assert export.sessions[0]["answers"] == {qpub: "bell"}
    assert len([w for w in export.warnings if ANSWERS_KEY in w]) == 2


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=12,
)
question_records = st.lists(
    st.fixed_dictionaries(
        {"id": st.text(min_size=1, max_size=8) | st.integers(0, 9)},
        optional=dict.fromkeys(("name", "kind", "choices", "required", "visibility", "position", "min-length", "track-ids"), json_values)
        | {"kind": st.sampled_from(["short_text", "single_choice", "file", "nope"])},
    ),
    max_size=4,
)


@settings(max_examples=150, deadline=None)
@given(questions=question_records | json_values, answers=json_values)
def test_hostile_questions_files_and_answers_are_read_or_refused_cleanly(questions, answers):
    from chalicelib.domain.projections import ORGANIZERS_AUDIENCE
    from chalicelib.formats.openevent import ExportError

    written = write_files(_items_by_kind(), audience=ORGANIZERS_AUDIENCE)
    sessions = json.loads(written["sessions"])
    sessions[0][ANSWERS_KEY] = answers
    raw = {name.replace("-", "_"): data for name, data in written.items()}
    raw["sessions"] = json.dumps(sessions).encode()
    raw["x_podium_questions"] = json.dumps(questions).encode()

    try:
        export = parse_files(raw)
    except ExportError:
        return
    kinds = {q["id"]: q["question_kind"] for q in export.questions}
    assert set(kinds.values()) <= {"short_text", "long_text", "single_choice", "multiple_choice", "yes_no", "url", "file"}
    if not export.sessions:  # a file JSON cannot hold (a non-finite number) is left out, and said so
        assert any(r.file == "sessions" for r in export.repairs)
        return
    assert set(export.sessions[0]["answers"] or {}) <= {k for k, kind in kinds.items() if kind != "file"}
