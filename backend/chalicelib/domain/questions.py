"""Custom questions of an event's call for papers, and the answers proposals give them.

Organizers keep an ordered list of questions per event, each optionally limited to session
types or tracks. A proposal (a session) stores its answers by question id; every write of a
session's answers goes through `answered_fields`, which validates each answer with its kind's
one validator (422 naming `answers.<question id>`) and enforces required questions when a
proposal is submitted (enters `pending`). Who sees an answer is domain/projections.py's:
organizer-only answers reach the organizers and the proposal's own speakers; published ones
reach everybody who sees the session.

Edits to a question keep the answers already given (a speaker's earlier choice stays what it was
until they send the answer again, when the new rules apply); a question's kind never changes.
Deleting a question deletes its answers from every session of the event.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any

from pynamodb.exceptions import PutError, UpdateError

from chalicelib import values
from chalicelib.actors import Actor
from chalicelib.clock import clock
from chalicelib.db import content
from chalicelib.db.base import Item, is_condition_failure, new_id
from chalicelib.db.keys import child_key, event_pk
from chalicelib.db.live import live_item
from chalicelib.db.pagination import Page, decode_cursor, encode_cursor, key_of
from chalicelib.db.queries import child_models
from chalicelib.domain.permissions import authorize
from chalicelib.domain.tokens import signing_key
from chalicelib.domain.uploads import accepted_file
from chalicelib.errors import Conflict, ValidationFailed

QUESTION_KINDS = ("short_text", "long_text", "single_choice", "multiple_choice", "yes_no", "url", "file")
VISIBILITIES = ("organizers", "public")
MAX_QUESTIONS = 100  # per event: the proposal form and every answers map stay small
MAX_CHOICES = 50
SHORT_TEXT_MAX, LONG_TEXT_MAX = 300, 20_000
# Upload kinds a file answer may name (domain/file_checks.py): documents, as slides are.
FILE_UPLOAD_KINDS = ("slides",)
SUBMITTED = "pending"  # the state a proposal enters when its speaker submits it
# A session item must stay under DynamoDB's 400 KB with its other fields: answers together at most this (as JSON).
MAX_ANSWERS_BYTES = 200_000
_NOT_TRASHED = "attribute_not_exists(trashed_at)"


# -- questions --------------------------------------------------------------------------------


def list_questions(*, event_id: str) -> list[content.Question]:
    """The event's questions in their order (one Query on the event's partition)."""
    found = child_models(content.Question, event_id=event_id, kind="question", filter_expression=_NOT_TRASHED)
    return sorted(found, key=lambda q: (q.position, q.created_at or clock().now(), q.id))


def question_page(*, event_id: str, limit: int, cursor: str | None) -> Page:
    """Up to `limit` of the event's questions in their order, after `cursor` (the signed key of
    the last one of the page before, as every list's cursor). The order is the questions' own,
    not the table's, and an event has at most MAX_QUESTIONS: the list is read whole and cut."""
    ordered = list_questions(event_id=event_id)
    after = decode_cursor(cursor, partition=event_pk(event_id), secret=signing_key())
    keys = [key_of(q) for q in ordered]
    start = keys.index(after) + 1 if after in keys else 0  # a question deleted meanwhile: from the top
    page = ordered[start : start + limit]
    more = start + limit < len(ordered)
    return Page(page, encode_cursor(key_of(page[-1]), secret=signing_key()) if more and page else None)


def get_question(*, event_id: str, question_id: str) -> content.Question:
    return live_item(
        content.Question, *child_key(event_id, "question", question_id), missing="No such question.", prefetched=True
    )


def create_question(*, event: content.Event, fields: dict[str, Any], actor: Actor) -> content.Question:
    """A new question at the end of the event's list (422 when the event has MAX_QUESTIONS)."""
    authorize(actor, "question.create", event_id=event.id)
    existing = list_questions(event_id=event.id)
    if len(existing) >= MAX_QUESTIONS:
        raise ValidationFailed(
            f"An event has at most {MAX_QUESTIONS} questions.", fields={"questions": f"at most {MAX_QUESTIONS}"}
        )
    values_ = _stored_fields(fields)
    _check_rules(kind=values_["question_kind"], values_=values_)
    question_id = new_id()
    position = max((q.position for q in existing), default=-1) + 1
    question = content.Question(
        *child_key(event.id, "question", question_id), id=question_id, event_id=event.id, position=position, **values_
    )
    question.stamp()
    question.save(condition=Item.pk.does_not_exist())
    return question


def update_question(
    *, event: content.Event, question: content.Question, fields: dict[str, Any], version: int | None, actor: Actor
) -> content.Question:
    """Apply `fields` if `version` is the stored one (409 otherwise). The kind never changes."""
    authorize(actor, "question.update", event_id=event.id, resource=question)
    if version is None:
        raise ValidationFailed(
            "Send the version you last read (If-Match header or `version` field).",
            fields={"version": "is required for updates"},
        )
    if version != question.version:
        raise Conflict(f"This question changed meanwhile (now version {question.version}).", current_version=question.version)
    values_ = _stored_fields(fields)
    merged = {name: getattr(question, name) for name in _RULE_FIELDS} | values_
    _check_rules(kind=question.question_kind, values_=merged)
    for name, value in values_.items():
        setattr(question, name, value)
    question.stamp()
    try:
        question.save()
    except PutError as err:  # the version condition pynamodb adds
        if is_condition_failure(err):
            raise Conflict("This question changed meanwhile; reload it.") from err
        raise
    return question


def reorder_questions(*, event: content.Event, order: list[str], actor: Actor) -> list[content.Question]:
    """Put the questions in `order`, which must name each of the event's questions once."""
    authorize(actor, "question.update", event_id=event.id)
    questions = {q.id: q for q in list_questions(event_id=event.id)}
    if sorted(order) != sorted(questions):
        raise ValidationFailed(
            "Send every question id of the event once, in the new order.",
            fields={"order": "must name each of the event's questions once"},
        )
    for position, question_id in enumerate(order):
        question = questions[question_id]
        if question.position != position:
            question.update(actions=[content.Question.position.set(position), Item.updated_at.set(clock().now())])
    return list_questions(event_id=event.id)


def delete_question(*, event: content.Event, question: content.Question, actor: Actor) -> int:
    """Delete the question and its answers on every session of the event; returns how many
    sessions lost an answer."""
    authorize(actor, "question.delete", event_id=event.id, resource=question)
    sessions = child_models(content.Session, event_id=event.id, kind="session", filter_expression=_NOT_TRASHED)
    cleared = 0
    for session in sessions:
        if question.id not in _stored_answers(session):
            continue
        try:
            session.update(
                actions=[content.Session.answers[question.id].remove(), Item.updated_at.set(clock().now())],
                condition=content.Session.answers[question.id].exists(),
            )
            cleared += 1
        except UpdateError as err:  # answered and cleared by someone else meanwhile: nothing left to do
            if not is_condition_failure(err):
                raise
    question.delete()
    return cleared


def identifying_question_ids(*, event_id: str) -> frozenset[str]:
    """Ids of the questions whose answers reveal the speaker: anonymised review hides them."""
    return frozenset(q.id for q in list_questions(event_id=event_id) if q.identifying)


def reviewable_question_ids(*, event_id: str, anonymised: bool) -> frozenset[str]:
    """Ids of the questions whose answers reviewers read: all of them, or under anonymised review
    those not marked identifying."""
    return frozenset(q.id for q in list_questions(event_id=event_id) if not (anonymised and q.identifying))


def published_question_ids(*, event_id: str) -> frozenset[str]:
    """Ids of the questions whose answers are published with the session."""
    return frozenset(q.id for q in list_questions(event_id=event_id) if q.visibility == "public")


_RULE_FIELDS = ("question_kind", "choices", "min_length", "max_length", "required")


def _stored_fields(fields: dict[str, Any]) -> dict[str, Any]:
    """Payload names in model form (`kind` is stored as question_kind; `kind` is the item's kind)."""
    renamed = {"kind": "question_kind"}
    return {renamed.get(k, k): v for k, v in fields.items() if k != "version"}


def _check_rules(*, kind: str, values_: Mapping[str, Any]) -> None:
    """A question's own consistency: choice kinds offer distinct choices, lengths only on text."""
    choices = values_.get("choices") or []
    problems: dict[str, str] = {}
    if kind in ("single_choice", "multiple_choice"):
        if len(choices) < 2 or len(set(choices)) != len(choices):
            problems["choices"] = "must offer at least two distinct choices"
    elif choices:
        problems["choices"] = f"is only for single_choice and multiple_choice questions, not {kind}"
    low, high = values_.get("min_length"), values_.get("max_length")
    if (low is not None or high is not None) and kind not in ("short_text", "long_text"):
        problems["max_length" if high is not None else "min_length"] = "is only for text questions"
    elif low is not None and high is not None and low > high:
        problems["min_length"] = "must not exceed max_length"
    if problems:
        raise ValidationFailed(next(f"{k} {v}." for k, v in problems.items()), fields=problems)


# -- answers ----------------------------------------------------------------------------------


def applies_to(question: content.Question, *, track_id: str | None, session_type_id: str | None) -> bool:
    """Whether `question` is asked of a proposal in this track and of this type."""
    if question.track_ids and track_id not in question.track_ids:
        return False
    return not (question.session_type_ids and session_type_id not in question.session_type_ids)


def answered_fields(
    *, event_id: str, session: content.Session | None, fields: dict[str, Any], actor: Actor
) -> dict[str, Any]:
    """`fields` of a session write (`session` None: a new one) with its `answers` validated and
    merged into the stored ones (null removes an answer). 422 naming `answers.<id>` for an answer
    to no question of the event, to a question not asked of this track or type, or one its kind's
    validator refuses; and for each unanswered required question when the write submits the
    proposal (it enters `pending`). Other fields are returned as they came."""
    state_before = getattr(session, "state", None)
    state_after = fields.get("state", state_before if session is not None else "draft")
    submitting = state_after == SUBMITTED and state_before != SUBMITTED
    if "answers" not in fields and not submitting:
        return fields
    questions = {q.id: q for q in list_questions(event_id=event_id)}
    track_id = fields.get("track_id", getattr(session, "track_id", None))
    type_id = fields.get("session_type_id", getattr(session, "session_type_id", None))
    asked = {k: q for k, q in questions.items() if applies_to(q, track_id=track_id, session_type_id=type_id)}
    sent = fields.get("answers") or {}
    stored = _stored_answers(session)
    merged, problems = _merged_answers(questions, asked, stored, sent, actor=actor)
    # Submitting needs every required question answered; a submitted proposal keeps them answered.
    for question in asked.values():
        name = f"answers.{question.id}"
        if question.required and question.id not in merged and name not in problems:
            if submitting or (state_after == SUBMITTED and question.id in sent):
                problems[name] = "is required"
    if not problems and len(json.dumps(merged).encode()) > MAX_ANSWERS_BYTES:
        problems["answers"] = f"must total at most {MAX_ANSWERS_BYTES // 1000} KB"
    if problems:
        raise ValidationFailed(_summary(problems, questions), fields=problems)
    return fields | {"answers": merged}


def _summary(problems: dict[str, str], questions: dict[str, content.Question]) -> str:
    """The 422's message: the first problem, under its question's label when there is one."""
    name, problem = next(iter(problems.items()))
    question = questions.get(name.removeprefix("answers."))
    more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
    return f"“{question.label}” ({name}) {problem}{more}." if question else f"{name} {problem}{more}."


def _merged_answers(
    questions: dict[str, content.Question],
    asked: dict[str, content.Question],
    stored: dict[str, Any],
    sent: dict[str, Any],
    *,
    actor: Actor,
) -> tuple[dict[str, Any], dict[str, str]]:
    """The stored answers (of questions that still exist) with `sent` applied, and the problems."""
    merged = {k: v for k, v in stored.items() if k in questions}
    problems: dict[str, str] = {}
    for question_id, raw in sent.items():
        name = f"answers.{question_id}"[:80]
        if question_id not in questions:
            problems[name] = "is not a question of this event"
        elif question_id not in asked:
            problems[name] = "is not asked of this proposal's track or session type"
        elif raw is None or raw in ("", []):
            merged.pop(question_id, None)
        else:
            cleaned, problem = check_answer(questions[question_id], raw, actor=actor, stored=stored.get(question_id))
            if problem:
                problems[name] = problem
            else:
                merged[question_id] = cleaned
    return merged, problems


def check_answer(question: content.Question, raw: Any, *, actor: Actor, stored: Any = None) -> tuple[Any, str | None]:
    """The cleaned answer and None, or the value and why the question's kind refuses it."""
    return _VALIDATORS[question.question_kind](question, raw, actor, stored)


def _text(question: content.Question, raw: Any, *, multiline: bool) -> tuple[Any, str | None]:
    if not isinstance(raw, str):
        return raw, "must be a string"
    ceiling = LONG_TEXT_MAX if multiline else SHORT_TEXT_MAX
    high = min(int(question.max_length or ceiling), ceiling)
    low = int(question.min_length or 0)
    if len(raw) > high:
        return raw, f"must be at most {high} characters"
    if len(raw.strip()) < low:
        return raw, f"must be at least {low} characters"
    return raw, values.text_problem(raw, multiline=multiline)


def _short_text(question: content.Question, raw: Any, actor: Actor, stored: Any) -> tuple[Any, str | None]:
    return _text(question, raw, multiline=False)


def _long_text(question: content.Question, raw: Any, actor: Actor, stored: Any) -> tuple[Any, str | None]:
    return _text(question, raw, multiline=True)


def _single_choice(question: content.Question, raw: Any, actor: Actor, stored: Any) -> tuple[Any, str | None]:
    if not isinstance(raw, str) or raw not in (question.choices or []):
        return raw, "must be one of the choices offered"
    return raw, None


def _multiple_choice(question: content.Question, raw: Any, actor: Actor, stored: Any) -> tuple[Any, str | None]:
    offered = question.choices or []
    if not isinstance(raw, list) or len(raw) > len(offered) or not all(isinstance(c, str) for c in raw):
        return raw, "must be a list of the choices offered"
    if any(c not in offered for c in raw) or len(set(raw)) != len(raw):
        return raw, "must name only choices offered, each once"
    return [c for c in offered if c in raw], None  # in the question's order


def _yes_no(question: content.Question, raw: Any, actor: Actor, stored: Any) -> tuple[Any, str | None]:
    return raw, None if isinstance(raw, bool) else "must be true or false"


def _url(question: content.Question, raw: Any, actor: Actor, stored: Any) -> tuple[Any, str | None]:
    if not isinstance(raw, str):
        return raw, "must be an http(s) URL"
    return raw.strip(), values.url_problem(raw.strip())


def _file(question: content.Question, raw: Any, actor: Actor, stored: Any) -> tuple[Any, str | None]:
    """An upload id: the upload must be accepted (complete), of a document kind, and the
    answering user's own (an answer sent again unchanged keeps its file whoever sends it)."""
    if not isinstance(raw, str) or not 1 <= len(raw) <= 64:
        return raw, "must be the id of an accepted upload"
    if isinstance(stored, Mapping) and stored.get("upload_id") == raw:
        return dict(stored), None
    found = accepted_file(upload_id=raw, owner_id=actor.id, kinds=FILE_UPLOAD_KINDS)
    if found is None:
        return raw, "must be the id of an upload of yours that completed (kind slides)"
    return found, None


_VALIDATORS: dict[str, Callable[[content.Question, Any, Actor, Any], tuple[Any, str | None]]] = {
    "short_text": _short_text,
    "long_text": _long_text,
    "single_choice": _single_choice,
    "multiple_choice": _multiple_choice,
    "yes_no": _yes_no,
    "url": _url,
    "file": _file,
}


def _stored_answers(session: Any) -> dict[str, Any]:
    answers = getattr(session, "answers", None)
    if answers is None:
        return {}
    return answers.as_dict() if hasattr(answers, "as_dict") else dict(answers)
