"""The digest schedule: daily, and it sends yesterday's digests."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from support.content import create, saved_event
from support.trash import frozen_clock, put_role, put_user

pytestmark = pytest.mark.integration


def test_mail_digest_is_scheduled_daily():
    from app import app

    [config] = [c for c in app.event_sources if getattr(c, "name", "") == "send_proposal_digests"]

    assert config.schedule_expression.to_string() == "cron(0 6 * * ? *)"


def test_mail_digest_schedule_mails_yesterdays_proposals(stack):
    from app import app
    from chalicelib.domain.organizer_notices import proposal_submitted
    from chalicelib.domain.outbox import list_mails
    from podium.localstack.poller import LocalPoller

    event = saved_event()
    put_user("digest-reader")
    put_role("ev1", "digest-reader", "organizer")
    with frozen_clock(datetime(2026, 2, 2, 9, tzinfo=UTC)) as clock:
        proposal_submitted(event=event, session=create(event, "session", title="Looms", state="pending"), speakers=[])
        clock.advance(days=1)

        result = LocalPoller(app, stack).fire_schedule("send_proposal_digests")

    [mail] = list_mails(event_id="ev1", state=None, limit=10, cursor=None).items
    assert result == {"mailed": 1}
    assert (mail.to, mail.subject) == ("digest-reader@example.org", "1 new proposals for Conf")
