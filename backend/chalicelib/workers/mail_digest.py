"""The organizers' daily digest of new proposals: each morning, yesterday's."""

from __future__ import annotations

from typing import Any

from chalice import Blueprint, Cron

from chalicelib.domain.organizer_notices import send_digests

bp = Blueprint(__name__)


@bp.schedule(Cron(0, 6, "*", "*", "?", "*"), name="send_proposal_digests")
def send_proposal_digests(event: Any) -> dict[str, int]:
    # Outside a request the system context applies: the mails' links use the site's base URL.
    return send_digests()
