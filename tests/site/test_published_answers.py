"""Answers to custom questions on the public site: those published with the session show on its
page; organizer-only ones reach no page, feed or search index."""

from __future__ import annotations

import pytest
from support.content import ORGANIZER, create, saved_event
from support.uploads import acting_as

pytestmark = pytest.mark.integration


def test_session_page_shows_published_answers_only(stack):
    from chalicelib.domain.questions import create_question
    from chalicelib.site.from_db import load_bundle
    from chalicelib.site.render import render_event

    event = saved_event()
    with acting_as(ORGANIZER):
        fields = [
            {"label": "Repository", "kind": "url", "visibility": "public"},
            {"label": "Needs a sign language interpreter", "kind": "yes_no", "visibility": "public"},
            {"label": "Private note", "kind": "long_text"},
        ]
        repo, interpreter, note = (create_question(event=event, fields=f, actor=ORGANIZER) for f in fields)
        answers = {repo.id: "https://example.org/looms", interpreter.id: True, note.id: "SECRET-ANSWER <b>x</b>"}
        session = create(event, "session", title="Looms", state="accepted", answers=answers)

    bundle = load_bundle("ev1")
    files = render_event(bundle, base_url="https://site.example/")

    page = files[f"e/conf/sessions/{session.id}/index.html"].decode()
    shown = next(s for s in bundle.sessions if s.id == session.id).published_answers
    assert shown == (("Repository", "https://example.org/looms"), ("Needs a sign language interpreter", "Yes"))
    assert '<dt>Repository</dt><dd><a href="https://example.org/looms" rel="noopener nofollow">' in page
    assert [name for name, data in files.items() if b"SECRET-ANSWER" in data] == []
