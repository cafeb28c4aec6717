from __future__ import annotations

from types import SimpleNamespace

import pytest
from chalicelib.actors import ANONYMOUS, Actor
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


def test_reviewer_reads_assignments_declares_conflicts_and_assigns_nothing():
    reviewer = _relations("reviewer", tracks=("t1",))
    organizer = _relations("organizer")

    assert [decide(reviewer, a) for a in ("review_assignment.read", "review_conflict.create", "event.read")] == [
        True,
        True,
        True,
    ]
    assert [decide(reviewer, a) for a in ("review_assignment.create", "review_assignment.delete", "review_load.read")] == [
        False,
        False,
        False,
    ]
    assert [decide(reviewer, f"{kind}.read") for kind in ("session", "speaker", "role")] == [False, False, False]
    assert [decide(organizer, a) for a in ("review_assignment.create", "review_load.read", "review_conflict.create")] == [
        True,
        True,
        False,
    ]


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


def test_check_write_keeps_a_speaker_to_their_own_fields():
    from chalicelib.domain.permissions import check_write
    from chalicelib.errors import ValidationFailed

    talk = SimpleNamespace(kind="session", state="pending", speaker_user_ids=["u1"])

    with pytest.raises(ValidationFailed) as raised:
        check_write(_relations("speaker", linked=True), "session.update", resource=talk, fields={"room_id": "r1"})

    assert raised.value.fields == {"room_id": "is set by the organizers"}


def test_check_write_lets_a_speaker_only_move_the_state_of_an_accepted_talk():
    from chalicelib.domain.permissions import check_write
    from chalicelib.errors import Conflict

    talk = SimpleNamespace(kind="session", state="accepted")
    speaker = _relations("speaker", linked=True)

    check_write(speaker, "session.update", resource=talk, fields={"state": "confirmed", "version": 3})
    with pytest.raises(Conflict):
        check_write(speaker, "session.update", resource=talk, fields={"title": "U", "version": 3})


def test_check_write_needs_a_track_in_scope_on_create_and_on_move():
    from chalicelib.domain.permissions import check_write
    from chalicelib.errors import Forbidden

    organizer = _relations("track_organizer", tracks=("t1",))
    talk = SimpleNamespace(kind="session", state="draft", track_id="t1")

    check_write(organizer, "session.create", fields={"title": "T", "track_id": "t1"})
    refused = []
    for action, resource, fields in (
        ("session.create", None, {"title": "T"}),
        ("session.create", None, {"title": "T", "track_id": "t2"}),
        ("session.update", talk, {"track_id": "t2"}),
        ("session.update", talk, {"track_id": None}),
    ):
        with pytest.raises(Forbidden) as raised:
            check_write(organizer, action, resource=resource, fields=fields)
        refused.append(raised.value.fields)

    assert refused == [{"track_id": "must name one of your tracks"}] * 4


def test_check_write_gives_speaker_transitions_to_the_speaker_relation_only():
    from chalicelib.domain.permissions import check_write
    from chalicelib.errors import Conflict

    own_talk_elsewhere = SimpleNamespace(kind="session", state="pending", track_id="t2")
    both = _relations("speaker", "track_organizer", tracks=("t1",), linked=True)

    with pytest.raises(Conflict):
        check_write(both, "session.update", resource=own_talk_elsewhere, fields={"state": "accepted"})
    check_write(both, "session.update", resource=own_talk_elsewhere, fields={"state": "withdrawn"})


def test_track_organizer_reads_every_session_and_track_but_changes_only_their_own():
    elsewhere = SimpleNamespace(kind="session", track_id="t2")
    other_track = SimpleNamespace(kind="track", id="t2")
    organizer = _relations("track_organizer", tracks=("t1",))

    assert [decide(organizer, a, resource=r) for a, r in (("session.read", elsewhere), ("track.read", other_track))] == [
        True,
        True,
    ]
    assert decide(organizer, "session.update", resource=elsewhere) is False


def test_every_verb_in_the_table_is_checked_somewhere():
    from app import app  # noqa: F401 (registers every route)
    from chalicelib.api.http import ENDPOINTS

    declared = {e.action for e in ENDPOINTS}
    granted = {f"{kind}.{verb}" for row in PERMISSIONS.values() for kind, verbs in row.items() for verb in verbs}
    # Checked by code rather than by a route: the organizers' session transitions (check_write)
    # and reading one event's trash (domain/trash.py list_trash).
    checked_in_code = {"session.review", "trash.read"}

    assert granted - declared == checked_in_code


@pytest.mark.integration  # reads the accounts table
def test_publishing_needs_a_verified_email_and_the_system_acts_as_the_operator(aws_stack):
    from chalicelib.actors import SYSTEM
    from chalicelib.db.keys import user_pk
    from chalicelib.db.users import User
    from chalicelib.domain.permissions import EmailNotVerified, check_may_publish

    for user_id, verified in (("pub-verified", True), ("pub-unverified", False)):
        User(
            user_pk(user_id), "USER", id=user_id, email=f"{user_id}@example.org", name=user_id, password_hash="!",
            email_verified=verified, token_version=0,
        ).save()  # fmt: skip
    refused = []
    for actor in (Actor(id="pub-unverified", kind="user"), Actor(id="pub-nobody", kind="user")):
        with pytest.raises(EmailNotVerified):
            check_may_publish(actor)
        refused.append(actor.id)

    check_may_publish(Actor(id="pub-verified", kind="user"))
    check_may_publish(SYSTEM)  # `podium import --publish` runs as the system
    assert refused == ["pub-unverified", "pub-nobody"]


def test_check_write_gives_a_track_organizer_no_review_of_their_own_talk_in_their_track():
    from chalicelib.domain.permissions import check_write
    from chalicelib.errors import Conflict

    # Their own proposal, moved into their track by the speaker relation (which may choose a track).
    own_talk_moved_in = SimpleNamespace(kind="session", state="pending", track_id="t1")
    others_talk = SimpleNamespace(kind="session", state="pending", track_id="t1")
    both = _relations("speaker", "track_organizer", tracks=("t1",), linked=True)
    organizer = _relations("track_organizer", tracks=("t1",))

    with pytest.raises(Conflict):
        check_write(both, "session.update", resource=own_talk_moved_in, fields={"state": "accepted"})
    check_write(both, "session.update", resource=own_talk_moved_in, fields={"state": "withdrawn"})
    check_write(organizer, "session.update", resource=others_talk, fields={"state": "accepted"})


def test_named_role_sets_are_read_from_the_table():
    from chalicelib.domain.permissions import EVENT_MEMBERS, MANAGING_ROLES, ORGANIZING

    assert ORGANIZING == {"owner", "organizer", "coorganizer", "admin"}
    assert EVENT_MEMBERS == {"owner", "organizer", "coorganizer", "track_organizer", "moderator", "reviewer", "admin"}
    assert MANAGING_ROLES == {"owner", "organizer"}


def test_role_sets_live_only_in_the_permission_module():
    import ast
    from pathlib import Path

    from chalicelib.domain.permissions import EVENT_ROLES

    backend = Path(__file__).resolve().parents[2] / "backend"
    found = []
    for path in sorted(backend.rglob("*.py")):
        if path.name == "permissions.py" and path.parent.name == "domain":
            continue
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Set | ast.Tuple | ast.List):
                names = {e.value for e in node.elts if isinstance(e, ast.Constant)} & set(EVENT_ROLES)
                if len(names) >= 2:
                    found.append(f"{path.relative_to(backend)}:{node.lineno}")

    assert found == []


def test_speaker_draft_is_decided_for_its_speakers_alone():
    draft = SimpleNamespace(kind_name="session", state="draft", proposed_by="u1", track_id="t1")
    organizer_draft = SimpleNamespace(kind_name="session", state="draft", proposed_by=None, track_id="t1")

    cells = {
        who: (decide(relations, "session.read", resource=draft), decide(relations, "session.update", resource=draft))
        for who, relations in {
            "speaker": _relations("speaker", linked=True),
            "owner": _relations("owner"),
            "track_organizer": _relations("track_organizer", tracks=("t1",)),
            "admin": _relations("admin"),
            "system": Relations(frozenset({"anyone", "admin", "super_admin"}), system=True),
        }.items()
    }

    assert cells == {
        "speaker": (True, True), "owner": (False, False), "track_organizer": (False, False),
        "admin": (False, False), "system": (True, True),
    }  # fmt: skip
    assert decide(_relations("owner"), "session.update", resource=organizer_draft) is True


def test_check_write_after_the_close_leaves_a_speaker_withdraw_and_confirm_only():
    from chalicelib.domain.permissions import check_write
    from chalicelib.errors import Conflict

    closed = Relations(frozenset({"anyone", "signed_in", "speaker"}), linked=True, proposals_editable=False)
    pending = SimpleNamespace(kind_name="session", state="pending")
    accepted = SimpleNamespace(kind_name="session", state="accepted")
    withdrawn = SimpleNamespace(kind_name="session", state="withdrawn")

    check_write(closed, "session.update", resource=pending, fields={"state": "withdrawn", "version": 1})
    check_write(closed, "session.update", resource=accepted, fields={"state": "confirmed", "version": 1})
    refusals = {}
    for name, talk, fields in [
        ("edit", pending, {"title": "New"}),
        ("resubmit", withdrawn, {"state": "pending"}),
        ("unsubmit", pending, {"state": "draft"}),
    ]:
        with pytest.raises(Conflict) as raised:
            check_write(closed, "session.update", resource=talk, fields=fields)
        refusals[name] = sorted(raised.value.fields)

    assert refusals == {"edit": ["title"], "resubmit": ["state"], "unsubmit": ["state"]}


def test_relations_of_a_speaker_know_whether_proposals_are_editable():
    from datetime import UTC, datetime

    from chalicelib.db.content import CallForPapers

    talk = SimpleNamespace(kind_name="session", speaker_user_ids=["u1"])
    ended = SimpleNamespace(state="published", call_for_papers=CallForPapers(ends_at=datetime(2001, 1, 1, tzinfo=UTC)))
    locked = SimpleNamespace(state="published", call_for_papers=CallForPapers(editing_locked=True))
    open_ = SimpleNamespace(state="published", call_for_papers=CallForPapers())

    editable = [relations_of(USER, event=e, resource=talk).proposals_editable for e in (ended, locked, open_)]

    assert editable == [False, False, True]
