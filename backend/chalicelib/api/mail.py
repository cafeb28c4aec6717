"""Mail over HTTP: an event's templates (read, edit, reset, preview with a real proposal), its
outbox (list, edit, discard, send selected, compose by filter) and each organizer's choice of
how they hear of new proposals."""

from __future__ import annotations

from typing import Any

from chalice import Blueprint

from chalicelib.api.http import endpoint
from chalicelib.api.schema import EMAIL, ID, PAGE, Field, Schema, multiline, text
from chalicelib.db.mail import OUTBOX_STATES
from chalicelib.db.pagination import page_request
from chalicelib.domain import mail_templates, organizer_notices, outbox
from chalicelib.domain.content import get_child
from chalicelib.domain.events import get_event
from chalicelib.domain.session_states import STATES
from chalicelib.request_context import current_context

bp = Blueprint(__name__)
TEMPLATES = "/events/{event_id}/mail-templates"
OUTBOX = "/events/{event_id}/outbox"
_NAME = Field("string", max_length=40, choices=tuple(mail_templates.DEFAULTS))
_SUBJECT = text(mail_templates.MAX_SUBJECT, min_length=1)
_BODY = multiline(mail_templates.MAX_BODY, min_length=1)
_HTML = multiline(mail_templates.MAX_BODY, nullable=True)
TEMPLATE = Schema(
    "MailTemplate",
    {
        "subject": _SUBJECT, "text": _BODY, "html": _HTML,
        "delivery": Field("string", max_length=8, choices=mail_templates.DELIVERIES),
    },
    frozenset({"subject", "text"}),
)
PREVIEW = Schema(
    "MailPreview", {"session_id": ID, "subject": _SUBJECT, "text": _BODY, "html": _HTML}, frozenset({"session_id"})
)
MAIL_EDIT = Schema("OutboxMailEdit", {"to": EMAIL, "subject": _SUBJECT, "text": _BODY, "html": _HTML})
SEND = Schema(
    "OutboxSend", {"mail_ids": Field("array", items=ID, max_items=outbox.MAX_BULK, min_length=1)}, frozenset({"mail_ids"})
)
COMPOSE = Schema(
    "OutboxCompose",
    {
        "template": _NAME,
        "delivery": Field("string", max_length=8, choices=mail_templates.DELIVERIES),
        "state": Field("string", max_length=20, choices=STATES),
        "track_id": ID,
        "session_type_id": ID,
        "without_slides": Field("boolean"),
    },
    frozenset({"template"}),
)
NOTIFICATIONS = Schema(
    "ProposalNotifications",
    {"new_proposals": Field("string", max_length=8, choices=organizer_notices.CHOICES)},
    frozenset({"new_proposals"}),
)


@endpoint(bp, TEMPLATES, "GET", action="mail_template.read", summary="Every mail template as this event sends it",
          errors=(401, 403, 404))  # fmt: skip
def read_mail_templates(event_id: str) -> dict[str, Any]:
    get_event(event_id)
    return {"items": [t.as_json() for t in mail_templates.list_templates(event_id=event_id)], "next": None}


@endpoint(bp, TEMPLATES + "/{name}", "PUT", action="mail_template.update", body=TEMPLATE,
          summary="Set this event's version of a template (unknown placeholders are refused by name)",
          errors=(400, 401, 403, 404, 422))  # fmt: skip
def save_mail_template(event_id: str, name: str, body: dict[str, Any]) -> dict[str, Any]:
    get_event(event_id)
    return mail_templates.save_template(event_id=event_id, name=name, fields=body).as_json()


@endpoint(bp, TEMPLATES + "/{name}", "DELETE", action="mail_template.update",
          summary="Go back to the default template", errors=(401, 403, 404))  # fmt: skip
def reset_mail_template(event_id: str, name: str) -> dict[str, Any]:
    get_event(event_id)
    return mail_templates.reset_template(event_id=event_id, name=name).as_json()


@endpoint(bp, TEMPLATES + "/{name}/preview", "POST", action="mail_template.read", body=PREVIEW,
          summary="Render a template (or a draft of it) with a real proposal's data, as its first addressee gets it",
          errors=(400, 401, 403, 404, 422))  # fmt: skip
def preview_mail_template(event_id: str, name: str, body: dict[str, Any]) -> dict[str, Any]:
    event = get_event(event_id)
    session = get_child(event_id=event_id, kind="session", item_id=body["session_id"])
    return mail_templates.preview(event=event, session=session, name=name, draft=body, actor=current_context().actor)


@endpoint(bp, OUTBOX, "GET", action="outbox.read", response=PAGE,
          summary=f"The outbox, oldest first (cursor-paginated; ?state= one of {', '.join(OUTBOX_STATES)})",
          errors=(400, 401, 403, 404, 422))  # fmt: skip
def list_outbox(event_id: str) -> dict[str, Any]:
    get_event(event_id)
    query = bp.current_request.query_params or {}
    limit, cursor = page_request(query)
    page = outbox.list_mails(event_id=event_id, state=query.get("state") or None, limit=limit, cursor=cursor)
    return page.map(outbox.mail_view).body()


@endpoint(bp, OUTBOX + "/{mail_id}", "PATCH", action="outbox.update", body=MAIL_EDIT,
          summary="Edit a queued or failed mail", errors=(401, 403, 404, 409, 422))  # fmt: skip
def edit_outbox_mail(event_id: str, mail_id: str, body: dict[str, Any]) -> dict[str, Any]:
    get_event(event_id)
    return outbox.mail_view(outbox.edit_mail(event_id=event_id, mail_id=mail_id, fields=body))


@endpoint(bp, OUTBOX + "/{mail_id}", "DELETE", action="outbox.delete",
          summary="Discard a queued or failed mail", errors=(401, 403, 404, 409))  # fmt: skip
def discard_outbox_mail(event_id: str, mail_id: str) -> dict[str, Any]:
    get_event(event_id)
    outbox.discard(event_id=event_id, mail_id=mail_id)
    return {"discarded": mail_id}


@endpoint(bp, OUTBOX + "/send", "POST", action="outbox.send", body=SEND, status=202,
          summary="Send the selected queued or failed mails (a job with progress)", errors=(401, 403, 404, 409, 422))  # fmt: skip
def send_outbox(event_id: str, body: dict[str, Any]) -> dict[str, Any]:
    get_event(event_id)
    return {"job_id": outbox.send_selected(event_id=event_id, mail_ids=body["mail_ids"])}


@endpoint(bp, OUTBOX + "/compose", "POST", action="outbox.create", body=COMPOSE, status=201,
          summary="Mail speakers by filter (state, track, type, without slides): one mail per speaker and session",
          errors=(401, 403, 404, 422))  # fmt: skip
def compose_outbox(event_id: str, body: dict[str, Any]) -> dict[str, Any]:
    event = get_event(event_id)
    filters = {k: v for k, v in body.items() if k in ("state", "track_id", "session_type_id", "without_slides")}
    return outbox.compose_by_filter(
        event=event, template_name=body["template"], filters=filters, delivery=body.get("delivery", "queue")
    )


@endpoint(bp, "/events/{event_id}/notifications", "GET", action="notification.read",
          summary="How you hear of new proposals in this event (each, digest or off)", errors=(401, 403, 404))  # fmt: skip
def read_notifications(event_id: str) -> dict[str, Any]:
    get_event(event_id)
    return {"new_proposals": organizer_notices.get_choice(event_id=event_id, user_id=current_context().actor.id)}


@endpoint(bp, "/events/{event_id}/notifications", "PUT", action="notification.update", body=NOTIFICATIONS,
          summary="Choose a mail per new proposal, a daily digest, or none", errors=(401, 403, 404, 422))  # fmt: skip
def set_notifications(event_id: str, body: dict[str, Any]) -> dict[str, Any]:
    get_event(event_id)
    choice = organizer_notices.set_choice(
        event_id=event_id, user_id=current_context().actor.id, new_proposals=body["new_proposals"]
    )
    return {"new_proposals": choice}
