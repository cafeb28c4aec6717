"""Custom questions (domain/questions.py): organizers keep them, proposals answer them, each
answer is checked by its kind's validator, required ones hold on submit, and deleting a question
deletes its answers."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from support.uploads import acting_as, actor

pytestmark = pytest.mark.integration

OWNER = "q-owner"


@pytest.fixture
def event(stack):
    """A draft event of its own, owned by OWNER, with two tracks and a session type."""
    from chalicelib.db import content, keys
    from support.uploads import put_role, put_user

    event_id = "q-" + uuid.uuid4().hex[:10]
    pk = keys.event_pk(event_id)
    items = [
        content.Event(
            pk, "EVENT", id=event_id, slug=event_id, name="Questions Conf", owner_id=OWNER, timezone="UTC",
            starts_at=datetime(2030, 3, 20, 9, tzinfo=UTC), ends_at=datetime(2030, 3, 21, 18, tzinfo=UTC),
        ),
        content.Track(pk, keys.child_sk("track", "t1"), id="t1", event_id=event_id, name="Web"),
        content.Track(pk, keys.child_sk("track", "t2"), id="t2", event_id=event_id, name="Data"),
        content.SessionType(pk, keys.child_sk("session_type", "talk"), id="talk", event_id=event_id, name="Talk"),
    ]  # fmt: skip
    for item in items:
        item.stamp()
        item.save()
    put_role(event_id, OWNER, "owner")
    put_user(OWNER)
    return content.Event.get(pk, "EVENT")


@pytest.fixture
def owner():
    return actor(OWNER)


def ask(event, owner, **fields):
    from chalicelib.domain.questions import create_question

    with acting_as(owner):
        return create_question(event=event, fields={"label": "Q", "kind": "short_text"} | fields, actor=owner)


def answers_of(event, owner, session, raw, **extra):
    from chalicelib.domain.questions import answered_fields

    return answered_fields(event_id=event.id, session=session, fields={"answers": raw} | extra, actor=owner)


def refusal(call) -> dict:
    from chalicelib.errors import ValidationFailed

    with pytest.raises(ValidationFailed) as refused:
        call()
    return refused.value.fields


def test_questions_list_in_creation_order_and_reorder(event, owner):
    from chalicelib.domain.questions import list_questions, reorder_questions

    first, second, third = (ask(event, owner, label=label) for label in ("One", "Two", "Three"))

    with acting_as(owner):
        reordered = reorder_questions(event=event, order=[third.id, first.id, second.id], actor=owner)

    assert [q.label for q in reordered] == ["Three", "One", "Two"]
    assert [q.label for q in list_questions(event_id=event.id)] == ["Three", "One", "Two"]


def test_reorder_refuses_an_order_missing_a_question(event, owner):
    from chalicelib.domain.questions import reorder_questions

    first = ask(event, owner)
    ask(event, owner)

    with acting_as(owner):
        fields = refusal(lambda: reorder_questions(event=event, order=[first.id], actor=owner))

    assert fields == {"order": "must name each of the event's questions once"}


@pytest.mark.parametrize(
    ("fields", "problem"),
    [
        ({"kind": "single_choice", "choices": ["only"]}, {"choices": "must offer at least two distinct choices"}),
        ({"kind": "multiple_choice", "choices": ["a", "a"]}, {"choices": "must offer at least two distinct choices"}),
        ({"kind": "yes_no", "choices": ["a", "b"]}, {"choices": "is only for single_choice and multiple_choice questions, not yes_no"}),
        ({"kind": "url", "max_length": 10}, {"max_length": "is only for text questions"}),
        ({"kind": "short_text", "min_length": 10, "max_length": 5}, {"min_length": "must not exceed max_length"}),
    ],
)  # fmt: skip
def test_question_rules_refused_by_name(event, owner, fields, problem):
    assert refusal(lambda: ask(event, owner, **fields)) == problem


def test_question_update_needs_the_current_version(event, owner):
    from chalicelib.domain.questions import update_question
    from chalicelib.errors import Conflict

    question = ask(event, owner, label="Old")

    with acting_as(owner):
        renamed = update_question(event=event, question=question, fields={"label": "New"}, version=1, actor=owner)
        with pytest.raises(Conflict):
            update_question(event=event, question=renamed, fields={"label": "Newer"}, version=1, actor=owner)

    assert (renamed.label, renamed.version) == ("New", 2)


def test_a_stranger_may_not_add_questions(event):
    from chalicelib.errors import NotFound

    stranger = actor("q-stranger")

    with pytest.raises(NotFound):  # a draft event answers outsiders as a missing one
        ask(event, stranger)


@pytest.mark.parametrize(
    ("question", "answer", "stored"),
    [
        ({"kind": "short_text"}, "Rust", "Rust"),
        ({"kind": "long_text"}, "line one\nline two", "line one\nline two"),
        ({"kind": "single_choice", "choices": ["S", "M", "L"]}, "M", "M"),
        ({"kind": "multiple_choice", "choices": ["a", "b", "c"]}, ["c", "a"], ["a", "c"]),
        ({"kind": "yes_no"}, False, False),
        ({"kind": "url"}, " https://example.org/talk ", "https://example.org/talk"),
    ],
)
def test_each_kind_keeps_a_valid_answer(event, owner, question, answer, stored):
    made = ask(event, owner, **question)

    assert answers_of(event, owner, None, {made.id: answer})["answers"] == {made.id: stored}


@pytest.mark.parametrize(
    ("question", "answer", "problem"),
    [
        ({"kind": "short_text"}, "two\nlines", "must be one line (no line breaks or tabs)"),
        ({"kind": "short_text", "max_length": 5}, "too long", "must be at most 5 characters"),
        ({"kind": "long_text", "min_length": 20}, "short", "must be at least 20 characters"),
        ({"kind": "long_text"}, "bell\x07", "must not hold control characters, lone surrogates or noncharacters"),
        ({"kind": "single_choice", "choices": ["S", "M"]}, "XL", "must be one of the choices offered"),
        ({"kind": "multiple_choice", "choices": ["a", "b"]}, ["a", "z"], "must name only choices offered, each once"),
        ({"kind": "multiple_choice", "choices": ["a", "b"]}, "a", "must be a list of the choices offered"),
        ({"kind": "yes_no"}, "yes", "must be true or false"),
        ({"kind": "url"}, "javascript:alert(1)", "must be an http(s) URL"),
        ({"kind": "url"}, "ftp://example.org/x", "must be an http(s) URL"),
        ({"kind": "file"}, "no-such-upload", "must be the id of an upload of yours that completed (kind slides)"),
        ({"kind": "file"}, {"upload_id": "x"}, "must be the id of an accepted upload"),
    ],
)
def test_each_kind_refuses_a_bad_answer_naming_it(event, owner, question, answer, problem):
    made = ask(event, owner, **question)

    assert refusal(lambda: answers_of(event, owner, None, {made.id: answer})) == {f"answers.{made.id}": problem}


def test_answers_together_stay_within_the_session_items_bound(event, owner):
    from chalicelib.db.content import Session

    first, second = (ask(event, owner, kind="long_text") for _ in range(2))
    session = Session(id="s", event_id=event.id, title="T", state="draft", answers={first.id: "x" * 190_000})

    assert refusal(lambda: answers_of(event, owner, session, {second.id: "y" * 19_000})) == {
        "answers": "must total at most 200 KB"
    }


def test_an_answer_to_no_question_of_the_event_is_refused(event, owner):
    assert refusal(lambda: answers_of(event, owner, None, {"nope": "x"})) == {
        "answers.nope": "is not a question of this event"
    }


def test_a_question_of_another_track_is_not_asked(event, owner):
    web_only = ask(event, owner, track_ids=["t1"], required=True)

    refused = refusal(lambda: answers_of(event, owner, None, {web_only.id: "x"}, track_id="t2"))
    kept = answers_of(event, owner, None, {web_only.id: "x"}, track_id="t1")

    assert refused == {f"answers.{web_only.id}": "is not asked of this proposal's track or session type"}
    assert kept["answers"] == {web_only.id: "x"}


def test_required_questions_hold_on_submit_for_the_proposals_type_only(event, owner):
    from chalicelib.domain.questions import answered_fields

    everyone = ask(event, owner, required=True, label="Everyone")
    talks_only = ask(event, owner, required=True, label="Talks", session_type_ids=["talk"])
    ask(event, owner, required=False, label="Optional")

    def submit(**fields):
        return answered_fields(event_id=event.id, session=None, fields={"state": "pending"} | fields, actor=owner)

    without_type = refusal(submit)
    as_talk = refusal(lambda: submit(session_type_id="talk", answers={everyone.id: "yes"}))
    draft = answered_fields(event_id=event.id, session=None, fields={"title": "Draft"}, actor=owner)

    assert without_type == {f"answers.{everyone.id}": "is required"}
    assert as_talk == {f"answers.{talks_only.id}": "is required"}
    assert draft == {"title": "Draft"}  # a draft is not submitted: nothing is required yet


def test_answers_merge_with_stored_ones_and_null_removes_one(event, owner):
    from chalicelib.db.content import Session

    first, second = ask(event, owner, label="A"), ask(event, owner, label="B")
    session = Session(id="s", event_id=event.id, title="T", state="draft", answers={first.id: "1", second.id: "2"})

    merged = answers_of(event, owner, session, {first.id: "one", second.id: None})

    assert merged["answers"] == {first.id: "one"}


def test_deleting_a_question_deletes_its_answers_on_every_session(event, owner):
    from chalicelib.db.content import Session
    from chalicelib.db.keys import child_key
    from chalicelib.domain.content import create_child
    from chalicelib.domain.questions import delete_question, list_questions

    kept, dropped = ask(event, owner, label="Kept"), ask(event, owner, label="Dropped")
    with acting_as(owner):
        session = create_child(
            event=event, kind="session", fields={"title": "T", "answers": {kept.id: "k", dropped.id: "d"}}, actor=owner
        )
        cleared = delete_question(event=event, question=dropped, actor=owner)

    stored = Session.get(*child_key(event.id, "session", session.id), consistent_read=True)
    assert cleared == 1
    assert stored.answers.as_dict() == {kept.id: "k"}
    assert [q.id for q in list_questions(event_id=event.id)] == [kept.id]


def test_identifying_and_published_question_ids(event, owner):
    from chalicelib.domain.questions import identifying_question_ids, published_question_ids

    employer = ask(event, owner, identifying=True)
    shown = ask(event, owner, visibility="public")
    ask(event, owner)

    assert identifying_question_ids(event_id=event.id) == frozenset({employer.id})
    assert published_question_ids(event_id=event.id) == frozenset({shown.id})


def test_a_file_answer_needs_an_accepted_upload_of_the_answering_user(event, owner):
    from chalicelib.db.keys import upload_key
    from chalicelib.db.uploads import ACCEPTED, Upload

    question = ask(event, owner, kind="file")

    def upload(upload_id, *, owner_id, state, purpose="slides"):
        record = Upload(
            *upload_key(upload_id), id=upload_id, owner_id=owner_id, purpose=purpose,
            key=f"incoming/slides/{owner_id}/abc/talk.pdf", filename="talk.pdf", content_type="application/pdf",
            declared_size=10, max_size=100, deadline=0, state=state, event_id=event.id,
        )  # fmt: skip
        record.save()
        return upload_id

    pending = upload("q-up-pending-" + event.id, owner_id=OWNER, state="pending")
    foreign = upload("q-up-foreign-" + event.id, owner_id="someone-else", state=ACCEPTED)
    logo = upload("q-up-logo-" + event.id, owner_id=OWNER, state=ACCEPTED, purpose="event_logo")
    good = upload("q-up-good-" + event.id, owner_id=OWNER, state=ACCEPTED)

    refused = [
        refusal(lambda upload_id=upload_id: answers_of(event, owner, None, {question.id: upload_id}))
        for upload_id in (pending, foreign, logo)
    ]
    kept = answers_of(event, owner, None, {question.id: good})["answers"][question.id]

    assert all(list(r) == [f"answers.{question.id}"] for r in refused)
    assert kept == {
        "upload_id": good, "filename": "talk.pdf", "content_type": "application/pdf",
        "key": f"files/slides/{OWNER}/abc/talk.pdf",
    }  # fmt: skip


# -- hostile answers ----------------------------------------------------------------------------

HOSTILE = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=True),
    st.text(alphabet=st.characters(codec="utf-8", categories=["Cc", "Cs", "Co", "Zl", "Zp", "L"]), max_size=40),
    st.text(min_size=20_001, max_size=20_050),
    st.sampled_from(["javascript:alert(1)", "data:text/html,x", "http://", "https:/x", "//evil.example", "S", "a"]),
    st.lists(st.text(max_size=5), max_size=5),
    st.dictionaries(st.text(max_size=5), st.text(max_size=5), max_size=3),
)


@pytest.fixture
def every_kind(event, owner):
    kinds = {
        "short_text": {}, "long_text": {"max_length": 50}, "single_choice": {"choices": ["S", "M"]},
        "multiple_choice": {"choices": ["a", "b"]}, "yes_no": {}, "url": {}, "file": {},
    }  # fmt: skip
    return {kind: ask(event, owner, kind=kind, **extra) for kind, extra in kinds.items()}


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(kind=st.sampled_from(["short_text", "long_text", "single_choice", "multiple_choice", "yes_no", "url", "file"]),
       raw=HOSTILE, unknown=st.text(min_size=1, max_size=100))  # fmt: skip
def test_hostile_answers_are_refused_by_name_or_kept_valid(event, owner, every_kind, kind, raw, unknown):
    from chalicelib import values
    from chalicelib.errors import ValidationFailed

    question = every_kind[kind]
    try:
        kept = answers_of(event, owner, None, {question.id: raw})["answers"]
    except ValidationFailed as refused:
        assert list(refused.fields) == [f"answers.{question.id}"]
        kept = None
    if kept:  # what is stored is valid for its kind, whatever came in
        answer = kept[question.id]
        if kind in ("short_text", "long_text"):
            assert values.text_problem(answer, multiline=kind == "long_text") is None
            assert len(answer) <= (300 if kind == "short_text" else 50)
        elif kind == "single_choice":
            assert answer in ("S", "M")
        elif kind == "multiple_choice":
            assert set(answer) <= {"a", "b"}
        elif kind == "yes_no":
            assert isinstance(answer, bool)
        elif kind == "url":
            assert values.safe_url(answer) == answer
        else:
            pytest.fail(f"a file answer was kept from {raw!r}")
    if unknown not in {q.id for q in every_kind.values()}:
        refused_unknown = refusal(lambda: answers_of(event, owner, None, {unknown: "x"}))
        assert list(refused_unknown) == [f"answers.{unknown}"[:80]]


def test_questions_and_answers_survive_an_export_and_its_import(event, owner):
    from chalicelib.actors import SYSTEM
    from chalicelib.db.content import Session
    from chalicelib.db.queries import child_models
    from chalicelib.domain.content import create_child
    from chalicelib.domain.exports import export_files
    from chalicelib.domain.imports import import_event
    from chalicelib.domain.projections import ORGANIZERS_AUDIENCE
    from chalicelib.domain.questions import list_questions
    from chalicelib.formats.openevent import parse_files

    why = ask(event, owner, label="Why you?", kind="long_text", required=True)
    size = ask(event, owner, label="Size", kind="single_choice", choices=["S", "M"], track_ids=["t1"])
    with acting_as(owner):
        create_child(
            event=event, kind="session", actor=owner,
            fields={"title": "T", "track_id": "t1", "answers": {why.id: "Because", size.id: "M"}},
        )  # fmt: skip
    files = export_files(event_id=event.id, audience=ORGANIZERS_AUDIENCE)
    export = parse_files({name.replace("-", "_"): data for name, data in files.items()})

    result = import_event(export=export, actor=SYSTEM, owner_id=OWNER)

    imported = list_questions(event_id=result.event_id)
    sessions = child_models(Session, event_id=result.event_id, kind="session", filter_expression="attribute_exists(sk)")
    by_label = {q.label: q for q in imported}
    assert [q.label for q in imported] == ["Why you?", "Size"]
    assert by_label["Size"].track_ids == [sessions[0].track_id]
    assert sessions[0].answers.as_dict() == {by_label["Why you?"].id: "Because", by_label["Size"].id: "M"}
