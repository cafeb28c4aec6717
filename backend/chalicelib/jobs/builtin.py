"""Jobs every stage has. Capabilities add their own modules to `registry.load_jobs`."""

from __future__ import annotations

from typing import Any

from chalicelib.jobs.context import RequestContext
from chalicelib.jobs.registry import job


@job("noop")
def noop(ctx: RequestContext, **args: Any) -> dict[str, Any]:
    """Does nothing; benchmarks and health checks of the worker use it."""
    return {"ok": True}


@job("send_email")
def send_email_job(ctx: RequestContext, *, to: str, subject: str, text: str, html: str | None = None) -> dict[str, Any]:
    """Send one mail through the mail adapter (SES; moto locally)."""
    from chalicelib.adapters.mail import send_email

    message_id = send_email(to=to, subject=subject, text=text, html=html)
    return {"message_id": message_id}
