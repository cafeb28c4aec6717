"""The bulk send job: it sends the selected mails and reports what happened to each."""

from __future__ import annotations

import pytest
from support.content import saved_event

pytestmark = pytest.mark.integration


def test_send_outbox_job_sends_each_mail_and_reports_failures(stack, monkeypatch):
    from chalicelib.domain import outbox
    from chalicelib.domain.mail_templates import RenderedMail
    from chalicelib.job_bodies.outbox import send_outbox
    from chalicelib.request_context import system_context

    def refuse_one(*, to, subject, text, html=None):
        if to == "broken@example.org":
            raise RuntimeError("MessageRejected: no such mailbox")
        return f"id-{to}"

    monkeypatch.setattr(outbox, "send_email", refuse_one)
    saved_event()
    mails = [
        outbox.add(event_id="ev1", to=to, mail=RenderedMail("Hi", "Hello", None), template="proposal_reminder")
        for to in ("broken@example.org", "ada@example.org")
    ]

    result = send_outbox(system_context(), event_id="ev1", mail_ids=[m.id for m in mails])

    assert result == {"sent": 1, "failed": 1, "skipped": 0,
                      "failures": {mails[0].id: "RuntimeError: MessageRejected: no such mailbox"}}  # fmt: skip
    assert outbox.get_mail(event_id="ev1", mail_id=mails[1].id).message_id == "id-ada@example.org"
