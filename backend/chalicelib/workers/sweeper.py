"""The trash sweeper: hourly, it purges what stayed in the trash past the retention period.

DynamoDB's TTL deletes expired items too, but up to days late (and moto never does); the
sweeper makes expiry punctual and deletes the items' files, which TTL cannot.
"""

from __future__ import annotations

from typing import Any

from chalice import Blueprint, Rate

from chalicelib.domain.trash import purge_expired

bp = Blueprint(__name__)


@bp.schedule(Rate(1, unit=Rate.HOURS), name="sweep_trash")
def sweep_trash(event: Any) -> dict[str, int]:
    return {"deleted": purge_expired()}
