"""The projections table itself: every stored field is decided once, the site's public view
model holds only public fields, and each relation maps to one audience."""

from __future__ import annotations

import dataclasses

import pytest

pytestmark = pytest.mark.unit

# Site fields computed from stored ones rather than stored under that name.
DERIVED_SITE_FIELDS = {
    "event": {"cfp_state", "proposal_url", "published"}, "session": {"published_answers"},
    "schedule_release": {"version"},  # the stored `label` (`version` is the item's own counter)
}  # fmt: skip


def test_every_stored_field_is_shown_by_the_table_or_to_nobody():
    from chalicelib.db.content import CHILD_KINDS, Event, Question, ScheduleRelease
    from chalicelib.db.review_assignments import ReviewAssignment
    from chalicelib.db.speaker_profiles import SpeakerProfile
    from chalicelib.db.users import User
    from chalicelib.domain.projections import FIELDS, NOT_SHOWN

    models = {"event": Event, **CHILD_KINDS, "question": Question, "user": User, "speaker_profile": SpeakerProfile,
              "review_assignment": ReviewAssignment, "schedule_release": ScheduleRelease}
    undecided = {kind: sorted(set(m.get_attributes()) - set(FIELDS[kind]) - NOT_SHOWN) for kind, m in models.items()}
    unknown = {kind: sorted(set(FIELDS[kind]) - set(m.get_attributes())) for kind, m in models.items()}

    assert sorted(FIELDS) == sorted(models)
    assert undecided == {kind: [] for kind in models}
    assert unknown == {kind: [] for kind in models}


def test_site_view_model_holds_only_public_fields():
    from chalicelib.domain.projections import FIELDS, PUBLIC
    from chalicelib.public import bundle

    classes = {
        "event": bundle.Event, "track": bundle.Track, "room": bundle.Room, "session_type": bundle.SessionType,
        "session": bundle.Session, "speaker": bundle.Speaker, "sponsor": bundle.Sponsor, "post": bundle.Post,
        "schedule_block": bundle.Break, "schedule_release": bundle.ScheduleRelease,
    }  # fmt: skip
    not_public = {
        kind: sorted(
            f.name
            for f in dataclasses.fields(cls)
            if f.name not in DERIVED_SITE_FIELDS.get(kind, set()) and FIELDS[kind].get(f.name) != PUBLIC
        )
        for kind, cls in classes.items()
    }

    assert not_public == {kind: [] for kind in classes}


@pytest.mark.parametrize(
    ("names", "linked", "expected"),
    [
        ({"anyone"}, False, ("visitors", False, False)),
        ({"anyone", "signed_in", "visitor"}, False, ("visitors", False, False)),
        ({"anyone", "signed_in", "visitor", "speaker"}, True, ("speaker", True, False)),
        ({"anyone", "signed_in", "moderator"}, False, ("members", False, True)),
        ({"anyone", "signed_in", "track_organizer"}, False, ("members", False, True)),
        ({"anyone", "signed_in", "coorganizer"}, False, ("organizers", True, True)),
        ({"anyone", "signed_in", "organizer"}, False, ("organizers", True, True)),
        ({"anyone", "signed_in", "owner"}, False, ("organizers", True, True)),
        ({"anyone", "signed_in", "admin"}, False, ("organizers", True, True)),
        # A reviewer is a visitor outside the review routes (domain/review.py uses the reviewer audience).
        ({"anyone", "signed_in", "reviewer"}, False, ("visitors", False, False)),
        ({"anyone", "signed_in", "visitor", "reviewer", "speaker"}, True, ("speaker", True, False)),
        ({"anyone", "signed_in", "reviewer", "moderator"}, False, ("members", False, True)),
    ],
)
def test_audience_of_each_relation_decides_contact_data_and_unpublished_items(names, linked, expected):
    from chalicelib.domain.permissions import Relations
    from chalicelib.domain.projections import audience_of

    audience = audience_of(Relations(frozenset(names), linked=linked))

    assert (audience.name, audience.shows("speaker", "email"), audience.sees_unpublished) == expected
    assert audience.shows("session", "comments") is (expected[0] == "organizers")


def test_user_views_show_others_no_email_and_nobody_the_hash():
    from chalicelib.db.users import User
    from chalicelib.domain.projections import ACCOUNT_HOLDER, VISITORS, user_view

    user = User("USER#u1", "USER", id="u1", email="ada@example.org", name="Ada", password_hash="HASH",
                site_roles={"admin"}, token_version=3)  # fmt: skip

    own, others = user_view(user, ACCOUNT_HOLDER), user_view(user, VISITORS)

    assert others == {"id": "u1", "name": "Ada", "avatar_url": None}
    assert (own["email"], own["is_admin"], own["is_super_admin"]) == ("ada@example.org", True, False)
    assert not {"password_hash", "token_version", "site_roles"} & set(own)


def _proposal(**values):
    """A stand-in session with every field a proposal may hold (and custom-question answers)."""
    from types import SimpleNamespace

    return SimpleNamespace(kind_name="session", version=3, attribute_values=values)


PROPOSAL_VALUES = {
    "id": "s1", "title": "A talk", "short_abstract": "Why", "track_id": "t1", "state": "pending",
    "speaker_ids": ["spk"], "speaker_user_ids": ["u1"], "speaker_names": {"spk": "Ada"}, "comments": "internal",
    "slides_url": "https://slides.example/ada", "video_url": "https://video.example/ada", "source_id": "9",
    "answers": {"q-open": "Kubernetes", "q-identifying": "I work at ACME", "q-unknown": "my blog"},
}  # fmt: skip


def test_anonymised_reviewers_see_the_proposal_and_nothing_of_its_speakers():
    from chalicelib.domain.projections import project, reviewer_audience

    audience = reviewer_audience(anonymised=True, open_questions=frozenset({"q-open"}))

    shown = project(_proposal(**PROPOSAL_VALUES), audience)

    assert shown == {
        "id": "s1", "title": "A talk", "short_abstract": "Why", "track_id": "t1", "state": "pending",
        "answers": {"q-open": "Kubernetes"}, "version": 3,
    }  # fmt: skip


def test_named_reviewers_see_speaker_ids_and_slides_never_comments_nor_user_ids():
    from chalicelib.domain.projections import project, reviewer_audience

    shown = project(_proposal(**PROPOSAL_VALUES), reviewer_audience(anonymised=False))

    assert sorted(shown) == sorted(
        ["id", "title", "short_abstract", "track_id", "state", "speaker_ids", "slides_url", "video_url", "answers",
         "version"]
    )  # fmt: skip
    assert shown["answers"] == {}  # no question is known to be safe: every answer stays out


def test_reviewers_see_no_answer_of_an_unknown_shape():
    from chalicelib.domain.projections import project, reviewer_audience

    audience = reviewer_audience(anonymised=True, open_questions=frozenset({"q-open"}))

    shown = project(_proposal(id="s1", answers=[{"question_id": "q-open", "value": "x"}]), audience)

    assert shown == {"id": "s1", "answers": {}, "version": 3}


def test_reviewers_see_speakers_only_when_named_and_never_their_contact():
    from types import SimpleNamespace

    from chalicelib.domain.projections import project, reviewer_audience

    speaker = SimpleNamespace(
        kind_name="speaker", version=1,
        attribute_values={"id": "spk", "name": "Ada", "email": "ada@x.test", "phone": "1", "organisation": "ACME",
                          "user_id": "u1", "short_biography": "Bio", "gender": "f"},
    )  # fmt: skip

    anonymised = project(speaker, reviewer_audience(anonymised=True))
    named = project(speaker, reviewer_audience(anonymised=False))

    assert anonymised == {"version": 1}
    assert named == {"id": "spk", "name": "Ada", "organisation": "ACME", "short_biography": "Bio", "version": 1}
