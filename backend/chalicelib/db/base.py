"""The single-table base model. Every item kind shares one table and its key attributes."""

from __future__ import annotations

import secrets
from typing import Any

from pynamodb.attributes import (
    DiscriminatorAttribute,
    NumberAttribute,
    UnicodeAttribute,
    UTCDateTimeAttribute,
    VersionAttribute,
)
from pynamodb.connection import TableConnection
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex
from pynamodb.models import Model
from pynamodb.transactions import TransactWrite

from chalicelib.clock import clock
from chalicelib.settings import settings

_ID_ALPHABET = "abcdefghijkmnpqrstuvwxyz23456789"


def new_id(length: int = 12) -> str:
    """A short random id, safe in URLs and file names."""
    return "".join(secrets.choice(_ID_ALPHABET) for _ in range(length))


class _Gsi1(GlobalSecondaryIndex):
    class Meta:
        index_name = "gsi1"
        projection = AllProjection()

    gsi1pk = UnicodeAttribute(hash_key=True)
    gsi1sk = UnicodeAttribute(range_key=True)


class _Gsi2(GlobalSecondaryIndex):
    class Meta:
        index_name = "gsi2"
        projection = AllProjection()

    gsi2pk = UnicodeAttribute(hash_key=True)
    gsi2sk = UnicodeAttribute(range_key=True)


class _TrashIndex(GlobalSecondaryIndex):
    class Meta:
        index_name = "trash"
        projection = AllProjection()

    trash_pk = UnicodeAttribute(hash_key=True)
    expires_at = NumberAttribute(range_key=True)


class Item(Model):
    """Base of every stored kind; `kind` tells them apart when one Query returns several."""

    class Meta:
        table_name = settings().table_name
        # pynamodb's botocore client retries throttling and 5xx in standard mode with backoff:
        # 1 + 4 attempts, as the other clients (adapters/aws.py).
        max_retry_attempts = 4

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)
    kind = DiscriminatorAttribute()
    gsi1pk = UnicodeAttribute(null=True)
    gsi1sk = UnicodeAttribute(null=True)
    gsi2pk = UnicodeAttribute(null=True)
    gsi2sk = UnicodeAttribute(null=True)
    created_at = UTCDateTimeAttribute(null=True)
    updated_at = UTCDateTimeAttribute(null=True)
    version = VersionAttribute()
    # Soft delete: trashed items carry these; expires_at is the table's TTL attribute.
    trash_pk = UnicodeAttribute(null=True)
    trashed_at = UTCDateTimeAttribute(null=True)
    trashed_by = UnicodeAttribute(null=True)
    expires_at = NumberAttribute(null=True)
    trash_op = UnicodeAttribute(null=True)  # one id per trash operation: a cascade restores together

    gsi1 = _Gsi1()
    gsi2 = _Gsi2()
    trash_index = _TrashIndex()

    @classmethod
    def _get_connection(cls) -> TableConnection:
        # Every kind lives in this one table with this one schema, so they share Item's
        # connection: pynamodb would otherwise build a botocore client (and load DynamoDB's
        # service model again) for each kind a process touches, ~0.1 s each at every cold start.
        if cls is Item:
            return super()._get_connection()
        return Item._get_connection()

    @property
    def kind_name(self) -> str:
        """The stored kind ("event", "session", …); `kind` itself reads back as the class."""
        return str(Item._attributes["kind"].get_discriminator(type(self)))

    def is_gone(self) -> bool:
        """True once the item's TTL has passed: DynamoDB may still return it for days."""
        return self.expires_at is not None and self.expires_at <= clock().epoch()

    def is_trashed(self) -> bool:
        return self.trashed_at is not None

    def stamp(self) -> None:
        """Set the audit timestamps before a write."""
        now = clock().now()
        if self.created_at is None:
            self.created_at = now
        self.updated_at = now

    def public_dict(self) -> dict[str, Any]:
        """The item's fields without storage keys; subclasses narrow it further."""
        hidden = {"pk", "sk", "kind", "gsi1pk", "gsi1sk", "gsi2pk", "gsi2sk", "trash_pk"}
        return {k: v for k, v in self.attribute_values.items() if k not in hidden}


def transact_write() -> Any:
    """A pynamodb write transaction on the models' own connection (all or nothing, conditions checked)."""
    # The models' connection: building a new one costs a botocore client (about a second).
    return TransactWrite(connection=Item._get_connection().connection)


def is_condition_failure(err: Exception) -> bool:
    """A failed condition (409), as opposed to throttling or a failure (which must not look like a conflict)."""
    reasons = getattr(err, "cancellation_reasons", None) or []
    if reasons:  # a canceled transaction: conflict only when a condition failed
        return any(reason is not None and reason.code == "ConditionalCheckFailed" for reason in reasons)
    return "ConditionalCheckFailed" in str(getattr(err, "cause", "")) + str(err)


def is_transaction_conflict(err: Exception) -> bool:
    """A transaction canceled because another request was writing one of its items at that moment."""
    reasons = getattr(err, "cancellation_reasons", None) or []
    return any(reason is not None and reason.code == "TransactionConflict" for reason in reasons)
