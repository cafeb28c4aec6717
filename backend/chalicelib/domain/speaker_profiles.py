"""A speaker's own side of the call for papers: the profile they reuse across events, their
availability in an event, and the dashboard of their proposals in every event.

The profile is copied into an event's speaker record when that record is made (the speaker's
first proposal to the event, or accepting a co-speaker invite). Later profile edits do not flow
into events already joined: what an event published stays as the organizers saw it; the speaker
edits that event's record (PATCH /v1/events/{id}/speakers/{speaker_id}) while proposals are open.
"""

from __future__ import annotations

from datetime import UTC
from typing import Any

from pynamodb.exceptions import DoesNotExist, PutError

from chalicelib.actors import Actor
from chalicelib.clock import clock
from chalicelib.db import content
from chalicelib.db.base import Item, is_condition_failure
from chalicelib.db.keys import child_key, event_key, speaker_profile_key, user_key, user_proposal_key
from chalicelib.db.live import is_live
from chalicelib.db.pagination import Page
from chalicelib.db.prefetch import get_item
from chalicelib.db.speaker_profiles import ProposalPointer, SpeakerProfile, proposal_pointer_page
from chalicelib.db.users import User
from chalicelib.domain.content import update_child
from chalicelib.domain.projections import SPEAKER, project
from chalicelib.domain.session_states import proposals_editable
from chalicelib.domain.tokens import signing_key
from chalicelib.domain.uploads import avatar_file, file_view, public_url
from chalicelib.errors import Conflict, ValidationFailed
from chalicelib.public.richtext import sanitize
from chalicelib.values import ValueProblem, parse_datetime

PROFILE_FIELDS = ("name", "biography", "photo_url", "organisation", "position", "links")
MAX_AVAILABILITY_RANGES = 50


def read_profile(*, user_id: str) -> SpeakerProfile:
    """The user's speaker profile; one made from their account (unsaved) when they have none."""
    try:
        return SpeakerProfile.get(*speaker_profile_key(user_id), consistent_read=True)
    except DoesNotExist:
        user = get_item(User, *user_key(user_id))
        return SpeakerProfile(*speaker_profile_key(user_id), user_id=user_id, name=user.name, biography=user.bio)


def save_profile(*, user_id: str, fields: dict[str, Any]) -> SpeakerProfile:
    """Replace the user's profile with `fields` (validated by the API schema); the biography is
    stored sanitized, so every copy of it (event records, pages, mails) is safe as it stands."""
    values = {name: fields.get(name) for name in PROFILE_FIELDS}
    if values["biography"]:
        values["biography"] = sanitize(values["biography"])
    values["links"] = [content.Link(**link) for link in values["links"] or []] or None
    # Onto the stored profile (or the unsaved one made from the account): its version makes the
    # write hold only if nobody saved in between; a fresh item would only hold the first time.
    profile = read_profile(user_id=user_id)
    for name, value in values.items():
        setattr(profile, name, value)
    profile.stamp()
    try:
        profile.save()
    except PutError as err:
        if is_condition_failure(err):
            raise Conflict("Your speaker profile was saved meanwhile (another tab?); reload it and save again.") from err
        raise
    return profile


def profile_view(profile: SpeakerProfile) -> dict[str, Any]:
    """The profile as its owner sees it, with their uploaded photo (kind `avatar`) when any."""
    data = project(profile, SPEAKER)
    data["links"] = [link.as_dict() for link in profile.links or []]
    photo = avatar_file(user_id=profile.user_id)
    data["photo_file"] = file_view(photo) if photo else None
    return data


def speaker_fields(*, user: Any) -> dict[str, Any]:
    """An event speaker record's fields from the user's profile (the copy made on joining an event)."""
    profile = read_profile(user_id=user.id)
    photo = avatar_file(user_id=user.id)
    return {
        "name": profile.name or user.name,
        "email": user.email,
        "long_biography": profile.biography,
        "photo_url": profile.photo_url or (public_url(photo.key) if photo else None),
        "organisation": profile.organisation,
        "position": profile.position,
        "links": profile.links,
    }


def remember_proposal(*, user_id: str, event_id: str, session_id: str) -> None:
    """Point the user's dashboard at a proposal they now speak in (idempotent)."""
    pointer = ProposalPointer(
        *user_proposal_key(user_id, event_id, session_id), user_id=user_id, event_id=event_id, session_id=session_id
    )
    pointer.stamp()
    pointer.save()


# -- availability ----------------------------------------------------------------------------


def set_availability(
    *, event: content.Event, speaker: content.Speaker, ranges: list[dict[str, str]], version: int | None, actor: Actor
) -> content.Speaker:
    """Replace when `speaker` can attend `event`: ordered, non-empty ranges within the event's
    dates (when it has dates). Written through update_child (permission, version, effects)."""
    parsed = []
    for index, given in enumerate(ranges):
        try:
            starts_at, ends_at = parse_datetime(given["starts_at"]), parse_datetime(given["ends_at"])
        except ValueProblem as problem:
            raise ValidationFailed(f"availability item {index} {problem}.", fields={"availability": str(problem)}) from None
        if ends_at <= starts_at:
            raise ValidationFailed(
                f"availability item {index} must end after it starts.", fields={"availability": "ends before it starts"}
            )
        if event.starts_at and event.ends_at and not (event.starts_at <= starts_at and ends_at <= event.ends_at):
            raise ValidationFailed(
                f"availability item {index} must fall within the event "
                f"({event.starts_at.isoformat()} to {event.ends_at.isoformat()}).",
                fields={"availability": "outside the event's dates"},
            )
        # Stored in UTC (as the attribute reads back), so the answer equals a later read.
        parsed.append(content.TimeRange(starts_at=starts_at.astimezone(UTC), ends_at=ends_at.astimezone(UTC)))
    parsed.sort(key=lambda r: r.starts_at)
    fields = {"availability": parsed}
    return update_child(event=event, item=speaker, fields=fields, version=version, actor=actor)  # type: ignore[return-value]


def availability_view(speaker: content.Speaker) -> dict[str, Any]:
    ranges = [{"starts_at": r.starts_at, "ends_at": r.ends_at} for r in speaker.availability or []]
    return {"speaker_id": speaker.id, "availability": ranges, "version": speaker.version}


# -- the dashboard -----------------------------------------------------------------------------

def dashboard(*, user_id: str, limit: int, cursor: str | None) -> Page:
    """The user's proposals in every event (by event id): each with its state and what is expected
    of the speaker next. Pointers whose session no longer names the user (an organizer removed
    them, it was trashed) are skipped, so a page may hold fewer than `limit`."""
    pointers = proposal_pointer_page(user_id, limit=limit, cursor=cursor, secret=signing_key())
    chosen = [(p.event_id, p.session_id) for p in pointers.items]
    keys = [child_key(e, "session", s) for e, s in chosen] + [event_key(e) for e, _ in chosen]
    found = {(i.pk, i.sk): i for i in Item.batch_get(sorted(set(keys)))} if keys else {}
    items = []
    for event_id, session_id in chosen:
        session = found.get(child_key(event_id, "session", session_id))
        event = found.get(event_key(event_id))
        if session is None or event is None or not is_live(session) or not is_live(event):
            continue
        if user_id not in (session.speaker_user_ids or []):
            continue
        items.append(proposal_summary(event=event, session=session))
    return Page(items, pointers.next)


def proposal_summary(*, event: content.Event, session: content.Session) -> dict[str, Any]:
    """One dashboard row: the proposal, its event and what the speaker is expected to do next."""
    editable = proposals_editable(event.call_for_papers, clock().now())
    return {
        "event": {"id": event.id, "name": event.name, "slug": event.slug},
        "session_id": session.id,
        "title": session.title,
        "state": session.state,
        "editable": editable and session.state in ("draft", "pending", "withdrawn"),
        "closes_at": event.call_for_papers.ends_at if event.call_for_papers else None,
        "next": expected_next(session=session, editable=editable),
        "version": session.version,
    }


def expected_next(*, session: content.Session, editable: bool) -> list[str]:
    """What the speaker should do next, in the order to do it (empty: nothing for now)."""
    state = session.state
    if state == "draft":
        return ["submit"] if editable else []
    if state == "accepted":
        return ["confirm"] + ([] if session.slides_file or session.slides_url else ["upload_slides"])
    if state == "confirmed" and not (session.slides_file or session.slides_url):
        return ["upload_slides"]
    return []
