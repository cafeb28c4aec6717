"""An import whose batch writes fail midway (DynamoDB throttling past retries) leaves the event's
partition as it was: the importer restores it, so no half-imported event remains."""

from __future__ import annotations

import pytest
from support.aws_faults import THROTTLED, Rule

pytestmark = pytest.mark.integration


def test_import_failing_midway_restores_the_partition(stack, faults, small_export, organizer):
    from chalicelib.domain.imports import _raw_partition, import_event, read_source

    export = read_source(small_export)
    marker = export.sessions[-1]["id"]  # the batch holding this session never lands
    faults.add(
        Rule(
            "dynamodb", "BatchWriteItem", THROTTLED,
            when=lambda body: b"PutRequest" in body and f"session#{marker}".encode() in body.lower(),
        )
    )  # fmt: skip

    with pytest.raises(Exception) as raised:
        import_event(export=export, actor=organizer, owner_id=organizer.id)
    faults.clear()

    from chalicelib.adapters.aws import is_unavailable

    assert is_unavailable(raised.value)
    assert faults.injected["dynamodb.BatchWriteItem"] == 5
    assert _raw_partition(export.event["id"]) == {}
