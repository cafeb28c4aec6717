"""Where a speaker's own pages are: every mail to a speaker links here, never to organizer forms.

The one place that spells these addresses (the speaker portal's views in the admin page), so
the portal can move them without hunting through mail code.
"""

from __future__ import annotations

from chalicelib.request_context import current_context


def speaker_page_url(*, event_id: str, session_id: str | None = None) -> str:
    """The absolute address of the speaker's dashboard for an event, or of one of their proposals."""
    path = f"admin/#/speaker/events/{event_id}"
    if session_id:
        path += f"/proposals/{session_id}"
    return current_context().absolute_url(path)
