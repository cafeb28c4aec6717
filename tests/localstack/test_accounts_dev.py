"""Accounts through `podium dev` over real HTTP, and `podium create-admin` against it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.integration


def _call(url: str, method: str = "GET", body: dict | None = None, token: str | None = None) -> tuple[int, dict]:
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method=method, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as err:
        return err.code, json.loads(err.read())


def _podium(*args: str, stdin: str = "") -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PODIUM_", "AWS_"))}
    env["PYTHONPATH"] = str(REPO / "backend")
    return subprocess.run(
        [sys.executable, "-m", "podium.cli", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=env,
        cwd=REPO,
        timeout=60,
    )


def test_signup_login_me_and_create_admin_over_http(dev_stack_factory, tmp_path):
    stack = dev_stack_factory(tmp_path / "state")
    api = stack.urls["API"]

    created, account = _call(
        f"{api}/v1/auth/signup",
        "POST",
        {"email": "dev-user@example.org", "password": "local password 1", "name": "Dev"},
    )
    status, login = _call(
        f"{api}/v1/auth/login", "POST", {"email": "dev-user@example.org", "password": "local password 1"}
    )
    me_status, me = _call(f"{api}/v1/me", token=login["access_token"])
    admin = _podium(
        "create-admin", "root@example.org", "--state-dir", str(tmp_path / "state"), stdin="root password 1\n"
    )
    _, root = _call(f"{api}/v1/auth/login", "POST", {"email": "root@example.org", "password": "root password 1"})
    users_status, users = _call(f"{api}/v1/users?q=dev-", token=root["access_token"])

    assert (created, status, me_status) == (201, 200, 200)
    assert account == {"email": "dev-user@example.org", "message": account["message"]}  # names no account
    assert me["email"] == "dev-user@example.org"
    assert admin.returncode == 0, admin.stderr
    assert (users_status, [u["email"] for u in users["items"]]) == (200, ["dev-user@example.org"])
    assert "PODIUM_JWT_SECRET" not in (tmp_path / "state" / "stack.json").read_text()


def test_create_admin_on_a_fresh_dev_stack_owns_the_seeded_event_in_my_events(dev_stack_factory, tmp_path):
    # GIVEN a first start, whose seeded demo event belongs to nobody yet
    stack = dev_stack_factory(tmp_path / "state")
    api = stack.urls["API"]

    # WHEN the newcomer makes the super admin, as README says
    admin = _podium(
        "create-admin", "root@example.org", "--state-dir", str(tmp_path / "state"), stdin="root password 1\n"
    )
    again = _podium(
        "create-admin", "root@example.org", "--state-dir", str(tmp_path / "state"), stdin="root password 1\n"
    )
    _, root = _call(f"{api}/v1/auth/login", "POST", {"email": "root@example.org", "password": "root password 1"})
    status, mine = _call(f"{api}/v1/events", token=root["access_token"])  # what the admin page's "My events" lists

    # THEN the seeded event is the super admin's: listed in "My events", and said so once
    assert admin.returncode == 0, admin.stderr
    assert "root@example.org now owns Podium Demo Conf (podium-demo-conf)" in admin.stdout
    assert (again.returncode, "now owns" in again.stdout) == (0, False)
    assert (status, [event["slug"] for event in mine["items"]]) == (200, ["podium-demo-conf"])


@pytest.mark.unit
def test_create_admin_without_a_stack_says_how_to_start_one(tmp_path):
    answer = _podium("create-admin", "root@example.org", "--state-dir", str(tmp_path), stdin="whatever pass\n")

    assert answer.returncode == 1
    assert "No local stack is running" in answer.stderr
    assert "podium dev" in answer.stderr
