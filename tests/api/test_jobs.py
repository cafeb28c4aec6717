from __future__ import annotations

import json

import pytest
from chalice.test import Client

pytestmark = pytest.mark.integration


@pytest.fixture
def job_of_ada(aws_stack):
    from chalicelib.actors import Actor
    from chalicelib.jobs.enqueue import enqueue
    from chalicelib.request_context import system_context

    ada = Actor(id="u-ada", kind="user", name="Ada")
    return enqueue("noop", _ctx=system_context().with_actor(ada), _event_id="ev-1")


def test_get_job_answers_anonymous_callers_401(aws_stack, job_of_ada):
    from app import app

    with Client(app) as client:
        answer = client.http.get(f"/v1/jobs/{job_of_ada}")

    assert answer.status_code == 401
    assert json.loads(answer.body)["error"]["code"] == "authentication_required"


def test_job_is_read_by_its_requester_and_admins_and_hidden_from_others(job_of_ada):
    from chalicelib.actors import Actor
    from chalicelib.domain.jobs import read_job
    from chalicelib.errors import NotFound

    requester = read_job(job_id=job_of_ada, actor=Actor(id="u-ada", kind="user"))
    admin = read_job(job_id=job_of_ada, actor=Actor(id="u-root", kind="user", roles=frozenset({"admin"})))
    with pytest.raises(NotFound):
        read_job(job_id=job_of_ada, actor=Actor(id="u-bob", kind="user"))

    assert requester == admin
    assert (requester["id"], requester["state"], requester["event_id"]) == (job_of_ada, "PENDING", "ev-1")
    assert "args" not in requester


def test_event_jobs_list_newest_first_for_admins(aws_stack):
    import uuid

    from chalicelib.actors import Actor
    from chalicelib.domain.jobs import event_jobs
    from chalicelib.jobs.enqueue import enqueue
    from chalicelib.request_context import system_context

    # An event of its own: jobs other tests of the process enqueued for ev-1 stay in the table.
    event_id, ada = f"ev-{uuid.uuid4().hex[:8]}", Actor(id="u-ada", kind="user", name="Ada")
    enqueue("noop", _ctx=system_context().with_actor(ada), _event_id=event_id)
    newest = enqueue("noop", _ctx=system_context().with_actor(ada), _event_id=event_id)

    page = event_jobs(event_id=event_id, actor=Actor(id="u-root", kind="user", roles=frozenset({"admin"})), limit=1)

    assert [job["id"] for job in page.items] == [newest]
    assert page.next is not None


@pytest.mark.unit
def test_worker_gives_up_on_the_receive_the_queue_dead_letters():
    from chalicelib.jobs.runner import MAX_RECEIVES, retry_delay
    from podium.localstack.aws import read_template

    policy = read_template()["Resources"]["JobsQueue"]["Properties"]["RedrivePolicy"]

    assert policy["maxReceiveCount"] == MAX_RECEIVES
    assert [retry_delay(n, base=1) for n in range(1, 5)] == [1, 2, 4, 8]


@pytest.fixture
def event_with_two_jobs(writing_api, owner):
    event = writing_api.dated_event(owner, "Jobs Conf", year=2026)
    for _ in range(2):
        writing_api.json("POST", f"/v1/events/{event['id']}/exports", token=owner["token"], expect=202)
    return event


@pytest.mark.parametrize("limit", ["\u00b2", "\u0665", "0", "101", "-1", "1.0"])
def test_event_jobs_limit_that_is_not_1_to_100_in_ascii_digits_is_400_naming_limit(
    writing_api, owner, event_with_two_jobs, limit
):
    from urllib.parse import quote

    answer = writing_api.call("GET", f"/v1/events/{event_with_two_jobs['id']}/jobs?limit={quote(limit)}", token=owner["token"])

    assert answer.status_code == 400
    assert list(json.loads(answer.body)["error"]["fields"]) == ["limit"]


def test_event_jobs_cursor_is_signed_and_pages_on(writing_api, owner, event_with_two_jobs):
    path = f"/v1/events/{event_with_two_jobs['id']}/jobs"
    first = writing_api.json("GET", f"{path}?limit=1", token=owner["token"], expect=200)
    second = writing_api.json("GET", f"{path}?limit=1&next={first['next']}", token=owner["token"], expect=200)
    forged = writing_api.call("GET", f"{path}?next=JOB%23zzzz", token=owner["token"])
    # A cursor this API signed for another event's jobs is refused too.
    other = writing_api.dated_event(owner, "Other Conf", year=2026)
    writing_api.json("POST", f"/v1/events/{other['id']}/exports", token=owner["token"], expect=202)
    writing_api.json("POST", f"/v1/events/{other['id']}/exports", token=owner["token"], expect=202)
    others_next = writing_api.json("GET", f"/v1/events/{other['id']}/jobs?limit=1", token=owner["token"])["next"]
    crossed = writing_api.call("GET", f"{path}?next={others_next}", token=owner["token"])

    assert [len(first["items"]), len(second["items"])] == [1, 1]
    assert first["items"][0]["id"] != second["items"][0]["id"]
    assert (forged.status_code, list(json.loads(forged.body)["error"]["fields"])) == (400, ["next"])
    assert (crossed.status_code, list(json.loads(crossed.body)["error"]["fields"])) == (400, ["next"])
