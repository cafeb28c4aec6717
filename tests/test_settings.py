"""Reading the environment: levels written any way work; a wrong one is named at once."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.unit


def test_log_level_in_lower_case_is_accepted():
    from chalicelib.settings import read_settings

    assert read_settings({"PODIUM_STAGE": "dev", "PODIUM_LOG_LEVEL": "debug"}).log_level == "DEBUG"


def test_unknown_log_level_is_refused_naming_the_variable():
    from chalicelib.settings import SettingsError, read_settings

    with pytest.raises(SettingsError, match="PODIUM_LOG_LEVEL"):
        read_settings({"PODIUM_STAGE": "dev", "PODIUM_LOG_LEVEL": "loud"})
