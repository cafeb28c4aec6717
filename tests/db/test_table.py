"""The wire-format calls db/ modules use for what pynamodb cannot express."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.integration


def test_table_update_answers_none_when_its_condition_fails(stack):
    from chalicelib.db import table

    key = ("TEST#table-1", "ONE")
    first = table.update_item(
        key, UpdateExpression="SET n = :one", ConditionExpression="attribute_not_exists(pk)",
        ExpressionAttributeValues={":one": {"N": "1"}}, ReturnValues="ALL_NEW",
    )  # fmt: skip
    second = table.update_item(
        key, UpdateExpression="SET n = :one", ConditionExpression="attribute_not_exists(pk)",
        ExpressionAttributeValues={":one": {"N": "1"}},
    )  # fmt: skip

    assert first == {"pk": {"S": key[0]}, "sk": {"S": key[1]}, "n": {"N": "1"}}
    assert second is None


def test_table_put_and_delete_answer_false_when_their_condition_fails(stack):
    from chalicelib.db import table

    key = ("TEST#table-2", "ONE")

    assert table.put_item(key, {"n": {"N": "1"}}, ConditionExpression="attribute_not_exists(pk)")
    assert not table.put_item(key, {"n": {"N": "2"}}, ConditionExpression="attribute_not_exists(pk)")
    assert not table.delete_item(key, ConditionExpression="n = :two", ExpressionAttributeValues={":two": {"N": "2"}})
    assert table.get_item(key)["n"] == {"N": "1"}
    assert table.delete_item(key)
    assert table.get_item(key) is None


def test_table_deletes_a_partition_of_more_than_one_batch(stack):
    from chalicelib.db import table

    pk = "TEST#table-3"
    for n in range(30):
        table.put_item((pk, f"ITEM#{n:02d}"), {"n": {"N": str(n)}})

    keys = table.partition_keys(pk)
    found = table.batch_get(keys[:3] + [(pk, "ABSENT")])
    table.delete_keys(keys)

    assert len(keys) == 30
    assert sorted(found) == keys[:3]
    assert table.partition_keys(pk) == []
