"""The speaker's pages: the one place mails take their links to a speaker from."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.unit


def test_speaker_page_url_is_the_speakers_dashboard_under_the_request_base_url():
    from chalicelib.domain.speaker_pages import speaker_page_url
    from chalicelib.request_context import anonymous_request_context, reset_context, set_context

    token = set_context(anonymous_request_context("r1", "https://podium.example.org/"))
    try:
        dashboard = speaker_page_url(event_id="ev1")
        proposal = speaker_page_url(event_id="ev1", session_id="s1")
    finally:
        reset_context(token)

    assert dashboard == "https://podium.example.org/admin/#/speaker"
    assert proposal == "https://podium.example.org/admin/#/speaker/proposals/ev1/s1"
    assert "/sessions/" not in proposal  # never the organizers' session form
