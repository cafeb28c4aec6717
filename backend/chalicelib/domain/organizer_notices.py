"""How organizers hear of new proposals: a mail per proposal, a daily digest, or nothing — each
organizer chooses per event (default: the digest).

A submitted proposal is added to its day's digest record (`DIGEST#<day>`, one item per event), so
the daily schedule Queries yesterday's partition and reads nothing else of the table.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from pynamodb.exceptions import DoesNotExist, PutError

from chalicelib.clock import clock
from chalicelib.db.base import Item, is_condition_failure
from chalicelib.db.keys import ROLE_SK_PREFIX, digest_key, digest_pk, event_pk, mail_preference_key, user_key
from chalicelib.db.mail import DigestDay, MailPreference
from chalicelib.db.users import EventRole, User
from chalicelib.domain import mail_templates, outbox
from chalicelib.domain.content import list_all
from chalicelib.domain.events import get_event
from chalicelib.domain.permissions import ORGANIZING
from chalicelib.errors import NotFound

CHOICES = ("each", "digest", "off")
DEFAULT_CHOICE = "digest"


def get_choice(*, event_id: str, user_id: str) -> str:
    try:
        return MailPreference.get(*mail_preference_key(event_id, user_id), consistent_read=True).new_proposals
    except DoesNotExist:
        return DEFAULT_CHOICE


def set_choice(*, event_id: str, user_id: str, new_proposals: str) -> str:
    """Store how this organizer hears of new proposals in the event (one of CHOICES)."""
    record = MailPreference(
        *mail_preference_key(event_id, user_id), event_id=event_id, user_id=user_id, new_proposals=new_proposals
    )
    record.stamp()
    record.save(add_version_condition=False)
    return new_proposals


def _organizers(event_id: str) -> list[tuple[Any, str]]:
    """(user, choice) of each member whose role organizes the event and whose account has an email."""
    roles = [
        r
        for r in Item.query(event_pk(event_id), Item.sk.startswith(ROLE_SK_PREFIX))
        if isinstance(r, EventRole) and r.role in ORGANIZING
    ]
    if not roles:
        return []
    users = {u.id: u for u in User.batch_get([user_key(r.user_id) for r in roles])}
    prefs = {
        p.user_id: p.new_proposals
        for p in MailPreference.batch_get([mail_preference_key(event_id, r.user_id) for r in roles])
        if isinstance(p, MailPreference)
    }
    return [(users[r.user_id], prefs.get(r.user_id, DEFAULT_CHOICE)) for r in roles if r.user_id in users and users[r.user_id].email]


def proposal_submitted(*, event: Any, session: Any, speakers: list[Any]) -> list[str]:
    """Mail the organizers who chose a mail per proposal, and add the proposal to today's digest.
    Returns the send jobs' ids."""
    day = clock().now().date().isoformat()
    marker = DigestDay(*digest_key(day, event.id), event_id=event.id, day=day)
    try:  # the day's first proposal makes the record (an update alone would write no `kind`)
        marker.save(condition=DigestDay.pk.does_not_exist())
    except PutError as err:
        if not is_condition_failure(err):
            raise
    marker.update(actions=[DigestDay.session_ids.add({session.id})], add_version_condition=False)
    template = mail_templates.get_template(event_id=event.id, name="organizer_new_proposal")
    items = [
        outbox.add(
            event_id=event.id, to=user.email, template=template.name, session_id=session.id,
            mail=mail_templates.render(template, mail_templates.organizer_values(
                event=event, organizer_name=user.name or "", session=session, speakers=speakers,
            )),
        )
        for user, choice in _organizers(event.id)
        if choice == "each"
    ]
    return outbox.deliver(items, delivery=template.delivery)


def send_digests(*, day: datetime | None = None) -> dict[str, int]:
    """Yesterday's digests (or `day`'s): one mail per event to each organizer who chose the digest,
    naming the proposals that arrived that day. Idempotent: an organizer mailed once is not mailed
    again, and a finished day is deleted."""
    wanted = (day or clock().now() - timedelta(days=1)).date().isoformat()
    mailed = 0
    for marker in DigestDay.query(digest_pk(wanted), consistent_read=True):
        mailed += _send_digest(marker)
        marker.delete(add_version_condition=False)
    return {"mailed": mailed}


def _send_digest(marker: DigestDay) -> int:
    try:
        event = get_event(marker.event_id)
    except NotFound:
        return 0
    wanted = set(marker.session_ids or ())
    sessions = [s for s in list_all(event_id=event.id, kind="session") if s.id in wanted]
    if not sessions:
        return 0
    template = mail_templates.get_template(event_id=event.id, name="organizer_digest")
    done = set(marker.sent_to or ())
    items = []
    for user, choice in _organizers(event.id):
        if choice != "digest" or user.id in done:
            continue
        values = mail_templates.organizer_values(event=event, organizer_name=user.name or "", listed=sessions)
        items.append(outbox.add(event_id=event.id, to=user.email, template=template.name,
                                mail=mail_templates.render(template, values)))  # fmt: skip
        marker.update(actions=[DigestDay.sent_to.set([*done, user.id])], add_version_condition=False)
        done.add(user.id)
    # A digest is expected the next morning: it never waits in the outbox for a review.
    outbox.deliver(items, delivery="now")
    return len(items)
