"""Upload records (`UPLOAD#<id>`, sk `UPLOAD`) and the file value stored on an upload's target.

A record lives from the presigned POST to completion. Its `deadline` closes the upload
window (10 minutes); the TTL (`expires_at`) removes the record a day later, so a late
completion still finds it and answers 410 rather than 404.
"""

from __future__ import annotations

from pynamodb.attributes import MapAttribute, NumberAttribute, UnicodeAttribute

from chalicelib.db.base import Item

PENDING, ACCEPTED = "pending", "accepted"


class StoredFile(MapAttribute):
    """An accepted upload on its target. Keys, never URLs: the public base URL is configurable."""

    upload_id = UnicodeAttribute()
    key = UnicodeAttribute()
    content_type = UnicodeAttribute()
    filename = UnicodeAttribute()
    size = NumberAttribute()
    # "<w>x<h>.<webp|jpeg>" → object key, filled in by the thumbnail job.
    thumbnails = MapAttribute(null=True)
    # The same names → "<w>x<h>", the real size of each (a logo fits inside its box, smaller).
    thumbnail_sizes = MapAttribute(null=True)
    # The URL an import named, when the file was fetched from it (domain/uploads.accept_fetched_image);
    # None for an upload. A picture fetched from a URL the item no longer names is fetched again.
    source_url = UnicodeAttribute(null=True)


class Upload(Item, discriminator="upload"):
    id = UnicodeAttribute()
    owner_id = UnicodeAttribute()
    purpose = UnicodeAttribute()  # the upload kind: event_logo, avatar, slides, ...
    key = UnicodeAttribute()
    filename = UnicodeAttribute()  # sanitized original name
    content_type = UnicodeAttribute()
    declared_size = NumberAttribute()
    max_size = NumberAttribute()
    event_id = UnicodeAttribute(null=True)
    target_id = UnicodeAttribute(null=True)
    deadline = NumberAttribute()  # epoch seconds; completing later answers 410
    state = UnicodeAttribute(default=PENDING)
