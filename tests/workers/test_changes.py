from __future__ import annotations

import pytest
from support.trash import OWNER, actor, child_id, frozen_clock, load, seed_event, uploads_keys

pytestmark = pytest.mark.integration
TTL_SERVICE = {"type": "Service", "principalId": "dynamodb.amazonaws.com"}


@pytest.fixture
def handler(stack):
    from app import app
    from podium.localstack import lambda_events

    def deliver(records: list[dict]) -> None:
        event = lambda_events.stream_event(records, stack.table_stream_arn)
        app.handler_map["on_table_change"](event, lambda_events.LambdaContext("on_table_change"))

    return deliver


def _removal(pk: str, sk: str, **extra) -> dict:
    """Delete the item the way TTL does, and the stream record it leaves."""
    import boto3
    from chalicelib.settings import settings

    dynamodb, key = boto3.client("dynamodb"), {"pk": {"S": pk}, "sk": {"S": sk}}
    image = dynamodb.delete_item(TableName=settings().table_name, Key=key, ReturnValues="ALL_OLD")["Attributes"]
    return {"eventID": "1", "eventName": "REMOVE", "eventSource": "aws:dynamodb", "awsRegion": "us-east-1",
            "dynamodb": {"Keys": key, "OldImage": image, "StreamViewType": "NEW_AND_OLD_IMAGES"}, **extra}  # fmt: skip


def _trashed_speaker() -> str:
    from chalicelib.domain.content import trash_child

    seed_event()
    speaker_id = child_id("ev1", "speaker")
    trash_child(event=load("event", "ev1", "ev1"), item=load("speaker", speaker_id, "ev1"), actor=actor(OWNER))
    return speaker_id


def test_ttl_deletion_record_deletes_the_items_files(handler):
    with frozen_clock():
        speaker_id = _trashed_speaker()
    record = _removal("EVENT#ev1", f"SPEAKER#{speaker_id}", userIdentity=TTL_SERVICE)

    handler([record])
    handler([record])  # a redelivered batch changes nothing

    assert [k for k in uploads_keys() if k.startswith("speaker_photo/")] == []
    assert [k for k in uploads_keys() if k.startswith("sponsor_logo/")] != []


def test_ordinary_removal_record_keeps_files(handler):
    with frozen_clock():
        speaker_id = _trashed_speaker()
    record = _removal("EVENT#ev1", f"SPEAKER#{speaker_id}")

    handler([record])

    assert [k for k in uploads_keys() if k.startswith("speaker_photo/")] != []


def test_ttl_deletion_of_an_event_clears_what_is_left_of_its_partition(handler):
    from chalicelib.db.base import Item
    from chalicelib.domain.trash import trash_event

    with frozen_clock():
        seed_event()
        trash_event(event=load("event", "ev1", "ev1"), actor=actor(OWNER))
    record = _removal("EVENT#ev1", "EVENT", userIdentity=TTL_SERVICE)

    handler([record])

    assert list(Item.query("EVENT#ev1")) == []
    assert uploads_keys() == []


def test_ttl_deletion_is_audited_once_per_deleted_item(handler):
    from chalicelib.db.audit import AuditRecord
    from chalicelib.domain.trash import trash_event

    with frozen_clock():
        seed_event()
        trash_event(event=load("event", "ev1", "ev1"), actor=actor(OWNER))
    record = _removal("EVENT#ev1", "EVENT", userIdentity=TTL_SERVICE)

    handler([record])
    handler([record])

    expired = [
        (r.action, r.item_kind, r.item_id, r.at) for r in AuditRecord.query("AUDIT#2026-02") if r.action == "expire"
    ]
    assert expired == [("expire", "event", "ev1", "2026-02-09T12:00:00+00:00")]


def test_trashed_event_leaves_the_public_site_and_restore_brings_it_back(stack):
    import boto3
    from app import app
    from chalicelib.domain.trash import restore, trash_event
    from chalicelib.site.publish import publish_event
    from podium.localstack.poller import LocalPoller

    seed_event()
    publish_event("ev1")
    poller = LocalPoller(app, stack)
    poller._start_stream_at_latest()

    def site_pages() -> list[str]:
        poller.poll_stream_once()
        while poller.poll_jobs_once(wait_seconds=0):
            pass
        found = boto3.client("s3").list_objects_v2(Bucket=stack.site_bucket, Prefix="e/conf/").get("Contents", [])
        return sorted(o["Key"] for o in found)

    published = site_pages()
    trash_event(event=load("event", "ev1", "ev1"), actor=actor(OWNER))
    trashed = site_pages()
    restore(kind="event", item_id="ev1", actor=actor(OWNER))
    restored = site_pages()

    assert "e/conf/index.html" in published
    assert (trashed, restored) == ([], published)
