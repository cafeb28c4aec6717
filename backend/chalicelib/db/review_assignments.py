"""Who reviews which proposal (`review_assignment_key`) and the conflicts of interest reviewers
declared (`review_conflict_key`): both in the event's partition, keyed by the pair, so one Query
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
