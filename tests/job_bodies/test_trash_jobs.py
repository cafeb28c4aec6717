"""Trash and restore of many items as jobs (job_bodies/trash.py, started by domain/trash.py):
the job record shows progress and ends SUCCESS, and the items end as the inline path leaves them."""

from __future__ import annotations

import pytest
from support.trash import CHILDREN, OWNER, actor, child_id, load, put_user, seed_event
from support.uploads import job_runner

pytestmark = pytest.mark.integration


@pytest.fixture
def worker(aws_stack):
    return job_runner(aws_stack)


@pytest.fixture
def few_items_inline(monkeypatch):
    """Operations of more than 3 items run as jobs (the seeded event holds 8)."""
    from chalicelib.domain import trash

    monkeypatch.setattr(trash, "BACKGROUND_ITEMS", 3)


def _finished(job_id: str) -> tuple[str, int | None]:
    from chalicelib.db.jobs import get_job

    record = get_job(job_id)
    return record.state, record.progress


def test_trash_event_of_many_items_runs_as_a_job_and_restore_too(stack, worker, few_items_inline):
    from chalicelib.domain import trash

    seed_event("evjob1", "conf-evjob1")
    started = trash.start_trash_event(event=load("event", "evjob1", "evjob1"), actor=actor(OWNER))

    worker()

    assert started["items"] == 8
    assert _finished(started["job_id"]) == ("SUCCESS", 100)
    head = trash.get_trashed(kind="event", item_id="evjob1")
    assert trash.is_head(head)

    restoring = trash.start_restore(item=head, actor=actor(OWNER))
    worker()

    assert (restoring["items"], _finished(restoring["job_id"])) == (8, ("SUCCESS", 100))
    assert not load("event", "evjob1", "evjob1").is_trashed()
    assert not load("session", "evjob1-se1", "evjob1").is_trashed()


def test_trash_user_of_many_items_runs_as_a_job(stack, worker, few_items_inline):
    from chalicelib.domain import accounts, trash

    user = put_user("userjob1")
    seed_event("evjob2", "conf-evjob2", owner="userjob1", organizers=False)
    preview = trash.user_removal_preview(user=user, actor=actor("adminjob", "admin"))
    started = trash.start_trash_user(user=accounts.get_user("userjob1"), actor=actor("adminjob", "admin"))

    worker()

    assert preview == {"events": [{"id": "evjob2", "name": "Conf"}], "items": 9}
    assert (started["items"], _finished(started["job_id"])) == (9, ("SUCCESS", 100))
    assert load("event", "evjob2", "evjob2").is_trashed()
    assert trash.is_head(trash.get_trashed(kind="user", item_id="userjob1"))


def test_trash_job_delivered_again_after_it_finished_changes_nothing(stack, few_items_inline):
    from chalicelib.jobs.registry import run
    from chalicelib.request_context import RequestContext

    seed_event("evjob3", "conf-evjob3")
    context = RequestContext(actor=actor(OWNER), request_id="r1", base_url="http://127.0.0.1")
    first = run("trash_event", context, {"event_id": "evjob3"})

    again = run("trash_event", context, {"event_id": "evjob3"})

    assert (first["items"], again["items"], again["op"]) == (8, 0, first["op"])


def test_restore_job_cut_short_half_way_restores_the_rest_when_delivered_again(stack, few_items_inline, monkeypatch):
    from chalicelib.domain import trash
    from chalicelib.jobs.registry import run
    from chalicelib.request_context import RequestContext

    # GIVEN an event of 8 items in the trash, and a restore job whose third write fails (throttling, a timeout)
    seed_event("evjob4", "conf-evjob4")
    trash.trash_event(event=load("event", "evjob4", "evjob4"), actor=actor(OWNER))
    started = trash.start_restore(item=trash.get_trashed(kind="event", item_id="evjob4"), actor=actor(OWNER))
    context = RequestContext(actor=actor(OWNER), request_id="r4", base_url="http://127.0.0.1")
    args = {"kind": "event", "item_id": "evjob4", "event_id": "evjob4", "slug": None}
    writes, restore_actions = [], trash._restore_actions

    def failing_third(item, **kwargs):
        writes.append(item.sk)
        if len(writes) == 3:
            raise RuntimeError("throttled")
        return restore_actions(item, **kwargs)

    monkeypatch.setattr(trash, "_restore_actions", failing_third)
    with pytest.raises(RuntimeError):
        run("restore_trashed", context, args)

    # WHEN the queue delivers the job again
    again = run("restore_trashed", context, args)

    # THEN every item is back: the event (the operation's head) is restored last, so the retry finds it in the trash
    assert "job_id" in started and again["restored"] is True
    still_trashed = [kind for kind in CHILDREN if load(kind, child_id("evjob4", kind), "evjob4").is_trashed()]
    assert (still_trashed, load("event", "evjob4", "evjob4").is_trashed()) == ([], False)


def test_restore_job_of_a_user_cut_short_inside_their_event_restores_the_rest_when_delivered_again(
    stack, few_items_inline, monkeypatch
):
    from chalicelib.domain import accounts, trash
    from chalicelib.jobs.registry import run
    from chalicelib.request_context import RequestContext

    # GIVEN a user trashed with the event they alone ran, and a restore whose third write fails
    put_user("userjob5")
    seed_event("evjob5", "conf-evjob5", owner="userjob5", organizers=False)
    admin = actor("adminjob5", "admin")
    trash.trash_user(user=accounts.get_user("userjob5"), actor=admin)
    context = RequestContext(actor=admin, request_id="r5", base_url="http://127.0.0.1")
    args = {"kind": "user", "item_id": "userjob5", "event_id": None, "slug": None}
    writes, restore_actions = [], trash._restore_actions

    def failing_third(item, **kwargs):
        writes.append(item.sk)
        if len(writes) == 3:
            raise RuntimeError("throttled")
        return restore_actions(item, **kwargs)

    monkeypatch.setattr(trash, "_restore_actions", failing_third)
    with pytest.raises(RuntimeError):
        run("restore_trashed", context, args)

    # WHEN the queue delivers the job again
    run("restore_trashed", context, args)

    # THEN the user, their event and all its items are back
    still_trashed = [kind for kind in CHILDREN if load(kind, child_id("evjob5", kind), "evjob5").is_trashed()]
    assert (still_trashed, load("event", "evjob5", "evjob5").is_trashed()) == ([], False)
    assert accounts.get_user("userjob5").id == "userjob5"
