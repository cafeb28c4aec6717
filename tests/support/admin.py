"""Helpers of the admin page's browser tests (a plain module: conftest names clash across folders)."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from pathlib import Path

SCREENSHOTS = Path(__file__).resolve().parents[2] / "e2e-screenshots"


def screenshot(page, name: str) -> None:
    """Save a full-page screenshot for review (e2e-screenshots/ is git-ignored)."""
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def call_api(stack, method: str, path: str, body: dict | None = None, token: str | None = None) -> tuple[int, dict]:
    """(status, JSON body) of one call to the running stack's API, for a browser test's set-up."""
    request = urllib.request.Request(
        stack.urls["API"] + "/v1" + path,
        method=method,
        data=None if body is None else json.dumps(body).encode(),
        headers={"Content-Type": "application/json", **({"Authorization": f"Bearer {token}"} if token else {})},
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:
            return answer.status, json.loads(answer.read() or b"{}")
    except urllib.error.HTTPError as err:
        return err.code, json.loads(err.read() or b"{}")
