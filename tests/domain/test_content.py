from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest
from support.content import ORGANIZER, create, fresh, saved_event

pytestmark = pytest.mark.integration


@pytest.fixture
def event(stack):
    return saved_event()


def test_session_speakers_are_linked_both_ways(event):
    from chalicelib.domain.content import get_child, update_child

    ada = create(event, "speaker", name="Ada")
    bob = create(event, "speaker", name="Bob")
    talk = create(event, "session", title="Talk", speaker_ids=[ada.id])

    update_child(event=event, item=talk, fields={"speaker_ids": [bob.id]}, version=talk.version, actor=ORGANIZER)

    assert get_child(event_id="ev1", kind="speaker", item_id=ada.id).session_ids == []
    assert get_child(event_id="ev1", kind="speaker", item_id=bob.id).session_ids == [talk.id]


def test_session_naming_an_unknown_track_is_refused_by_field(event):
    from chalicelib.errors import ValidationFailed

    with pytest.raises(ValidationFailed) as raised:
        create(event, "session", title="Talk", track_id="nope")

    assert raised.value.fields == {"track_id": "names no such item in this event"}


def test_session_ending_before_it_starts_is_refused_by_field(event):
    from chalicelib.errors import ValidationFailed

    with pytest.raises(ValidationFailed) as raised:
        create(event, "session", title="Talk", starts_at="2026-03-22T10:00:00+08:00", ends_at="2026-03-22T09:00:00+08:00")

    assert raised.value.fields == {"ends_at": "must be after starts_at"}


def test_session_outside_event_dates_is_kept_for_the_schedule_to_warn_of(event):
    # The schedule editor drops a talk anywhere; domain/schedule_conflicts.py's outside_event says why it is wrong.
    talk = create(
        event, "session", title="Talk", starts_at="2027-01-01T09:00:00+00:00", ends_at="2027-01-01T10:00:00+00:00"
    )

    assert fresh(talk).starts_at.isoformat() == "2027-01-01T09:00:00+00:00"


def test_stale_version_is_refused_with_the_current_state(event):
    from chalicelib.domain.content import StaleVersion, update_child

    track = create(event, "track", name="Web")
    update_child(event=event, item=track, fields={"name": "Web 2"}, version=1, actor=ORGANIZER)

    with pytest.raises(StaleVersion) as raised:
        update_child(event=event, item=track, fields={"name": "Web 3"}, version=1, actor=ORGANIZER)

    assert raised.value.status == 409
    # The answer's `current` is the item projected for the caller (tests/api/test_projections_http.py).
    assert (raised.value.item.name, raised.value.extra["current_version"]) == ("Web 2", 2)


def test_concurrent_updates_with_one_version_let_exactly_one_win(event):
    from chalicelib.domain.content import StaleVersion, get_child, update_child

    track = create(event, "track", name="Web")

    def attempt(n: int) -> str:
        mine = get_child(event_id="ev1", kind="track", item_id=track.id)
        try:
            update_child(event=event, item=mine, fields={"name": f"Web {n}"}, version=1, actor=ORGANIZER)
            return f"Web {n}"
        except StaleVersion:
            return "409"

    with ThreadPoolExecutor(max_workers=10) as pool:
        outcomes = list(pool.map(attempt, range(20)))

    winners = [o for o in outcomes if o != "409"]
    assert len(winners) == 1 and outcomes.count("409") == 19
    assert get_child(event_id="ev1", kind="track", item_id=track.id).name == winners[0]


def test_trashing_a_track_in_use_lists_its_sessions_unless_detached(event):
    from chalicelib.domain.content import get_child, trash_child
    from chalicelib.errors import Conflict

    track = create(event, "track", name="Web")
    talk = create(event, "session", title="Talk", track_id=track.id)

    with pytest.raises(Conflict) as raised:
        trash_child(event=event, item=track, actor=ORGANIZER)
    trash_child(event=event, item=track, actor=ORGANIZER, detach=True)

    assert raised.value.extra["sessions"] == [{"id": talk.id, "title": "Talk"}]
    assert get_child(event_id="ev1", kind="session", item_id=talk.id).track_id is None


def test_trashed_items_leave_lists_at_once(event):
    from chalicelib.domain.content import list_children, trash_child

    rooms = [create(event, "room", name=f"Room {n}") for n in range(3)]
    trash_child(event=event, item=rooms[1], actor=ORGANIZER)

    page = list_children(event_id="ev1", kind="room", limit=50, cursor=None)

    assert sorted(r.name for r in page.items) == ["Room 0", "Room 2"]


def test_list_pages_with_a_cursor_until_done(event):
    from chalicelib.domain.content import list_children

    for n in range(5):
        create(event, "sponsor", name=f"Sponsor {n}")

    first = list_children(event_id="ev1", kind="sponsor", limit=3, cursor=None)
    second = list_children(event_id="ev1", kind="sponsor", limit=3, cursor=first.next)

    assert len(first.items) == 3 and len(second.items) == 2 and second.next is None
    assert {s.name for s in first.items + second.items} == {f"Sponsor {n}" for n in range(5)}


def test_list_ends_with_a_full_last_page_and_skips_trash_between_pages(event):
    from chalicelib.domain.content import list_children, trash_child

    sponsors = [create(event, "sponsor", name=f"Sponsor {n}") for n in range(7)]
    trash_child(event=event, item=sorted(sponsors, key=lambda s: s.sk)[3], actor=ORGANIZER)

    first = list_children(event_id="ev1", kind="sponsor", limit=3, cursor=None)
    second = list_children(event_id="ev1", kind="sponsor", limit=3, cursor=first.next)

    # six live sponsors: two full pages, and no cursor to an empty third one
    assert (len(first.items), len(second.items), second.next) == (3, 3, None)
    assert len({s.id for s in first.items + second.items}) == 6


def test_public_view_hides_speaker_email_and_session_comments(event):
    from chalicelib.domain.content import view
    from chalicelib.domain.projections import ORGANIZERS_AUDIENCE, VISITORS

    speaker = create(event, "speaker", name="Ada", email="ada@example.org", phone="+65 1234")
    talk = create(event, "session", title="Talk", comments="weak abstract")

    assert "email" not in view(speaker, audience=VISITORS) and "phone" not in view(speaker, audience=VISITORS)
    assert "comments" not in view(talk, audience=VISITORS)
    assert view(speaker, audience=ORGANIZERS_AUDIENCE)["email"] == "ada@example.org"


def test_stale_version_answer_of_an_event_gone_meanwhile_is_the_public_view(event):
    from chalicelib.actors import Actor
    from chalicelib.domain.content import StaleVersion
    from chalicelib.request_context import anonymous_request_context, reset_context, set_context

    talk = create(event, "session", title="Talk", comments="internal")
    talk.event_id = "nosuchevent0"  # its event is gone: no audience can be read for the caller
    reader = Actor(id="someone", kind="user")
    token = set_context(anonymous_request_context("r1", "http://podium.test").with_actor(reader))
    try:
        body = StaleVersion(talk).to_body()
    finally:
        reset_context(token)

    assert (body["error"]["code"], body["error"]["current"]["title"]) == ("version_conflict", "Talk")
    assert "comments" not in body["error"]["current"]


def _mails_to(email: str) -> list[dict]:
    """The send_email jobs' arguments to `email`, oldest first."""
    import json

    from chalicelib.db.jobs import Job

    jobs = sorted(Job.scan(Job.name == "send_email"), key=lambda j: j.created_at)
    return [args for args in (json.loads(j.args) for j in jobs) if args["to"] == email]


def test_session_state_set_through_the_domain_mails_its_speakers_as_the_api_does(event):
    import json

    from app import app
    from chalice.test import Client
    from chalicelib.actors import SYSTEM
    from chalicelib.domain.content import set_session_state
    from support.auth import bearer

    ada = create(event, "speaker", name="Ada", email="ada@example.org")
    by_api = create(event, "session", title="Talk", speaker_ids=[ada.id], state="pending")
    by_shell = create(event, "session", title="Talk", speaker_ids=[ada.id], state="pending")
    headers = {"Content-Type": "application/json", "If-Match": f'"{by_api.version}"', **bearer(ORGANIZER.id)}

    with Client(app) as client:
        answer = client.http.patch(
            f"/v1/events/ev1/sessions/{by_api.id}", body=json.dumps({"state": "accepted"}), headers=headers
        )
    api_mails = _mails_to("ada@example.org")
    set_session_state(event=event, session=by_shell, state="accepted", actor=SYSTEM)
    shell_mails = _mails_to("ada@example.org")[len(api_mails) :]

    assert answer.status_code == 200
    assert len(api_mails) == 1
    # Each mail is its own outbox item (`outbox` names it); the rest is the same mail.
    assert [m | {"text": m["text"].replace(by_shell.id, "<id>"), "outbox": None} for m in shell_mails] == [
        m | {"text": m["text"].replace(by_api.id, "<id>"), "outbox": None} for m in api_mails
    ]
    assert shell_mails[0]["subject"] == "Your session “Talk” is now accepted"


def test_session_state_set_through_the_domain_gets_the_api_checks(event):
    from chalicelib.actors import Actor
    from chalicelib.domain.content import set_session_state
    from chalicelib.errors import Conflict, NotFound

    talk = create(event, "session", title="Talk", state="rejected")
    outsider = Actor(id="outsider1", kind="user", name="Out")

    with pytest.raises(Conflict) as refused:
        set_session_state(event=event, session=talk, state="confirmed", actor=ORGANIZER)
    with pytest.raises(NotFound):
        set_session_state(event=event, session=talk, state="accepted", actor=outsider)

    assert refused.value.fields == {"state": "rejected → confirmed is not allowed"}


def test_session_state_set_without_notify_mails_nobody(event):
    from chalicelib.domain.content import get_child, set_session_state

    ada = create(event, "speaker", name="Ada", email="quiet@example.org")
    talk = create(event, "session", title="Talk", speaker_ids=[ada.id], state="pending")

    set_session_state(event=event, session=talk, state="accepted", actor=ORGANIZER, notify=False)

    assert get_child(event_id="ev1", kind="session", item_id=talk.id).state == "accepted"
    assert _mails_to("quiet@example.org") == []


def test_read_through_the_domain_shows_what_the_api_shows(event):
    from chalicelib.actors import ANONYMOUS
    from chalicelib.domain.content import list_views, readable_view
    from chalicelib.errors import NotFound

    pending = create(event, "session", title="Pending", state="pending", comments="internal")
    accepted = create(event, "session", title="Accepted", state="accepted", comments="internal")
    event.update(actions=[type(event).state.set("published")])

    with pytest.raises(NotFound):
        readable_view(actor=ANONYMOUS, item=pending)
    seen = readable_view(actor=ANONYMOUS, item=accepted)
    listed, _ = list_views(actor=ANONYMOUS, event_id="ev1", kind="session", limit=10, cursor=None)
    organizers, _ = list_views(actor=ORGANIZER, event_id="ev1", kind="session", limit=10, cursor=None)

    assert (seen["title"], "comments" in seen) == ("Accepted", False)
    assert [s["title"] for s in listed] == ["Accepted"]
    assert sorted((s["title"], s["comments"]) for s in organizers) == [("Accepted", "internal"), ("Pending", "internal")]
