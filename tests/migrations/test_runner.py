from __future__ import annotations

import textwrap

import pytest

pytestmark = pytest.mark.integration

FLAKY_MIGRATION = '''
"""Count to five, one checkpoint each; fails once at three."""
import json
from pathlib import Path

revision = "0001"
down_revision = None
LOG = Path(__file__).with_name("log.json")


def upgrade(run):
    log = json.loads(LOG.read_text()) if LOG.exists() else {"starts": [], "failed": False}
    log["starts"].append(run.cursor)
    LOG.write_text(json.dumps(log))
    for number in range((run.cursor or 0) + 1, 6):
        if number == 3 and not log["failed"]:
            log["failed"] = True
            LOG.write_text(json.dumps(log))
            raise RuntimeError("interrupted")
        run.checkpoint(number, 1)
    run.checkpoint(None, 0)
'''


class RecordingProgress:
    def __init__(self):
        self.events = []

    def start(self, title, total=None):
        self.events.append(("start", title))

    def advance(self, count):
        self.events.append(("advance", count))

    def finish(self):
        self.events.append(("finish",))


@pytest.fixture
def clean_state(aws_stack):
    from chalicelib.db.base import Item

    def wipe():
        for item in Item._get_connection().query("MIGRATIONS").get("Items", []):
            Item._get_connection().delete_item(item["pk"]["S"], item["sk"]["S"])

    wipe()
    yield
    wipe()


def test_interrupted_upgrade_resumes_from_its_last_checkpoint(clean_state, tmp_path):
    from chalicelib.migrations.runner import current_revision, load_revisions, upgrade

    (tmp_path / "0001_count.py").write_text(textwrap.dedent(FLAKY_MIGRATION))
    revisions = load_revisions(tmp_path)

    with pytest.raises(RuntimeError, match="interrupted"):
        upgrade(revisions)
    at_failure = current_revision()
    progress = RecordingProgress()
    applied = upgrade(revisions, progress=progress)

    assert at_failure is None
    assert applied == ["0001"]
    assert current_revision() == "0001"
    assert (tmp_path / "log.json").read_text() == '{"starts": [null, 2], "failed": true}'
    assert progress.events == [
        ("start", "0001 Count to five, one checkpoint each; fails once at three."),
        ("advance", 2),
        ("advance", 1),
        ("advance", 1),
        ("advance", 1),
        ("advance", 0),
        ("finish",),
    ]


def test_migrations_in_the_repository_form_one_line_of_history():
    from chalicelib.migrations.runner import load_revisions

    revisions = load_revisions()

    assert len(revisions.heads()) == 1
    assert [m.revision for m in revisions.lineage(revisions.head())] == sorted(revisions.by_revision)
