"""Who reviews which proposal (`review_assignment_key`), the conflicts of interest reviewers
declared (`review_conflict_key`) and the lock of an automatic run (`review_run_key`): all in the event's partition, keyed by the pair, so one Query
of the partition reads them with the proposals and the team (domain/assignments.py)."""

from __future__ import annotations

from pynamodb.attributes import BooleanAttribute, UnicodeAttribute

from chalicelib.db.base import Item


class ReviewAssignment(Item, discriminator="review_assignment"):
    event_id = UnicodeAttribute()
    proposal_id = UnicodeAttribute()
    reviewer_id = UnicodeAttribute()
    manual = BooleanAttribute(default=False)  # made by hand (kept by automatic runs) or by a run
    assigned_by = UnicodeAttribute(null=True)


class ReviewConflict(Item, discriminator="review_conflict"):
    event_id = UnicodeAttribute()
    proposal_id = UnicodeAttribute()
    reviewer_id = UnicodeAttribute()


class ReviewRun(Item, discriminator="review_run"):
    """Held by one automatic run at a time (two at once could each fill the same gap); it
    expires (`expires_at`, epoch seconds) so a run that died leaves no lock behind."""

    event_id = UnicodeAttribute()
    started_by = UnicodeAttribute(null=True)
