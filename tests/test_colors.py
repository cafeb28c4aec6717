"""Track colors: the text color that stays readable on an organizer's background."""

from __future__ import annotations

import pytest
from chalicelib.colors import readable_text_color, relative_luminance

pytestmark = pytest.mark.unit


def test_relative_luminance_spans_black_to_white_in_either_hex_form():
    assert [relative_luminance(c) for c in ("#000000", "#000", "ffffff", " #FFF ")] == [0.0, 0.0, 1.0, 1.0]


def test_readable_text_color_is_white_on_dark_and_black_on_light():
    assert [readable_text_color(c) for c in ("#000", "#1f3a93", "#ffffff", "#f5d90a")] == [
        "#ffffff",
        "#ffffff",
        "#000000",
        "#000000",
    ]


@pytest.mark.parametrize("color", ["", "red", "#12345", "#gggggg", "#1234567"])
def test_relative_luminance_refuses_what_is_not_a_hex_color(color):
    with pytest.raises(ValueError, match="not a hex color"):
        relative_luminance(color)
