"""`podium dev` brings the local data to the head revision at every start (stack.migrate_data)."""

from __future__ import annotations

import pytest
from support.dev_stack import run_podium

pytestmark = pytest.mark.integration


def test_dev_stack_starts_at_head_and_applies_what_is_pending_at_the_next_start(dev_stack_factory, tmp_path):
    from chalicelib.migrations.runner import load_revisions

    revisions = load_revisions()
    head = revisions.head()
    state = ["--state-dir", str(tmp_path / "state")]

    # GIVEN a fresh stack, whose data is then set back to before every migration
    first = dev_stack_factory(tmp_path / "state")
    fresh = run_podium("db", "current", *state)
    stamped = run_podium("db", "stamp", "base", "--yes", *state)
    first.stop()

    # WHEN it starts again
    second = dev_stack_factory(tmp_path / "state")
    after = run_podium("db", "current", *state)

    # THEN a fresh start is at head, and the next start applied every pending migration, saying which
    assert fresh.stdout.startswith(f"{head} (current)"), fresh.stdout + fresh.stderr
    assert stamped.returncode == 0, stamped.stderr
    assert [line for line in first.output if "data migrations" in line] == [
        f"INFO podium.local: data migrations: new data, recorded at head {head}"
    ]
    assert [line for line in second.output if "data migrations" in line] == [
        f"INFO podium.local: data migrations: applied {m.revision}, {m.title}" for m in revisions.lineage(head)
    ]
    assert after.stdout.startswith(f"{head} (current)"), after.stdout + after.stderr
