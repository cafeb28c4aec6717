"""Benchmark the automatic reviewer assignment (domain/review_assignment.py), in process.

600 proposals in 5 tracks, 3 reviews each, 25 reviewers: 4 per track, 3 across two tracks and 2
across every track; some reviewers speak (own and co-speakers' proposals), some declare an
organisation a few speakers share, and each flags a few proposals. Prints the time of the plan
(best and median of 5 runs), the largest spread of loads within a pool (reviewers with the same
tracks) and the proposals short of reviews. Exits 1 when the spread is over 1 or a run over 2 s.
"""

from __future__ import annotations

import random
import statistics
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "backend"))

from chalicelib.domain.review_assignment import Proposal, Reviewer, plan_assignments
from report import report

PROPOSALS, PER_PROPOSAL, RUNS = 600, 3, 5
TRACKS = [f"track-{i}" for i in range(5)]
ORGANISATIONS = ["Acme", "Globex", "Initech", "Umbrella"]


def team(seed: int = 23) -> tuple[list[Proposal], list[Reviewer]]:
    rng = random.Random(seed)
    reviewer_ids = [f"reviewer-{i:02}" for i in range(25)]
    speakers = [f"speaker-{i}" for i in range(700)] + reviewer_ids[:6]  # six reviewers also speak
    proposals = []
    for i in range(PROPOSALS):
        speaking = frozenset(rng.sample(speakers, rng.choice([1, 1, 1, 2])))
        organisations = frozenset({rng.choice(ORGANISATIONS)}) if rng.random() < 0.2 else frozenset()
        proposals.append(Proposal(f"proposal-{i:03}", TRACKS[i % len(TRACKS)], speaking, organisations))
    scopes = [frozenset({t}) for t in TRACKS for _ in range(4)]
    scopes += [frozenset(TRACKS[i : i + 2]) for i in range(3)] + [None, None]
    reviewers = [
        Reviewer(
            rid,
            scope,
            ORGANISATIONS[i % len(ORGANISATIONS)] if i % 5 == 0 else None,
            frozenset(p.id for p in rng.sample(proposals, 3)),
        )
        for i, (rid, scope) in enumerate(zip(reviewer_ids, scopes, strict=True))
    ]
    return proposals, reviewers


def pool_spread(loads: dict[str, int], reviewers: list[Reviewer]) -> int:
    pools = defaultdict(list)
    for reviewer in reviewers:
        pools[reviewer.track_ids].append(loads[reviewer.id])
    return max(max(v) - min(v) for v in pools.values())


def main() -> int:
    proposals, reviewers = team()
    seconds, plan = [], None
    for _ in range(RUNS):
        started = time.perf_counter()
        plan = plan_assignments(proposals=proposals, reviewers=reviewers, per_proposal=PER_PROPOSAL)
        seconds.append(time.perf_counter() - started)
    assert plan is not None
    spread = pool_spread(plan.loads, reviewers)
    loads = sorted(plan.loads.values())
    print(f"{PROPOSALS} proposals x {PER_PROPOSAL} reviews over {len(reviewers)} reviewers in {len(TRACKS)} tracks")
    print(f"assigned {len(plan.added)}, short {sum(plan.shortfall.values())} on {len(plan.shortfall)} proposals")
    print(f"loads {loads[0]}..{loads[-1]}; largest spread within a pool: {spread}")
    print(f"seconds: best {min(seconds):.3f}, median {statistics.median(seconds):.3f}, worst {max(seconds):.3f}")
    report(
        "review_assign",
        {
            "balance (max spread in a pool)": spread,
            "seconds (median of 5)": round(statistics.median(seconds), 3),
            "reviews assigned": len(plan.added),
            "reviews short": sum(plan.shortfall.values()),
        },
    )
    return 0 if spread <= 1 and max(seconds) <= 2 else 1


if __name__ == "__main__":
    sys.exit(main())
