"""domain/assignments.py: what it reads of an event for assigning (proposals under review, the
reviewers' scopes, organisations, own and co-speakers' proposals, flags) and the conflict a
reviewer declares (their assignment goes with it)."""

from __future__ import annotations

import uuid

import pytest

pytestmark = pytest.mark.integration


@pytest.fixture
def event_id(aws_stack) -> str:
    """An event partition of the test's own, with tracks, sessions, speakers and two reviewers."""
    from chalicelib.db import content, keys
    from chalicelib.domain.roles import grant_role

    event_id = "assign-" + uuid.uuid4().hex[:10]
    pk = keys.event_pk(event_id)
    content.Event(pk, keys.EVENT_SK, id=event_id, slug=event_id, name="Assign").save()
    speakers = [
        ("sp-rev", "rev-1", "Acme Corp"),  # the reviewer's own profile: declares their organisation
        ("sp-co", "co-1", None),
        ("sp-acme", "someone", "ACME corp"),
        ("sp-free", "free", None),
    ]
    for speaker_id, user_id, organisation in speakers:
        content.Speaker(
            pk, keys.child_sk("speaker", speaker_id), id=speaker_id, event_id=event_id, name=speaker_id,
            user_id=user_id, organisation=organisation,
        ).save()  # fmt: skip
    sessions = [
        ("own", "a", ["sp-rev", "sp-co"], ["rev-1", "co-1"], "withdrawn"),  # own, in any state
        ("cos", "a", ["sp-co"], ["co-1"], "pending"),
        ("acme", "a", ["sp-acme"], ["someone"], "pending"),
        ("free", "b", ["sp-free"], ["free"], "pending"),
        ("done", "b", ["sp-free"], ["free"], "accepted"),
    ]
    for session_id, track, speaker_ids, user_ids, state in sessions:
        content.Session(
            pk, keys.child_sk("session", session_id), id=session_id, event_id=event_id, title=session_id,
            track_id=track, speaker_ids=speaker_ids, speaker_user_ids=user_ids, state=state,
        ).save()  # fmt: skip
    grant_role(event_id=event_id, user_id="rev-1", role="reviewer")
    grant_role(event_id=event_id, user_id="rev-2", role="reviewer", track_ids=["b"])
    grant_role(event_id=event_id, user_id="mod-1", role="moderator")
    return event_id


def test_read_team_gathers_scopes_organisations_and_own_proposals(event_id):
    from chalicelib.domain.assignments import read_team

    team = read_team(event_id=event_id)

    assert sorted(team.proposals) == ["acme", "cos", "free"]  # pending only
    assert sorted(team.reviewers) == ["rev-1", "rev-2"]
    first, second = team.reviewers["rev-1"], team.reviewers["rev-2"]
    assert (first.track_ids, first.organisation, first.own_proposal_ids, first.co_speaker_ids) == (
        None,
        "Acme Corp",
        frozenset({"own"}),
        frozenset({"co-1"}),
    )
    assert (second.track_ids, second.organisation) == (frozenset({"b"}), None)
    assert team.proposals["acme"].organisations == frozenset({"ACME corp"})


def test_auto_assign_skips_co_speaker_and_organisation_conflicts(event_id):
    from chalicelib.actors import SYSTEM
    from chalicelib.domain.assignments import auto_assign, read_team

    answer = auto_assign(event_id=event_id, per_proposal=2, actor=SYSTEM)

    assert read_team(event_id=event_id).existing == {("free", "rev-1"), ("free", "rev-2")}
    assert answer["shortfall"] == [{"proposal_id": "acme", "missing": 2}, {"proposal_id": "cos", "missing": 2}]


def test_declare_conflict_removes_the_reviewers_assignment_in_one_write(event_id):
    from chalicelib.actors import Actor
    from chalicelib.domain.assignments import assign_reviewer, declare_conflict, read_team

    reviewer = Actor(id="rev-2", kind="user")
    assign_reviewer(event_id=event_id, proposal_id="free", reviewer_id="rev-2", actor=reviewer)

    declare_conflict(event_id=event_id, proposal_id="free", actor=reviewer)
    again = declare_conflict(event_id=event_id, proposal_id="free", actor=reviewer)

    team = read_team(event_id=event_id)
    assert team.existing == frozenset()
    assert team.reviewers["rev-2"].flagged == {"free"}
    assert (again.proposal_id, again.reviewer_id) == ("free", "rev-2")


def test_declare_conflict_on_unknown_proposal_names_the_field(event_id):
    from chalicelib.actors import Actor
    from chalicelib.domain.assignments import declare_conflict
    from chalicelib.errors import ValidationFailed

    with pytest.raises(ValidationFailed) as refused:
        declare_conflict(event_id=event_id, proposal_id="nope", actor=Actor(id="rev-1", kind="user"))

    assert refused.value.fields == {"proposal_id": "is unknown"}


def test_auto_assign_replaces_a_reviewer_who_became_a_moderator(event_id):
    from chalicelib.actors import SYSTEM
    from chalicelib.domain.assignments import assign_reviewer, auto_assign, read_team
    from chalicelib.domain.roles import grant_role

    grant_role(event_id=event_id, user_id="rev-3", role="reviewer", track_ids=["b"])
    assign_reviewer(event_id=event_id, proposal_id="free", reviewer_id="rev-3", actor=SYSTEM)
    grant_role(event_id=event_id, user_id="rev-3", role="moderator")  # the stored assignment stays

    answer = auto_assign(event_id=event_id, per_proposal=2, actor=SYSTEM)

    assert read_team(event_id=event_id).existing == {("free", "rev-1"), ("free", "rev-2")}
    assert answer["added"] == 2


def test_auto_assign_refused_while_another_run_holds_the_lock(event_id):
    from chalicelib.actors import SYSTEM
    from chalicelib.clock import clock
    from chalicelib.db.keys import review_run_key
    from chalicelib.db.review_assignments import ReviewRun
    from chalicelib.domain.assignments import auto_assign, read_team
    from chalicelib.errors import Conflict

    running = ReviewRun(*review_run_key(event_id), event_id=event_id, expires_at=clock().epoch() + 60)
    running.save()

    with pytest.raises(Conflict):
        auto_assign(event_id=event_id, per_proposal=2, actor=SYSTEM)
    assigned_while_locked = read_team(event_id=event_id).existing
    running.update(actions=[ReviewRun.expires_at.set(clock().epoch() - 1)])  # the holder died: its lock expired
    answer = auto_assign(event_id=event_id, per_proposal=2, actor=SYSTEM)

    assert assigned_while_locked == frozenset()
    assert answer["added"] == 2
    with pytest.raises(ReviewRun.DoesNotExist):
        ReviewRun.get(*review_run_key(event_id), consistent_read=True)  # released after the run
