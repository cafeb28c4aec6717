"""The calendar serializer against icalendar's own: the same bytes for any text."""

from datetime import UTC, datetime

import pytest
from chalicelib.site.feeds import folded, serialized
from hypothesis import given, settings
from hypothesis import strategies as st
from icalendar import Event as VEvent
from icalendar.parser import Contentline

pytestmark = pytest.mark.unit

# Escapes, multi-byte characters of every width, and plenty of plain letters between them.
TEXT = st.lists(st.sampled_from([*'ab \\^;,:"é€😀\t', "x" * 20]), max_size=120).map("".join)


@settings(max_examples=400, deadline=None)
@given(TEXT)
def test_folded_equals_icalendar_folding(text):
    line = "DESCRIPTION:" + text.replace("\n", " ")

    assert folded(line) == Contentline(line).to_ical()


@pytest.mark.parametrize("length", [72, 73, 74, 75, 147, 148, 149])
@pytest.mark.parametrize("at_fold", ["", "\\", "^", "\\\\", "é", "€", "😀", "\\é"])
def test_folded_at_the_fold_point(length, at_fold):
    """Escapes and characters of every width placed where a line folds."""
    line = "X" * (length - len(at_fold.encode())) + at_fold + "Y" * 80

    assert folded(line) == Contentline(line).to_ical()
    assert all(len(part) <= 75 for part in folded(line).split(b"\r\n"))


@settings(max_examples=100, deadline=None)
@given(TEXT, TEXT)
def test_serialized_equals_to_ical(summary, description):
    vevent = VEvent()
    vevent.add("uid", "s1@event.podium")
    vevent.add("dtstart", datetime(2026, 3, 1, 9, 30, tzinfo=UTC))
    vevent.add("summary", summary)
    vevent.add("description", description)
    vevent.add("categories", [summary or "none"])

    assert serialized(vevent) == vevent.to_ical()
