"""adapters/mail.py against moto's SES: one MIME message a mail, headers kept to single lines."""

from __future__ import annotations

import os
import uuid

import pytest
from support.aws_faults import Rule

pytestmark = pytest.mark.integration

SES_FAILING = (500, "<ErrorResponse><Error><Code>InternalFailure</Code><Message>down</Message></Error></ErrorResponse>")


def _outbox(to: str) -> list:
    from podium.localstack.outbox import read_outbox

    return read_outbox(os.environ["AWS_ENDPOINT_URL"], to=to)


@pytest.fixture
def mailbox(aws_stack) -> str:
    return f"adapter-{uuid.uuid4().hex[:10]}@example.org"


def test_send_email_sends_one_message_with_text_and_html_parts(mailbox):
    from chalicelib.adapters.mail import send_email
    from podium.localstack.outbox import Mail

    message_id = send_email(to=mailbox, subject="Welcome", text="Hello.", html="<p>Hello.</p>")

    assert message_id
    assert _outbox(mailbox) == [Mail(to=mailbox, subject="Welcome", text="Hello.\n", html="<p>Hello.</p>\n")]


def test_send_email_long_subject_reads_back_as_sent(mailbox):
    # a subject longer than a header line is folded right after "Subject:"; a reader unfolds it
    from chalicelib.adapters.mail import send_email

    subject = "Welcome to Test Camp 5e9f, Leonora Lindqvist: Weaving with Free Software"
    send_email(to=mailbox, subject=subject, text="Hello.")

    assert [mail.subject for mail in _outbox(mailbox)] == [subject]


@pytest.mark.parametrize("field", ["to", "subject"])
def test_send_email_refuses_a_header_of_more_than_one_line_and_sends_nothing(mailbox, field):
    from chalicelib.adapters.mail import send_email

    values = {"to": mailbox, "subject": "Hi"}
    values[field] += "\nBcc: victim@example.org"

    with pytest.raises(ValueError, match="single lines"):
        send_email(text="x", **values)

    assert _outbox(mailbox) == []


def test_ses_failing_raises_what_a_job_retries(faults, mailbox):
    from chalicelib.adapters.aws import is_unavailable
    from chalicelib.adapters.mail import send_email

    faults.add(Rule("ses", "SendRawEmail", SES_FAILING))

    with pytest.raises(Exception) as raised:
        send_email(to=mailbox, subject="Lost", text="x")

    assert is_unavailable(raised.value)
    assert _outbox(mailbox) == []
