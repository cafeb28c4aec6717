"""Who sees what: one allowlist per resource kind, one audience per caller.

Every field a client, an export, a page, a feed or a mail may show is named here with the
least audience that sees it; a field named nowhere is shown to nobody (a new model attribute
stays private until someone decides). Which items each audience sees (drafts, pending talks,
speakers without a public talk) is decided here too. README's "Who sees what" is this table.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
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

# Tiers of fields. PUBLIC: anyone who may read the item. OWN: also the person the item is about
# (a speaker's own contact and profile answers, a user's own account). ORGANIZERS: the event's
# owner, organizers, coorganizers and site admins only, in the API and in exports alike.
# NOBODY: stored for the system's own use.
PUBLIC, OWN, ORGANIZERS, NOBODY = "public", "own", "organizers", "nobody"

_COMMON = {"id": PUBLIC, "version": PUBLIC, "created_at": PUBLIC, "updated_at": PUBLIC}
_CHILD = {**_COMMON, "event_id": PUBLIC}
# Import keys help re-imports, nobody else.
_IMPORTED = {"source_id": ORGANIZERS}

FIELDS: dict[str, dict[str, str]] = {
    "event": {
        **_COMMON,
        **_IMPORTED,
        **dict.fromkeys(
            (
                "slug", "name", "description", "starts_at", "ends_at", "timezone", "location_name",
                "latitude", "longitude", "logo_url", "banner_url", "logo_file", "banner_file",
                "code_of_conduct", "privacy", "organizer_name", "organizer_description", "ticket_url",
                "social_links", "licence", "state", "event_url", "external_event_url", "topic", "sub_topic",
                "event_type", "copyright_holder", "schedule_mode",
            ),
            PUBLIC,
        ),
        "email": ORGANIZERS,
        "owner_id": ORGANIZERS,
        "source_key": ORGANIZERS,
        "source_fingerprint": ORGANIZERS,
    },
    "track": {**_CHILD, **_IMPORTED, "name": PUBLIC, "description": PUBLIC, "color": PUBLIC, "text_color": PUBLIC,
              "location": PUBLIC},
    "room": {
        **_CHILD,
        **_IMPORTED,
        **dict.fromkeys(("name", "floor", "capacity", "position", "hidden", "latitude", "longitude", "guid"), PUBLIC),
    },
    "session_type": {**_CHILD, **_IMPORTED, "name": PUBLIC, "length_minutes": PUBLIC},
    "session": {
        **_CHILD,
        **_IMPORTED,
        **dict.fromkeys(
            (
                "title", "subtitle", "short_abstract", "long_abstract", "language", "level", "starts_at",
                "ends_at", "duration_minutes", "track_id", "room_id", "session_type_id", "speaker_ids",
                "slides_url", "slides_file", "video_url", "audio_url", "signup_url", "state",
                "guid", "links", "attachments", "logo_url", "feedback_url", "recording_license", "do_not_record",
                "do_not_stream",
            ),
            PUBLIC,
        ),
        "comments": ORGANIZERS,
        "speaker_user_ids": ORGANIZERS,
        "proposed_by": ORGANIZERS,
        # Every answer to the organizers and the proposal's own speakers; others see the answers
        # to published questions only (`Audience.published_questions`, set by `for_items`).
        "answers": OWN,
    },
    "speaker": {
        **_CHILD,
        **_IMPORTED,
        **dict.fromkeys(
            (
                "name", "photo_url", "photo_file", "short_biography", "long_biography", "organisation",
                "position", "country", "website", "twitter", "city", "github", "linkedin", "facebook",
                "featured", "session_ids", "links", "guid",
            ),
            PUBLIC,
        ),
        # When the speaker can attend: the speaker and the organizers (the schedule editor).
        "availability": OWN,
        **dict.fromkeys(
            ("email", "phone", "gender", "heard_from", "speaking_experience", "sponsorship_required", "user_id"), OWN
        ),
    },
    "sponsor": {
        **_CHILD,
        **_IMPORTED,
        **dict.fromkeys(("name", "description", "url", "tier", "level", "logo_url", "logo_file"), PUBLIC),
    },
    "post": {**_CHILD, **_IMPORTED, **dict.fromkeys(("title", "body", "published", "published_at", "image_file"), PUBLIC)},
    # Breaks and blockers: visitors see breaks only (`is_public_item`), the team every block.
    "schedule_block": {
        **_CHILD, **_IMPORTED, **dict.fromkeys(("title", "block_type", "room_ids", "starts_at", "ends_at"), PUBLIC),
    },
    # A user's speaker profile: theirs alone (events get a copy, `speaker` above).
    "speaker_profile": {
        **dict.fromkeys(("name", "biography", "photo_url", "organisation", "position", "links", "updated_at"), OWN),
        **dict.fromkeys(("user_id", "version", "created_at"), OWN),
    },
    # Who reviews which proposal: the list route shows a reviewer their own only (api/review_assignments.py).
    "review_assignment": {
        **{name: tier for name, tier in _CHILD.items() if name != "id"},  # the pair is its key
        **dict.fromkeys(("proposal_id", "reviewer_id", "manual"), PUBLIC),
        "assigned_by": ORGANIZERS,
    },
    # Schedule releases (domain/schedule_releases.py): the public changelog shows them; the
    # snapshot is the site's own input, never a field of an answer.
    "schedule_release": {
        **_CHILD,
        **dict.fromkeys(("number", "label", "comment", "released_at", "changes"), PUBLIC),
        "released_by": ORGANIZERS,
        "snapshot": NOBODY,
    },
    # Custom questions: whoever may propose a talk reads them (the form asks them).
    "question": {
        **_CHILD,
        **_IMPORTED,
        **dict.fromkeys(
            (
                "position", "label", "help_text", "question_kind", "choices", "required", "min_length",
                "max_length", "visibility", "identifying", "session_type_ids", "track_ids",
            ),
            PUBLIC,
        ),
    },
    # Accounts: what other users see of someone (e.g. in an event's role list), and what the
    # user and site admins see (`site_roles` as is_admin and is_super_admin).
    "user": {
        **dict.fromkeys(("id", "name", "avatar_url"), PUBLIC),
        **dict.fromkeys(("email", "email_verified", "bio", "created_at", "site_roles"), OWN),
        # The uploaded photo is served through uploads, not the account's views.
        **dict.fromkeys(("password_hash", "token_version", "version", "updated_at", "photo_file"), NOBODY),
    },
}
# Stored for the system's own use and shown to nobody: storage keys, trash bookkeeping, the call
# for papers (its own route keeps a private call's link token to the organizers) and the
# speakers' names a session keeps for lists (lists show them as `speakers`).
NOT_SHOWN = frozenset(
    {"pk", "sk", "kind", "gsi1pk", "gsi1sk", "gsi2pk", "gsi2sk", "trash_pk", "expires_at", "trash_op"}
    | {"trashed_at", "trashed_by", "call_for_papers", "speaker_names", "review"}
)

# What a reviewer sees of a proposal and of its speakers, whatever else the tiers above say.
# PROPOSAL: always; IDENTITY: only when the event's review is not anonymised; ANSWERS: the answers
# to custom questions, each kept only when its question is known not to identify the speaker
# (`Audience.open_questions`: every question's in named review, those not marked identifying in
# anonymised review; domain/questions.reviewable_question_ids).
# Everything else of a session or speaker (contact details, internal comments, linked users, import
# keys) never reaches a reviewer; other kinds show their PUBLIC fields.
PROPOSAL, IDENTITY, ANSWERS = "proposal", "identity", "answers"
REVIEW_FIELDS: dict[str, dict[str, str]] = {
    "session": {
        **dict.fromkeys(("id", "version", "event_id", "created_at", "updated_at"), PROPOSAL),
        **dict.fromkeys(
            (
                "title", "subtitle", "short_abstract", "long_abstract", "language", "level", "track_id",
                "session_type_id", "duration_minutes", "state",
            ),
            PROPOSAL,
        ),
        **dict.fromkeys(("speaker_ids", "slides_url", "slides_file", "video_url", "audio_url"), IDENTITY),
        "answers": ANSWERS,
    },
    "speaker": dict.fromkeys(
        (
            "id", "name", "photo_url", "photo_file", "short_biography", "long_biography", "organisation",
            "position", "country", "website", "twitter", "city", "github", "linkedin", "facebook",
        ),
        IDENTITY,
    ),
}



@dataclass(frozen=True)
class Audience:
    """Who reads: the field tiers they see, and whether they see unpublished items."""

    name: str
    tiers: frozenset[str]
    sees_unpublished: bool = False
    # Which speakers' sessions a visitor sees (set by `for_items`): a speaker shows only those.
    public_sessions: frozenset[str] | None = None
    # A reviewer: "anonymised" or "named" (REVIEW_FIELDS decides their sessions and speakers).
    reviewing: str | None = None
    # The custom questions whose answers a reviewer may read (known not to identify anyone).
    open_questions: frozenset[str] = frozenset()
    # The team's: speakers' unsubmitted proposals among these speakers' sessions (set by `for_items`),
    # left out of `session_ids`; a speaker with nothing else does not show at all.
    hidden_sessions: frozenset[str] = frozenset()
    # Whose answers it sees on sessions it may not read in full (set by `for_items`): published
    # questions'. Empty by default, so a path that never asks shows no answer at all.
    published_questions: frozenset[str] = frozenset()

    def shows(self, kind: str, field: str) -> bool:
        if self.reviewing is not None and kind in REVIEW_FIELDS:
            tier = REVIEW_FIELDS[kind].get(field)
            return tier in (PROPOSAL, ANSWERS) or (tier == IDENTITY and self.reviewing == "named")
        return FIELDS.get(kind, {}).get(field) in self.tiers


VISITORS = Audience("visitors", frozenset({PUBLIC}))
MEMBERS = Audience("members", frozenset({PUBLIC}), sees_unpublished=True)
SPEAKER = Audience("speaker", frozenset({PUBLIC, OWN}))
ACCOUNT_HOLDER = Audience("account holder", frozenset({PUBLIC, OWN}))  # the user, and site admins
ORGANIZERS_AUDIENCE = Audience("organizers", frozenset({PUBLIC, OWN, ORGANIZERS}), sees_unpublished=True)
# Reviewers on the review routes (domain/review.py picks the proposals and, by the event's setting,
# which of these two); everywhere else a reviewer is a visitor (`audience_of`).
ANONYMISED_REVIEWERS = Audience("reviewers", frozenset({PUBLIC}), sees_unpublished=True, reviewing="anonymised")
NAMED_REVIEWERS = replace(ANONYMISED_REVIEWERS, reviewing="named")


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
