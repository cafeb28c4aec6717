"""`podium dev` killed with SIGKILL in the middle of a stream of writes, then started again on the
same state folder: it must start, every restored item must be intact and in order, and only
writes from the last moments before the kill may be missing (the journal is flushed every second:
README, "Local data")."""

from __future__ import annotations

import json
import signal
import threading
import time

import boto3
import pytest
from podium.localstack.snapshot import journal_changes

pytestmark = pytest.mark.integration

LOSS_WINDOW_BOUND_SECONDS = 10.0  # documented as "a second or two"; generous for a loaded CI machine


def _dynamodb(endpoint: str):
    return boto3.client(
        "dynamodb", endpoint_url=endpoint, region_name="us-east-1", aws_access_key_id="local",
        aws_secret_access_key="local",
    )  # fmt: skip


def _table(ddb) -> str:
    return ddb.list_tables()["TableNames"][0]


def _restored(ddb, table: str) -> dict[int, str]:
    found, start = {}, None
    while True:
        kwargs = {"ExclusiveStartKey": start} if start else {}
        page = ddb.query(
            TableName=table, KeyConditionExpression="pk = :pk", ExpressionAttributeValues={":pk": {"S": "CRASH#1"}},
            ConsistentRead=True, **kwargs,
        )  # fmt: skip
        found.update({int(i["sk"]["S"]): i["text"]["S"] for i in page["Items"]})
        start = page.get("LastEvaluatedKey")
        if not start:
            return found


def test_sigkill_mid_write_loses_at_most_the_last_seconds_and_nothing_is_corrupt(dev_stack_factory, tmp_path, figure):
    # GIVEN a stack taking a steady stream of writes
    state = tmp_path / "crash"
    first = dev_stack_factory(state)
    ddb = _dynamodb(first.urls["AWS"])
    table = _table(ddb)
    acknowledged: list[tuple[int, float]] = []
    stop = threading.Event()

    def write() -> None:
        number = 0
        while not stop.is_set():
            item = {"pk": {"S": "CRASH#1"}, "sk": {"S": f"{number:06d}"}, "text": {"S": f"write {number} " + "x" * 300}}
            try:
                ddb.put_item(TableName=table, Item=item)
            except Exception:
                return  # the server is gone
            acknowledged.append((number, time.monotonic()))
            number += 1

    journal = state / "journal.jsonl"
    journaled_before = len(journal_changes(journal))
    writer = threading.Thread(target=write)
    writer.start()
    # the stack has flushed a good part of the stream to its journal (every second) and still takes writes
    deadline = time.monotonic() + 60
    while len(journal_changes(journal)) <= journaled_before + 40:
        assert writer.is_alive() and time.monotonic() < deadline, f"{len(acknowledged)} writes acknowledged"
        time.sleep(0.05)

    # WHEN it is killed mid-write and started again
    first.process.send_signal(signal.SIGKILL)
    killed_at = time.monotonic()
    first.process.wait(10)
    stop.set()
    writer.join(30)
    journal_lines = len(journal_changes(state / "journal.jsonl"))
    second = dev_stack_factory(state)
    restored = _restored(_dynamodb(second.urls["AWS"]), table)

    # THEN what came back is a prefix of the acknowledged writes, intact, missing only the last moments
    acked = {number: at for number, at in acknowledged if at <= killed_at}
    lost = sorted(set(acked) - set(restored))
    window = killed_at - min((acked[n] for n in lost), default=killed_at)
    figure("faults injected", 1)
    print(
        f"\nSIGKILL: {len(acked)} writes acknowledged, {len(lost)} lost, window {window:.2f}s, journal {journal_lines}"
    )
    assert len(acked) > 20
    assert sorted(restored) == list(range(len(restored)))  # no gaps: a prefix
    assert all(text == f"write {n} " + "x" * 300 for n, text in restored.items())
    assert window <= LOSS_WINDOW_BOUND_SECONDS
    assert set(restored) - {n for n, _ in acknowledged} == set()  # nothing invented


def test_a_journal_cut_short_by_a_crash_loses_only_its_last_line(tmp_path):
    journal = tmp_path / "journal.jsonl"
    whole = [{"put": {"pk": {"S": "A"}, "sk": {"S": str(n)}}} for n in range(3)]
    journal.write_text("".join(json.dumps(c) + "\n" for c in whole) + '{"put": {"pk": {"S": "A"}, "sk"')

    assert journal_changes(journal) == whole


def test_a_damaged_line_inside_the_journal_is_an_error(tmp_path):
    journal = tmp_path / "journal.jsonl"
    journal.write_text('{"put": {}}\n{"put": \n{"put": {}}\n')

    with pytest.raises(ValueError, match="line 2 is damaged"):
        journal_changes(journal)
