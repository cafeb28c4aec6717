"""Who may do what: one declarative table and one function that decides.

An action is "<kind>.<verb>" (e.g. "track.update"). Every route declares one; the endpoint
decorator calls `authorize` before the view runs. `decide` is pure: it takes the relations the
actor has to the target (site roles, event role, published event, own record, linked speaker)
and reads the table. `authorize` finds those relations in the table (two Gets at most).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, NamedTuple

from pynamodb.exceptions import DoesNotExist

from chalicelib.actors import Actor
from chalicelib.clock import clock
from chalicelib.db.content import Event
from chalicelib.db.keys import event_key, role_key, user_key
from chalicelib.db.live import live_item
from chalicelib.db.prefetch import get_item
from chalicelib.db.users import EventRole, User
from chalicelib.domain.session_states import (
    SPEAKER_MOVES_AFTER_CLOSE,
    check_transition,
    is_speaker_draft,
    proposals_editable,
)
from chalicelib.errors import Conflict, Forbidden, NotFound, PodiumError, Unauthorized, ValidationFailed

EVENT_ROLES = ("owner", "organizer", "coorganizer", "track_organizer", "moderator", "reviewer")
INVITABLE_ROLES = ("organizer", "coorganizer", "track_organizer", "moderator", "reviewer")
CONTENT_KINDS = (
    "track", "room", "session_type", "session", "speaker", "sponsor", "post", "call_for_papers", "schedule_block",
)  # fmt: skip
CRUD = frozenset({"read", "create", "update", "delete"})
READ = frozenset({"read"})


def _rows(kinds: Iterable[str], verbs: Iterable[str]) -> dict[str, frozenset[str]]:
    return {kind: frozenset(verbs) for kind in kinds}


# "review" on sessions: the relation moves them along the organizers' transitions.
_EVENT_ADMIN = {
    **_rows(CONTENT_KINDS, CRUD),
    "call_for_papers": frozenset({"read", "update"}),  # one per event: set, never created or deleted
    "session": CRUD | {"review"},
    "event": frozenset({"read", "update", "publish", "delete", "transfer", "export", "jobs.read"}),
    "role": frozenset({"read", "create", "delete"}),
    "job": READ,
    "trash": frozenset({"read", "restore", "delete"}),
    # Review: the settings (phase, anonymity, criteria), the proposals under review, the dashboard.
    "review_settings": frozenset({"read", "update"}),
    "review": frozenset({"read", "dashboard", "decide"}),
    # Who reviews which proposal (domain/assignments.py); "review_load" is everyone's load.
    "review_assignment": frozenset({"read", "create", "delete"}),
    "review_load": READ,
    "question": CRUD,  # custom questions of the call for papers (domain/questions.py)
    # Mail about proposals: the templates, the outbox, and each organizer's own notification choice.
    "mail_template": frozenset({"read", "update"}),
    "outbox": frozenset({"read", "create", "update", "delete", "send"}),
    "notification": frozenset({"read", "update"}),
    # The schedule's conflicts (domain/schedule_conflicts.py) name talks and speakers of any state.
    "schedule_conflict": READ,
    # Schedule releases: the organizers release; the team reads the releases and draft changes.
    "schedule_release": frozenset({"read", "create"}),
}

# relation -> resource kind -> verbs. Relations: "anyone"; "signed_in"; "visitor" (the event is
# published); "applicant" (a signed-in user who can see the event: it is published, or they hold
# a role in it, or they are an admin); the event roles; "self" (the user record is the actor's);
# "speaker" (the speaker or session is linked to the actor); "admin" and "super_admin" (site roles).
PERMISSIONS: dict[str, dict[str, frozenset[str]]] = {
    "anyone": {
        "auth": frozenset({"signup", "verify", "login", "password_reset"}),
        "health": READ,
        "docs": READ,
        "event": frozenset({"list"}),  # the view lists what the caller may see
    },
    "signed_in": {
        "me": frozenset({"read", "update"}),
        "event": frozenset({"create", "import"}),
        "role": frozenset({"accept"}),
        "uploads": frozenset({"create", "complete"}),  # the uploads API narrows to the caller's own
        "job": READ,  # the jobs API narrows to the caller's (or event's) jobs
        "trash": frozenset({"list"}),  # the trash list narrows to the caller's events
        # Accepting a co-speaker invite: the view checks the link was mailed to the caller.
        "co_speaker": frozenset({"accept"}),
    },
    "visitor": {"event": READ, **_rows(CONTENT_KINDS, READ)},
    # Proposals to the call for papers; the view checks the CFP is open (and its secret link).
    # "read" lists the caller's own.
    "applicant": {"proposal": frozenset({"create", "read"}), "question": READ},
    "self": {"user": READ},
    # "invite_speaker": a speaker invites co-speakers to their own proposal.
    "speaker": {"speaker": frozenset({"read", "update"}), "session": frozenset({"read", "update", "invite_speaker"})},
    "owner": _EVENT_ADMIN,
    "organizer": {**_EVENT_ADMIN, "event": frozenset({"read", "update", "publish", "export", "jobs.read"})},
    "coorganizer": {
        **_rows(CONTENT_KINDS, {"read", "update"}),
        "session": frozenset({"read", "update", "review"}),
        "event": frozenset({"read", "update", "jobs.read"}),
        "role": READ,
        "job": READ,
        "trash": READ,
        "review_settings": frozenset({"read", "update"}),
        "review": frozenset({"read", "dashboard", "decide"}),
        "review_assignment": READ,
        "review_load": READ,
        "question": frozenset({"read", "update"}),
        "mail_template": READ,
        "outbox": READ,
        "notification": frozenset({"read", "update"}),
        "schedule_conflict": READ,
        "schedule_release": READ,
    },
    "track_organizer": {
        **_rows(CONTENT_KINDS, READ),
        "schedule_conflict": READ,
        "question": READ,
        "event": READ,
        "track": frozenset({"read", "update"}),
        "session": CRUD | {"review"},
        "schedule_release": READ,
    },
    "moderator": {
        **_rows(CONTENT_KINDS, READ), "event": READ, "role": READ, "question": READ, "schedule_conflict": READ,
        "schedule_release": READ,
    },
    # A reviewer reads the event, its review settings and the submitted proposals in their scope
    # (through the review routes only, as domain/projections.py's reviewer audience shows them),
    # and writes their own review of each; their own assignments (the list narrows to them) and the
    # conflicts of interest they declare. None of the event's content routes are theirs.
    "reviewer": {"event": READ, "review_settings": READ, "review": frozenset({"read", "write"}),
                 "review_assignment": READ, "review_conflict": frozenset({"create"})},
    "admin": {
        **_EVENT_ADMIN,
        "event": frozenset({"read", "update", "publish", "delete", "transfer", "export", "jobs.read"}),
        "user": frozenset({"read", "list", "delete"}),
        "job": READ,
        "audit": READ,
    },
    "super_admin": {"user": frozenset({"read", "list", "grant_admin"})},
}
def holders(kind: str, verb: str) -> frozenset[str]:
    """The relations whose row grants `<kind>.<verb>` (scopes aside)."""
    return frozenset(name for name, row in PERMISSIONS.items() if verb in row.get(kind, ()))


# Named sets of relations, for the modules that ask "which roles are which" (projections, the call
# for papers, the trash): they read them here, so the table stays the one place roles are defined.
# The event's team: every event role and site admins. They see the event and all its items (drafts,
# pending talks, a private call for papers) whatever its state.
EVENT_MEMBERS = frozenset(EVENT_ROLES) | {"admin"}
# The relations that organize an event (they edit it): they see the organizers' private fields.
ORGANIZING = holders("event", "update")
# The event roles that run an event with its owner (they invite others): an owner whose events have
# another of them cannot be removed before transferring the ownership.
MANAGING_ROLES = holders("role", "create") & frozenset(EVENT_ROLES)

# Roles an invite may give tracks: a track organizer always has some; a reviewer has some when
# scoped (none: every track; domain/review_assignment.py applies the scope).
TRACK_SCOPED_ROLES = frozenset({"track_organizer", "reviewer"})
# Rows that hold only for resources inside the actor's scope (see `_in_scope`).
SCOPED = {
    ("track_organizer", "track"): "tracks",
    ("track_organizer", "session"): "tracks",
    ("speaker", "speaker"): "linked",
    ("speaker", "session"): "linked",
    ("reviewer", "review"): "reviewer_tracks",
}
# The event roles scoped to tracks: a track organizer names theirs; a reviewer may (none: every track).
TRACK_SCOPED_ROLES = frozenset(name for (name, _), scope in SCOPED.items() if scope in ("tracks", "reviewer_tracks"))
# Scoped relations that read the whole event all the same (the scope limits what they change):
# a track organizer sees every session and track, as the session list shows them.
READS_BEYOND_SCOPE = frozenset({"track_organizer"})
# The fields a relation may write on a kind where its row grants create or update; a relation
# not listed writes every field of the kind. Create and update alike go through `check_write`.
WRITABLE_FIELDS: dict[tuple[str, str], frozenset[str]] = {
    ("speaker", "session"): frozenset(
        {
            "title", "subtitle", "short_abstract", "long_abstract", "language", "level", "track_id",
            "session_type_id", "slides_url", "video_url", "audio_url", "state", "version", "answers",
        }
    ),
    ("speaker", "speaker"): frozenset(
        {
            "name", "email", "phone", "photo_url", "short_biography", "long_biography", "organisation",
            "position", "country", "website", "twitter", "availability", "version",
        }
    ),
}
# Fields whose write is another action's power: changing one needs that action too, whatever the
# kind's row grants. The schedule mode decides what the public schedule shows (auto publishes every
# draft change at once, manual only what a release holds), so switching it is the release right.
FIELD_ACTIONS: dict[tuple[str, str], tuple[str, str]] = {
    ("event", "schedule_mode"): ("schedule_release.create", "is set by those who release the schedule"),
}
# A speaker's talk is theirs to edit until it is accepted; then they may only confirm or withdraw it.
SPEAKER_EDITABLE_STATES = frozenset({"draft", "pending", "withdrawn"})


class Relations(NamedTuple):
    """What the actor is to the target of one request."""

    names: frozenset[str]
    track_ids: frozenset[str] = frozenset()
    linked: bool = False  # the resource is the actor's own speaker profile or talk
    # Speakers may still edit and submit their proposals (the call is open and not locked).
    proposals_editable: bool = True
    system: bool = False  # Podium itself (jobs, imports, an accepted co-speaker invite)


def split(action: str) -> tuple[str, str]:
    kind, _, verb = action.partition(".")
    if not kind or not verb:
        raise ValueError(f"an action is '<kind>.<verb>', got {action!r}")
    return kind, verb


def is_known_action(action: str) -> bool:
    kind, verb = split(action)
    return any(verb in row.get(kind, ()) for row in PERMISSIONS.values())


def decide(relations: Relations, action: str, *, resource: Any = None) -> bool:
    """True when any relation's row grants `action` (and the resource is within a scoped row)."""
    kind, verb = split(action)
    draft = is_speaker_draft(resource)
    for name in relations.names:
        if verb not in PERMISSIONS.get(name, {}).get(kind, ()):
            continue
        if draft and name != "speaker" and not relations.system:  # a speaker's unsubmitted proposal is theirs alone
            continue
        if _scope_holds(name, relations, kind, verb, resource):
            return True
    return False


def _scope_holds(name: str, relations: Relations, kind: str, verb: str, resource: Any) -> bool:
    scope = SCOPED.get((name, kind))
    if scope is None or (verb == "read" and name in READS_BEYOND_SCOPE):
        return True
    return _in_scope(scope, relations, kind, resource)


def check_write(relations: Relations, action: str, *, resource: Any = None, fields: dict[str, Any]) -> None:
    """Raise unless one relation that grants `action` on `resource` also allows these fields: its
    field allowlist, its scope on every reference the write names (a track organizer's create and
    move must name one of their tracks), and its state transitions. Nothing for other verbs."""
    kind, verb = split(action)
    if verb not in ("create", "update"):
        return
    if verb == "update":  # a create makes its creator the item's owner (an event's), holding them all
        _check_field_actions(relations, kind, fields, resource=resource)
    refusals: list[PodiumError] = []
    for name in sorted(relations.names):
        if verb not in PERMISSIONS.get(name, {}).get(kind, ()):
            continue
        if not _scope_holds(name, relations, kind, verb, resource):
            continue
        refusal = _refusal(name, relations, kind, resource, fields)
        if refusal is None:
            return
        refusals.append(refusal)
    if refusals:  # a relation that grants nothing here was refused by `authorize` already
        raise refusals[0]


def _check_field_actions(relations: Relations, kind: str, fields: dict[str, Any], *, resource: Any = None) -> None:
    """Raise naming each field in `fields` whose own action (FIELD_ACTIONS) no relation grants and
    whose value differs from the resource's: a client sending back what it read changes nothing."""
    refused = {}
    for field in sorted(fields):
        needed, reason = FIELD_ACTIONS.get((kind, field), ("", ""))
        unchanged = resource is not None and getattr(resource, field, None) == fields[field]
        if needed and not unchanged and not decide(relations, needed):
            refused[field] = reason
    if refused:
        raise Forbidden(f"Your role does not allow changing {', '.join(refused)}.", fields=refused)


def _refusal(name: str, relations: Relations, kind: str, resource: Any, fields: dict[str, Any]) -> PodiumError | None:
    """Why relation `name` may not make this write, or None."""
    allowed = WRITABLE_FIELDS.get((name, kind))
    foreign = sorted(set(fields) - allowed) if allowed is not None else []
    if foreign:
        return ValidationFailed(
            f"You cannot change {', '.join(foreign)} here; the organizers do.",
            fields=dict.fromkeys(foreign, "is set by the organizers"),
        )
    if SCOPED.get((name, kind)) == "tracks" and kind != "track":
        moved = "track_id" in fields or resource is None  # a create names its track
        if moved and fields.get("track_id") not in relations.track_ids:
            return Forbidden(
                "A track organizer works only in their own tracks.",
                fields={"track_id": "must name one of your tracks"},
            )
    current = getattr(resource, "state", None)
    if resource is not None and "state" in fields and current is not None:
        try:
            check_transition(current, fields["state"], as_organizer=_reviews(name, relations, kind))
        except Conflict as refused:
            return refused
    if (name, kind) == ("speaker", "session") and resource is not None and not relations.proposals_editable:
        closed = _closed_refusal(current, fields)
        if closed is not None:
            return closed
    if (name, kind) == ("speaker", "session") and resource is not None and current not in SPEAKER_EDITABLE_STATES:
        edits = sorted(set(fields) - {"state", "version"})
        if edits:
            return Conflict(
                f"This proposal is {current}: its details are the organizers' now; you may still confirm or withdraw it.",
                fields=dict.fromkeys(edits, f"cannot be changed on a {current} session"),
            )
    return None


def _closed_refusal(current: str | None, fields: dict[str, Any]) -> PodiumError | None:
    """Why a speaker may not make this write once proposals are closed for editing, or None:
    they keep withdrawing and confirming, nothing else."""
    edits = sorted(set(fields) - {"state", "version"})
    moved = fields.get("state", current)
    if not edits and (moved == current or moved in SPEAKER_MOVES_AFTER_CLOSE):
        return None
    refused = edits or ["state"]
    return Conflict(
        "The call for papers is closed for editing (closed or locked by the organizers): you may still "
        "withdraw the proposal or confirm an accepted talk.",
        fields=dict.fromkeys(refused, "cannot be changed after the call for papers closed"),
    )


def _reviews(name: str, relations: Relations, kind: str) -> bool:
    """Does relation `name` move this item along the organizers' transitions? A scoped role never
    reviews a talk the actor speaks in: the speaker relation may move their own proposal into the
    track they organize, and the track's review power must not then accept it (their own talks
    are reviewed by the event's organizers)."""
    if "review" not in PERMISSIONS[name].get(kind, ()):
        return False
    return not (SCOPED.get((name, kind)) == "tracks" and relations.linked)


def _in_scope(scope: str, relations: Relations, kind: str, resource: Any) -> bool:
    if scope == "linked":
        return relations.linked
    if scope == "reviewer_tracks":
        return _reviews_proposal(relations, resource)
    # A track organizer acts on their tracks and on the sessions in them. With no resource
    # (a list or a create), the view narrows to those tracks itself.
    if resource is None:
        return True
    track_id = getattr(resource, "id", None) if kind == "track" else getattr(resource, "track_id", None)
    return track_id in relations.track_ids


def _reviews_proposal(relations: Relations, proposal: Any) -> bool:
    """A reviewer reviews the proposals of their tracks (every track when the role names none),
    never one they speak in (a conflict of interest). With no proposal (a list), the view narrows."""
    if proposal is None:
        return True
    if relations.linked:
        return False
    return not relations.track_ids or getattr(proposal, "track_id", None) in relations.track_ids


def relations_of(actor: Actor, *, event: Any = None, role: Any = None, resource: Any = None) -> Relations:
    """The relations, from already loaded items: the event, the actor's role item in it, the target."""
    names = {"anyone"}
    if actor.kind == "user":
        names.add("signed_in")
    names |= actor.roles & {"admin", "super_admin"}
    if "super_admin" in names:
        names.add("admin")
    if event is not None and getattr(event, "state", None) == "published":
        names.add("visitor")
    track_ids: frozenset[str] = frozenset()
    if role is not None:
        names.add(role.role)
        track_ids = frozenset(role.track_ids or ())
    sees_event = role is not None or bool(names & {"visitor", "admin"})
    if actor.kind == "user" and event is not None and sees_event:
        names.add("applicant")
    if (
        getattr(resource, "kind_name", getattr(resource, "kind", None)) == "user"
        and getattr(resource, "id", None) == actor.id
    ):
        names.add("self")
    linked = actor.kind == "user" and _linked(actor.id, resource)
    editable = True
    if linked:
        names.add("speaker")
        editable = proposals_editable(getattr(event, "call_for_papers", None), clock().now())
    return Relations(frozenset(names), track_ids, linked, editable, actor.kind == "system")


def _linked(user_id: str, resource: Any) -> bool:
    if resource is None:
        return False
    if (
        getattr(resource, "user_id", None) == user_id
        and getattr(resource, "kind_name", getattr(resource, "kind", None)) == "speaker"
    ):
        return True
    return user_id in (getattr(resource, "speaker_user_ids", None) or ())


def authorize(actor: Actor, action: str, *, event_id: str | None = None, resource: Any = None) -> Relations:
    """Allow or raise: 404 (no such event, or a draft the actor has no part in; a user the actor
    may not read), 401 (anonymous), 403 (otherwise). Returns the relations, so views can narrow what they show."""
    # The trash acts on deleted events, which every other action treats as missing.
    in_trash = split(action)[0] == "trash"
    event, role = (None, None) if event_id is None else event_and_role(actor, event_id, trashed_too=in_trash)
    relations = relations_of(actor, event=event, role=role, resource=resource)
    if decide(relations, action, resource=resource):
        if action in USER_REMOVALS:
            _check_removable(actor, resource)
        return relations
    # No existence oracle: a draft answers anonymous callers and outsiders as a missing event
    # does, and a user record answers whoever may not read it as a missing one.
    if event_id is not None and relations.names <= {"anyone", "signed_in"}:
        raise NotFound("No such event.")
    if is_speaker_draft(resource):  # someone else's unsubmitted proposal does not exist for them
        raise NotFound("No such session.")
    if actor.is_anonymous:
        raise AuthenticationRequired("Sign in to do this.")
    if split(action)[0] == "user" and not decide(relations, "user.read", resource=resource):
        raise NotFound("No such user.")
    raise Forbidden(f"Your role does not allow {action}.")


def check_change(actor: Actor, action: str, *, event_id: str, resource: Any, fields: dict[str, Any]) -> Relations:
    """`authorize` and `check_write` together, for domain functions that change an item whoever
    calls them (the API has checked already; its reads are prefetched, so this costs no read)."""
    relations = authorize(actor, action, event_id=event_id, resource=resource)
    check_write(relations, action, resource=resource, fields=fields)
    return relations


# Actions that take an account away (its trash or purge); `check_user_removal` guards them.
USER_REMOVALS = frozenset({"user.delete", "trash.delete"})


def check_user_removal(actor: Actor, user: Any) -> None:
    """Only a super admin removes an admin or a super admin, and nobody removes themselves: so
    the last super admin can never be removed (another super admin would have to do it)."""
    if getattr(user, "id", None) == actor.id:
        raise Forbidden("You cannot remove your own account here.")
    if {"admin", "super_admin"} & set(getattr(user, "roles", ())) and not actor.is_super_admin:
        raise Forbidden("Only a super admin removes an admin.")


def _check_removable(actor: Actor, resource: Any) -> None:
    user = getattr(resource, "item", resource)  # the trash hands over its items wrapped
    if getattr(user, "kind_name", None) == "user":
        check_user_removal(actor, user)


class EmailNotVerified(Forbidden):
    code = "email_not_verified"


def check_may_publish(actor: Actor) -> None:
    """Publishing needs a verified email, on every path (the publish route, an import with
    `publish`). Site admins and the system (schedules, the operator's `podium import --publish`)
    are trusted as they are."""
    if actor.is_admin:
        return
    # Lazy: the user model's module reaches the domain modules that import this one.

    try:
        verified = actor.kind == "user" and get_item(User, *user_key(actor.id)).email_verified
    except DoesNotExist:
        verified = False
    if not verified:
        raise EmailNotVerified("Verify your email address before publishing an event.")


class AuthenticationRequired(Unauthorized):
    code = "authentication_required"


def event_and_role(actor: Actor, event_id: str, *, trashed_too: bool = False) -> tuple[Any, Any]:
    """The live event (404 otherwise; trashed ones too with `trashed_too`) and the actor's role item in it."""

    event = live_item(Event, *event_key(event_id), missing="No such event.", trashed_too=trashed_too, prefetched=True)
    role = None
    if actor.kind == "user":
        try:
            role = get_item(EventRole, *role_key(event_id, actor.id))
        except DoesNotExist:
            role = None
    return event, role
