"""Whose turn it is to render an event, kept in one table item per event (a `RenderMarker`).

A burst of edits becomes one render (or two) however many jobs it queued and however many
workers run them at once:

- a render job first `claim`s the event; while another job holds it (and its lease runs), the
  job only `ask`s: it counts one more request on the item and finishes, coalesced;
- the holder, once its files are written, may `release` the event only if nobody asked since
  it last read the count; otherwise it claims again (renewing its lease, reading the count),
  renders once more (the latest state wins) and tries again;
- a render that finished is marked with the moment it started (`record_finished`), so a job
  asked for before that moment is skipped (`finished_since`).

A holder that raises gives its turn back (`give_back`); one that dies without a word (a Lambda
timeout) holds it until LEASE_SECONDS pass or its own job's retry claims it again (the turn is
held by job id). A job coalesced into a holder that then fails for good is covered only by the
next render of that event: the holder's failure is the visible one (its job reaches the DLQ).
"""

from __future__ import annotations

from dataclasses import dataclass

from pynamodb.attributes import NumberAttribute, UnicodeAttribute

from chalicelib.db import table
from chalicelib.db.base import Item
from chalicelib.db.keys import render_key

# Longer than any render of one event takes; past it a silent holder counts as dead.
LEASE_SECONDS = 120


@dataclass(frozen=True)
class Turn:
    event_id: str
    holder: str
    asks_seen: int  # requests counted when the holder last read the item


class RenderMarker(Item, discriminator="render_marker"):
    """An event's render turn (`render_key`). Written by the functions below only: their
    conditional updates (ADD on `asks`, a lease on `holder`) are the protocol."""

    holder = UnicodeAttribute(null=True)  # the job id holding the turn
    lease_until = NumberAttribute(null=True)  # epoch seconds
    asks = NumberAttribute(null=True)  # requests counted while the turn was held
    started_at = NumberAttribute(null=True)  # start of the latest render that finished


def _update(event_id: str, **kwargs) -> dict | None:
    """UpdateItem on the event's item; None when its condition failed."""
    return table.update_item(render_key(event_id), **kwargs)


def claim(event_id: str, *, holder: str, now: float) -> Turn | None:
    """Take the event's turn to render; None when another live holder has it (then `ask`)."""
    found = _update(
        event_id,
        UpdateExpression="SET #k = :kind, holder = :holder, lease_until = :until",
        ConditionExpression="attribute_not_exists(holder) OR holder = :holder OR lease_until < :now",
        ExpressionAttributeNames={"#k": "kind"},
        ExpressionAttributeValues={
            ":kind": {"S": "render_marker"},
            ":holder": {"S": holder},
            ":until": {"N": repr(now + LEASE_SECONDS)},
            ":now": {"N": repr(now)},
        },
        ReturnValues="ALL_NEW",
    )
    return None if found is None else Turn(event_id, holder, int(found.get("asks", {}).get("N", "0")))


def ask(event_id: str, *, holder: str, now: float) -> bool:
    """Count a request on the live holder's turn (it will render again); False when no other live
    holder has the turn any more (then `claim` it)."""
    counted = _update(
        event_id,
        UpdateExpression="ADD asks :one",
        ConditionExpression="attribute_exists(holder) AND holder <> :holder AND lease_until >= :now",
        ExpressionAttributeValues={":one": {"N": "1"}, ":holder": {"S": holder}, ":now": {"N": repr(now)}},
        ReturnValues="UPDATED_NEW",
    )
    return counted is not None


def release(turn: Turn) -> bool:
    """Give the turn up if nobody asked since `turn` was read. False: render again, after
    claiming the turn once more (it renews the lease and reads the new count)."""
    # A count of 0 is also no count at all: nobody ever asked.
    unasked = "attribute_not_exists(asks) OR asks = :seen" if turn.asks_seen == 0 else "asks = :seen"
    released = _update(
        turn.event_id,
        UpdateExpression="REMOVE holder, lease_until",
        ConditionExpression=f"holder = :holder AND ({unasked})",
        ExpressionAttributeValues={":holder": {"S": turn.holder}, ":seen": {"N": str(turn.asks_seen)}},
        ReturnValues="ALL_OLD",
    )
    return released is not None


def give_back(event_id: str, *, holder: str) -> None:
    """Give the turn up whatever was asked (the holder failed; its job's retry claims it again)."""
    _update(
        event_id,
        UpdateExpression="REMOVE holder, lease_until",
        ConditionExpression="holder = :holder",
        ExpressionAttributeValues={":holder": {"S": holder}},
    )


def finished_since(event_id: str, requested_at: float) -> bool:
    """Whether a render of the event that started after `requested_at` has finished."""
    item = table.get_item(render_key(event_id))
    return item is not None and float(item.get("started_at", {}).get("N", "0")) > requested_at


def record_finished(event_id: str, started_at: float) -> None:
    """Record that a render which started at `started_at` finished; written only once every file
    is in the bucket, and never moved back by a render that started earlier but ended later."""
    _update(
        event_id,
        UpdateExpression="SET #k = :kind, started_at = :started",
        ConditionExpression="attribute_not_exists(started_at) OR started_at < :started",
        ExpressionAttributeNames={"#k": "kind"},
        ExpressionAttributeValues={":kind": {"S": "render_marker"}, ":started": {"N": repr(started_at)}},
    )  # a render that started later may have finished already: its mark stands
