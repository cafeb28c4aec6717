"""Outgoing mail through SES (moto's SES locally)."""

from __future__ import annotations

import os

from chalicelib.adapters.aws import client


def sender() -> str:
    return os.environ.get("PODIUM_MAIL_FROM", "Podium <no-reply@podium.example.org>")


def send_email(*, to: str, subject: str, text: str, html: str | None = None) -> str:
    """Send one message; returns the SES message id."""
    body = {"Text": {"Data": text, "Charset": "UTF-8"}}
    if html:
        body["Html"] = {"Data": html, "Charset": "UTF-8"}
    answer = client("ses").send_email(
        Source=sender(),
        Destination={"ToAddresses": [to]},
        Message={"Subject": {"Data": subject, "Charset": "UTF-8"}, "Body": body},
    )
    return answer["MessageId"]
