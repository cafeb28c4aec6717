"""Where a speaker's own pages are: every mail to a speaker links here, never to organizer forms.

The one place that spells these addresses (the speaker portal's views in the admin page,
site/admin/js/speaker.js), so the portal can move them without hunting through mail code.
"""

from __future__ import annotations

from chalicelib.request_context import current_context


def speaker_portal_path(view: str) -> str:
    """The admin page's speaker view `view` (`""` the dashboard, `proposals/<event>/<session>`,
    `invite?token=…`), relative to the site's base URL."""
    return f"admin/#/speaker/{view}" if view else "admin/#/speaker"


def speaker_page_url(*, event_id: str, session_id: str | None = None) -> str:
    """The absolute address of one of the speaker's proposals in an event, or of their dashboard
    (which lists their proposals in every event) when no session is named."""
    view = f"proposals/{event_id}/{session_id}" if session_id else ""
    return current_context().absolute_url(speaker_portal_path(view))
