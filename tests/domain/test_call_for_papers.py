from __future__ import annotations

from datetime import UTC, datetime

import pytest
from chalicelib.db.content import CallForPapers, Event
from chalicelib.domain.call_for_papers import phase, readable_cfp, speaker_id_for
from chalicelib.errors import NotFound

pytestmark = pytest.mark.unit

OPENS, CLOSES = datetime(2030, 1, 1, tzinfo=UTC), datetime(2030, 2, 1, tzinfo=UTC)


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        (datetime(2029, 12, 31, tzinfo=UTC), "upcoming"),
        (OPENS, "open"),
        (CLOSES, "open"),
        (datetime(2030, 2, 2, tzinfo=UTC), "closed"),
    ],
)
def test_phase_follows_the_dates_inclusive(now, expected):
    assert phase(CallForPapers(starts_at=OPENS, ends_at=CLOSES), now) == expected


def test_private_cfp_is_hidden_without_its_secret():
    event = Event(call_for_papers=CallForPapers(starts_at=OPENS, ends_at=CLOSES, privacy="private", secret="s3cret"))

    with pytest.raises(NotFound):
        readable_cfp(event, is_team=False, token="guess")

    assert readable_cfp(event, is_team=False, token="s3cret").privacy == "private"
    assert readable_cfp(event, is_team=True, token=None).privacy == "private"


def test_speaker_profile_id_is_stable_per_event_and_user_and_reveals_neither():
    first = speaker_id_for(event_id="e1", user_id="u1")

    assert first == speaker_id_for(event_id="e1", user_id="u1")
    assert first not in {speaker_id_for(event_id="e2", user_id="u1"), speaker_id_for(event_id="e1", user_id="u2")}
    assert len(first) == 12 and "u1" not in first and "e1" not in first
