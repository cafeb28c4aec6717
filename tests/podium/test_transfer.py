"""`podium import` (podium/transfer.py) against the test process's moto stack, with a worker."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.integration


@pytest.fixture
def worker(stack):
    """The stack's job worker (the local poller), running while the test runs."""
    from app import app
    from podium.localstack.poller import LocalPoller

    poller = LocalPoller(app, stack)
    poller.start()
    yield poller
    poller.stop()


def test_podium_import_uploads_the_export_and_prints_the_slug_of_the_imported_event(
    local_stack, podium, worker, sample_2017
):
    from chalicelib.db.queries import event_by_slug

    run = podium("import", str(sample_2017), "--state-dir", str(local_stack))

    assert run.returncode == 0, run.stderr
    slug = run.stdout.strip()
    event = event_by_slug(slug)
    assert (event.slug, event.name) == (slug, "FOSSASIA Summit 2017")


@pytest.fixture
def super_admin(aws_stack):
    """The super admin of the shared table (made once; another test may have made it first)."""
    from chalicelib.db.queries import find_super_admin
    from chalicelib.domain.accounts import make_super_admin

    if find_super_admin() is None:
        make_super_admin(email="root@transfer.example", password="a long enough passphrase 1")
    return find_super_admin()


def _renamed_copy(sample, tmp_path, **changes):
    """The sample under a name of its own (a new source event), with `changes` to its event."""
    import json
    import shutil
    import uuid

    folder = shutil.copytree(sample, tmp_path / f"export-{uuid.uuid4().hex[:6]}")
    event = json.loads((folder / "event").read_text())
    event |= {"name": f"Transfer {uuid.uuid4().hex[:8]}"} | changes
    (folder / "event").write_text(json.dumps(event))
    return folder


def test_podium_import_without_owner_gives_the_event_to_the_super_admin_who_lists_it(
    local_stack, podium, worker, sample_2017, tmp_path, super_admin
):
    from chalicelib.actors import Actor
    from chalicelib.db.queries import event_by_slug
    from chalicelib.domain.event_access import event_role
    from chalicelib.domain.events import list_events

    run = podium("import", str(_renamed_copy(sample_2017, tmp_path)), "--state-dir", str(local_stack))

    assert run.returncode == 0, run.stderr
    event = event_by_slug(run.stdout.strip())
    admin = Actor(id=super_admin.id, kind="user", roles=frozenset({"admin", "super_admin"}))
    listed, cursor = set(), None
    while True:
        page = list_events(actor=admin, everything=True, limit=100, cursor=cursor)
        listed |= {e.id for e in page.items}
        cursor = page.next
        if not cursor:
            break
    assert (event.owner_id, event_role(event_id=event.id, user_id=super_admin.id)) == (super_admin.id, "owner")
    assert event.id in listed


def test_podium_import_report_writes_every_repair_and_prints_a_summary(local_stack, podium, worker, sample_2018, tmp_path):
    import json

    export = _renamed_copy(sample_2018, tmp_path, timezone="US / Pacific")
    report = tmp_path / "report.json"

    run = podium("import", str(export), "--report", str(report), "--state-dir", str(local_stack))

    assert run.returncode == 0, run.stderr
    written = json.loads(report.read_text())
    assert written["slug"] == run.stdout.strip()
    assert written["repairs"][0] == {
        "file": "event", "record": "", "field": "timezone",
        "action": "'US / Pacific' is written 'America/Los_Angeles', its canonical tz database name",
    }  # fmt: skip
    assert written["repair_counts"]["total"] == len(written["repairs"]) == 9
    assert f"{len(written['repairs'])} repairs (event 1, sessions 4, speakers 4):" in run.stderr
    assert "event: timezone 'US / Pacific' is written 'America/Los_Angeles'" in run.stderr


def test_podium_import_into_updates_the_named_event(local_stack, podium, worker, sample_2017, tmp_path):
    import json

    from chalicelib.db.queries import event_by_slug

    first = podium("import", str(_renamed_copy(sample_2017, tmp_path)), "--state-dir", str(local_stack))
    slug = first.stdout.strip()

    second = _renamed_copy(sample_2017, tmp_path)

    into = podium("import", str(second), "--into", slug, "--state-dir", str(local_stack))
    missing = podium("import", str(sample_2017), "--into", "no-such-event", "--state-dir", str(local_stack))

    assert (first.returncode, into.returncode, into.stdout.strip()) == (0, 0, slug), into.stderr
    assert "Updated:" in into.stderr
    assert event_by_slug(slug).name == json.loads((second / "event").read_text())["name"]
    assert (missing.returncode, missing.stderr.splitlines()[-1]) == (
        1, "podium import: --into no-such-event: no event with that slug or id",
    )  # fmt: skip
