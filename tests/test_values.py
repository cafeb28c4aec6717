"""The vocabulary of valid values (backend/chalicelib/values.py), shared by the API and the readers."""

from __future__ import annotations

import json
from zoneinfo import available_timezones

import pytest
from chalicelib import values
from hypothesis import given
from hypothesis import strategies as st

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(
    ("url", "mailto", "safe"),
    [
        ("https://example.org/a?b=c#d", False, True), ("HTTP://EXAMPLE.ORG", False, True),
        ("javascript:alert(1)", False, False), ("JaVaScRiPt:alert(1)", False, False),
        ("data:text/html,<script>x</script>", False, False), ("//evil.example", False, False),
        ("http://", False, False), ("https://ok.example/a b", False, False), ("https:/ok.example", False, False),
        ("https://ok.example/\u0000", False, False), ("https://[::1", False, False), ("mailto:a@b.c", False, False),
        ("mailto:a@b.c", True, True), ("mailto:javascript:x", True, False), ("ftp://x.example", False, False),
    ],
)  # fmt: skip
def test_url_problem_allows_http_https_and_mailto_only_where_asked(url, mailto, safe):
    assert (values.url_problem(url, mailto=mailto) is None) == safe


@pytest.mark.parametrize("text", ["a\nb", "a\tb", "a\rb", "a\u2028b"])
def test_single_line_text_refuses_line_breaks_that_multiline_text_keeps(text):
    assert (values.text_problem(text), values.text_problem(text, multiline=True)) == (values.SINGLE_LINE_PROBLEM, None)


@pytest.mark.parametrize("char", ["\u0000", "\u000b", "\u001f", "\u007f", "\u0085", "\ud800", "\udfff", "\ufffe",
                                  "\uffff", "\ufdd0", "\U0001fffe", "\U0010ffff"])  # fmt: skip
def test_control_characters_surrogates_and_noncharacters_are_never_text(char):
    assert values.text_problem(f"a{char}b", multiline=True) == values.CHARACTER_PROBLEM


@given(st.text())
def test_clean_text_gives_text_the_vocabulary_accepts(text):
    assert values.text_problem(values.clean_text(text)) is None
    assert values.text_problem(values.clean_text(text, multiline=True), multiline=True) is None


@pytest.mark.parametrize(
    "moment", ["9999-12-31T23:59:59-12:00", "0001-01-01T00:00:00+14:00", "1969-12-31T23:59:59Z", "2101-01-01T00:00Z",
               "2100-12-31T23:00:00-12:00", "2026-03-22T09:00:00", "2026-03-22", "not a time"],
)  # fmt: skip
def test_datetimes_need_an_offset_and_years_1970_to_2100(moment):
    with pytest.raises(values.ValueProblem):
        values.parse_datetime(moment)


def test_a_datetime_in_range_with_an_offset_parses():
    assert values.parse_datetime("2026-03-22T09:00:00+08:00").isoformat() == "2026-03-22T09:00:00+08:00"


@pytest.mark.parametrize("raw", ["NaN", "inf", "1e400", "\u00b2", "\u0661", "1_0", "", "91", True, None, [1]])
def test_clean_number_reads_finite_ascii_numbers_in_range_only(raw):
    assert values.clean_number(raw, minimum=-90, maximum=90) is None


def test_clean_number_reads_numbers_and_their_text():
    assert [values.clean_number(v, minimum=0, maximum=100, whole=True) for v in (7, "7", " 8 ", 9.0)] == [7, 7, 8, 9]


@pytest.mark.parametrize(("raw", "depth"), [(b"[]", 1), (b'[{"a": [1]}]', 3), (b'["[[[[", "\\"{{"]', 1), (b"1", 0)])
def test_json_depth_counts_brackets_outside_strings(raw, depth):
    assert values.json_depth(raw) == depth


@given(st.recursive(st.none() | st.integers() | st.text("[]{}\"\\ab"), lambda inner: st.lists(inner) | st.dictionaries(st.text("[{a"), inner), max_leaves=30))
def test_json_depth_equals_the_nesting_of_the_parsed_value(value):
    def nesting(v):
        children = v.values() if isinstance(v, dict) else v if isinstance(v, list) else None
        return 0 if children is None else 1 + max(map(nesting, children), default=0)

    assert values.json_depth(json.dumps(value).encode()) == nesting(value)


# Every code point (printable ones in one string: none of them may be found).
ALL_CHARACTERS = [chr(point) for point in range(0x110000)]


def test_text_problem_finds_exactly_the_characters_the_never_class_holds():
    found = {char for char in ALL_CHARACTERS if values.text_problem(f"a{char}b", multiline=True)}
    assert found == {char for char in ALL_CHARACTERS if values._NEVER.search(char)}


def test_text_problem_finds_a_line_break_or_a_never_character_only_in_unprintable_text():
    printable = "".join(char for char in ALL_CHARACTERS if char.isprintable())
    assert (values._NEVER.search(printable), values._LINE_BREAKS.search(printable)) == (None, None)
    assert values.text_problem(printable) is None


@pytest.mark.parametrize(
    ("written", "canonical"),
    [
        ("US / Pacific", "America/Los_Angeles"), ("US / Eastern", "America/New_York"), ("US/Eastern", "America/New_York"),
        ("Hawaii-Aleutian", "Pacific/Honolulu"), ("us/pacific", "America/Los_Angeles"), ("Singapore", "Asia/Singapore"),
        ("Europe/Kiev", "Europe/Kyiv"), ("asia / ho chi minh", "Asia/Ho_Chi_Minh"), ("Asia/Singapore", "Asia/Singapore"),
        ("UTC", "UTC"), ("Mars/Olympus", None), ("", None), ("x" * 100, None),
    ],
)  # fmt: skip
def test_canonical_timezone_follows_links_legacy_names_case_and_spaces(written, canonical):
    assert values.canonical_timezone(written) == canonical


@given(st.sampled_from(sorted(available_timezones())))
def test_canonical_timezone_of_every_known_zone_is_a_zone_that_is_no_link(name):
    canonical = values.canonical_timezone(name)

    assert canonical is not None and (canonical == "UTC" or canonical not in values._zone_links())


@pytest.mark.parametrize(
    ("name", "canonical"),
    [
        ("US/Pacific", "America/Los_Angeles"), ("US / Eastern", "America/New_York"), ("us/hawaii", "Pacific/Honolulu"),
        ("Asia/Calcutta", "Asia/Kolkata"), ("Europe/Kiev", "Europe/Kyiv"), ("Asia/Singapore", "Asia/Singapore"),
        ("America/Argentina/Buenos_Aires", "America/Argentina/Buenos_Aires"), ("Etc/UCT", "UTC"), ("GMT", "UTC"),
        ("Zulu", "UTC"), ("Mars/Olympus_Mons", None), ("", None),
    ],
)  # fmt: skip
def test_canonical_timezone_names_the_canonical_zone_of_any_alias_and_utc_as_utc(name, canonical):
    assert values.canonical_timezone(name) == canonical


@pytest.mark.parametrize(
    ("moment", "zone"),
    [
        ("2022-12-28T14:00:00+01:00", "Etc/GMT-1"), ("2022-12-28T14:00:00-05:00", "Etc/GMT+5"),
        ("2022-12-28T14:00:00+00:00", "UTC"), ("2022-12-28T14:00:00+05:30", "Asia/Colombo"),
        ("2022-12-28T14:00:00+05:45", "Asia/Kathmandu"), ("2022-12-28T14:00:00", None),
    ],
)  # fmt: skip
def test_offset_timezone_gives_a_zone_at_the_offset_of_the_moment(moment, zone):
    from datetime import datetime
    from zoneinfo import ZoneInfo

    found = values.offset_timezone(datetime.fromisoformat(moment))

    assert found == zone
    if found is not None:
        parsed = datetime.fromisoformat(moment)
        assert parsed.astimezone(ZoneInfo(found)).utcoffset() == parsed.utcoffset()
