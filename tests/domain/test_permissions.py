from __future__ import annotations

from types import SimpleNamespace

import pytest
from chalicelib.domain.actors import ANONYMOUS, Actor
from chalicelib.domain.permissions import PERMISSIONS, SCOPED, Relations, decide, relations_of

pytestmark = pytest.mark.unit

USER = Actor(id="u1", kind="user")


def _relations(*names: str, tracks: tuple[str, ...] = (), linked: bool = False) -> Relations:
    return Relations(frozenset({"anyone", "signed_in", *names}), frozenset(tracks), linked)


def test_track_organizer_updates_only_their_tracks_and_their_sessions():
    mine, theirs = SimpleNamespace(kind="track", id="t1"), SimpleNamespace(kind="track", id="t2")
    session_in_mine = SimpleNamespace(kind="session", track_id="t1")
    session_elsewhere = SimpleNamespace(kind="session", track_id="t2")
    organizer = _relations("track_organizer", tracks=("t1",))

    assert decide(organizer, "track.update", resource=mine) is True
    assert decide(organizer, "track.update", resource=theirs) is False
    assert decide(organizer, "session.update", resource=session_in_mine) is True
    assert decide(organizer, "session.delete", resource=session_elsewhere) is False
    assert decide(organizer, "track.create") is False


def test_coorganizer_cannot_create_or_delete():
    coorganizer = _relations("coorganizer")

    assert [decide(coorganizer, f"session.{verb}") for verb in ("read", "update", "create", "delete")] == [
        True,
        True,
        False,
        False,
    ]
    assert decide(coorganizer, "event.delete") is False


def test_moderator_only_reads():
    moderator = _relations("moderator")

    granted = {f"{kind}.{verb}" for kind, verbs in PERMISSIONS["moderator"].items() for verb in verbs}

    assert {action.split(".")[1] for action in granted} == {"read"}
    assert decide(moderator, "role.create") is False


def test_speaker_edits_only_linked_speaker_and_session():
    speaker_profile = SimpleNamespace(kind="speaker", user_id="u1")
    someone_else = SimpleNamespace(kind="speaker", user_id="u2")

    assert decide(relations_of(USER, resource=speaker_profile), "speaker.update", resource=speaker_profile) is True
    assert decide(relations_of(USER, resource=someone_else), "speaker.update", resource=someone_else) is False


def test_published_event_is_readable_by_anyone_but_not_editable():
    event = SimpleNamespace(kind="event", state="published")

    visitor = relations_of(ANONYMOUS, event=event)

    assert decide(visitor, "event.read") is True
    assert decide(visitor, "session.read") is True
    assert decide(visitor, "event.update") is False


def test_only_super_admin_grants_admin():
    admin = relations_of(Actor(id="a", kind="user", roles=frozenset({"admin"})))
    root = relations_of(Actor(id="r", kind="user", roles=frozenset({"admin", "super_admin"})))

    assert (decide(admin, "user.grant_admin"), decide(root, "user.grant_admin")) == (False, True)
    assert decide(root, "event.delete") is True


def test_every_scoped_row_exists_in_the_table():
    assert all(kind in PERMISSIONS[role] for role, kind in SCOPED)
