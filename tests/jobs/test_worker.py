"""The worker end to end: enqueue → moto's SQS → LocalPoller → the Chalice handler → the record."""

from __future__ import annotations

import json

import pytest
from support.jobs import SEEN_CONTEXTS, job_record, outbox, run_until_finished

pytestmark = pytest.mark.integration


def test_noop_job_runs_to_success_through_the_queue(empty_queues, poller):
    from chalicelib.jobs.enqueue import enqueue

    job_id = enqueue("noop", note="hello")
    poller.poll_jobs_once(wait_seconds=1)

    record = job_record(job_id)
    assert (record.state, record.attempts, record.result) == ("SUCCESS", 1, '{"ok": true}')
    assert record.started_at <= record.finished_at and record.lease_until is None


def test_mail_job_enqueued_in_a_request_names_the_user_and_links_to_the_request_base_url(empty_queues, poller, mailbox):
    from chalice import Chalice
    from chalice.test import Client
    from chalicelib.actors import Actor
    from chalicelib.api.http import http_middleware
    from chalicelib.jobs.enqueue import enqueue
    from chalicelib.request_context import current_context, set_context

    # GIVEN an app with the real request middleware, whose route runs as user U (as the identity
    # work will set it) and enqueues a notification.
    web = Chalice("jobs-context-test")
    web.register_middleware(http_middleware, "http")
    user = Actor(id="u-ada", kind="user", roles=frozenset(), name="Ada Lovelace")

    @web.route("/notify", methods=["POST"])
    def notify():
        set_context(current_context().with_actor(user))
        job_id = enqueue(
            "send_notification",
            to=mailbox,
            subject="Your export is ready",
            message="The export you asked for is ready.",
            link_path="/admin/events/e1/exports",
        )
        return {"job_id": job_id}

    # WHEN the admin page's origin calls it and the worker runs the job
    with Client(web) as client:
        answer = client.http.post("/notify", headers={"Origin": "http://127.0.0.1:8080"})
    job_id = json.loads(answer.body)["job_id"]
    run_until_finished(poller, [job_id])

    # THEN the mail names U and links absolutely to that base URL; the record names U and the request
    [mail] = outbox(mailbox)
    record = job_record(job_id)
    assert "Ada Lovelace (u-ada)" in mail.text and "Ada Lovelace (u-ada)" in mail.html
    assert "http://127.0.0.1:8080/admin/events/e1/exports" in mail.text
    assert 'href="http://127.0.0.1:8080/admin/events/e1/exports"' in mail.html
    assert (record.state, record.actor_id, record.request_id) == ("SUCCESS", "u-ada", answer.headers["X-Request-Id"])


def test_job_code_reads_the_context_restored_from_the_envelope(empty_queues, poller):
    from chalicelib.actors import Actor
    from chalicelib.jobs.enqueue import enqueue
    from chalicelib.request_context import RequestContext

    ctx = RequestContext(
        actor=Actor(id="u-1", kind="user", roles=frozenset({"admin"}), name="Grace"),
        request_id="req-42",
        base_url="https://staging.example.org/podium/",
        locale="de",
        extra={"tenant": "fossasia"},
    )
    job_id = enqueue("test_read_context", _ctx=ctx)
    run_until_finished(poller, [job_id])

    assert SEEN_CONTEXTS[-1] == {**ctx.to_json(), "link": "https://staging.example.org/podium/e/demo/"}


def test_large_result_goes_to_s3_and_the_job_view_holds_a_download_url(empty_queues, poller):
    import urllib.request

    from chalicelib.actors import SYSTEM
    from chalicelib.domain.jobs import read_job
    from chalicelib.jobs.enqueue import enqueue

    job_id = enqueue("test_big_result", size=2000)
    run_until_finished(poller, [job_id])
    view = read_job(job_id=job_id, actor=SYSTEM)
    with urllib.request.urlopen(view["download_url"]) as answer:
        stored = json.loads(answer.read())

    assert view["state"] == "SUCCESS" and view["result"] == {"stored": "result.json", "bytes": len(json.dumps(stored))}
    assert len(stored["rows"]) == 2000
    assert 0 < _seconds_valid(view["download_url"]) <= 900


def test_export_job_file_is_offered_by_a_short_lived_url(empty_queues, poller):
    import urllib.request

    from chalicelib.actors import SYSTEM
    from chalicelib.domain.jobs import read_job
    from chalicelib.jobs.enqueue import enqueue

    job_id = enqueue("test_export_file")
    run_until_finished(poller, [job_id])
    view = read_job(job_id=job_id, actor=SYSTEM)
    with urllib.request.urlopen(view["download_url"]) as answer:
        body = answer.read()

    assert body == b"PK\x03\x04zip-bytes"
    assert view["result"]["file"] == f"jobs/{job_id}/event.zip"


def _seconds_valid(url: str) -> float:
    import time
    from urllib.parse import parse_qs, urlsplit

    query = parse_qs(urlsplit(url).query)
    if "X-Amz-Expires" in query:  # SigV4
        return float(query["X-Amz-Expires"][0])
    return float(query["Expires"][0]) - time.time()  # SigV2: an absolute epoch
