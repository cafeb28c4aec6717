"""The outbox: every mail about an event's proposals is an item here, from queued to sent or
failed (with the reason), and leaves through `send` alone, so its state is always recorded.

A mail is composed from a template (domain/mail_templates.py) and either sent now (a job per
mail) or left queued for the organizers to read, edit, discard or send in bulk (one job with
progress, where one failure never stops the others).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta
from typing import Any

from pynamodb.exceptions import DoesNotExist, PutError, UpdateError

from chalicelib.adapters.mail import send_email
from chalicelib.clock import clock
from chalicelib.db.base import is_condition_failure
from chalicelib.db.keys import OUTBOX_SK_PREFIX, event_pk, outbox_key
from chalicelib.db.mail import FAILED, OUTBOX_STATES, QUEUED, SENDING, SENT, OutboxMail, new_outbox_id, outbox_id_for
from chalicelib.db.pagination import Page, read_page
from chalicelib.domain import mail_templates
from chalicelib.domain.content import list_all
from chalicelib.domain.tokens import signing_key
from chalicelib.errors import Conflict, NotFound, ValidationFailed
from chalicelib.jobs.enqueue import enqueue

MAX_REASON = 500
OUTBOX_ID = re.compile(r"[0-9]{20}-[a-z0-9]{6}")  # db/mail.py new_outbox_id
MAX_BULK = 500  # mails one bulk request composes or sends
# Outbox items the organizers may still change: not while a send is under way or after it.
EDITABLE = frozenset({QUEUED, FAILED})
# A send that claimed a mail and then died (a killed worker) leaves it `sending`; after this long
# another send may claim it again. Delivery stays at least once, as every job's effects are.
SENDING_LEASE = timedelta(minutes=15)


def add(
    *, event_id: str, to: str, mail: mail_templates.RenderedMail, template: str | None, session_id: str | None = None,
    mail_id: str | None = None,
) -> OutboxMail | None:  # fmt: skip
    """Queue one composed mail (not sent yet). With `mail_id` (db/mail.outbox_id_for), a mail
    added under it before is not added again: None."""
    chosen = mail_id or new_outbox_id(clock().now())
    item = OutboxMail(
        *outbox_key(event_id, chosen), id=chosen, event_id=event_id, to=to, subject=mail.subject, text=mail.text,
        html=mail.html, template=template, session_id=session_id, state=QUEUED,
    )  # fmt: skip
    item.stamp()
    try:
        item.save(condition=OutboxMail.pk.does_not_exist())
    except PutError as err:
        if mail_id is None or not is_condition_failure(err):
            raise
        return None
    return item


def deliver(items: list[OutboxMail], *, delivery: str) -> list[str]:
    """Send-now mails get a job each (their ids are returned); queued ones wait for the organizers."""
    if delivery != "now":
        return []
    return [
        # The job's arguments copy the mail for the jobs list; what leaves is the outbox item.
        enqueue("send_email", _event_id=m.event_id, to=m.to, subject=m.subject, text=m.text, html=m.html,
                outbox={"event_id": m.event_id, "mail_id": m.id})
        for m in items
    ]


def mail_speakers(
    *, event: Any, session: Any, speakers: Iterable[Any], template_name: str, extra: dict[str, str] | None = None,
    once: tuple[datetime, str] | None = None,
) -> list[str]:  # fmt: skip
    """Compose `template_name` for each speaker with an email and deliver it as the template says
    (send now or queue); `extra` adds values the speaker's own don't hold (a room's name). With
    `once` (a moment and a name of the occasion), a speaker mailed on it before is not mailed
    again. Returns the send jobs' ids (none when queued)."""
    template = mail_templates.get_template(event_id=event.id, name=template_name)
    added = [
        add(
            event_id=event.id, to=speaker.email, template=template_name, session_id=session.id,
            mail=mail_templates.render(
                template, mail_templates.speaker_values(event=event, session=session, speaker=speaker) | (extra or {})
            ),
            mail_id=outbox_id_for(once[0], once[1], session.id, speaker.id) if once else None,
        )
        for speaker in speakers
        if speaker.email
    ]
    return deliver([item for item in added if item is not None], delivery=template.delivery)


def compose_by_filter(*, event: Any, template_name: str, filters: dict[str, Any], delivery: str) -> dict[str, Any]:
    """One mail per speaker and matching session from a speaker template: sessions of a `state`,
    `track_id`, `session_type_id`, and with `without_slides` those with no slides yet. Sent now
    or queued (`delivery`); at most MAX_BULK mails."""
    template = mail_templates.get_template(event_id=event.id, name=template_name)
    if template.audience != "speaker":
        raise ValidationFailed("Bulk mail goes to speakers: pick a speaker template.", fields={"template": "not a speaker template"})
    sessions = [s for s in list_all(event_id=event.id, kind="session") if _matches(s, filters)]
    speakers = {s.id: s for s in list_all(event_id=event.id, kind="speaker")}
    pairs = [(session, speakers[i]) for session in sessions for i in session.speaker_ids or [] if i in speakers]
    pairs = [(session, speaker) for session, speaker in pairs if speaker.email]
    if len(pairs) > MAX_BULK:
        raise ValidationFailed(
            f"This filter matches {len(pairs)} mails; narrow it to at most {MAX_BULK}.", fields={"filters": "too many mails"}
        )
    items = [
        add(
            event_id=event.id, to=speaker.email, template=template_name, session_id=session.id,
            mail=mail_templates.render(template, mail_templates.speaker_values(event=event, session=session, speaker=speaker)),
        )
        for session, speaker in pairs
    ]
    jobs = deliver(items, delivery=delivery)
    return {"queued": [i.id for i in items], "jobs": jobs}


def _matches(session: Any, filters: dict[str, Any]) -> bool:
    for name in ("state", "track_id", "session_type_id"):
        if filters.get(name) is not None and getattr(session, name) != filters[name]:
            return False
    return not (filters.get("without_slides") and (session.slides_url or session.slides_file))


def send(*, event_id: str, mail_id: str) -> OutboxMail:
    """The one way a mail about an event leaves: claim it (queued or failed → sending), send it,
    record sent with the message id or failed with the reason. A mail already sent, or being sent
    for less than SENDING_LEASE, is left alone, so a repeated job does not mail twice."""
    item = get_mail(event_id=event_id, mail_id=mail_id)
    now = clock().now()
    abandoned = (OutboxMail.state == SENDING) & (OutboxMail.updated_at < now - SENDING_LEASE)
    try:
        item.update(
            actions=[OutboxMail.state.set(SENDING), OutboxMail.reason.remove(), OutboxMail.updated_at.set(now)],
            condition=OutboxMail.state.is_in(*EDITABLE) | abandoned,
            add_version_condition=False,
        )
    except UpdateError as err:
        if is_condition_failure(err):
            return get_mail(event_id=event_id, mail_id=mail_id)
        raise
    try:
        message_id = send_email(to=item.to, subject=item.subject, text=item.text, html=item.html)
    except Exception as err:  # any failure of one mail is recorded on it; the others go on
        reason = f"{type(err).__name__}: {err}"[:MAX_REASON]
        item.update(actions=[OutboxMail.state.set(FAILED), OutboxMail.reason.set(reason)], add_version_condition=False)
        return item
    item.update(
        actions=[
            OutboxMail.state.set(SENT), OutboxMail.message_id.set(message_id), OutboxMail.sent_at.set(clock().now()),
        ],
        add_version_condition=False,
    )  # fmt: skip
    return item


def send_many(*, event_id: str, mail_ids: list[str], progress: Callable[[int], None]) -> dict[str, Any]:
    """Send each mail in turn (`send`); a missing one is skipped. Counts by outcome, and the failures' reasons."""
    counts = {SENT: 0, FAILED: 0, "skipped": 0}
    failures: dict[str, str] = {}
    for index, mail_id in enumerate(mail_ids):
        try:
            item = send(event_id=event_id, mail_id=mail_id)
        except NotFound:
            counts["skipped"] += 1
            continue
        outcome = item.state if item.state in (SENT, FAILED) else "skipped"
        counts[outcome] += 1
        if item.state == FAILED:
            failures[mail_id] = item.reason or ""
        progress(int(100 * (index + 1) / max(len(mail_ids), 1)))
    return {**counts, "failures": failures}


def send_selected(*, event_id: str, mail_ids: list[str]) -> str:
    """Start the bulk send of these outbox mails (a job); returns its id. Mails that are not
    queued or failed are refused by name before anything starts."""
    items = [get_mail(event_id=event_id, mail_id=i) for i in dict.fromkeys(mail_ids)]
    done = sorted(i.id for i in items if i.state not in EDITABLE)
    if done:
        raise Conflict(
            f"Only queued or failed mails are sent; not {', '.join(done)}.",
            fields={"mail_ids": "name only queued or failed mails"},
        )
    return enqueue("send_outbox", _event_id=event_id, event_id=event_id, mail_ids=[i.id for i in items])


def get_mail(*, event_id: str, mail_id: str) -> OutboxMail:
    """The outbox mail, or 404 (an id that no outbox ever made is refused without a read)."""
    if not OUTBOX_ID.fullmatch(mail_id):
        raise NotFound("No such mail in this event's outbox.")
    try:
        return OutboxMail.get(*outbox_key(event_id, mail_id), consistent_read=True)
    except (DoesNotExist, ValueError):  # ValueError: an item of another kind under that key
        raise NotFound("No such mail in this event's outbox.") from None


def list_mails(*, event_id: str, state: str | None, limit: int, cursor: str | None) -> Page:
    """The outbox, oldest first, optionally of one state."""
    if state is not None and state not in OUTBOX_STATES:
        raise ValidationFailed(f"state must be one of {', '.join(OUTBOX_STATES)}.", fields={"state": "unknown state"})
    return read_page(
        OutboxMail, event_pk(event_id), OutboxMail.sk.startswith(OUTBOX_SK_PREFIX),
        filter_condition=(OutboxMail.state == state) if state else None,
        limit=limit, cursor=cursor, secret=signing_key(),
    )  # fmt: skip


def edit_mail(*, event_id: str, mail_id: str, fields: dict[str, Any]) -> OutboxMail:
    """Change a queued or failed mail's address, subject or bodies (409 once it is sent or sending)."""
    item = get_mail(event_id=event_id, mail_id=mail_id)
    _check_editable(item, "edited")
    for name in ("to", "subject", "text", "html"):
        if name in fields:
            setattr(item, name, fields[name])
    item.stamp()
    try:
        item.save(condition=OutboxMail.state.is_in(*EDITABLE))
    except Exception as err:
        if is_condition_failure(err):
            raise Conflict("This mail was sent meanwhile; it can no longer be edited.") from err
        raise
    return item


def discard(*, event_id: str, mail_id: str) -> None:
    """Delete a queued or failed mail (409 once it is sent or sending)."""
    item = get_mail(event_id=event_id, mail_id=mail_id)
    _check_editable(item, "discarded")
    try:
        item.delete(condition=OutboxMail.state.is_in(*EDITABLE), add_version_condition=False)
    except Exception as err:
        if is_condition_failure(err):
            raise Conflict("This mail was sent meanwhile; it can no longer be discarded.") from err
        raise


def _check_editable(item: OutboxMail, verb: str) -> None:
    if item.state not in EDITABLE:
        raise Conflict(f"This mail is {item.state}; only queued or failed mails can be {verb}.", fields={"state": item.state})


def mail_view(item: OutboxMail) -> dict[str, Any]:
    """An outbox mail as its organizers see it."""
    names = ("id", "to", "subject", "text", "html", "template", "session_id", "state", "reason", "sent_at", "created_at")
    return {name: getattr(item, name) for name in names} | {"version": item.version}
