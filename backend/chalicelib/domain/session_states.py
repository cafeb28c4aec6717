"""Session states and who may move a session between them.

Organizers review (accept, reject, confirm on a speaker's behalf, cancel); speakers submit,
confirm their accepted talk and withdraw. Public readers see accepted and confirmed only.
"""

from __future__ import annotations

from typing import Any

from chalicelib.errors import Conflict
from chalicelib.public.bundle import PUBLIC_SESSION_STATES

STATES = ("draft", "pending", "waitlisted", "accepted", "confirmed", "rejected", "withdrawn", "canceled")
# The states visitors see are the public model's (public/bundle.py); projections read them here.

ORGANIZER_TRANSITIONS: dict[str, frozenset[str]] = {
    "draft": frozenset({"pending", "accepted", "rejected"}),
    "pending": frozenset({"accepted", "rejected", "waitlisted", "draft"}),
    # Waitlisted: reviewed, to be accepted if a slot frees up (domain/review.py's bulk decisions).
    "waitlisted": frozenset({"accepted", "rejected", "pending"}),
    "accepted": frozenset({"confirmed", "rejected", "canceled", "pending"}),
    "confirmed": frozenset({"canceled", "accepted"}),
    "rejected": frozenset({"pending", "accepted", "waitlisted"}),
    "withdrawn": frozenset({"pending"}),
    "canceled": frozenset({"accepted", "confirmed"}),
}
SPEAKER_TRANSITIONS: dict[str, frozenset[str]] = {
    "draft": frozenset({"pending"}),
    "pending": frozenset({"draft", "withdrawn"}),
    "waitlisted": frozenset({"withdrawn"}),
    "accepted": frozenset({"confirmed", "withdrawn"}),
    "confirmed": frozenset({"withdrawn"}),
    "rejected": frozenset(),
    "withdrawn": frozenset({"pending"}),
    "canceled": frozenset(),
}


# A proposal a speaker drafts (a session they made through the call for papers, still `draft`)
# is theirs alone: organizers neither see nor move it until it is submitted (draft -> pending).
# Sessions organizers draft themselves carry no `proposed_by` and stay the team's.


def is_speaker_draft(item: Any) -> bool:
    """Whether `item` is a speaker's unsubmitted proposal, hidden from everyone but its speakers."""
    return (
        getattr(item, "kind_name", None) == "session"
        and getattr(item, "state", None) == "draft"
        and bool(getattr(item, "proposed_by", None))
    )


# Once the call for papers closes (or the organizers lock editing earlier), a speaker's proposal
# keeps its details; the speaker may still withdraw it or confirm an accepted talk.
SPEAKER_MOVES_AFTER_CLOSE = frozenset({"withdrawn", "confirmed"})


def proposals_editable(call_for_papers: Any, now: Any) -> bool:
    """Whether speakers may still edit and submit proposals: the call is not closed and the
    organizers have not locked editing. No call for papers: the organizers' own sessions, editable."""
    if call_for_papers is None:
        return True
    if getattr(call_for_papers, "editing_locked", None):
        return False
    ends_at = getattr(call_for_papers, "ends_at", None)
    return ends_at is None or now <= ends_at


def allowed_next(current: str, *, as_organizer: bool) -> frozenset[str]:
    table = ORGANIZER_TRANSITIONS if as_organizer else SPEAKER_TRANSITIONS
    return table.get(current, frozenset())


def check_transition(current: str, new: str, *, as_organizer: bool) -> None:
    """Raise Conflict (409) naming the allowed moves when `current → new` is not one of them."""
    if new == current:
        return
    allowed = allowed_next(current, as_organizer=as_organizer)
    if new not in allowed:
        who = "an organizer" if as_organizer else "a speaker"
        options = ", ".join(sorted(allowed)) or "none"
        raise Conflict(
            f"A {current} session cannot be made {new} by {who}; allowed: {options}.",
            fields={"state": f"{current} → {new} is not allowed"},
        )


def is_public(state: str) -> bool:
    return state in PUBLIC_SESSION_STATES


def notify_speakers(*, event: Any, session: Any, speakers: list[Any] | None = None, template: str | None = None) -> list[str]:
    """Mail the session's speakers (those with an email) about its state through the event's
    template for that state (or `template`) and the outbox; `speakers` spares the read when the
    caller holds them. Returns the send jobs' ids (none when the template queues its mails)."""
    from chalicelib.domain.content import _speakers  # noqa: PLC0415 — domain.content imports this module at load
    from chalicelib.domain.mail_templates import template_of_state  # noqa: PLC0415 — loads the table models, which read the table name at import; build_site.py imports this module before it picks the table
    from chalicelib.domain.outbox import mail_speakers  # noqa: PLC0415 — as above

    found = speakers if speakers is not None else _speakers(event.id, list(session.speaker_ids or []))
    name = template or template_of_state(session.state)
    return mail_speakers(event=event, session=session, speakers=found, template_name=name)
