"""The one item listing the events whose pages are in a site bucket (`site_listing_key`).

One attribute per listed event, `event_<id>`, holds that event's index entry (JSON made by
site/listing.py); every update bumps the item's version and answers the whole list.
"""

from __future__ import annotations

from typing import Any

from chalicelib.db import table
from chalicelib.db.base import Item
from chalicelib.db.keys import site_listing_key

ENTRY = "event_"  # one attribute per listed event: "event_<id>" → its index fields as JSON


class SiteListing(Item, discriminator="site_listing"):
    """Its entries are attributes named by event id (`ENTRY`), written by `update_entries` only."""


def entries_of(item: dict[str, Any] | None) -> tuple[dict[str, str], int]:
    """event id → stored entry, and the version, of the item as stored (wire format)."""
    item = item or {}
    entries = {name.removeprefix(ENTRY): value["S"] for name, value in item.items() if name.startswith(ENTRY)}
    return entries, int(item.get("version", {}).get("N", "0"))


def read_entries(bucket: str) -> tuple[dict[str, str], int]:
    """The listed entries and the version now (one consistent GetItem)."""
    return entries_of(table.get_item(site_listing_key(bucket)))


def update_entries(bucket: str, changes: list[tuple[str, str, str | None]]) -> tuple[dict[str, str], int]:
    """Apply ("SET", event id, entry) and ("REMOVE", event id, None) changes in one UpdateItem;
    the entries and version after it."""
    names = {"#k": "kind", "#v": "version"}
    values: dict[str, Any] = {":kind": {"S": "site_listing"}, ":one": {"N": "1"}}
    sets, removes = ["#k = :kind"], []
    for n, (verb, event_id, entry) in enumerate(changes):
        names[f"#e{n}"] = f"{ENTRY}{event_id}"
        if verb == "SET":
            sets.append(f"#e{n} = :e{n}")
            values[f":e{n}"] = {"S": entry}
        else:
            removes.append(f"#e{n}")
    expression = "SET " + ", ".join(sets) + (" REMOVE " + ", ".join(removes) if removes else "") + " ADD #v :one"
    answer = table.update_unconditionally(
        site_listing_key(bucket),
        UpdateExpression=expression,
        ExpressionAttributeNames=names,
        ExpressionAttributeValues=values,
        ReturnValues="ALL_NEW",
    )
    return entries_of(answer)
