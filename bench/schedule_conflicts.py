"""Benchmark the schedule's conflict rules (domain/schedule_conflicts.py), in process.

600 sessions in 20 rooms over three days (some overlapping in their room, about 700 speakers of
whom some hold two talks at once, a third with availability ranges), a break across all rooms each
day and a blocker per room. Prints the time of `conflicts_in` over the whole event (best, median
and worst of 5 runs), the conflicts found by rule, and the time the rules take for one session
(what every session write adds before its reads). Exits 1 when a whole-event run is over 1 s.
"""

from __future__ import annotations

import random
import statistics
import sys
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "backend"))

from chalicelib.db import content
from chalicelib.db.keys import child_key, event_key
from chalicelib.domain.schedule_conflicts import conflicts_in, conflicts_naming
from report import report

SESSIONS, ROOMS, DAYS, RUNS = 600, 20, 3, 5
START = datetime(2026, 3, 22, 1, tzinfo=UTC)  # 09:00 in Singapore


def schedule(seed: int = 24):
    rng = random.Random(seed)
    event = content.Event(
        *event_key("bench"), id="bench", slug="bench", name="Bench", timezone="Asia/Singapore",
        starts_at=START, ends_at=START + timedelta(days=DAYS - 1, hours=9),
    )  # fmt: skip
    rooms = [
        content.Room(*child_key("bench", "room", f"r{i}"), id=f"r{i}", event_id="bench", name=f"Room {i}")
        for i in range(ROOMS)
    ]
    speakers = []
    for i in range(700):
        ranges = []
        if i % 3 == 0:
            day = START + timedelta(days=rng.randrange(DAYS))
            ranges = [content.TimeRange(starts_at=day, ends_at=day + timedelta(hours=rng.choice([4, 9])))]
        speakers.append(content.Speaker(
            *child_key("bench", "speaker", f"p{i}"), id=f"p{i}", event_id="bench", name=f"Speaker {i}",
            availability=ranges or None,
        ))  # fmt: skip
    sessions = []
    for i in range(SESSIONS):
        room, slot = i % ROOMS, i // ROOMS  # 30 slots per room: ten 50-minute slots a day
        begins = START + timedelta(days=slot // 10, minutes=(slot % 10) * 50)
        if rng.random() < 0.05:
            begins += timedelta(minutes=20)  # runs into the next talk in its room
        talkers = [f"p{rng.randrange(700)}" for _ in range(rng.choice([1, 1, 1, 2]))]
        sessions.append(content.Session(
            *child_key("bench", "session", f"s{i}"), id=f"s{i}", event_id="bench", title=f"Talk {i}",
            room_id=f"r{room}", starts_at=begins, ends_at=begins + timedelta(minutes=45), speaker_ids=talkers,
            state="accepted",
        ))  # fmt: skip
    blocks = []
    for day in range(DAYS):
        lunch = START + timedelta(days=day, hours=4)
        blocks.append(content.ScheduleBlock(
            *child_key("bench", "schedule_block", f"lunch{day}"), id=f"lunch{day}", event_id="bench", title="Lunch",
            block_type="break", room_ids=[], starts_at=lunch, ends_at=lunch + timedelta(minutes=30),
        ))  # fmt: skip
    for room in rooms:
        setup = START - timedelta(minutes=30)
        blocks.append(content.ScheduleBlock(
            *child_key("bench", "schedule_block", f"setup-{room.id}"), id=f"setup-{room.id}", event_id="bench",
            title="Set-up", block_type="blocker", room_ids=[room.id], starts_at=setup, ends_at=START,
        ))  # fmt: skip
    return event, sessions, speakers, rooms, blocks


def main() -> int:
    event, sessions, speakers, rooms, blocks = schedule()
    seconds, found = [], []
    for _ in range(RUNS):
        started = time.perf_counter()
        found = conflicts_in(event=event, sessions=sessions, speakers=speakers, rooms=rooms, blocks=blocks)
        seconds.append(time.perf_counter() - started)
    one = sessions[123]
    nearby = [s for s in sessions if s.starts_at < one.ends_at and one.starts_at < s.ends_at]
    started = time.perf_counter()
    for _ in range(100):
        conflicts_naming(
            conflicts_in(event=event, sessions=nearby, speakers=speakers, rooms=rooms, blocks=blocks), one.id
        )
    per_write = (time.perf_counter() - started) / 100
    by_rule = Counter(c.rule for c in found)
    print(f"{SESSIONS} sessions in {ROOMS} rooms over {DAYS} days, {len(speakers)} speakers, {len(blocks)} blocks")
    print("conflicts: " + ", ".join(f"{rule} {n}" for rule, n in sorted(by_rule.items())) + f" (total {len(found)})")
    print(f"whole event, seconds: best {min(seconds):.4f}, median {statistics.median(seconds):.4f}, worst {max(seconds):.4f}")
    print(f"one session's write ({len(nearby)} sessions sharing its time): {per_write * 1000:.2f} ms")
    report(
        "schedule_conflicts",
        {
            "whole event seconds (median of 5)": round(statistics.median(seconds), 4),
            "one write ms": round(per_write * 1000, 2),
            "conflicts": len(found),
        },
    )
    return 0 if max(seconds) <= 1 else 1


if __name__ == "__main__":
    sys.exit(main())
