"""One `podium dev` stack and one chromium for every admin page test; pages record console errors."""

from __future__ import annotations

import re
import subprocess
from collections.abc import Iterator

import pytest
from support.dev_stack import DevStack, start_dev_stack

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# Chromium logs every 4xx answer of fetch() as a console error; tests name the ones they expect.
_HTTP_STATUS = re.compile(r"Failed to load resource: the server responded with a status of (\d{3})")


@pytest.fixture(scope="module")
def dev_stack(tmp_path_factory) -> Iterator[DevStack]:
    state = tmp_path_factory.mktemp("admin-stack") / "state"
    stack = start_dev_stack(state)
    stack.state_dir = state  # for `podium create-admin` (support.admin_steps.create_admin)
    yield stack
    if stack.process.poll() is None:
        try:
            stack.stop(timeout=60)
        except subprocess.TimeoutExpired:
            stack.process.kill()
            raise AssertionError("podium dev did not stop on SIGTERM:\n" + "\n".join(stack.output[-60:])) from None


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        yield browser
        browser.close()


class Pages:
    """Opens admin pages (each in its own browser context, so each has its own session)."""

    def __init__(self, browser, site_url: str) -> None:
        self.browser = browser
        self.site_url = site_url
        self.opened: list = []

    def open(self, *, width: int = 1200, height: int = 900, expect_statuses: tuple[int, ...] = ()):
        context = self.browser.new_context(base_url=self.site_url, viewport={"width": width, "height": height})
        context.set_default_timeout(20_000)
        page = context.new_page()
        page.console_errors = []
        page.expected_statuses = set(expect_statuses)

        def on_console(message) -> None:
            if message.type != "error":
                return
            status = _HTTP_STATUS.search(message.text)
            if status and int(status.group(1)) in page.expected_statuses:
                return
            page.console_errors.append(message.text)

        page.on("console", on_console)
        page.on("pageerror", lambda error: page.console_errors.append(str(error)))
        self.opened.append(page)
        return page

    def close(self) -> None:
        for page in self.opened:
            page.context.close()


@pytest.fixture
def pages(browser, dev_stack) -> Iterator[Pages]:
    opened = Pages(browser, dev_stack.urls["Site"])
    yield opened
    errors = {id(page): page.console_errors for page in opened.opened if page.console_errors}
    opened.close()
    assert errors == {}, f"console errors: {errors}"
