"""Steps of the admin page's browser scenarios (#26), shared by the tests/admin modules so no
step is written twice: checking a view (axe-core, and nothing wider than a phone), making the
super admin, watching a job's progress texts."""

from __future__ import annotations

import subprocess
import sys
import uuid

from support.axe import assert_accessible
from support.dev_stack import REPO, podium_environ

PASSWORD = "correct horse battery staple"
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
VIEWPORTS = {"desktop": DESKTOP, "phone": PHONE}

# What is wider than the viewport, but the skip link (off screen until focused).
OVERFLOW_JS = """() => {
  const width = window.innerWidth;
  const wide = [];
  if (document.scrollingElement.scrollWidth > width) wide.push(`document ${document.scrollingElement.scrollWidth}px`);
  for (const el of document.querySelectorAll("body *")) {
    if (el.closest(".skip, option, datalist")) continue;
    const box = el.getBoundingClientRect();
    if (!box.width || !box.height) continue;
    if (box.right > width + 0.5 || box.left < -0.5) {
      wide.push(`${el.tagName.toLowerCase()}${el.id ? "#" + el.id : ""}.${[...el.classList].join(".")} ${Math.round(box.left)}..${Math.round(box.right)}`);
    }
  }
  return wide.slice(0, 10);
}"""

# Records every text the progress line of a job shows (progress.js and the import view).
WATCH_PROGRESS = """() => {
  window.progressSeen = [];
  new MutationObserver(() => {
    for (const text of document.querySelectorAll(".job-progress-text, .import-status")) {
      if (text.textContent) window.progressSeen.push(text.textContent);
    }
  }).observe(document.body, { subtree: true, childList: true, characterData: true });
}"""


def too_wide(page) -> list[str]:
    """The elements wider than the page's viewport (empty when the view fits)."""
    return page.evaluate(OVERFLOW_JS)


def check_view(page, view: str) -> None:
    """The view as it is now: 0 serious or critical axe violations; on a phone, nothing wider than it."""
    assert_accessible(page, view)
    if page.viewport_size["width"] < 600:
        assert too_wide(page) == [], f"{view} is wider than the phone: {too_wide(page)}"


def watch_progress(page) -> None:
    page.evaluate(WATCH_PROGRESS)


def progress_seen(page) -> list[str]:
    return page.evaluate("() => window.progressSeen")


def create_admin(stack, who: str = "root") -> str:
    """The stack's super admin, made by `podium create-admin` as an operator does (its email)."""
    email = f"{who}-{uuid.uuid4().hex[:8]}@example.org"
    subprocess.run(
        [sys.executable, "-m", "podium.cli", "create-admin", email, "--state-dir", str(stack.state_dir)],
        input=f"{PASSWORD}\n", text=True, env=podium_environ(), cwd=REPO, check=True, capture_output=True,
    )  # fmt: skip
    return email
