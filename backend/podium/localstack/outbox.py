"""The local stack's outbox: the mails the embedded SES accepted, read from moto's state.

Local only: it asks moto's `/moto-api/data.json`, which no AWS endpoint has.
"""

from __future__ import annotations

import json
import urllib.request
from dataclasses import asdict, dataclass
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any


@dataclass(frozen=True)
class Mail:
    to: str
    subject: str
    text: str
    html: str | None

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def read_outbox(aws_endpoint: str, *, to: str | None = None) -> list[Mail]:
    """Mails sent through the embedded SES, oldest first; only those to `to` when given."""
    with urllib.request.urlopen(aws_endpoint.rstrip("/") + "/moto-api/data.json", timeout=30) as answer:  # noqa: S310
        ses = json.loads(answer.read()).get("ses", {})
    mails = [_simple(sent) for sent in ses.get("Message", [])] + [_raw(sent) for sent in ses.get("RawMessage", [])]
    if to:
        wanted = to.strip().lower()
        mails = [mail for mail in mails if wanted in {a.strip().lower() for a in mail.to.split(",")}]
    return mails


def _simple(sent: dict[str, Any]) -> Mail:
    addresses = [a for kind in ("ToAddresses", "CcAddresses") for a in sent.get("destinations", {}).get(kind, [])]
    body = sent.get("body") or ""
    is_html = body.lstrip().startswith("<")
    return Mail(", ".join(addresses), sent.get("subject") or "", "" if is_html else body, body if is_html else None)


def _raw(sent: dict[str, Any]) -> Mail:
    """The parts decoded as a mail reader would: every transfer encoding (7bit, 8bit,
    quoted-printable, base64), each part's charset honoured."""
    # moto keeps the raw bytes decoded as UTF-8; parsed as text, an 8bit part's non-ASCII
    # characters would come out as \uXXXX escapes. Parsed as the bytes sent, they decode.
    raw = (sent.get("raw_data") or "").encode("utf-8", "surrogateescape")
    message = message_from_bytes(raw, policy=policy.default)
    assert isinstance(message, EmailMessage)
    text_part = message.get_body(preferencelist=("plain",))
    html_part = message.get_body(preferencelist=("html",))
    return Mail(
        to=str(message.get("To", "")),
        # A long subject is folded right after "Subject:"; Python's parser keeps the fold's
        # space in the value where a mail reader shows none.
        subject=str(message.get("Subject", "")).strip(),
        text=text_part.get_content() if text_part is not None else "",
        html=html_part.get_content() if html_part is not None else None,
    )
