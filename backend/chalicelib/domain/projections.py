"""Who sees what: one allowlist per resource kind, one audience per caller.

Every field a client, an export, a page, a feed or a mail may show is named here with the
least audience that sees it; a field named nowhere is shown to nobody (a new model attribute
stays private until someone decides). Which items each audience sees (drafts, pending talks,
speakers without a public talk) is decided here too. README's "Who sees what" is this table.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from typing import Any

from chalicelib.actors import Actor
from chalicelib.colors import readable_text_color
from chalicelib.db.base import Item
from chalicelib.db.keys import child_key, role_key
from chalicelib.db.live import is_live
from chalicelib.db.users import EventRole
from chalicelib.domain.permissions import EVENT_MEMBERS, ORGANIZING, Relations, event_and_role, relations_of
from chalicelib.domain.questions import published_question_ids
from chalicelib.domain.session_states import PUBLIC_SESSION_STATES, is_speaker_draft
from chalicelib.domain.uploads import file_view

# The tiers and audiences: their table is public/audiences.py (loadable without the table models).
from chalicelib.public.audiences import (  # noqa: F401 — re-exported: callers read them here
    ACCOUNT_HOLDER,
    ANONYMISED_REVIEWERS,
    ANSWERS,
    FIELDS,
    IDENTITY,
    MEMBERS,
    NAMED_REVIEWERS,
    NOBODY,
    NOT_SHOWN,
    ORGANIZERS,
    ORGANIZERS_AUDIENCE,
    OWN,
    PROPOSAL,
    PUBLIC,
    REVIEW_FIELDS,
    SPEAKER,
    VISITORS,
    Audience,
)


def reviewer_audience(*, anonymised: bool, open_questions: frozenset[str] = frozenset()) -> Audience:
    """The reviewers' audience of an event, by its review setting."""
    return replace(ANONYMISED_REVIEWERS if anonymised else NAMED_REVIEWERS, open_questions=open_questions)


def audience_of(relations: Relations) -> Audience:
    """The audience of the permission module's relations to one event (and item, when given)."""
    if relations.names & ORGANIZING:
        return ORGANIZERS_AUDIENCE
    # Moderators and track organizers read every item of the event (drafts and pending talks too)
    # but, like visitors, none of the organizers' private fields: they make no exports either.
    member = bool(relations.names & EVENT_MEMBERS)
    # A reviewer and nothing more is a visitor outside the review routes, which use the reviewer
    # audience (`reviewer_audience`): no route but those shows them a talk under review.
    if member and not (relations.names & EVENT_MEMBERS) - {"reviewer"}:
        member = False
    if relations.linked:
        return Audience("speaker", SPEAKER.tiers, sees_unpublished=member)
    return MEMBERS if member else VISITORS


def audience_for(actor: Actor, *, event_id: str, item: Any = None) -> Audience:
    """The actor's audience for the event (and `item`): reads the event and the actor's role
    (a request has them prefetched)."""
    event, role = event_and_role(actor, event_id)
    return audience_of(relations_of(actor, event=event, role=role, resource=item))


def audiences_for_events(actor: Actor, events: list[Any]) -> dict[str, Audience]:
    """Each event's audience for `actor`, by event id (one BatchGet of the actor's role items)."""
    # Table models load on use: a site built from an export reads no table.

    roles: dict[str, Any] = {}
    if actor.kind == "user" and events:
        keys = [role_key(e.id, actor.id) for e in events]
        roles = {r.event_id: r for r in EventRole.batch_get(keys) if isinstance(r, EventRole)}
    return {e.id: audience_of(relations_of(actor, event=e, role=roles.get(e.id))) for e in events}


def project(item: Any, audience: Audience) -> dict[str, Any]:
    """The item's JSON for `audience`: only the fields its tiers allow, files as JSON."""
    kind = item.kind_name
    data: dict[str, Any] = {}
    for name, value in item.attribute_values.items():
        if not audience.shows(kind, name):
            continue
        data[name] = file_view(value) if name.endswith("_file") else value
    if audience.reviewing is not None and "answers" in data:
        data["answers"] = _open_answers(data["answers"], audience.open_questions)
    data["version"] = item.version
    if kind == "speaker" and "session_ids" in data and audience.public_sessions is not None:
        data["session_ids"] = [i for i in data["session_ids"] if i in audience.public_sessions]
    if kind == "speaker" and "session_ids" in data and audience.hidden_sessions:
        data["session_ids"] = [i for i in data["session_ids"] if i not in audience.hidden_sessions]
    if kind == "session" and "answers" not in data and audience.published_questions and item.answers:
        data["answers"] = {k: v for k, v in item.answers.as_dict().items() if k in audience.published_questions}
    if kind == "track":
        data["text_color"] = readable_text_color(item.color or "#5c6b7a")
    return data


def _open_answers(answers: Any, open_questions: frozenset[str]) -> dict[str, Any]:
    """The answers (question id -> answer) whose question a reviewer may read; none of any other shape."""
    if hasattr(answers, "as_dict"):  # stored answers are a MapAttribute
        answers = answers.as_dict()
    if not isinstance(answers, dict):
        return {}
    return {question: answer for question, answer in answers.items() if question in open_questions}


def user_view(user: Any, audience: Audience) -> dict[str, Any]:
    """A user account as `audience` sees it; never the hash, never a token."""
    data = {name: getattr(user, name) for name in FIELDS["user"] if audience.shows("user", name)}
    if "site_roles" in data:
        del data["site_roles"]
        data |= {"is_admin": "admin" in user.roles, "is_super_admin": "super_admin" in user.roles}
    return data


def is_public_item(item: Any, *, public_sessions: frozenset[str] = frozenset()) -> bool:
    """Whether visitors see the item at all: accepted/confirmed sessions, published posts, breaks
    (never blockers), and speakers of such a session (their ids in `public_sessions`)."""
    kind = item.kind_name
    if kind == "session":
        return item.state in PUBLIC_SESSION_STATES
    if kind == "post":
        return bool(item.published)
    if kind == "schedule_block":
        return item.block_type == "break"
    if kind == "speaker":
        return bool(public_sessions & set(item.session_ids or []))
    return True


def for_items(audience: Audience, items: Iterable[Any], *, event_id: str) -> Audience:
    """`audience`, knowing which sessions of these items' speakers it sees: visitors (not event
    members, nor the speaker reading their own profile) see accepted/confirmed ones only. Those
    who see only public fields see the answers to published questions on sessions."""
    audience = _with_published_answers(audience, items, event_id=event_id)
    if audience.name == "speaker":
        return audience
    if audience.sees_unpublished:
        return replace(audience, hidden_sessions=speaker_draft_ids(event_id=event_id, speakers=items))
    return replace(audience, public_sessions=public_session_ids(event_id=event_id, speakers=items))


def _with_published_answers(audience: Audience, items: Iterable[Any], *, event_id: str) -> Audience:
    """`audience` knowing the event's published questions, read only when it sees no OWN field
    and one of `items` is a session with answers."""
    if OWN in audience.tiers or not any(getattr(i, "answers", None) for i in items if i.kind_name == "session"):
        return audience
    return replace(audience, published_questions=published_question_ids(event_id=event_id))


def visible_items(items: Iterable[Any], audience: Audience) -> list[Any]:
    """The items `audience` (made by `for_items` for speakers) sees, in order."""
    if audience.sees_unpublished:  # the team: everything but speakers' unsubmitted proposals
        return [i for i in items if audience.name == "speaker" or not _only_a_draft(i, audience.hidden_sessions)]
    public = audience.public_sessions or frozenset()
    return [i for i in items if is_public_item(i, public_sessions=public)]


def _only_a_draft(item: Any, hidden_sessions: frozenset[str]) -> bool:
    """A speaker's unsubmitted proposal, or a speaker whose only sessions are such proposals."""
    if item.kind_name == "speaker":
        return bool(item.session_ids) and set(item.session_ids) <= hidden_sessions
    return is_speaker_draft(item)


def speaker_draft_ids(*, event_id: str, speakers: Iterable[Any]) -> frozenset[str]:
    """Ids of the speakers' unsubmitted proposals (one BatchGet; none for speakers linked to no
    account, who never proposed: imported and organizer-made ones cost no read)."""
    session_ids = sorted(
        {i for s in speakers if s.kind_name == "speaker" and getattr(s, "user_id", None) for i in s.session_ids or []}
    )
    if not session_ids:
        return frozenset()
    keys = [child_key(event_id, "session", i) for i in session_ids]
    return frozenset(s.id for s in Item.batch_get(keys) if is_speaker_draft(s))


def public_session_ids(*, event_id: str, speakers: Iterable[Any]) -> frozenset[str]:
    """Ids of the live accepted or confirmed sessions among those of `speakers` (one BatchGet)."""

    session_ids = sorted({i for s in speakers if s.kind_name == "speaker" for i in s.session_ids or []})
    if not session_ids:
        return frozenset()
    keys = [child_key(event_id, "session", i) for i in session_ids]
    return frozenset(s.id for s in Item.batch_get(keys) if is_live(s) and s.state in PUBLIC_SESSION_STATES)
