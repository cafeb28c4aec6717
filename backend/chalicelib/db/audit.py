"""Audit records: one item per trash, restore or purge, by month (`AUDIT#<yyyy-mm>`, newest last)."""

from __future__ import annotations

from pynamodb.attributes import NumberAttribute, UnicodeAttribute

from chalicelib.db.base import Item


class AuditRecord(Item, discriminator="audit"):
    """sk = "<iso time>#<id>": a month's records read back in time order."""

    id = UnicodeAttribute()
    at = UnicodeAttribute()  # ISO 8601, UTC
    action = UnicodeAttribute()  # trash | restore | purge | expire
    actor_id = UnicodeAttribute()
    actor_name = UnicodeAttribute(null=True)
    item_kind = UnicodeAttribute()
    item_id = UnicodeAttribute()
    item_name = UnicodeAttribute(null=True)  # its name or title then, so the log reads without lookups
    event_id = UnicodeAttribute(null=True)
    item_count = NumberAttribute(default=1)  # the item and what went with it
