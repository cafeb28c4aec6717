"""Data-migration state, kept in the table it describes (db/keys.py).

`migration_state_key()` holds the applied revision; `migration_run_key(revision)` holds the
resume point of a migration that started and did not finish (removed once it does).
"""

from __future__ import annotations

from pynamodb.attributes import NumberAttribute, UnicodeAttribute

from chalicelib.db.base import Item


class MigrationState(Item, discriminator="migration_state"):
    """The current revision; `revision` is absent at base (nothing applied)."""

    revision = UnicodeAttribute(null=True)
    previous_revision = UnicodeAttribute(null=True)
    how = UnicodeAttribute(null=True)  # "upgrade" or "stamp": stamps skip the migration body


class MigrationCheckpoint(Item, discriminator="migration_checkpoint"):
    """A started migration: where to resume (a JSON cursor) and how many items it handled."""

    revision = UnicodeAttribute()
    cursor = UnicodeAttribute(null=True)
    done = NumberAttribute(default=0)
