"""Organizers hear of new proposals as they chose: a mail each, the daily digest, or nothing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from support.content import create, saved_event
from support.trash import frozen_clock, put_role, put_user

pytestmark = pytest.mark.integration
MONDAY = datetime(2026, 2, 2, 9, tzinfo=UTC)


@pytest.fixture
def team(stack):
    """Event ev1 with three organizers: one wants each proposal, one the digest (the default),
    one nothing; and a moderator, who organizes nothing."""
    from chalicelib.domain.organizer_notices import set_choice

    event = saved_event()
    for user_id, role in (("each-org", "organizer"), ("digest-org", "coorganizer"), ("off-org", "owner"),
                          ("mod", "moderator")):  # fmt: skip
        put_user(user_id)
        put_role("ev1", user_id, role)
    set_choice(event_id="ev1", user_id="each-org", new_proposals="each")
    set_choice(event_id="ev1", user_id="off-org", new_proposals="off")
    return event


def _outbox():
    from chalicelib.domain.outbox import list_mails

    return list_mails(event_id="ev1", state=None, limit=100, cursor=None).items


def test_organizer_notices_choice_defaults_to_the_digest(team):
    from chalicelib.domain.organizer_notices import get_choice

    assert [get_choice(event_id="ev1", user_id=u) for u in ("each-org", "digest-org", "off-org", "mod")] == [
        "each", "digest", "off", "digest",
    ]  # fmt: skip


def test_organizer_notices_mail_each_proposal_to_who_chose_each(team):
    from chalicelib.domain.organizer_notices import proposal_submitted

    ada = create(team, "speaker", name="Ada", email="ada@example.org")
    talk = create(team, "session", title="Looms", speaker_ids=[ada.id], state="pending")

    jobs = proposal_submitted(event=team, session=talk, speakers=[ada])

    [mail] = _outbox()
    assert (mail.to, mail.subject, mail.template) == ("each-org@example.org", "New proposal for Conf: Looms",
                                                      "organizer_new_proposal")  # fmt: skip
    assert "Ada proposed “Looms” to Conf." in mail.text
    assert "/admin/#/events/ev1/proposals" in mail.text
    assert len(jobs) == 1


def test_organizer_notices_daily_digest_names_the_days_proposals_once(team):
    from chalicelib.domain.organizer_notices import proposal_submitted, send_digests

    with frozen_clock(MONDAY) as clock:
        for title in ("Zebras", "Looms"):
            talk = create(team, "session", title=title, state="pending")
            proposal_submitted(event=team, session=talk, speakers=[])
        clock.advance(days=1)
        first = send_digests()
        again = send_digests()
        clock.advance(days=1)
        next_day = send_digests()

    digests = [m for m in _outbox() if m.template == "organizer_digest"]
    assert (first, again, next_day) == ({"mailed": 1}, {"mailed": 0}, {"mailed": 0})
    assert [(m.to, m.subject) for m in digests] == [("digest-org@example.org", "2 new proposals for Conf")]
    assert "- Looms\n- Zebras" in digests[0].text


def test_organizer_notices_digest_of_an_explicit_day(team):
    from chalicelib.domain.organizer_notices import proposal_submitted, send_digests

    with frozen_clock(MONDAY):
        proposal_submitted(event=team, session=create(team, "session", title="Looms", state="pending"), speakers=[])

    assert send_digests(day=MONDAY + timedelta(days=3)) == {"mailed": 0}
    assert send_digests(day=MONDAY) == {"mailed": 1}
