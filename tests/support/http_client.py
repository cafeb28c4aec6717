"""JSON over real HTTP to a `podium dev` API: accounts, tokens and calls. Shared by the hardening
tests and bench/load.py (which imports it from here)."""

from __future__ import annotations

import itertools
import json
import os
from typing import Any

import requests

_numbers = itertools.count()


class HttpApi:
    """Calls one API base URL (e.g. http://127.0.0.1:8000); one `requests.Session` per instance,
    so give each thread its own (`clone()`)."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url.rstrip("/")
        self.session = requests.Session()

    def clone(self) -> HttpApi:
        return HttpApi(self.base_url)

    def call(self, method: str, path: str, body: Any = None, token: str | None = None) -> requests.Response:
        headers = {"Content-Type": "application/json"}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        data = json.dumps(body) if body is not None else None
        return self.session.request(method, self.base_url + path, data=data, headers=headers, timeout=60)

    def json(self, method: str, path: str, body: Any = None, token: str | None = None, expect: int | None = None):
        response = self.call(method, path, body, token)
        payload = response.json() if response.content else None
        if expect is not None:
            assert response.status_code == expect, (method, path, response.status_code, payload)
        return payload

    def user(self, tag: str = "user") -> dict[str, str]:
        """A new (unverified) account and its access token: enough to create and run events."""
        email = f"{tag}-{next(_numbers)}-{os.getpid()}@example.org"
        password = "correct horse battery"
        self.json("POST", "/v1/auth/signup", {"email": email, "password": password, "name": tag}, expect=201)
        token = self.json("POST", "/v1/auth/login", {"email": email, "password": password}, expect=200)["access_token"]
        # The sign-up answer names no account (it is the same for taken emails): /v1/me does.
        me = self.json("GET", "/v1/me", token=token, expect=200)
        return {"id": me["id"], "email": email, "token": token}
