"""Data-migration state, kept in the table it describes: pk "MIGRATIONS".

sk "CURRENT" holds the applied revision; sk "RUN#<revision>" holds the resume point of a
migration that started and did not finish (removed once it does).
"""

from __future__ import annotations

from pynamodb.attributes import NumberAttribute, UnicodeAttribute

from chalicelib.db.base import Item

MIGRATIONS_PK = "MIGRATIONS"
CURRENT_SK = "CURRENT"


def run_sk(revision: str) -> str:
    return f"RUN#{revision}"


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
