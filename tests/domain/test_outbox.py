"""The outbox: states queued → sending → sent | failed (with the reason), sends through one
function, send-now or queue per template, bulk mail by filter."""

from __future__ import annotations

import pytest
from support.content import ORGANIZER, create, fresh, saved_event

pytestmark = pytest.mark.integration


@pytest.fixture
def event(stack):
    return saved_event()


@pytest.fixture
def sent_to(monkeypatch):
    """Addresses the SES adapter was asked to mail (the real adapter still sends to moto);
    sending to an address with "broken" in it fails as SES would refuse it."""
    from chalicelib.adapters import mail
    from chalicelib.domain import outbox

    calls: list[str] = []

    def send_email(*, to, subject, text, html=None):
        calls.append(to)
        if "broken" in to:
            raise RuntimeError("MessageRejected: Address blacklisted.")
        return mail.send_email(to=to, subject=subject, text=text, html=html)

    monkeypatch.setattr(outbox, "send_email", send_email)
    return calls


def _queued(event_id: str, to: str, subject: str = "Hi"):
    from chalicelib.domain.mail_templates import RenderedMail
    from chalicelib.domain.outbox import add

    return add(event_id=event_id, to=to, mail=RenderedMail(subject, "Hello", None), template="proposal_reminder")


def test_outbox_send_records_sent_with_the_message_id(event, sent_to):
    from chalicelib.domain.outbox import send

    mail = _queued("ev1", "ada@example.org")

    result = send(event_id="ev1", mail_id=mail.id)

    stored = fresh(mail)
    assert (mail.state, stored.state, stored.reason) == ("queued", "sent", None)
    assert stored.message_id == result.message_id and stored.message_id
    assert stored.sent_at is not None
    assert sent_to == ["ada@example.org"]


def test_outbox_failed_send_shows_its_reason_and_never_blocks_the_others(event, sent_to):
    from chalicelib.domain.outbox import list_mails, send_many

    first = _queued("ev1", "ada@example.org")
    broken = _queued("ev1", "broken@example.org")
    last = _queued("ev1", "bob@example.org")
    seen = []

    result = send_many(event_id="ev1", mail_ids=[first.id, broken.id, last.id, "missing"], progress=seen.append)

    states = {m.to: (m.state, m.reason) for m in list_mails(event_id="ev1", state=None, limit=10, cursor=None).items}
    assert states == {
        "ada@example.org": ("sent", None),
        "broken@example.org": ("failed", "RuntimeError: MessageRejected: Address blacklisted."),
        "bob@example.org": ("sent", None),
    }
    assert result == {"sent": 2, "failed": 1, "skipped": 1,
                      "failures": {broken.id: "RuntimeError: MessageRejected: Address blacklisted."}}  # fmt: skip
    assert seen == [25, 50, 75]


def test_outbox_a_repeated_send_mails_once_and_a_failed_mail_can_be_sent_again(event, sent_to):
    from chalicelib.domain.outbox import edit_mail, send

    mail = _queued("ev1", "broken@example.org")
    failed = send(event_id="ev1", mail_id=mail.id)
    edit_mail(event_id="ev1", mail_id=mail.id, fields={"to": "fixed@example.org"})

    again = send(event_id="ev1", mail_id=mail.id)
    repeated = send(event_id="ev1", mail_id=mail.id)

    assert (failed.state, again.state, repeated.state) == ("failed", "sent", "sent")
    assert sent_to == ["broken@example.org", "fixed@example.org"]


def test_outbox_sent_mail_cannot_be_edited_or_discarded(event, sent_to):
    from chalicelib.domain.outbox import discard, edit_mail, send
    from chalicelib.errors import Conflict

    mail = _queued("ev1", "ada@example.org")
    send(event_id="ev1", mail_id=mail.id)

    with pytest.raises(Conflict) as edit:
        edit_mail(event_id="ev1", mail_id=mail.id, fields={"subject": "Changed"})
    with pytest.raises(Conflict):
        discard(event_id="ev1", mail_id=mail.id)

    assert edit.value.fields == {"state": "sent"}
    assert fresh(mail).subject == "Hi"


def test_outbox_queued_mail_is_edited_then_discarded(event):
    from chalicelib.domain.outbox import discard, edit_mail, get_mail
    from chalicelib.errors import NotFound

    mail = _queued("ev1", "ada@example.org")

    edited = edit_mail(event_id="ev1", mail_id=mail.id, fields={"subject": "Slides?", "text": "Please"})
    discard(event_id="ev1", mail_id=mail.id)

    assert (edited.subject, edited.text, edited.state) == ("Slides?", "Please", "queued")
    with pytest.raises(NotFound):
        get_mail(event_id="ev1", mail_id=mail.id)


def test_outbox_lists_oldest_first_in_pages_and_by_state(event, sent_to):
    from chalicelib.domain.outbox import list_mails, send

    mails = [_queued("ev1", f"p{i}@example.org") for i in range(5)]
    send(event_id="ev1", mail_id=mails[1].id)

    first = list_mails(event_id="ev1", state=None, limit=3, cursor=None)
    second = list_mails(event_id="ev1", state=None, limit=3, cursor=first.next)
    queued = list_mails(event_id="ev1", state="queued", limit=10, cursor=None)

    assert [m.id for m in first.items + second.items] == [m.id for m in mails]
    assert second.next is None
    assert [m.id for m in queued.items] == [m.id for i, m in enumerate(mails) if i != 1]


def test_outbox_state_change_mail_waits_in_the_outbox_when_its_template_queues(event):
    from chalicelib.db.jobs import Job
    from chalicelib.domain.content import set_session_state
    from chalicelib.domain.mail_templates import save_template
    from chalicelib.domain.outbox import list_mails

    save_template(
        event_id="ev1", name="proposal_accepted",
        fields={"subject": "Welcome aboard, {speaker_name}", "text": "{proposal_title} is in.", "delivery": "queue"},
    )  # fmt: skip
    ada = create(event, "speaker", name="Ada", email="queued-ada@example.org")
    talk = create(event, "session", title="Looms", speaker_ids=[ada.id], state="pending")

    set_session_state(event=event, session=talk, state="accepted", actor=ORGANIZER)

    [mail] = list_mails(event_id="ev1", state=None, limit=10, cursor=None).items
    assert (mail.to, mail.subject, mail.text, mail.state) == ("queued-ada@example.org", "Welcome aboard, Ada",
                                                              "Looms is in.", "queued")  # fmt: skip
    assert [j for j in Job.scan(Job.name == "send_email") if "queued-ada@example.org" in j.args] == []


def test_outbox_send_now_state_change_sends_through_the_outbox(event, sent_to):
    import json

    from chalicelib.db.jobs import Job
    from chalicelib.domain.content import set_session_state
    from chalicelib.domain.outbox import list_mails, send

    ada = create(event, "speaker", name="Ada", email="now-ada@example.org")
    talk = create(event, "session", title="Looms", speaker_ids=[ada.id], state="pending")

    set_session_state(event=event, session=talk, state="rejected", actor=ORGANIZER)

    [mail] = list_mails(event_id="ev1", state=None, limit=10, cursor=None).items
    [job] = [json.loads(j.args) for j in Job.scan(Job.name == "send_email") if "now-ada@example.org" in j.args]
    assert job["outbox"] == {"event_id": "ev1", "mail_id": mail.id}
    assert (mail.subject, mail.template) == ("Your session “Looms” is now rejected", "proposal_rejected")
    assert send(event_id="ev1", mail_id=mail.id).state == "sent"


def test_outbox_compose_by_filter_mails_accepted_speakers_without_slides(event):
    from chalicelib.domain.outbox import compose_by_filter, list_mails

    ada = create(event, "speaker", name="Ada", email="ada@example.org")
    bob = create(event, "speaker", name="Bob", email="bob@example.org")
    quiet = create(event, "speaker", name="No mail")
    create(event, "session", title="No slides", speaker_ids=[ada.id, quiet.id], state="accepted")
    create(event, "session", title="Has slides", speaker_ids=[bob.id], state="accepted",
           slides_url="https://example.org/s.pdf")  # fmt: skip
    create(event, "session", title="Pending", speaker_ids=[bob.id], state="pending")

    result = compose_by_filter(
        event=event, template_name="proposal_reminder", filters={"state": "accepted", "without_slides": True},
        delivery="queue",
    )  # fmt: skip

    mails = list_mails(event_id="ev1", state="queued", limit=10, cursor=None).items
    assert [(m.to, m.subject) for m in mails] == [("ada@example.org", "Your session “No slides” is accepted")]
    assert result == {"queued": [mails[0].id], "jobs": []}


def test_outbox_compose_refuses_an_organizer_template(event):
    from chalicelib.domain.outbox import compose_by_filter
    from chalicelib.errors import ValidationFailed

    with pytest.raises(ValidationFailed) as refused:
        compose_by_filter(event=event, template_name="organizer_digest", filters={}, delivery="queue")

    assert refused.value.fields == {"template": "not a speaker template"}


@pytest.mark.unit
def test_outbox_ids_sort_by_the_time_they_were_queued():
    from datetime import UTC, datetime, timedelta

    from chalicelib.db.mail import new_outbox_id

    start = datetime(2026, 1, 1, tzinfo=UTC)
    ids = [new_outbox_id(start + timedelta(microseconds=step)) for step in (0, 1, 10, 1_000_000, 86_400_000_000)]

    assert sorted(ids) == ids


@pytest.mark.unit
def test_outbox_is_the_only_way_mail_about_an_event_leaves():
    """Mail is sent by the SES adapter from two places only: the outbox (every mail about an
    event's proposals) and the send_email job's account mails; and only the account modules (the
    email change's confirmation link among them) and invite modules (role invites, co-speaker
    invites: one-time links, like account mails) enqueue
    send_email jobs of their own. A new mail path must go through the outbox."""
    import re
    from pathlib import Path

    backend = Path(__file__).resolve().parents[2] / "backend" / "chalicelib"
    senders, enqueuers = set(), set()
    for path in backend.rglob("*.py"):
        source = path.read_text()
        name = str(path.relative_to(backend))
        if re.search(r"from chalicelib\.adapters\.mail import[^\n]*\bsend_email\b", source):
            senders.add(name)
        if re.search(r"enqueue\(\s*\"send_email\"", source):
            enqueuers.add(name)

    assert senders == {"domain/outbox.py", "job_bodies/builtin.py"}
    assert enqueuers == {
        "domain/outbox.py", "domain/accounts.py", "domain/email_change.py", "domain/roles.py", "domain/call_for_papers.py"
    }  # fmt: skip


def test_outbox_id_no_outbox_made_is_not_found_without_a_read(event):
    from chalicelib.domain.outbox import get_mail
    from chalicelib.errors import NotFound

    for mail_id in ("x" * 3000, "../OUTBOX#", "20260101000000000000-ABCDEF"):
        with pytest.raises(NotFound):
            get_mail(event_id="ev1", mail_id=mail_id)


def test_outbox_mail_left_sending_by_a_dead_worker_is_sent_after_the_lease(event, sent_to):
    from datetime import UTC, datetime, timedelta

    from chalicelib.db.mail import SENDING, OutboxMail
    from chalicelib.domain.outbox import SENDING_LEASE, send
    from support.trash import frozen_clock

    with frozen_clock(datetime(2026, 2, 2, 9, tzinfo=UTC)) as clock:
        mail = _queued("ev1", "ada@example.org")
        # a worker claimed it and died before it could send
        mail.update(actions=[OutboxMail.state.set(SENDING), OutboxMail.updated_at.set(clock.now())],
                    add_version_condition=False)  # fmt: skip
        clock.advance(seconds=SENDING_LEASE.total_seconds() - 1)
        within = send(event_id="ev1", mail_id=mail.id)
        clock.advance(seconds=2)
        after = send(event_id="ev1", mail_id=mail.id)

    assert (within.state, after.state) == ("sending", "sent")
    assert sent_to == ["ada@example.org"]
    assert after.updated_at == datetime(2026, 2, 2, 9, tzinfo=UTC) + SENDING_LEASE + timedelta(seconds=1)


def test_outbox_mail_items_go_with_their_event_to_the_trash_and_are_purged_with_it(stack):
    from chalicelib.db.base import Item
    from chalicelib.domain.mail_templates import save_template
    from chalicelib.domain.organizer_notices import set_choice
    from chalicelib.domain.trash import purge_item, restore_trashed, trash_event
    from support.trash import OWNER, actor, load, seed_event

    seed_event()
    _queued("ev1", "ada@example.org")
    save_template(event_id="ev1", name="proposal_rejected", fields={"subject": "Sorry", "text": "No."})
    set_choice(event_id="ev1", user_id=OWNER, new_proposals="each")

    trash_event(event=load("event", "ev1", "ev1"), actor=actor(OWNER))  # reads the whole partition
    restored = restore_trashed(item=Item.get("EVENT#ev1", "EVENT", consistent_read=True), actor=actor(OWNER))
    trash_event(event=restored, actor=actor(OWNER))
    purge_item(Item.get("EVENT#ev1", "EVENT", consistent_read=True))

    assert list(Item.query("EVENT#ev1")) == []
