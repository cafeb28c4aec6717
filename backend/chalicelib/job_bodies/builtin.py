"""Jobs every stage has. Capabilities add their own modules to `job_bodies.load_all`."""

from __future__ import annotations

import html as html_lib
from typing import Any

from chalicelib.adapters.mail import send_email
from chalicelib.domain.outbox import send as send_outbox_mail_now
from chalicelib.jobs.effects import once
from chalicelib.jobs.registry import job
from chalicelib.request_context import RequestContext


@job("noop")
def noop(ctx: RequestContext, **args: Any) -> dict[str, Any]:
    """Does nothing; benchmarks and health checks of the worker use it."""
    return {"ok": True}


@job("send_email")
def send_email_job(
    ctx: RequestContext, *, to: str, subject: str, text: str, html: str | None = None, outbox: dict[str, str] | None = None
) -> dict[str, Any]:
    """Send one mail through SES, at most once per job however often the message comes. A mail
    of an event's outbox (`outbox`: event_id, mail_id) is sent as stored there, by the outbox."""
    if outbox is not None:
        return send_outbox_mail(event_id=outbox["event_id"], mail_id=outbox["mail_id"])
    message_id = once("mail", lambda: send_email(to=to, subject=subject, text=text, html=html))
    return {"message_id": message_id}


def send_outbox_mail(*, event_id: str, mail_id: str) -> dict[str, Any]:
    """Send an outbox mail; a failed send is recorded on it and fails the job (which retries)."""
    sent = send_outbox_mail_now(event_id=event_id, mail_id=mail_id)
    if sent.state == "failed":
        raise RuntimeError(f"mail {mail_id} failed: {sent.reason}")
    return {"state": sent.state, "message_id": sent.message_id}


@job("send_notification")
def send_notification(
    ctx: RequestContext, *, to: str, subject: str, message: str, link_path: str, link_text: str = "Open in Podium"
) -> dict[str, Any]:
    """A notification mail with an absolute link (built from the enqueuing request's base URL)
    that names who triggered it, so the reader knows why it came."""
    link = ctx.absolute_url(link_path)
    by = triggered_by(ctx)
    text = f"{message}\n\n{link_text}: {link}\n\n— sent because of an action by {by}"
    body = (
        f"<p>{html_lib.escape(message)}</p>"
        f'<p><a href="{html_lib.escape(link, quote=True)}">{html_lib.escape(link_text)}</a></p>'
        f"<p><small>Sent because of an action by {html_lib.escape(by)}</small></p>"
    )
    return send_email_job(ctx, to=to, subject=subject, text=text, html=body)


def triggered_by(ctx: RequestContext) -> str:
    """How a mail names the actor behind it: the user's name (and id) or the system."""
    actor = ctx.actor
    if actor.kind == "user":
        return f"{actor.name} ({actor.id})" if actor.name else actor.id
    return actor.name or actor.kind
