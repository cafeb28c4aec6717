"""Job records `JOB#<id>` / `JOB` and their effect markers `JOB#<id>` / `EFFECT#<key>`.

gsi1 lists every job by day (`JOBS#<yyyy-mm-dd>`, newest last) for `podium jobs`;
gsi2 lists an event's jobs (`EVENTJOBS#<event id>`, newest last).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from pynamodb.attributes import NumberAttribute, UnicodeAttribute, UTCDateTimeAttribute
from pynamodb.exceptions import DoesNotExist

from chalicelib.db.base import Item
from chalicelib.db.keys import event_jobs_key, job_key, jobs_day_key

PENDING, STARTED, RETRY, SUCCESS, FAILURE = "PENDING", "STARTED", "RETRY", "SUCCESS", "FAILURE"
FINISHED = frozenset({SUCCESS, FAILURE})


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
    # While STARTED: until when the delivery that claimed the job may still be running.
    lease_until = UTCDateTimeAttribute(null=True)
    result = UnicodeAttribute(null=True)  # JSON, bounded
    result_key = UnicodeAttribute(null=True)  # S3 key (uploads bucket) of a large result or file
    error = UnicodeAttribute(null=True)
    progress = NumberAttribute(null=True)  # 0..100 for long jobs


class JobEffect(Item, discriminator="job_effect"):
    """Proof that a job's side effect (a mail, a webhook) happened, and what it answered."""

    job_id = UnicodeAttribute()
    key = UnicodeAttribute()
    result = UnicodeAttribute()  # JSON


def get_job(job_id: str) -> Job | None:
    try:
        return Job.get(*job_key(job_id), consistent_read=True)
    except DoesNotExist:
        return None


def event_job_ids(event_id: str) -> list[str]:
    """The ids of every job recorded for the event (its gsi2 list), oldest first."""
    return [j.id for j in Job.gsi2.query(event_jobs_key(event_id)) if isinstance(j, Job)]


def recent_jobs(*, limit: int, days: int, today: datetime) -> list[Job]:
    """Jobs of the last `days` days, newest first: one Query per day bucket, no table scan."""
    jobs: list[Job] = []
    for back in range(days):
        key = jobs_day_key(today - timedelta(days=back))
        jobs.extend(
            j for j in Job.gsi1.query(key, scan_index_forward=False, limit=limit - len(jobs)) if isinstance(j, Job)
        )
        if len(jobs) >= limit:
            break
    return jobs[:limit]
