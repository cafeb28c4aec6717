"""Job records: `JOB#<id>`; gsi1 lists a user's jobs, gsi2 an event's jobs, newest last."""

from __future__ import annotations

from pynamodb.attributes import NumberAttribute, UnicodeAttribute, UTCDateTimeAttribute

from chalicelib.db.base import Item

PENDING, STARTED, RETRY, SUCCESS, FAILURE = "PENDING", "STARTED", "RETRY", "SUCCESS", "FAILURE"
FINISHED = frozenset({SUCCESS, FAILURE})


def job_pk(job_id: str) -> str:
    return f"JOB#{job_id}"


class Job(Item, discriminator="job"):
    id = UnicodeAttribute()
    name = UnicodeAttribute()
    args = UnicodeAttribute()  # JSON
    state = UnicodeAttribute(default=PENDING)
    attempts = NumberAttribute(default=0)
    actor_id = UnicodeAttribute()
    request_id = UnicodeAttribute(null=True)
    event_id = UnicodeAttribute(null=True)
    started_at = UTCDateTimeAttribute(null=True)
    finished_at = UTCDateTimeAttribute(null=True)
    result = UnicodeAttribute(null=True)  # JSON, bounded
    error = UnicodeAttribute(null=True)
    progress = NumberAttribute(null=True)  # 0..100 for long jobs
