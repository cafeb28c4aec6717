"""The speaker's own side: the profile (saved sanitized, defaulting to the account), the copy an
event's speaker record gets, what the dashboard expects next, and availability's checks."""

from __future__ import annotations

from datetime import UTC, datetime
from types import SimpleNamespace

import pytest
from support.api import unique_email


@pytest.mark.unit
@pytest.mark.parametrize(
    ("state", "slides", "editable", "expected"),
    [
        ("draft", None, True, ["submit"]),
        ("draft", None, False, []),
        ("pending", None, True, []),
        ("accepted", None, True, ["confirm", "upload_slides"]),
        ("accepted", "https://slides.example.org/x", False, ["confirm"]),
        ("confirmed", None, False, ["upload_slides"]),
        ("confirmed", "https://slides.example.org/x", False, []),
        ("rejected", None, False, []),
    ],
)
def test_expected_next_follows_state_and_slides(state, slides, editable, expected):
    from chalicelib.domain.speaker_profiles import expected_next

    session = SimpleNamespace(state=state, slides_url=slides, slides_file=None)

    assert expected_next(session=session, editable=editable) == expected


@pytest.fixture
def account(stack):
    from chalicelib.domain.accounts import create_user

    return create_user(email=unique_email("profile"), password="profile password", name="Grace", )


@pytest.mark.integration
def test_profile_defaults_to_the_account_until_saved(account):
    from chalicelib.domain.speaker_profiles import read_profile

    profile = read_profile(user_id=account.id)

    assert (profile.name, profile.user_id) == ("Grace", account.id)


@pytest.mark.integration
def test_saved_profile_is_what_a_new_speaker_record_copies(account):
    from chalicelib.domain.speaker_profiles import save_profile, speaker_fields

    save_profile(
        user_id=account.id,
        fields={"name": "Grace H.", "biography": "<p onclick='x()'>Hi</p>", "organisation": "Navy", "position": "RAdm",
                "links": [{"name": "Home", "url": "https://grace.example.org"}]},
    )  # fmt: skip
    copied = speaker_fields(user=account)

    assert {k: copied[k] for k in ("name", "email", "long_biography", "organisation", "position")} == {
        "name": "Grace H.", "email": account.email, "long_biography": "<p>Hi</p>", "organisation": "Navy",
        "position": "RAdm",
    }  # fmt: skip
    assert [link.as_dict() for link in copied["links"]] == [{"name": "Home", "url": "https://grace.example.org"}]


@pytest.mark.integration
def test_saved_profile_saved_again_is_replaced_whole(account):
    # the admin page's profile form saves again and again; each save replaces the profile
    from chalicelib.domain.speaker_profiles import read_profile, save_profile

    save_profile(user_id=account.id, fields={"name": "Grace H.", "organisation": "Navy", "position": "RAdm"})
    save_profile(user_id=account.id, fields={"name": "Grace Hopper", "organisation": "Navy"})
    stored = read_profile(user_id=account.id)

    assert (stored.name, stored.organisation, stored.position) == ("Grace Hopper", "Navy", None)


@pytest.mark.integration
def test_saved_profile_written_meanwhile_is_a_conflict(account, monkeypatch):
    from chalicelib.domain import speaker_profiles
    from chalicelib.errors import Conflict

    speaker_profiles.save_profile(user_id=account.id, fields={"name": "Grace"})
    stale = speaker_profiles.read_profile(user_id=account.id)
    speaker_profiles.save_profile(user_id=account.id, fields={"name": "Grace", "position": "RAdm"})  # another tab
    monkeypatch.setattr(speaker_profiles, "read_profile", lambda *, user_id: stale)  # read before that save

    with pytest.raises(Conflict):
        speaker_profiles.save_profile(user_id=account.id, fields={"name": "Grace"})


@pytest.mark.integration
def test_availability_must_end_after_it_starts(stack):
    from chalicelib.actors import SYSTEM
    from chalicelib.db.content import Event, Speaker
    from chalicelib.domain.speaker_profiles import set_availability
    from chalicelib.errors import ValidationFailed

    event = Event(id="avail-e", starts_at=datetime(2030, 3, 22, tzinfo=UTC), ends_at=datetime(2030, 3, 24, tzinfo=UTC))
    speaker = Speaker(id="avail-s", event_id="avail-e", name="S")
    backwards = [{"starts_at": "2030-03-22T12:00:00+00:00", "ends_at": "2030-03-22T10:00:00+00:00"}]

    with pytest.raises(ValidationFailed) as raised:
        set_availability(event=event, speaker=speaker, ranges=backwards, version=1, actor=SYSTEM)

    assert raised.value.fields == {"availability": "ends before it starts"}
