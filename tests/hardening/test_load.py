"""A short run of bench/load.py (10 clients × 20 requests; the bench runs 50 × 200)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
from load import run_load

pytestmark = [pytest.mark.integration, pytest.mark.xdist_group("hardening-stack")]


def test_concurrent_clients_get_no_5xx_and_lose_no_update(dev_stack, figure):
    result = run_load(dev_stack.urls["API"], clients=10, requests=20)

    figure("load requests", result.requests)
    print("\nload: " + result.summary())
    assert result.resets == []
    assert result.server_errors == []
    assert result.mismatches == []
    assert result.requests >= 10 * 20
