"""Mail templates: every mail Podium sends about proposals, a default here and an event's own
version (subject, text body, optional HTML body), with a fixed allowlist of placeholders.

Placeholders are `{name}`, replaced by a tiny substituter rather than Jinja2's sandbox: organizers'
templates need values, not logic, and a substituter with no expressions, attributes, loops or
filters leaves nothing to escape from and nothing to make slow; every `{name}` in a template is
checked against the allowlist when it is saved (400 naming it). Values are escaped in HTML
bodies and put on one line in subjects (no header injection).

What a value may say is decided by the projections (domain/projections.py): a speaker's mail is
filled from the session, the speaker and the event as that speaker may read them, an organizer's
from what organizers read. No placeholder reads an item directly.
"""

from __future__ import annotations

import html as html_lib
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pynamodb.exceptions import DoesNotExist

from chalicelib.actors import Actor
from chalicelib.db.base import Item
from chalicelib.db.content import Speaker
from chalicelib.db.keys import MAIL_TEMPLATE_SK_PREFIX, event_pk, mail_template_key
from chalicelib.db.mail import MailTemplate
from chalicelib.domain.content import _speakers
from chalicelib.domain.projections import ORGANIZERS_AUDIENCE, SPEAKER, VISITORS, project
from chalicelib.domain.speaker_pages import speaker_page_url
from chalicelib.errors import BadRequest, NotFound
from chalicelib.request_context import current_context

PLACEHOLDER = re.compile(r"\{([A-Za-z0-9_]{1,40})\}")
DELIVERIES = ("now", "queue")
MAX_SUBJECT = 200
MAX_BODY = 20_000

# The values every template may use, and those only a speaker's or an organizer's mail has.
EVENT_PLACEHOLDERS = ("event_name", "event_starts_at", "event_ends_at", "cfp_closes_at")
SPEAKER_PLACEHOLDERS = (
    *EVENT_PLACEHOLDERS, "speaker_name", "proposal_title", "proposal_state", "proposal_url", "dashboard_url",
    "session_starts_at", "session_ends_at",
)  # fmt: skip
ORGANIZER_PLACEHOLDERS = (
    *EVENT_PLACEHOLDERS, "organizer_name", "proposal_title", "proposal_state", "speaker_names", "review_url",
)  # fmt: skip
# A speaker's mail about their session's place in the schedule (domain/schedule_releases.py).
SCHEDULE_PLACEHOLDERS = (*SPEAKER_PLACEHOLDERS, "session_room")
DIGEST_PLACEHOLDERS = (*EVENT_PLACEHOLDERS, "organizer_name", "proposal_count", "proposal_list", "review_url")


@dataclass(frozen=True)
class Template:
    """One template's effective content; `customized` when the event has its own version."""

    name: str
    audience: str  # speaker | organizer
    description: str
    placeholders: tuple[str, ...]
    subject: str
    text: str
    html: str | None = None
    delivery: str = "now"
    customized: bool = False

    def as_json(self) -> dict[str, Any]:
        return {
            "name": self.name, "audience": self.audience, "description": self.description,
            "placeholders": list(self.placeholders), "subject": self.subject, "text": self.text,
            "html": self.html, "delivery": self.delivery, "customized": self.customized,
        }  # fmt: skip


def _speaker(name: str, description: str, news: str, extra: str = "") -> Template:
    text = (
        "Hello {speaker_name},\n\n{event_name}: your session “{proposal_title}” is " + news + ".\n"
        + extra + "\n{proposal_url}\n\nAll your proposals: {dashboard_url}\n"
    )  # fmt: skip
    return Template(name, "speaker", description, SPEAKER_PLACEHOLDERS, "Your session “{proposal_title}” is " + news, text)


DEFAULTS: dict[str, Template] = {
    t.name: t
    for t in (
        _speaker("proposal_received", "A speaker submitted a proposal", "received and pending review"),
        _speaker(
            "proposal_accepted", "A proposal was accepted", "now accepted",
            "Please confirm that you will give it on your dashboard.\n",
        ),
        _speaker("proposal_rejected", "A proposal was rejected", "now rejected"),
        _speaker("proposal_waitlisted", "A proposal was put on the waiting list", "now waitlisted"),
        _speaker("proposal_state_changed", "A proposal moved to another state", "now {proposal_state}"),
        _speaker(
            "proposal_reminder", "A reminder sent in bulk (e.g. accepted speakers without slides)",
            "{proposal_state}", "Please check what is still expected of you (slides, confirmation).\n",
        ),
        Template(
            "schedule_changed", "speaker", "A released schedule moved a session (new time or room)",
            SCHEDULE_PLACEHOLDERS, "Your session “{proposal_title}” is rescheduled",
            "Hello {speaker_name},\n\n{event_name}: your session “{proposal_title}” is rescheduled.\n"
            "It is now from {session_starts_at} to {session_ends_at} in {session_room}.\n"
            "\n{proposal_url}\n\nAll your proposals: {dashboard_url}\n",
        ),
        Template(
            "organizer_new_proposal", "organizer", "Mailed to organizers who chose a mail per new proposal",
            ORGANIZER_PLACEHOLDERS, "New proposal for {event_name}: {proposal_title}",
            "Hello {organizer_name},\n\n{speaker_names} proposed “{proposal_title}” to {event_name}.\n\n"
            "Review the proposals: {review_url}\n",
        ),
        Template(
            "organizer_digest", "organizer", "The daily digest of new proposals",
            DIGEST_PLACEHOLDERS, "{proposal_count} new proposals for {event_name}",
            "Hello {organizer_name},\n\n{event_name} received {proposal_count} proposals yesterday:\n\n"
            "{proposal_list}\n\nReview them: {review_url}\n",
        ),
    )
}
# The template of a session state's mail; every other state uses proposal_state_changed.
STATE_TEMPLATES = {
    "pending": "proposal_received",
    "accepted": "proposal_accepted",
    "rejected": "proposal_rejected",
    "waitlisted": "proposal_waitlisted",
}


def template_of_state(state: str) -> str:
    return STATE_TEMPLATES.get(state, "proposal_state_changed")


def _default(name: str) -> Template:
    if name not in DEFAULTS:
        raise NotFound(f"No mail template named {name[:40]!r}; the templates are: {', '.join(DEFAULTS)}.")
    return DEFAULTS[name]


def _from_record(record: MailTemplate) -> Template:
    base = _default(record.name)
    return Template(
        base.name, base.audience, base.description, base.placeholders, record.subject, record.text,
        record.html, record.delivery or "now", customized=True,
    )  # fmt: skip


def get_template(*, event_id: str, name: str) -> Template:
    """The event's version of template `name`, else the default (404 for an unknown name)."""
    _default(name)
    try:
        return _from_record(MailTemplate.get(*mail_template_key(event_id, name), consistent_read=True))
    except DoesNotExist:
        return DEFAULTS[name]


def list_templates(*, event_id: str) -> list[Template]:
    """Every template as the event sends it, in the order of DEFAULTS (one Query)."""
    own = {
        r.name: _from_record(r)
        for r in Item.query(event_pk(event_id), Item.sk.startswith(MAIL_TEMPLATE_SK_PREFIX))
        if isinstance(r, MailTemplate) and r.name in DEFAULTS
    }
    return [own.get(name, template) for name, template in DEFAULTS.items()]


def check_placeholders(template: Template, fields: dict[str, Any]) -> None:
    """400 naming every placeholder of `fields` (subject, text, html) that `template` does not know."""
    problems = {}
    for field in ("subject", "text", "html"):
        unknown = sorted({m for m in PLACEHOLDER.findall(fields.get(field) or "") if m not in template.placeholders})
        if unknown:
            problems[field] = "unknown placeholder " + ", ".join("{" + u + "}" for u in unknown)
    if problems:
        names = sorted({p for text in problems.values() for p in text.removeprefix("unknown placeholder ").split(", ")})
        raise BadRequest(
            f"Unknown placeholder {', '.join(names)}; this template knows {', '.join(template.placeholders)}.",
            fields=problems,
        )


def save_template(*, event_id: str, name: str, fields: dict[str, Any]) -> Template:
    """Store the event's version of template `name` (subject, text, html, delivery)."""
    base = _default(name)
    check_placeholders(base, fields)
    record = MailTemplate(
        *mail_template_key(event_id, name), event_id=event_id, name=name, subject=fields["subject"],
        text=fields["text"], html=fields.get("html") or None, delivery=fields.get("delivery") or "now",
    )  # fmt: skip
    record.stamp()
    record.save(add_version_condition=False)  # the last save wins: one form edits a template
    return _from_record(record)


def reset_template(*, event_id: str, name: str) -> Template:
    """Drop the event's version: the default applies again."""
    base = _default(name)
    MailTemplate(*mail_template_key(event_id, name)).delete(add_version_condition=False)
    return base


# -- rendering -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RenderedMail:
    subject: str
    text: str
    html: str | None


def render(template: Template, values: dict[str, str]) -> RenderedMail:
    """Fill the placeholders: as is in the text body, escaped in the HTML body, on one line in
    the subject. A placeholder with no value becomes empty (a speaker without a name)."""

    def fill(source: str, clean: Any) -> str:
        return PLACEHOLDER.sub(lambda m: clean(values.get(m.group(1), "")), source)

    subject = " ".join(fill(template.subject, lambda v: " ".join(str(v).split())).split())[:MAX_SUBJECT]
    text = fill(template.text, str)
    body = fill(template.html, lambda v: html_lib.escape(str(v), quote=True)) if template.html else None
    return RenderedMail(subject, text, body)


def _when(value: Any, zone_name: str | None) -> str:
    if not isinstance(value, datetime):
        return ""
    try:
        zone = ZoneInfo(zone_name or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        zone = ZoneInfo("UTC")
    return value.astimezone(zone).strftime("%Y-%m-%d %H:%M ") + (zone_name or "UTC")


def event_values(event: Any) -> dict[str, str]:
    """The event's placeholders, from what visitors may read of it."""
    shown = project(event, VISITORS)
    cfp = getattr(event, "call_for_papers", None)
    zone = shown.get("timezone")
    return {
        "event_name": shown.get("name") or "",
        "event_starts_at": _when(shown.get("starts_at"), zone),
        "event_ends_at": _when(shown.get("ends_at"), zone),
        # The closing date is what the call for papers shows every applicant (domain/call_for_papers.cfp_view).
        "cfp_closes_at": _when(getattr(cfp, "ends_at", None), zone),
    }


def speaker_values(*, event: Any, session: Any, speaker: Any) -> dict[str, str]:
    """A speaker's mail about their session: only what that speaker may read of each item."""
    own_session = project(session, SPEAKER)
    own_profile = project(speaker, SPEAKER)
    zone = project(event, VISITORS).get("timezone")  # the times as the event's visitors read them
    return event_values(event) | {
        "speaker_name": own_profile.get("name") or "",
        "proposal_title": own_session.get("title") or "",
        "proposal_state": own_session.get("state") or "",
        "proposal_url": speaker_page_url(event_id=event.id, session_id=own_session.get("id")),
        "dashboard_url": speaker_page_url(event_id=event.id),
        "session_starts_at": _when(own_session.get("starts_at"), zone),
        "session_ends_at": _when(own_session.get("ends_at"), zone),
    }


def organizer_values(
    *, event: Any, organizer_name: str, session: Any = None, speakers: Iterable[Any] = (), listed: Iterable[Any] = ()
) -> dict[str, str]:
    """An organizer's mail: what organizers read of the session and its speakers (and of the
    `listed` sessions of a digest)."""
    shown = project(session, ORGANIZERS_AUDIENCE) if session is not None else {}
    names = [project(s, ORGANIZERS_AUDIENCE).get("name") or "" for s in speakers]
    titles = sorted(project(s, ORGANIZERS_AUDIENCE).get("title") or "" for s in listed)
    return event_values(event) | {
        "proposal_count": str(len(titles)),
        "proposal_list": "\n".join(f"- {t}" for t in titles),
        "organizer_name": organizer_name,
        "proposal_title": shown.get("title") or "",
        "proposal_state": shown.get("state") or "",
        "speaker_names": ", ".join(n for n in names if n) or "A speaker",
        "review_url": current_context().absolute_url(f"admin/#/events/{event.id}/proposals"),
    }


def preview(*, event: Any, session: Any, name: str, draft: dict[str, Any], actor: Actor) -> dict[str, Any]:
    """Template `name` (with the draft's subject, text or html in place of the stored ones)
    rendered with `session`'s data, as its first speaker (a speaker template) or `actor` (an
    organizer template) would get it, and to whom it would go."""
    stored = get_template(event_id=event.id, name=name)
    changes = {k: draft[k] for k in ("subject", "text", "html") if k in draft}
    check_placeholders(stored, changes)
    template = Template(**{**stored.__dict__, **changes})
    speakers = _speakers(event.id, list(session.speaker_ids or []))
    if template.audience == "speaker":
        speaker = next(iter(speakers), None) or Speaker(name="(no speaker yet)")
        values = speaker_values(event=event, session=session, speaker=speaker)
        to = getattr(speaker, "email", None)
    else:
        values = organizer_values(
            event=event, organizer_name=actor.name or "", session=session, speakers=speakers, listed=[session]
        )
        to = None
    mail = render(template, values)
    return {"to": to, "subject": mail.subject, "text": mail.text, "html": mail.html}
