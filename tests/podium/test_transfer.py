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
