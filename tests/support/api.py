"""Helpers for API tests: JSON calls through chalice.test.Client, accounts made through the
API, and the mail the API enqueued (read from the job records, as the worker would send it)."""

from __future__ import annotations

import itertools
import json
import re
from datetime import UTC, datetime, timedelta

_numbers = itertools.count()
USER_ID = "api-user-1"  # the user the routes' own tests sign in as (tests/api/conftest.py's signed_in_client)


def post_as(client, path: str, body: dict | None = None, user: str | None = USER_ID) -> tuple[int, dict]:
    """POST `body` as JSON with `user`'s bearer token (none: anonymous); (status, decoded body)."""
    from support.auth import bearer

    headers = {"Content-Type": "application/json"} | bearer(user)
    response = client.http.post(path, headers=headers, body=json.dumps(body or {}))
    return response.status_code, json.loads(response.body)


def unique_email(tag: str = "user") -> str:
    return f"{tag}-{next(_numbers)}-{id(_numbers) % 1000}@example.org"


class Api:
    """Thin JSON helpers over chalice.test.Client."""

    def __init__(self, client) -> None:
        self.client = client

    def call(self, method: str, path: str, body=None, token: str | None = None, headers=None):
        headers = {"Content-Type": "application/json", **(headers or {})}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        raw = json.dumps(body) if body is not None else None
        response = getattr(self.client.http, method.lower())(path, body=raw, headers=headers)
        return response

    def json(self, method: str, path: str, body=None, token: str | None = None, expect: int | None = None):
        response = self.call(method, path, body, token)
        payload = json.loads(response.body) if response.body else None
        if expect is not None:
            assert response.status_code == expect, (response.status_code, payload)
        return payload

    def signup(self, email: str | None = None, password: str = "correct horse battery", name: str = "Ada") -> dict:
        email = email or unique_email()
        answer = self.json("POST", "/v1/auth/signup", {"email": email, "password": password, "name": name}, expect=201)
        # The answer names no account (it is the same for taken emails): the account is read here.
        from chalicelib.domain.accounts import find_user_by_email, private_view

        return {**private_view(find_user_by_email(answer["email"])), "password": password}

    def login(self, email: str, password: str = "correct horse battery") -> str:
        return self.json("POST", "/v1/auth/login", {"email": email, "password": password}, expect=200)["access_token"]

    def verify(self, email: str) -> None:
        self.json("POST", "/v1/auth/verify", {"token": mailed_code(email, "Confirm your email")}, expect=200)

    def user(self, tag: str = "user", *, verified: bool = True) -> dict:
        """A signed-up (and by default verified) user with a token."""
        account = self.signup(unique_email(tag), name=tag.title())
        if verified:
            self.verify(account["email"])
        return {**account, "token": self.login(account["email"])}

    def dated_event(self, owner: dict, name: str, *, year: int) -> dict:
        """A draft event of `owner`'s, 22-24 March of `year` in Singapore."""
        created = self.json("POST", "/v1/events", {"name": name}, token=owner["token"], expect=201)
        body = {
            "version": created["version"], "timezone": "Asia/Singapore",
            "starts_at": f"{year}-03-22T09:00:00+08:00", "ends_at": f"{year}-03-24T18:00:00+08:00",
        }  # fmt: skip
        return self.json("PATCH", f"/v1/events/{created['id']}", body, token=owner["token"], expect=200)


def mails_to(email: str) -> list[dict]:
    """The send_email jobs enqueued for `email`, oldest first (test-only Scan)."""
    from chalicelib.db.jobs import Job

    found = [json.loads(job.args) for job in Job.scan(Job.name == "send_email")]
    return sorted((m for m in found if m["to"] == email), key=lambda m: m.get("_order", 0))


def mailed_code(email: str, subject_start: str) -> str:
    from chalicelib.db.jobs import Job

    jobs = [j for j in Job.scan(Job.name == "send_email") if json.loads(j.args)["to"] == email]
    jobs = [
        j for j in sorted(jobs, key=lambda j: j.created_at) if json.loads(j.args)["subject"].startswith(subject_start)
    ]
    assert jobs, f"no mail '{subject_start}…' to {email}"
    return re.search(r"code: (\S+)", json.loads(jobs[-1].args)["text"]).group(1)


def days_from_now(days: float) -> str:
    """An ISO 8601 date-time `days` from now (negative: ago), in UTC."""
    return (datetime.now(UTC) + timedelta(days=days)).isoformat()
