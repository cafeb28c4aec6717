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

from collections.abc import Collection
from dataclasses import dataclass

from pynamodb.attributes import BooleanAttribute, NumberAttribute, UnicodeAttribute, UnicodeSetAttribute

from chalicelib.db import table
from chalicelib.db.base import Item
from chalicelib.db.keys import render_key

# Longer than any render of one event takes; past it a silent holder counts as dead.
LEASE_SECONDS = 120


# Past this many changed items waiting on one turn, the next render reads the whole event instead.
PENDING_KEYS_MAX = 500


@dataclass(frozen=True)
class Turn:
    event_id: str
    holder: str
    asks_seen: int  # requests counted when the holder last read the item
    generation: int = 0  # renders finished so far (a worker's kept items are as of one of them)
    pending: frozenset[str] = frozenset()  # items (sort keys) changed by the requests asked so far
    pending_all: bool = False  # a request did not name its items (or too many): read them all

    @property
    def changed(self) -> frozenset[str] | None:
        """The items asked renders changed; None when they are not all known."""
        return None if self.pending_all else self.pending


def _turn(event_id: str, holder: str, found: dict) -> Turn:
    return Turn(
        event_id, holder, int(found.get("asks", {}).get("N", "0")), int(found.get("generation", {}).get("N", "0")),
        frozenset(found.get("pending", {}).get("SS", ())), "pending_all" in found,
    )  # fmt: skip


class RenderMarker(Item, discriminator="render_marker"):
    """An event's render turn (`render_key`). Written by the functions below only: their
    conditional updates (ADD on `asks`, a lease on `holder`) are the protocol."""

    holder = UnicodeAttribute(null=True)  # the job id holding the turn
    lease_until = NumberAttribute(null=True)  # epoch seconds
    asks = NumberAttribute(null=True)  # requests counted while the turn was held
    started_at = NumberAttribute(null=True)  # start of the latest render that finished
    generation = NumberAttribute(null=True)  # renders finished so far (`next_generation`)
    pending = UnicodeSetAttribute(null=True)  # sort keys the asked requests changed
    pending_all = BooleanAttribute(null=True)  # an asked request did not name its items


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
    return None if found is None else _turn(event_id, holder, found)


def ask(event_id: str, *, holder: str, now: float, changed: Collection[str] | None = ()) -> bool:
    """Count a request on the live holder's turn (it will render again, reading the `changed`
    items too; None: not known, it reads them all); False when no other live holder has the turn
    any more (then `claim` it)."""
    names = f"ADD asks :one{', pending :keys' if changed else ''}" + (" SET pending_all = :t" if changed is None else "")
    counted = _update(
        event_id,
        UpdateExpression=names,
        ConditionExpression="attribute_exists(holder) AND holder <> :holder AND lease_until >= :now",
        ExpressionAttributeValues={
            ":one": {"N": "1"}, ":holder": {"S": holder}, ":now": {"N": repr(now)},
            **({":keys": {"SS": sorted(changed)}} if changed else {}), **({":t": {"BOOL": True}} if changed is None else {}),
        },
        ReturnValues="UPDATED_NEW",
    )  # fmt: skip
    if counted is not None and len(counted.get("pending", {}).get("SS", ())) > PENDING_KEYS_MAX:
        # An item holds at most 400 KB: past the bound the next render reads the whole event.
        _update(event_id, UpdateExpression="SET pending_all = :t REMOVE pending",
                ExpressionAttributeValues={":t": {"BOOL": True}})  # fmt: skip
    return counted is not None


def release(turn: Turn) -> bool:
    """Give the turn up if nobody asked since `turn` was read. False: render again, after
    claiming the turn once more (it renews the lease and reads the new count)."""
    # A count of 0 is also no count at all: nobody ever asked.
    unasked = "attribute_not_exists(asks) OR asks = :seen" if turn.asks_seen == 0 else "asks = :seen"
    # The items the render read for the asked requests are done with; the condition keeps any
    # asked for since (a request after the reading counts one more ask, so this fails).
    consumed = {":done": {"SS": sorted(turn.pending)}} if turn.pending else {}
    released = _update(
        turn.event_id,
        UpdateExpression="REMOVE holder, lease_until, pending_all" + (" DELETE pending :done" if consumed else ""),
        ConditionExpression=f"holder = :holder AND ({unasked})",
        ExpressionAttributeValues={":holder": {"S": turn.holder}, ":seen": {"N": str(turn.asks_seen)}, **consumed},
        ReturnValues="ALL_OLD",
    )
    return released is not None


def next_generation(event_id: str) -> int:
    """Count one more finished render of the event; the count after it."""
    counted = _update(
        event_id,
        UpdateExpression="SET #k = :kind ADD generation :one",
        ExpressionAttributeNames={"#k": "kind"},
        ExpressionAttributeValues={":kind": {"S": "render_marker"}, ":one": {"N": "1"}},
        ReturnValues="UPDATED_NEW",
    )
    return int((counted or {}).get("generation", {}).get("N", "0"))


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
