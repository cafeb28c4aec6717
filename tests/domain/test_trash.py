from __future__ import annotations

import pytest
from support.trash import (
    ADMIN,
    COORGANIZER,
    ORGANIZER,
    OWNER,
    STRANGER,
    actor,
    child_id,
    content_state,
    frozen_clock,
    load,
    seed_event,
    uploads_keys,
)

pytestmark = pytest.mark.integration


@pytest.fixture
def clock(stack):
    with frozen_clock() as moving:
        yield moving


@pytest.fixture
def seeded(clock):
    return seed_event()


def _trash_event(event_id: str = "ev1", who: str = OWNER) -> str:
    from chalicelib.domain.trash import trash_event

    return trash_event(event=load("event", event_id, event_id), actor=actor(who))["op"]


def _trash_child(kind: str, event_id: str = "ev1") -> None:
    from chalicelib.domain.content import trash_child

    item = load(kind, child_id(event_id, kind), event_id)
    trash_child(event=load("event", event_id, event_id), item=item, actor=actor(OWNER), detach=True)


def test_trash_event_hides_it_and_its_children_from_reads(seeded):
    from chalicelib.domain.content import list_all
    from chalicelib.domain.exports import export_files
    from chalicelib.domain.projections import VISITORS
    from chalicelib.errors import NotFound
    from chalicelib.site.from_db import load_bundle

    _trash_event()

    assert list_all(event_id="ev1", kind="session") == []
    assert load_bundle("ev1") is None
    with pytest.raises(NotFound):
        export_files(event_id="ev1", audience=VISITORS)


def test_trash_event_frees_the_slug_lookup(seeded):
    from chalicelib.db.content import Event

    _trash_event()

    assert list(Event.gsi1.query("SLUG#conf")) == []


def test_trash_event_sets_one_expiry_and_operation_on_all_its_content(seeded, clock):
    from chalicelib.db.base import Item

    op = _trash_event()

    trashed = [i for i in Item.query("EVENT#ev1") if i.is_trashed()]
    assert len(trashed) == 8
    assert {(i.trash_op, i.expires_at, i.trashed_by) for i in trashed} == {(op, clock.epoch() + 30 * 86400, OWNER)}


def test_restore_event_on_day_29_brings_back_identical_content_and_files(seeded, clock):
    from chalicelib.domain.trash import restore

    before, files = content_state("ev1"), uploads_keys()
    _trash_event()
    clock.advance(days=29)

    restored = restore(kind="event", item_id="ev1", actor=actor(OWNER))

    assert content_state("ev1") == before
    assert uploads_keys() == files
    assert restored.version == 3  # saved, trashed, restored


def test_child_trashed_before_its_event_stays_trashed_after_event_restore(seeded, clock):
    from chalicelib.domain.content import list_all
    from chalicelib.domain.trash import restore

    _trash_child("sponsor")
    clock.advance(hours=1)
    _trash_event()

    restore(kind="event", item_id="ev1", actor=actor(OWNER))

    assert list_all(event_id="ev1", kind="sponsor") == []
    assert [s.id for s in list_all(event_id="ev1", kind="session")] == [child_id("ev1", "session")]


def test_restore_session_relinks_its_speakers(seeded):
    from chalicelib.domain.trash import restore

    _trash_child("session")

    restore(kind="session", item_id=child_id("ev1", "session"), actor=actor(OWNER))

    assert load("speaker", child_id("ev1", "speaker"), "ev1").session_ids == [child_id("ev1", "session")]


def test_restore_child_taken_along_with_its_event_is_refused(seeded):
    from chalicelib.domain.trash import restore
    from chalicelib.errors import Conflict

    _trash_event()

    with pytest.raises(Conflict) as raised:
        restore(kind="track", item_id=child_id("ev1", "track"), actor=actor(OWNER))

    assert raised.value.to_body()["error"]["trashed_with"] == {"kind": "event", "id": "ev1"}


def test_restore_child_of_an_event_whose_trashing_stopped_half_way_brings_it_back(seeded, monkeypatch):
    # GIVEN an event whose move to the trash failed after two items (its job died): the event is
    # live, those two items are in the trash under its operation
    from chalicelib.domain import trash

    written, trash_actions = [], trash.trash_actions

    def failing_third(item, **kwargs):
        written.append(item)
        if len(written) == 3:
            raise RuntimeError("throttled")
        return trash_actions(item, **kwargs)

    monkeypatch.setattr(trash, "trash_actions", failing_third)
    with pytest.raises(RuntimeError):
        _trash_event()
    monkeypatch.setattr(trash, "trash_actions", trash_actions)
    taken = written[:2]
    assert not load("event", "ev1", "ev1").is_trashed()

    # WHEN the trash list offers them and an organizer restores each
    for item in taken:
        trash.restore(kind=item.kind_name, item_id=item.id, event_id="ev1", actor=actor(OWNER))

    # THEN they are back (refused before: "restore the event", which was never in the trash)
    assert [load(item.kind_name, item.id, "ev1").is_trashed() for item in taken] == [False, False]


def test_restore_event_whose_slug_was_taken_suggests_another(seeded):
    from chalicelib.domain.trash import restore
    from chalicelib.errors import Conflict

    _trash_event()
    seed_event("ev2", "conf")

    with pytest.raises(Conflict) as raised:
        restore(kind="event", item_id="ev1", actor=actor(OWNER))
    restore(kind="event", item_id="ev1", actor=actor(OWNER), slug="conf-2")

    assert raised.value.to_body()["error"]["suggestion"] == "conf-2"
    assert load("event", "ev1", "ev1").slug == "conf-2"


def test_expired_item_leaves_the_trash_list_and_cannot_be_restored(seeded, clock):
    from chalicelib.domain.trash import list_trash, restore
    from chalicelib.errors import NotFound

    _trash_event()
    clock.advance(days=30, seconds=1)

    assert [i for i in list_trash(actor=actor(ADMIN, "admin")).items if i.pk == "EVENT#ev1"] == []
    with pytest.raises(NotFound):
        list_trash(actor=actor(ADMIN, "admin"), event_id="ev1")  # the event itself is gone
    with pytest.raises(NotFound):
        restore(kind="event", item_id="ev1", actor=actor(OWNER))


def test_sweeper_purges_expired_event_with_children_roles_and_files(seeded, clock):
    from chalicelib.db.base import Item
    from chalicelib.domain.trash import purge_expired, restore
    from chalicelib.errors import NotFound

    seed_event("ev2", "other")
    _trash_event()
    clock.advance(days=30, seconds=1)

    deleted = purge_expired()

    assert deleted == 11  # the event, 7 children, 3 roles
    assert list(Item.query("EVENT#ev1")) == []
    assert [k for k in uploads_keys() if "/ev1/" in k] == []
    assert [k for k in uploads_keys() if "/ev2/" in k] != []
    with pytest.raises(NotFound):
        restore(kind="event", item_id="ev1", actor=actor(OWNER))


def test_sweeper_audits_the_expiry_of_what_was_deleted_itself(seeded, clock):
    from chalicelib.domain.audit import audit_view, list_audit
    from chalicelib.domain.trash import purge_expired

    _trash_event()
    clock.advance(days=30, seconds=1)

    purge_expired()
    purge_expired()

    records = [audit_view(r) for r in list_audit(actor=actor(ADMIN, "admin"), month="2026-02").items]
    assert [(r["action"], r["actor"]["id"], r["kind"], r["item_id"]) for r in records] == [
        ("expire", "system", "event", "ev1")
    ]


def test_sweeper_leaves_unexpired_trash_and_runs_again_harmlessly(seeded, clock):
    from chalicelib.domain.trash import list_trash, purge_expired

    _trash_event()
    clock.advance(days=29)

    assert purge_expired() == 0
    assert purge_expired() == 0
    assert len(list_trash(actor=actor(ADMIN, "admin"), event_id="ev1").items) == 8


def test_organizer_lists_only_their_events_trash(seeded):
    from chalicelib.domain.trash import list_trash

    seed_event("ev2", "other", owner=STRANGER)
    _trash_child("post", "ev2")
    _trash_child("track", "ev1")

    mine = list_trash(actor=actor(OWNER)).items

    assert [(i.kind_name, i.id) for i in mine] == [("track", child_id("ev1", "track"))]


def test_organizer_cannot_read_or_restore_another_events_trash(seeded):
    from chalicelib.domain.trash import list_trash, restore
    from chalicelib.errors import NotFound

    seed_event("ev2", "other", owner=STRANGER, published=False)  # a draft: outsiders learn nothing of it
    _trash_child("post", "ev2")

    with pytest.raises(NotFound):
        list_trash(actor=actor(OWNER), event_id="ev2")
    with pytest.raises(NotFound):
        restore(kind="post", item_id=child_id("ev2", "post"), actor=actor(OWNER))


def test_coorganizer_reads_but_may_not_purge_or_restore(seeded):
    from chalicelib.domain.trash import list_trash, purge, restore
    from chalicelib.errors import Forbidden

    _trash_child("post")

    listed = list_trash(actor=actor(COORGANIZER)).items
    with pytest.raises(Forbidden):
        purge(kind="post", item_id=child_id("ev1", "post"), actor=actor(COORGANIZER))
    with pytest.raises(Forbidden):
        restore(kind="post", item_id=child_id("ev1", "post"), actor=actor(COORGANIZER))

    assert [i.id for i in listed] == [child_id("ev1", "post")]


def test_purge_child_deletes_it_and_its_files_now(seeded):
    from chalicelib.db.base import Item
    from chalicelib.domain.trash import purge

    _trash_child("sponsor")

    deleted = purge(kind="sponsor", item_id=child_id("ev1", "sponsor"), actor=actor(ORGANIZER))

    assert deleted == 1
    assert [k for k in uploads_keys() if k.startswith("sponsor_logo/")] == []
    assert len(list(Item.query("EVENT#ev1", Item.sk.startswith("SPONSOR#")))) == 0


def test_trash_filter_by_kind(seeded):
    from chalicelib.domain.trash import list_trash

    _trash_child("post")
    _trash_child("room")

    rooms = list_trash(actor=actor(ADMIN, "admin"), kind="room", event_id="ev1").items

    assert [i.id for i in rooms] == [child_id("ev1", "room")]


def test_audit_records_trash_restore_and_purge(seeded, clock):
    from chalicelib.domain.audit import audit_view, list_audit
    from chalicelib.domain.trash import purge, restore

    _trash_child("post")
    clock.advance(seconds=1)  # records of one instant have no order among themselves
    restore(kind="post", item_id=child_id("ev1", "post"), actor=actor(ORGANIZER))
    clock.advance(seconds=1)
    _trash_child("post")
    clock.advance(seconds=1)
    purge(kind="post", item_id=child_id("ev1", "post"), actor=actor(ADMIN, "admin"))

    records = [audit_view(r) for r in list_audit(actor=actor(ADMIN, "admin")).items]

    assert [(r["action"], r["actor"]["id"], r["kind"], r["event_id"]) for r in records] == [
        ("trash", OWNER, "post", "ev1"),
        ("restore", ORGANIZER, "post", "ev1"),
        ("trash", OWNER, "post", "ev1"),
        ("purge", ADMIN, "post", "ev1"),
    ]


def test_audit_is_for_admins_only(seeded):
    from chalicelib.domain.audit import list_audit
    from chalicelib.errors import Forbidden

    with pytest.raises(Forbidden):
        list_audit(actor=actor(OWNER))


def test_trash_user_takes_the_events_they_alone_run_and_restore_brings_them_back(clock):
    from chalicelib.domain.content import list_all
    from chalicelib.domain.trash import restore, trash_user
    from support.trash import put_user

    user = put_user("solo")
    seed_event("ev3", "solo-conf", owner="solo", organizers=False)

    trash_user(user=user, actor=actor(ADMIN, "admin"))
    hidden = list_all(event_id="ev3", kind="session")
    restore(kind="user", item_id="solo", actor=actor(ADMIN, "admin"))

    assert hidden == []
    assert load("event", "ev3", "ev3").is_trashed() is False
    assert [s.id for s in list_all(event_id="ev3", kind="session")] == [child_id("ev3", "session")]


def test_purge_user_deletes_avatar_email_guard_roles_and_their_events(clock):
    import boto3
    from chalicelib.db.base import Item
    from chalicelib.domain.trash import purge, trash_user
    from chalicelib.settings import settings
    from support.trash import put_role, put_user

    user = put_user("solo", photo=True)
    seed_event("ev3", "solo-conf", owner="solo", organizers=False)
    seed_event("ev4", "other-conf", owner=OWNER)
    put_role("ev4", "solo", "moderator")
    trash_user(user=user, actor=actor(ADMIN, "admin"))

    purge(kind="user", item_id="solo", actor=actor(ADMIN, "admin"))

    guard = boto3.client("dynamodb").get_item(
        TableName=settings().table_name, Key={"pk": {"S": "EMAIL#solo@example.org"}, "sk": {"S": "EMAIL"}}
    )
    assert "Item" not in guard
    assert list(Item.query("EVENT#ev3")) == []
    assert [k for k in uploads_keys() if k.startswith(("avatar/", "speaker_photo/ev3", "sponsor_logo/ev3"))] == []
    assert "ROLE#solo" not in {i["sk"]["S"] for i in boto3.client("dynamodb").query(
        TableName=settings().table_name, KeyConditionExpression="pk = :pk",
        ExpressionAttributeValues={":pk": {"S": "EVENT#ev4"}})["Items"]}  # fmt: skip


def test_restore_by_an_id_two_events_share_asks_for_the_event(seeded):
    from chalicelib.db.content import Post
    from chalicelib.db.keys import event_pk
    from chalicelib.domain.trash import restore
    from chalicelib.errors import Conflict

    seed_event("ev2", "other")
    for event_id in ("ev1", "ev2"):
        Post(event_pk(event_id), "POST#same", id="same", event_id=event_id, title="Same").save()
        _trash_child_id("post", "same", event_id)

    with pytest.raises(Conflict) as raised:
        restore(kind="post", item_id="same", actor=actor(ADMIN, "admin"))
    restore(kind="post", item_id="same", actor=actor(ADMIN, "admin"), event_id="ev2")

    assert raised.value.to_body()["error"]["event_ids"] == ["ev1", "ev2"]
    assert (load("post", "same", "ev1").is_trashed(), load("post", "same", "ev2").is_trashed()) == (True, False)


def _trash_child_id(kind: str, item_id: str, event_id: str) -> None:
    from chalicelib.domain.content import trash_child

    trash_child(event=load("event", event_id, event_id), item=load(kind, item_id, event_id), actor=actor(OWNER))


def _sessions_sharing_the_speaker(count: int) -> list[str]:
    """`count` sessions (the seeded one first) all linked to the seeded speaker, both ways."""
    from chalicelib.db import content, keys

    first = load("session", child_id("ev1", "session"), "ev1")
    ids = [first.id] + [f"ev1-shared{n}" for n in range(1, count)]
    for session_id in ids[1:]:
        content.Session(first.pk, keys.child_sk("session", session_id), id=session_id, event_id="ev1",
                        title=session_id, state="accepted", speaker_ids=first.speaker_ids).save()  # fmt: skip
    speaker = load("speaker", child_id("ev1", "speaker"), "ev1")
    speaker.update(actions=[content.Speaker.session_ids.set(ids)])
    return ids


def test_trashing_and_restoring_sessions_of_one_speaker_in_parallel_keeps_its_links_equal_to_the_live_sessions(seeded):
    import threading
    from concurrent.futures import ThreadPoolExecutor

    from chalicelib.domain.content import trash_child
    from chalicelib.domain.trash import restore

    # GIVEN four sessions sharing a speaker, two of them in the trash
    ids = _sessions_sharing_the_speaker(4)
    live, trashed = ids[:2], ids[2:]
    for session_id in trashed:
        _trash_child_id("session", session_id, "ev1")
    start = threading.Barrier(4)

    def trash_one(session_id: str) -> None:
        item = load("session", session_id, "ev1")
        start.wait(10)
        trash_child(event=load("event", "ev1", "ev1"), item=item, actor=actor(OWNER))

    def restore_one(session_id: str) -> None:
        start.wait(10)
        restore(kind="session", item_id=session_id, actor=actor(OWNER), event_id="ev1")

    links_after_each_round = []
    for _round in range(6):
        # WHEN the live two are trashed while the trashed two are restored, all at once
        with ThreadPoolExecutor(4) as pool:
            calls = [pool.submit(trash_one, i) for i in live] + [pool.submit(restore_one, i) for i in trashed]
            failures = [repr(call.exception(timeout=60)) for call in calls if call.exception(timeout=60)]
        live, trashed = trashed, live
        links = load("speaker", child_id("ev1", "speaker"), "ev1").session_ids
        links_after_each_round.append((failures, sorted(links), sorted(live)))

    # THEN every call succeeded and the speaker lists exactly the live sessions, once each
    expected = [sorted(ids[2:]) if n % 2 == 0 else sorted(ids[:2]) for n in range(6)]
    assert links_after_each_round == [([], links, links) for links in expected]
    assert {i: load("session", i, "ev1").is_trashed() for i in ids} == {i: i in ids[2:] for i in ids}


def test_trash_views_offer_each_actor_only_what_the_table_lets_them_do(seeded):
    from chalicelib.domain.trash import trash_views

    _trash_child("track")

    as_organizer, _ = trash_views(actor=actor(ORGANIZER), event_id="ev1")
    as_coorganizer, _ = trash_views(actor=actor(COORGANIZER), event_id="ev1")

    assert [(v["kind"], v["actions"]) for v in as_organizer] == [("track", ["restore", "delete"])]
    assert [(v["kind"], v["actions"]) for v in as_coorganizer] == [("track", [])]
