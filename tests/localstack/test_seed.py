from __future__ import annotations

import pytest

pytestmark = pytest.mark.integration


def test_seed_first_start_falls_back_to_the_demo_event_without_the_sample(stack, tmp_path):
    from podium.localstack.stack import seed_first_start

    assert seed_first_start(tmp_path / "absent") == "podium-demo-conf"
