"""Count the DynamoDB requests each API call makes (botocore `before-call` event hooks).

Against the embedded moto stack, through the Chalice app: the session list of a published event
with 10 and with 1,000 sessions, each with two speakers (every page of 100), and a single-session
GET, as the event's organizer and as an anonymous reader. Target (issue 4): one request per page
of ≤ 100 items and one for a single GET.

A single GET is one BatchGetItem: the caller's user item (the token's revocation check), the
event, the caller's role in it and the session. A list page is that BatchGetItem plus the page's
Query; the speakers' names come with the sessions, which keep them. The authorization read cannot
join the Query: a Query reads one sort-key range of one partition, the user item lives in its
own (`USER#<id>`), and even for an anonymous reader the event item (sk `EVENT`) and the sessions
(`SESSION#…`) are not one range (`INVITE#`, `POST#`, `ROLE#`, `ROOM#` sort between them); from
the second page on, the Query starts past anything placed before the sessions. So 2 per page is
the floor unless authorization is remembered between requests, which would let a revoked token
read on (README, "Why a session list page takes 2 requests").
"""

from __future__ import annotations

import json
import logging
import os
import sys
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "backend"))

from report import report

STAGE = "bench"
PAGE = 100
SPEAKERS = 40


class RequestCounter:
    """Counts DynamoDB operations of every botocore client made after `install()`."""

    def __init__(self) -> None:
        self.calls: Counter[str] = Counter()

    def install(self) -> None:
        import botocore.session

        create_client = botocore.session.Session.create_client
        counter = self

        def counting_client(session, service_name, *args, **kwargs):
            made = create_client(session, service_name, *args, **kwargs)
            if service_name == "dynamodb":
                made.meta.events.register("before-call.dynamodb", counter.count)
            return made

        botocore.session.Session.create_client = counting_client

    def count(self, model, **_) -> None:
        self.calls[model.name] += 1

    def measure(self, call, *args, **kwargs) -> tuple[object, Counter[str]]:
        """`call(*args, **kwargs)` and the DynamoDB operations it made."""
        self.calls.clear()
        result = call(*args, **kwargs)
        return result, Counter(self.calls)


def start_stack():
    import secrets

    os.environ.update({"PODIUM_STAGE": STAGE, "PODIUM_LOG_LEVEL": "WARNING", "AWS_DEFAULT_REGION": "us-east-1"})
    os.environ.setdefault("PODIUM_JWT_SECRET", secrets.token_urlsafe(32))  # sign-in needs a key
    from podium.localstack import aws

    server = aws.start_moto(0)
    aws.point_boto_at("http://{}:{}".format(*server.get_host_and_port()))
    outputs = aws.deploy_stack(STAGE, site_origin="http://127.0.0.1:8080")
    os.environ.update(aws.settings_environ(outputs, stage=STAGE, site_base_url="http://127.0.0.1:8080/"))
    return server


class Caller:
    def __init__(self, client) -> None:
        self.client = client

    def json(self, method: str, path: str, body=None, token: str | None = None):
        headers = {"Content-Type": "application/json"} | ({"Authorization": f"Bearer {token}"} if token else {})
        response = getattr(self.client.http, method.lower())(
            path, body=json.dumps(body) if body else None, headers=headers
        )
        assert response.status_code < 300, (method, path, response.status_code, response.body)
        return json.loads(response.body)


def published_event(caller: Caller, token: str, sessions: int) -> tuple[str, str]:
    """A published event with `sessions` confirmed sessions of two speakers each (written in
    batches, as the API writes them); its id and one session id."""
    from chalicelib.actors import Actor
    from chalicelib.db import content, keys
    from chalicelib.domain.events import publish_event
    from chalicelib.domain.speaker_names import names_of

    event = caller.json("POST", "/v1/events", {"name": f"Bench {sessions}"}, token=token)
    starts = datetime(2030, 3, 22, 9, tzinfo=UTC)
    dates = {"starts_at": starts.isoformat(), "ends_at": (starts + timedelta(days=3)).isoformat()}
    caller.json(
        "PATCH", f"/v1/events/{event['id']}", {"version": event["version"], "timezone": "UTC", **dates}, token=token
    )
    publish_event(event_id=event["id"], actor=Actor(id="bench", kind="user", roles=frozenset({"admin"})))
    pk = keys.event_pk(event["id"])
    speakers = [
        content.Speaker(pk, keys.child_sk("speaker", f"p{n:03d}"), id=f"p{n:03d}", event_id=event["id"],
                        name=f"Speaker {n}", session_ids=[])
        for n in range(SPEAKERS)
    ]  # fmt: skip
    with content.Session.batch_write() as batch:
        for n in range(sessions):
            session_id = f"s{n:05d}"
            pair = [speakers[n % SPEAKERS], speakers[(n + 1) % SPEAKERS]]
            for speaker in pair:
                speaker.session_ids.append(session_id)
            batch.save(
                content.Session(
                    pk, keys.child_sk("session", session_id), id=session_id, event_id=event["id"],
                    title=f"Talk {n}", state="confirmed", speaker_ids=[s.id for s in pair],
                    speaker_names=names_of(pair),
                )
            )  # fmt: skip
        for speaker in speakers:
            batch.save(speaker)
    return event["id"], "s00000"


def list_pages(
    caller: Caller, counter: RequestCounter, event_id: str, token: str | None
) -> tuple[int, int, Counter[str]]:
    """Walk the session list page by page: (pages, items, operations over all pages)."""
    total: Counter[str] = Counter()
    pages = items = 0
    cursor = None
    while True:
        query = f"?limit={PAGE}" + (f"&next={cursor}" if cursor else "")
        page, ops = counter.measure(caller.json, "GET", f"/v1/events/{event_id}/sessions{query}", token=token)
        total += ops
        assert all(len(s["speakers"]) == 2 for s in page["items"]), "every session names its two speakers"
        pages, items, cursor = pages + 1, items + len(page["items"]), page["next"]
        if not cursor:
            return pages, items, total


def describe(ops: Counter[str]) -> str:
    return ", ".join(f"{name} {count}" for name, count in sorted(ops.items()))


def main() -> None:
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    counter = RequestCounter()
    counter.install()
    server = start_stack()
    from app import app
    from chalice.test import Client

    rows: list[tuple[str, str, int, int, Counter[str]]] = []
    figures: dict[str, object] = {}
    with Client(app) as client:
        caller = Caller(client)
        caller.json(
            "POST", "/v1/auth/signup", {"email": "bench@example.org", "password": "bench password 1", "name": "Bench"}
        )
        token = caller.json("POST", "/v1/auth/login", {"email": "bench@example.org", "password": "bench password 1"})[
            "access_token"
        ]
        for size in (10, 1000):
            event_id, session_id = published_event(caller, token, size)
            for who, who_token in (("organizer", token), ("anonymous", None)):
                pages, items, ops = list_pages(caller, counter, event_id, who_token)
                assert items == size, (items, size)
                rows.append((f"session list, {size} sessions", who, pages, sum(ops.values()), ops))
                figures[f"list_{size}_{who}_requests_per_page"] = round(sum(ops.values()) / pages, 2)
                path = f"/v1/events/{event_id}/sessions/{session_id}"
                _, ops = counter.measure(caller.json, "GET", path, token=who_token)
                if size == 10:
                    rows.append(("single session GET", who, 1, sum(ops.values()), ops))
                    figures[f"get_{who}_requests"] = sum(ops.values())
    print(f"{'call':<28} {'caller':<10} {'pages':>5} {'requests':>8} {'per page':>8}  operations")
    for call, who, pages, requests, ops in rows:
        print(f"{call:<28} {who:<10} {pages:>5} {requests:>8} {requests / pages:>8.2f}  {describe(ops)}")
    print(
        "A GET is one BatchGetItem (user, event, role, item). A list page is that BatchGetItem plus one Query,\n"
        "speaker names included (sessions keep them). The authorization read cannot join the Query (another\n"
        "partition, another sort-key range) unless it were remembered between requests, letting a revoked token\n"
        "read on: see the README."
    )
    report("api_calls", figures)
    server.stop()


if __name__ == "__main__":
    main()
