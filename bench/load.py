"""Load: N concurrent clients × M requests of mixed reads and writes against a real `podium dev`.

Each client owns one track whose name carries a counter it bumps with versioned PATCHes, and
every client also races the others on one shared room. Reads list and fetch items; writes also
create sessions. Afterwards the final state must reconcile with every accepted (200/201) write:
each track's version is 1 + its accepted PATCHes and its name the last accepted counter, the
shared room's version is 1 + all accepted PATCHes to it, and the event lists every created
session. No answer may be a 5xx, and no connection may be reset or refused (all clients start
at once, each opening its own connection). Prints throughput, latency p50/p95, connection
resets, other errors and 5xx.

    python bench/load.py [--clients 50] [--requests 200]   (default: the full 50 × 200)
"""

from __future__ import annotations

import argparse
import random
import signal
import statistics
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "bench"), str(ROOT / "tests")]

from report import report
from support.http_client import HttpApi

# (weight, kind) of each request a client makes.
MIX = [(25, "list"), (20, "read"), (30, "patch_own"), (15, "patch_shared"), (10, "create_session")]


@dataclass
class ClientTally:
    accepted_own: int = 0
    last_counter: int = 0
    accepted_shared: int = 0
    sessions_created: int = 0
    conflicts: int = 0
    statuses: Counter = field(default_factory=Counter)
    latencies: list[float] = field(default_factory=list)
    server_errors: list[str] = field(default_factory=list)
    resets: list[str] = field(default_factory=list)  # connections reset, refused or timed out


@dataclass
class LoadResult:
    clients: int
    requests: int
    seconds: float
    statuses: dict[int, int]
    conflicts: int
    p50_ms: float
    p95_ms: float
    server_errors: list[str]
    mismatches: list[str]
    resets: list[str] = field(default_factory=list)

    def summary(self) -> str:
        return (
            f"{self.requests} requests from {self.clients} clients in {self.seconds:.1f}s "
            f"({self.requests / self.seconds:.0f}/s), p50 {self.p50_ms:.0f} ms, p95 {self.p95_ms:.0f} ms, "
            f"connection resets {len(self.resets)}, errors (5xx) {len(self.server_errors)}, "
            f"409s {self.conflicts}, statuses {dict(sorted(self.statuses.items()))}"
        )


class LoadClient:
    def __init__(self, api: HttpApi, *, number: int, token: str, event_id: str, shared_room: str) -> None:
        self.api, self.number, self.token = api, number, token
        self.base = f"/v1/events/{event_id}"
        self.shared_room = shared_room
        self.tally = ClientTally()
        self.random = random.Random(number)
        self.track = self.call("POST", "/tracks", {"name": f"client {number} #0"})[1]

    def call(self, method: str, path: str, body=None) -> tuple[int, dict]:
        started = time.perf_counter()
        try:
            response = self.api.call(method, self.base + path, body, token=self.token)
        except OSError as err:  # requests' connection errors and timeouts are OSErrors
            self.tally.resets.append(f"{method} {path}: {type(err).__name__}: {err}")
            return 0, {}
        self.tally.latencies.append(time.perf_counter() - started)
        self.tally.statuses[response.status_code] += 1
        if response.status_code >= 500:
            self.tally.server_errors.append(f"{method} {path}: {response.status_code} {response.text[:200]}")
        return response.status_code, (response.json() if response.content else {})

    def run(self, requests: int, start: threading.Barrier) -> None:
        kinds = [kind for weight, kind in MIX for _ in range(weight)]
        self.api = self.api.clone()  # a new connection of its own, opened in the burst below
        start.wait()
        for done in range(1, requests + 1):
            getattr(self, self.random.choice(kinds))()
            if self.number == 0 and done % 50 == 0:
                print(f"client 0: {done}/{requests} requests", flush=True)

    def list(self) -> None:
        self.call("GET", self.random.choice(["/tracks", "/sessions", "/rooms"]) + "?limit=20")

    def read(self) -> None:
        self.call("GET", f"/tracks/{self.track['id']}")

    def patch_own(self) -> None:
        counter = self.tally.last_counter + 1
        body = {"name": f"client {self.number} #{counter}", "version": self.track["version"]}
        status, answer = self.call("PATCH", f"/tracks/{self.track['id']}", body)
        if status == 200:
            self.track, self.tally.last_counter = answer, counter
            self.tally.accepted_own += 1
        elif status == 409:  # nobody else writes this track: a 409 here would be a bug
            self.tally.server_errors.append(f"409 on the client's own track: {answer}")

    def patch_shared(self) -> None:
        status, room = self.call("GET", f"/rooms/{self.shared_room}")
        if status != 200:
            return
        body = {"name": f"written by client {self.number}", "version": room["version"]}
        status, _ = self.call("PATCH", f"/rooms/{self.shared_room}", body)
        self.tally.accepted_shared += status == 200
        self.tally.conflicts += status == 409

    def create_session(self) -> None:
        status, _ = self.call("POST", "/sessions", {"title": f"talk by client {self.number}"})
        self.tally.sessions_created += status == 201


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def run_load(api_url: str, *, clients: int, requests: int) -> LoadResult:
    """Set up an event, run the clients in threads, then reconcile the final state."""
    api = HttpApi(api_url)
    owner = api.user("load-owner")
    event = api.json("POST", "/v1/events", {"name": "Load Conf"}, token=owner["token"], expect=201)
    base = f"/v1/events/{event['id']}"
    room = api.json("POST", base + "/rooms", {"name": "shared"}, token=owner["token"], expect=201)
    workers = [
        LoadClient(api.clone(), number=n, token=owner["token"], event_id=event["id"], shared_room=room["id"])
        for n in range(clients)
    ]
    start = threading.Barrier(clients)
    started = time.perf_counter()
    threads = [threading.Thread(target=w.run, args=(requests, start)) for w in workers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    seconds = time.perf_counter() - started
    tallies = [w.tally for w in workers]
    mismatches = reconcile(api, owner["token"], base, workers, room["id"])
    latencies = [s for t in tallies for s in t.latencies]
    return LoadResult(
        clients=clients,
        requests=len(latencies),
        seconds=seconds,
        statuses=dict(sum((t.statuses for t in tallies), Counter())),
        conflicts=sum(t.conflicts for t in tallies),
        p50_ms=statistics.median(latencies) * 1000,
        p95_ms=percentile(latencies, 0.95) * 1000,
        server_errors=[e for t in tallies for e in t.server_errors],
        mismatches=mismatches,
        resets=[r for t in tallies for r in t.resets],
    )


def reconcile(api: HttpApi, token: str, base: str, workers: list[LoadClient], room_id: str) -> list[str]:
    """Every accepted write must show in the final state; returns what does not."""
    mismatches = []
    for worker in workers:
        track = api.json("GET", f"{base}/tracks/{worker.track['id']}", token=token, expect=200)
        expected = (1 + worker.tally.accepted_own, f"client {worker.number} #{worker.tally.last_counter}")
        if (track["version"], track["name"]) != expected:
            mismatches.append(f"client {worker.number}: track is {track['version']}/{track['name']}, want {expected}")
    room = api.json("GET", f"{base}/rooms/{room_id}", token=token, expect=200)
    accepted_shared = sum(w.tally.accepted_shared for w in workers)
    if room["version"] != 1 + accepted_shared:
        mismatches.append(f"shared room at version {room['version']}, want {1 + accepted_shared} (lost updates)")
    listed, cursor = 0, None
    while True:
        page = api.json("GET", f"{base}/sessions?limit=100" + (f"&next={quote(cursor)}" if cursor else ""), token=token)
        listed += len(page["items"])
        cursor = page.get("next")
        if not cursor:
            break
    created = sum(w.tally.sessions_created for w in workers)
    if listed != created:
        mismatches.append(f"{listed} sessions listed, {created} created")
    return mismatches


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--requests", type=int, default=200)
    args = parser.parse_args()
    from support.dev_stack import start_dev_stack

    # `make bench` or a timeout stopping this script must not leave `podium dev` running.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    with tempfile.TemporaryDirectory(prefix="podium-load-") as state:
        stack = start_dev_stack(Path(state) / "state")
        try:
            result = run_load(stack.urls["API"], clients=args.clients, requests=args.requests)
        finally:
            stack.stop(timeout=30)
    print(result.summary())
    for problem in result.resets[:10] + result.server_errors[:10] + result.mismatches:
        print("PROBLEM:", problem)
    report(
        "load",
        {
            "clients × requests": f"{args.clients} × {args.requests}",
            "requests": result.requests,
            "requests/s": round(result.requests / result.seconds, 1),
            "p50 ms": round(result.p50_ms, 1),
            "p95 ms": round(result.p95_ms, 1),
            "connection resets": len(result.resets),
            "5xx": len(result.server_errors),
            "lost updates": len(result.mismatches),
        },
    )
    return 1 if result.resets or result.server_errors or result.mismatches else 0


if __name__ == "__main__":
    sys.exit(main())
