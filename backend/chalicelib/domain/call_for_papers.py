"""The call for papers: its dates, announcement and privacy, and the proposals users submit.

A proposal is a session its speaker proposed (`proposed_by`): a `draft` only its speakers see,
then `pending` once submitted. Its speaker is the submitter's speaker record in the event (copied
from their speaker profile, domain/speaker_profiles.py, on the first proposal). Speakers edit
their proposals until they are accepted, and only while the call is open and the organizers have
not locked editing (domain/session_states.proposals_editable; the permission table enforces it);
withdrawing and confirming stay theirs. Co-speakers join through a mailed one-time link.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from pynamodb.exceptions import DoesNotExist, PutError

from chalicelib.actors import SYSTEM, Actor
from chalicelib.clock import clock
from chalicelib.db import content
from chalicelib.db.base import Item
from chalicelib.db.keys import child_key, child_sk_prefix, event_pk, user_key
from chalicelib.db.live import is_live
from chalicelib.db.pagination import Page, read_page
from chalicelib.db.prefetch import get_item
from chalicelib.db.users import User
from chalicelib.domain import onetime, ratelimit
from chalicelib.domain.content import StaleVersion, create_child, get_child, update_child
from chalicelib.domain.events import get_event
from chalicelib.domain.organizer_notices import proposal_submitted
from chalicelib.domain.permissions import EVENT_MEMBERS, authorize, decide, event_and_role, relations_of
from chalicelib.domain.session_states import notify_speakers, proposals_editable
from chalicelib.domain.speaker_pages import speaker_portal_path
from chalicelib.domain.speaker_profiles import remember_proposal, speaker_fields
from chalicelib.domain.tokens import signing_key
from chalicelib.errors import Conflict, Forbidden, NotFound, ValidationFailed
from chalicelib.request_context import current_context

# What a speaker may change on their own proposal; the rest (schedule, room, comments,
# speakers) is the organizers'.
_ID_ALPHABET = "abcdefghijkmnpqrstuvwxyz23456789"


def phase(cfp: content.CallForPapers, now: datetime) -> str:
    """upcoming, open or closed."""
    if cfp.starts_at and now < cfp.starts_at:
        return "upcoming"
    return "open" if cfp.ends_at is None or now <= cfp.ends_at else "closed"


def cfp_view(event: content.Event, *, with_secret: bool) -> dict[str, Any]:
    """The CFP's JSON; the private link token only for those who may edit it."""
    cfp = event.call_for_papers
    if cfp is None:
        raise NotFound("This event has no call for papers.")
    data = {
        "opens_at": cfp.starts_at,
        "closes_at": cfp.ends_at,
        "announcement": cfp.announcement,
        "privacy": cfp.privacy or "public",
        "state": phase(cfp, clock().now()),
        "editing_locked": bool(cfp.editing_locked),
        "proposals_editable": proposals_editable(cfp, clock().now()),
        "version": event.version,  # the CFP is part of the event: edits are checked on its version
    }
    if with_secret and cfp.secret:
        data["secret_token"] = cfp.secret
    return data


def set_call_for_papers(
    *, event: content.Event, fields: dict[str, Any], version: int | None, replace: bool
) -> content.Event:
    """Create, replace (`replace`) or edit the event's CFP if `version` is the event's current one
    (a new CFP needs none). Going private makes a fresh secret link token; going public drops it."""
    current = event.call_for_papers
    if current is not None and version is None:
        raise ValidationFailed(
            "Send the version you last read (If-Match header or `version` field).",
            fields={"version": "is required for updates"},
        )
    if version is not None and version != event.version:
        raise StaleVersion(event)
    values = {} if replace or current is None else _stored_values(current)
    values |= {
        {"opens_at": "starts_at", "closes_at": "ends_at"}.get(name, name): value
        for name, value in fields.items()
        if name != "version"
    }
    values = {
        k: datetime.fromisoformat(v) if isinstance(v, str) and k in ("starts_at", "ends_at") else v
        for k, v in values.items()
    }
    if values.get("starts_at") and values.get("ends_at") and values["ends_at"] <= values["starts_at"]:
        raise ValidationFailed(
            "The call for papers must close after it opens.", fields={"closes_at": "must be after opens_at"}
        )
    if values.get("privacy") == "private":
        values["secret"] = values.get("secret") or secrets.token_urlsafe(24)
    else:
        values.pop("secret", None)
    event.call_for_papers = content.CallForPapers(**values)
    event.stamp()
    try:
        event.save()
    except PutError as err:
        if "ConditionalCheckFailed" in str(getattr(err, "cause", err)):
            raise StaleVersion(get_event(event.id)) from err
        raise
    return event


def _stored_values(cfp: content.CallForPapers) -> dict[str, Any]:
    names = ("announcement", "starts_at", "ends_at", "privacy", "secret", "editing_locked")
    return {name: getattr(cfp, name) for name in names if getattr(cfp, name) is not None}


def read_call_for_papers(*, event: content.Event, actor: Actor, token: str | None) -> dict[str, Any]:
    """The CFP's JSON for `actor`: a private one needs its link's `token` unless they are on the
    event's team; its link token shows only to those who may edit it. 404 otherwise."""
    is_team, may_edit = _standing(actor, event)
    readable_cfp(event, is_team=is_team, token=token)
    return cfp_view(event, with_secret=may_edit)


def _standing(actor: Actor, event: content.Event) -> tuple[bool, bool]:
    """Whether `actor` is on the event's team, and whether they may edit its call for papers
    (the permission table says both; a request has the event and role prefetched)."""
    _, role = event_and_role(actor, event.id)
    relations = relations_of(actor, event=event, role=role)
    return bool(relations.names & EVENT_MEMBERS), decide(relations, "call_for_papers.update")


def readable_cfp(event: content.Event, *, is_team: bool, token: str | None) -> content.CallForPapers:
    """The CFP, if the caller may read it: the team always; others a public one, or a private
    one with its secret link token. 404 otherwise (a private CFP does not admit it exists)."""
    cfp = event.call_for_papers
    if cfp is None:
        raise NotFound("This event has no call for papers.")
    if is_team or (cfp.privacy or "public") == "public":
        return cfp
    if token and cfp.secret and hmac.compare_digest(token.encode(), cfp.secret.encode()):
        return cfp
    raise NotFound("This event has no call for papers.")


def _check_open(event: content.Event, cfp: content.CallForPapers) -> None:
    now = clock().now()
    state = phase(cfp, now)
    if state == "open":
        return

    zone = ZoneInfo(event.timezone) if event.timezone else None
    opens = cfp.starts_at.astimezone(zone).isoformat() if cfp.starts_at else "—"
    closes = cfp.ends_at.astimezone(zone).isoformat() if cfp.ends_at else "—"
    when = f"opens at {opens}" if state == "upcoming" else f"closed at {closes}"
    raise Conflict(
        f"The call for papers {when} (open from {opens} to {closes}); proposals are taken only while it is open.",
        fields={"call_for_papers": state},
        opens_at=opens,
        closes_at=closes,
    )


def speaker_id_for(*, event_id: str, user_id: str) -> str:
    """The id of the speaker profile a user's proposals make in an event: derived from both, so
    two proposals sent at once make one profile, and the user id stays out of public pages."""
    digest = hashlib.sha256(f"speaker:{event_id}:{user_id}".encode()).digest()
    return "".join(_ID_ALPHABET[b % len(_ID_ALPHABET)] for b in digest[:12])


def speaker_profile(*, event: content.Event, user: Any) -> content.Speaker:
    """The user's speaker record in the event, copied from their speaker profile if absent."""
    speaker_id = speaker_id_for(event_id=event.id, user_id=user.id)
    key = child_key(event.id, "speaker", speaker_id)
    try:
        found = content.Speaker.get(*key, consistent_read=True)
        if not found.is_trashed() and not found.is_gone():
            return found
        raise Conflict("Your speaker profile in this event was removed; ask the organizers to restore it.")
    except DoesNotExist:
        pass
    copied = {k: v for k, v in speaker_fields(user=user).items() if v is not None}
    speaker = content.Speaker(*key, id=speaker_id, event_id=event.id, user_id=user.id, session_ids=[], **copied)
    speaker.stamp()
    try:
        speaker.save(condition=Item.pk.does_not_exist())
    except PutError:  # a proposal sent at the same moment made it
        return content.Speaker.get(*key, consistent_read=True)
    return speaker


def submit_proposal(*, event: content.Event, actor: Actor, fields: dict[str, Any], token: str | None) -> content.Session:
    """Create a proposal with the caller's speaker record while the CFP is open (409 naming its
    dates otherwise; a private one needs its link's `token` unless the caller is on the event's
    team): `pending` (submitted; the speaker is mailed that it arrived and the organizers are told,
    each time or in their digest) unless `fields` says
    `state: draft` (only its speakers see it until they submit it: PATCH state pending)."""

    is_team, _ = _standing(actor, event)
    cfp = readable_cfp(event, is_team=is_team, token=token)
    _check_open(event, cfp)
    if not proposals_editable(cfp, clock().now()):
        raise Conflict("The organizers locked proposals for editing.", fields={"call_for_papers": "locked"})
    speaker = speaker_profile(event=event, user=get_item(User, *user_key(actor.id)))
    values = {k: v for k, v in fields.items() if k not in ("version", "state")}
    state = fields.get("state") or "pending"
    own = {"state": state, "speaker_ids": [speaker.id], "proposed_by": actor.id}
    session = create_child(event=event, kind="session", fields=values | own, actor=actor)
    remember_proposal(user_id=actor.id, event_id=event.id, session_id=session.id)
    if state == "pending":
        notify_speakers(event=event, session=session, speakers=[speaker], template="proposal_received")
        proposal_submitted(event=event, session=session, speakers=[speaker])
    return session  # type: ignore[return-value]


# -- co-speakers ---------------------------------------------------------------------------------

CO_SPEAKER_PURPOSE = "co_speaker"
CO_SPEAKER_SECONDS = 7 * 24 * 3600
# Each invite mails an address the inviter typed: a cap keeps the route from being a mail cannon.
CO_SPEAKER_INVITES_PER_HOUR = 20


def invite_co_speaker(*, event: content.Event, session: content.Session, email: str, actor: Actor) -> dict[str, Any]:
    """Mail `email` a one-time link (7 days) that makes its account a speaker of `session`, if
    `actor` may invite (a speaker of it) and proposals are still editable (409 otherwise)."""
    authorize(actor, "session.invite_speaker", event_id=event.id, resource=session)
    if not proposals_editable(event.call_for_papers, clock().now()):
        raise Conflict(
            "The call for papers is closed for editing: co-speakers can no longer be invited.",
            fields={"email": "invites closed with the call for papers"},
        )
    address = email.strip().lower()
    ratelimit.take(
        "co-speaker-invite", actor.id, limit=CO_SPEAKER_INVITES_PER_HOUR, window=3600,
        message="You sent many co-speaker invites in the last hour; try again later.",
    )  # fmt: skip
    secret = onetime.issue(
        purpose=CO_SPEAKER_PURPOSE, ttl_seconds=CO_SPEAKER_SECONDS, user_id=actor.id,
        subject=f"{event.id}/{session.id}/{address}",
    )  # fmt: skip
    link = current_context().absolute_url(speaker_portal_path(f"invite?token={secret}"))
    from chalicelib.jobs.enqueue import enqueue  # noqa: PLC0415 — loads the table models, as in session_states

    enqueue(
        "send_email", _event_id=event.id, to=address, subject=f"Join the proposal “{session.title}” at {event.name}",
        text=f"You are invited to speak with {actor.name or 'a speaker'} in “{session.title}” at {event.name}.\n\n"
        f"Sign in (or sign up with this email address) and accept here:\n{link}\n\nThe link works once, for 7 days.",
    )  # fmt: skip
    return {"email": address, "expires_in": CO_SPEAKER_SECONDS}


def accept_co_speaker(*, token: str, actor: Actor) -> content.Session:
    """The signed-in user the invite was mailed to becomes a speaker of the proposal (their
    speaker record copied from their profile); 403 for another account, 410 for a used or
    expired link. The token is spent after the session is written, so a failed write leaves it."""
    user = get_item(User, *user_key(actor.id))
    record = onetime.peek(token, purpose=CO_SPEAKER_PURPOSE)
    event_id, session_id, address = ([*(record.subject or "").split("/", 2), "", ""])[:3]
    if user.email.strip().lower() != address:
        raise Forbidden("This invite is for another email address; sign in with that account.")
    event = get_event(event_id)
    session: content.Session = get_child(event_id=event_id, kind="session", item_id=session_id)  # type: ignore[assignment]
    speaker = speaker_profile(event=event, user=user)
    if speaker.id not in (session.speaker_ids or []):
        # The system writes the link: the invitee is not yet a speaker, and the proposal may be
        # a draft nobody else may touch; the checks above are the permission.
        speakers = [*(session.speaker_ids or []), speaker.id]
        update_child(
            event=event, item=session, fields={"speaker_ids": speakers}, version=session.version, actor=SYSTEM,
            notify=False,
        )  # fmt: skip
    onetime.consume(token, purpose=CO_SPEAKER_PURPOSE)
    remember_proposal(user_id=user.id, event_id=event.id, session_id=session.id)
    return session


def own_proposals(*, event_id: str, user_id: str, limit: int, cursor: str | None) -> Page:
    """The sessions linked to the user in this event: a Query on the event's sessions, filtered.

    The filter drops most sessions, so DynamoDB is read in pages of SCAN_PAGE sessions rather
    than `limit`.
    """
    return read_page(
        content.Session,
        event_pk(event_id),
        Item.sk.startswith(child_sk_prefix("session")),
        filter_condition=Item.trashed_at.does_not_exist() & content.Session.speaker_user_ids.contains(user_id),
        keep=is_live,
        limit=limit,
        cursor=cursor,
        secret=signing_key(),
        page_size=max(limit + 1, SCAN_PAGE),
    )


SCAN_PAGE = 100  # sessions read per DynamoDB page while looking for a speaker's own
