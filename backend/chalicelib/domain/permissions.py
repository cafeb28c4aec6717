"""Who may do what: one declarative table and one function that decides.

An action is "<kind>.<verb>" (e.g. "track.update"). Every route declares one; the endpoint
decorator calls `authorize` before the view runs. `decide` is pure: it takes the relations the
actor has to the target (site roles, event role, published event, own record, linked speaker)
and reads the table. `authorize` finds those relations in the table (two Gets at most).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, NamedTuple

from chalicelib.domain.actors import Actor
from chalicelib.errors import Forbidden, NotFound, Unauthorized

EVENT_ROLES = ("owner", "organizer", "coorganizer", "track_organizer", "moderator")
INVITABLE_ROLES = ("organizer", "coorganizer", "track_organizer", "moderator")
CONTENT_KINDS = ("track", "room", "session_type", "session", "speaker", "sponsor", "post", "call_for_papers")
CRUD = frozenset({"read", "create", "update", "delete"})
READ = frozenset({"read"})


def _rows(kinds: Iterable[str], verbs: Iterable[str]) -> dict[str, frozenset[str]]:
    return {kind: frozenset(verbs) for kind in kinds}


_EVENT_ADMIN = {
    **_rows(CONTENT_KINDS, CRUD | {"review"}),
    "event": frozenset({"read", "update", "publish", "delete", "transfer", "export", "jobs.read"}),
    "role": frozenset({"read", "create", "delete"}),
    "job": READ,
    "upload": frozenset({"create"}),
    "trash": frozenset({"read", "restore", "delete"}),
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
        "upload": frozenset({"create"}),
        "uploads": frozenset({"create", "complete"}),  # the uploads API narrows to the caller's own
        "job": frozenset({"read", "read_own"}),  # the jobs API narrows to the caller's (or event's) jobs
        "trash": frozenset({"list"}),  # the trash list narrows to the caller's events
    },
    "visitor": {"event": READ, **_rows(CONTENT_KINDS, READ)},
    # Proposals to the call for papers; the view checks the CFP is open (and its secret link).
    # "read" lists the caller's own.
    "applicant": {"proposal": frozenset({"create", "read"})},
    "self": {"user": READ},
    "speaker": {"speaker": frozenset({"read", "update"}), "session": frozenset({"read", "update"})},
    "owner": _EVENT_ADMIN,
    "organizer": {**_EVENT_ADMIN, "event": frozenset({"read", "update", "publish", "export", "jobs.read"})},
    "coorganizer": {
        **_rows(CONTENT_KINDS, {"read", "update", "review"}),
        "event": frozenset({"read", "update", "jobs.read"}),
        "role": READ,
        "job": READ,
        "upload": frozenset({"create"}),
        "trash": READ,
    },
    "track_organizer": {
        **_rows(CONTENT_KINDS, READ),
        "event": READ,
        "track": frozenset({"read", "update"}),
        "session": CRUD | {"review"},
    },
    "moderator": {**_rows(CONTENT_KINDS, READ), "event": READ, "role": READ},
    "admin": {
        **_EVENT_ADMIN,
        "event": frozenset({"read", "list_all", "update", "publish", "delete", "transfer", "export", "jobs.read"}),
        "user": frozenset({"read", "list", "delete"}),
        "job": frozenset({"read", "read_own"}),
        "audit": READ,
    },
    "super_admin": {"user": frozenset({"read", "list", "grant_admin"})},
}
# Rows that hold only for resources inside the actor's scope (see `_in_scope`).
SCOPED = {
    ("track_organizer", "track"): "tracks",
    ("track_organizer", "session"): "tracks",
    ("speaker", "speaker"): "linked",
    ("speaker", "session"): "linked",
}


class Relations(NamedTuple):
    """What the actor is to the target of one request."""

    names: frozenset[str]
    track_ids: frozenset[str] = frozenset()
    linked: bool = False  # the resource is the actor's own speaker profile or talk


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
    for name in relations.names:
        if verb not in PERMISSIONS.get(name, {}).get(kind, ()):
            continue
        scope = SCOPED.get((name, kind))
        if scope is None or _in_scope(scope, relations, kind, resource):
            return True
    return False


def _in_scope(scope: str, relations: Relations, kind: str, resource: Any) -> bool:
    if scope == "linked":
        return relations.linked
    # A track organizer acts on their tracks and on the sessions in them. With no resource
    # (a list or a create), the view narrows to those tracks itself.
    if resource is None:
        return True
    track_id = getattr(resource, "id", None) if kind == "track" else getattr(resource, "track_id", None)
    return track_id in relations.track_ids


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
    if linked:
        names.add("speaker")
    return Relations(frozenset(names), track_ids, linked)


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
        return relations
    # No existence oracle: a draft answers anonymous callers and outsiders as a missing event
    # does, and a user record answers whoever may not read it as a missing one.
    if event_id is not None and relations.names <= {"anyone", "signed_in"}:
        raise NotFound("No such event.")
    if actor.is_anonymous:
        raise AuthenticationRequired("Sign in to do this.")
    if split(action)[0] == "user" and not decide(relations, "user.read", resource=resource):
        raise NotFound("No such user.")
    raise Forbidden(f"Your role does not allow {action}.")


class AuthenticationRequired(Unauthorized):
    code = "authentication_required"


def event_and_role(actor: Actor, event_id: str, *, trashed_too: bool = False) -> tuple[Any, Any]:
    """The live event (404 otherwise; trashed ones too with `trashed_too`) and the actor's role item in it."""
    from pynamodb.exceptions import DoesNotExist

    from chalicelib.db.content import Event, event_pk
    from chalicelib.db.prefetch import get_item
    from chalicelib.db.users import EventRole, role_sk

    try:
        event = get_item(Event, event_pk(event_id), "EVENT")
    except DoesNotExist:
        raise NotFound("No such event.") from None
    if (event.is_trashed() and not trashed_too) or event.is_gone():
        raise NotFound("No such event.")
    role = None
    if actor.kind == "user":
        try:
            role = get_item(EventRole, event_pk(event_id), role_sk(actor.id))
        except DoesNotExist:
            role = None
    return event, role
