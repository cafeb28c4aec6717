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
from chalicelib.domain.session_states import PUBLIC_SESSION_STATES
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
                "social_links", "licence", "state", "event_url",
            ),
            PUBLIC,
        ),
        "email": ORGANIZERS,
        "owner_id": ORGANIZERS,
        "source_key": ORGANIZERS,
    },
    "track": {**_CHILD, **_IMPORTED, "name": PUBLIC, "description": PUBLIC, "color": PUBLIC, "text_color": PUBLIC},
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
    },
    "speaker": {
        **_CHILD,
        **_IMPORTED,
        **dict.fromkeys(
            (
                "name", "photo_url", "photo_file", "short_biography", "long_biography", "organisation",
                "position", "country", "website", "twitter", "city", "github", "linkedin", "facebook",
                "featured", "session_ids", "guid",
            ),
            PUBLIC,
        ),
        **dict.fromkeys(
            ("email", "phone", "gender", "heard_from", "speaking_experience", "sponsorship_required", "user_id"), OWN
        ),
    },
    "sponsor": {
        **_CHILD,
        **_IMPORTED,
        **dict.fromkeys(("name", "description", "url", "tier", "level", "logo_url", "logo_file"), PUBLIC),
    },
    "post": {**_CHILD, **dict.fromkeys(("title", "body", "published", "published_at", "image_file"), PUBLIC)},
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
    | {"trashed_at", "trashed_by", "call_for_papers", "speaker_names"}
)



@dataclass(frozen=True)
class Audience:
    """Who reads: the field tiers they see, and whether they see unpublished items."""

    name: str
    tiers: frozenset[str]
    sees_unpublished: bool = False
    # Which speakers' sessions a visitor sees (set by `for_items`): a speaker shows only those.
    public_sessions: frozenset[str] | None = None

    def shows(self, kind: str, field: str) -> bool:
        return FIELDS.get(kind, {}).get(field) in self.tiers


VISITORS = Audience("visitors", frozenset({PUBLIC}))
MEMBERS = Audience("members", frozenset({PUBLIC}), sees_unpublished=True)
SPEAKER = Audience("speaker", frozenset({PUBLIC, OWN}))
ACCOUNT_HOLDER = Audience("account holder", frozenset({PUBLIC, OWN}))  # the user, and site admins
ORGANIZERS_AUDIENCE = Audience("organizers", frozenset({PUBLIC, OWN, ORGANIZERS}), sees_unpublished=True)


def audience_of(relations: Relations) -> Audience:
    """The audience of the permission module's relations to one event (and item, when given)."""
    if relations.names & ORGANIZING:
        return ORGANIZERS_AUDIENCE
    # Moderators and track organizers read every item of the event (drafts and pending talks too)
    # but, like visitors, none of the organizers' private fields: they make no exports either.
    member = bool(relations.names & EVENT_MEMBERS)
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
    data["version"] = item.version
    if kind == "speaker" and "session_ids" in data and audience.public_sessions is not None:
        data["session_ids"] = [i for i in data["session_ids"] if i in audience.public_sessions]
    if kind == "track":
        data["text_color"] = readable_text_color(item.color or "#5c6b7a")
    return data


def user_view(user: Any, audience: Audience) -> dict[str, Any]:
    """A user account as `audience` sees it; never the hash, never a token."""
    data = {name: getattr(user, name) for name in FIELDS["user"] if audience.shows("user", name)}
    if "site_roles" in data:
        del data["site_roles"]
        data |= {"is_admin": "admin" in user.roles, "is_super_admin": "super_admin" in user.roles}
    return data


def is_public_item(item: Any, *, public_sessions: frozenset[str] = frozenset()) -> bool:
    """Whether visitors see the item at all: accepted/confirmed sessions, published posts, and
    speakers of such a session (their ids in `public_sessions`)."""
    kind = item.kind_name
    if kind == "session":
        return item.state in PUBLIC_SESSION_STATES
    if kind == "post":
        return bool(item.published)
    if kind == "speaker":
        return bool(public_sessions & set(item.session_ids or []))
    return True


def for_items(audience: Audience, items: Iterable[Any], *, event_id: str) -> Audience:
    """`audience`, knowing which sessions of these items' speakers it sees: visitors (not event
    members, nor the speaker reading their own profile) see accepted/confirmed ones only."""
    if audience.sees_unpublished or audience.name == "speaker":
        return audience
    return replace(audience, public_sessions=public_session_ids(event_id=event_id, speakers=items))


def visible_items(items: Iterable[Any], audience: Audience) -> list[Any]:
    """The items `audience` (made by `for_items` for speakers) sees, in order."""
    if audience.sees_unpublished:
        return list(items)
    public = audience.public_sessions or frozenset()
    return [i for i in items if is_public_item(i, public_sessions=public)]


def public_session_ids(*, event_id: str, speakers: Iterable[Any]) -> frozenset[str]:
    """Ids of the live accepted or confirmed sessions among those of `speakers` (one BatchGet)."""

    session_ids = sorted({i for s in speakers if s.kind_name == "speaker" for i in s.session_ids or []})
    if not session_ids:
        return frozenset()
    keys = [child_key(event_id, "session", i) for i in session_ids]
    return frozenset(s.id for s in Item.batch_get(keys) if is_live(s) and s.state in PUBLIC_SESSION_STATES)
