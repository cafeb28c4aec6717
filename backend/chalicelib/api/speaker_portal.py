"""The speaker portal over HTTP: the caller's speaker profile and proposal dashboard under /me,
co-speaker invites, and a speaker's availability in an event. Submitting, editing and withdrawing
a proposal are api/call_for_papers.py's and the session routes' (PATCH state)."""

from __future__ import annotations

from typing import Any

from chalice import Blueprint

from chalicelib.api.content import _prefetch, caller_audience, client_version, etagged
from chalicelib.api.http import endpoint
from chalicelib.api.payloads import AVAILABILITY, CO_SPEAKER_ACCEPT, CO_SPEAKER_INVITE, SPEAKER_PROFILE
from chalicelib.api.schema import PAGE
from chalicelib.db.pagination import page_request
from chalicelib.domain import call_for_papers as cfp
from chalicelib.domain import speaker_profiles
from chalicelib.domain.content import get_child, view
from chalicelib.domain.events import get_event
from chalicelib.request_context import current_context

bp = Blueprint(__name__)


def _session(event_id: str, item_id: str, **_: str) -> Any:
    return get_child(event_id=event_id, kind="session", item_id=item_id)


def _speaker(event_id: str, item_id: str, **_: str) -> Any:
    return get_child(event_id=event_id, kind="speaker", item_id=item_id)


@endpoint(
    bp, "/me/speaker-profile", "GET", action="me.read", summary="Your speaker profile (reused across events)",
    errors=(401,),
)  # fmt: skip
def read_speaker_profile() -> dict[str, Any]:
    return speaker_profiles.profile_view(speaker_profiles.read_profile(user_id=current_context().actor.id))


@endpoint(
    bp, "/me/speaker-profile", "PUT", action="me.update", body=SPEAKER_PROFILE, errors=(401, 409, 422),
    summary="Set your speaker profile; a new event's speaker record is copied from it",
)  # fmt: skip
def save_speaker_profile(body: dict[str, Any]) -> dict[str, Any]:
    profile = speaker_profiles.save_profile(user_id=current_context().actor.id, fields=body)
    return speaker_profiles.profile_view(profile)


@endpoint(
    bp, "/me/proposals", "GET", action="me.read", response=PAGE, errors=(400, 401),
    summary="Your proposals in every event, with their state and what is expected of you next",
)  # fmt: skip
def list_my_proposals() -> dict[str, Any]:
    limit, cursor = page_request(bp.current_request.query_params)
    return speaker_profiles.dashboard(user_id=current_context().actor.id, limit=limit, cursor=cursor).body()


@endpoint(
    bp, "/events/{event_id}/sessions/{item_id}/co-speakers", "POST", action="session.invite_speaker",
    summary="Invite a co-speaker to your proposal by email (a one-time link, 7 days)", status=202,
    body=CO_SPEAKER_INVITE, load=_session, prefetch=_prefetch("session"), errors=(401, 403, 404, 409, 422, 429),
)  # fmt: skip
def invite_co_speaker(event_id: str, item_id: str, resource: Any, body: dict[str, Any]) -> dict[str, Any]:
    actor = current_context().actor
    return cfp.invite_co_speaker(event=get_event(event_id), session=resource, email=body["email"], actor=actor)


@endpoint(
    bp, "/co-speaker-invites/accept", "POST", action="co_speaker.accept", body=CO_SPEAKER_ACCEPT,
    summary="Accept a co-speaker invite mailed to your address: you become a speaker of the proposal",
    errors=(401, 403, 404, 410, 422),
)  # fmt: skip
def accept_co_speaker(body: dict[str, Any]) -> Any:
    session = cfp.accept_co_speaker(token=body["token"], actor=current_context().actor)
    return etagged(view(session, audience=caller_audience(session.event_id, resource=session)))


@endpoint(
    bp, "/events/{event_id}/speakers/{item_id}/availability", "PUT", action="speaker.update",
    summary="When the speaker can attend (time ranges within the event); organizers read it on the speaker",
    body=AVAILABILITY, load=_speaker, prefetch=_prefetch("speaker"), errors=(401, 403, 404, 409, 422),
)  # fmt: skip
def set_availability(event_id: str, item_id: str, resource: Any, body: dict[str, Any]) -> Any:
    speaker = speaker_profiles.set_availability(
        event=get_event(event_id), speaker=resource, ranges=body["availability"], version=client_version(body),
        actor=current_context().actor,
    )  # fmt: skip
    return etagged(speaker_profiles.availability_view(speaker))
