from __future__ import annotations

import pytest

pytestmark = pytest.mark.integration


@pytest.fixture
def poller(aws_stack):
    from app import app
    from podium.localstack.poller import LocalPoller

    return LocalPoller(app, aws_stack, on_table_change=lambda: None)


def test_noop_job_runs_to_success_through_the_queue(poller):
    from chalicelib.db.jobs import Job, job_pk
    from chalicelib.jobs.enqueue import enqueue

    job_id = enqueue("noop", note="hello")
    poller.poll_jobs_once(wait_seconds=1)

    record = Job.get(job_pk(job_id), "JOB", consistent_read=True)
    assert (record.state, record.attempts, record.result) == ("SUCCESS", 1, '{"ok": true}')


@pytest.mark.parametrize(
    ("value", "path"),
    [
        ({"when": __import__("datetime").datetime(2026, 1, 1)}, "kwargs['payload']['when']"),
        ({1, 2}, "kwargs['payload']"),
    ],
)
def test_enqueue_refuses_values_json_cannot_carry(aws_stack, value, path):
    from chalicelib.jobs.enqueue import enqueue

    with pytest.raises(TypeError) as raised:
        enqueue("noop", payload=value)

    assert str(raised.value).startswith(path)
