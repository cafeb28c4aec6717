"""Outgoing mail through SES (moto's SES locally), as one MIME message with text and HTML parts."""

from __future__ import annotations

from email.message import EmailMessage
from email.utils import make_msgid

from chalicelib.adapters.aws import client
from chalicelib.settings import settings


def sender() -> str:
    return settings().mail_from


def build_message(*, to: str, subject: str, text: str, html: str | None = None) -> EmailMessage:
    """The MIME message: plain text, plus an HTML alternative when given."""
    if "\n" in to or "\r" in to or "\n" in subject or "\r" in subject:
        raise ValueError("mail headers must be single lines")
    message = EmailMessage()
    message["From"] = sender()
    message["To"] = to
    message["Subject"] = subject
    message["Message-ID"] = make_msgid(domain=sender().rsplit("@", 1)[-1].rstrip(">"))
    message.set_content(text)
    if html:
        message.add_alternative(html, subtype="html")
    return message


def send_email(*, to: str, subject: str, text: str, html: str | None = None) -> str:
    """Send one message; returns the SES message id."""
    message = build_message(to=to, subject=subject, text=text, html=html)
    answer = client("ses").send_raw_email(Source=sender(), Destinations=[to], RawMessage={"Data": message.as_bytes()})
    return answer["MessageId"]
