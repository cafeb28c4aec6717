"""Mail items in the event's partition (db/keys.py): template overrides, the outbox, organizers'
notification choices; and the day partitions that collect proposals for the daily digest."""

from __future__ import annotations

import hashlib
from datetime import datetime

from pynamodb.attributes import ListAttribute, UnicodeAttribute, UnicodeSetAttribute, UTCDateTimeAttribute

from chalicelib.db.base import Item, new_id

QUEUED, SENDING, SENT, FAILED = "queued", "sending", "sent", "failed"
OUTBOX_STATES = (QUEUED, SENDING, SENT, FAILED)


class MailTemplate(Item, discriminator="mail_template"):
    """An event's own version of one mail template (the defaults live in domain/mail_templates.py)."""

    event_id = UnicodeAttribute()
    name = UnicodeAttribute()
    subject = UnicodeAttribute()
    text = UnicodeAttribute()
    html = UnicodeAttribute(null=True)
    delivery = UnicodeAttribute(default="now")  # now | queue: send at once or wait in the outbox


class OutboxMail(Item, discriminator="outbox_mail"):
    """One mail about the event, from queued to sent or failed (with the reason)."""

    id = UnicodeAttribute()
    event_id = UnicodeAttribute()
    to = UnicodeAttribute()
    subject = UnicodeAttribute()
    text = UnicodeAttribute()
    html = UnicodeAttribute(null=True)
    template = UnicodeAttribute(null=True)
    session_id = UnicodeAttribute(null=True)
    state = UnicodeAttribute(default=QUEUED)
    reason = UnicodeAttribute(null=True)  # why the last send failed
    message_id = UnicodeAttribute(null=True)
    sent_at = UTCDateTimeAttribute(null=True)


class MailPreference(Item, discriminator="mail_preference"):
    """How an organizer hears of new proposals in one event."""

    event_id = UnicodeAttribute()
    user_id = UnicodeAttribute()
    new_proposals = UnicodeAttribute(default="digest")  # each | digest | off


class DigestDay(Item, discriminator="digest_day"):
    """The proposals an event received on one day, for that day's digest."""

    event_id = UnicodeAttribute()
    day = UnicodeAttribute()
    session_ids = UnicodeSetAttribute(null=True)
    sent_to = ListAttribute(of=UnicodeAttribute, null=True)  # organizers already mailed (retries skip them)


def new_outbox_id(now: datetime) -> str:
    """An outbox id that sorts by queueing time (microseconds), with a random tail against ties."""
    return f"{now:%Y%m%d%H%M%S%f}-{new_id(6)}"


def outbox_id_for(at: datetime, *names: str) -> str:
    """The same outbox id every time for one mail of one occasion (`at` and `names`, e.g. a release
    and a speaker's session): a job run again adds no mail twice. Sorts by `at` as new_outbox_id."""
    digest = int(hashlib.sha256("\0".join(names).encode()).hexdigest(), 16)
    tail = "".join("0123456789abcdefghijklmnopqrstuvwxyz"[(digest >> (6 * i)) % 36] for i in range(6))
    return f"{at:%Y%m%d%H%M%S%f}-{tail}"
