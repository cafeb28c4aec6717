"""Helpers of the admin page's browser tests (a plain module: conftest names clash across folders)."""

from __future__ import annotations

from pathlib import Path

SCREENSHOTS = Path(__file__).resolve().parents[2] / "e2e-screenshots"


def screenshot(page, name: str) -> None:
    """Save a full-page screenshot for review (e2e-screenshots/ is git-ignored)."""
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
