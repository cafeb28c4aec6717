"""A user's speaker profile (reused across events) and pointers to the proposals they speak in.

Both live in the user's partition (db/keys.py): the profile at `speaker_profile_key`, each
pointer at `user_proposal_key`, so a speaker's dashboard is one Query of their partition.
"""

from __future__ import annotations

from pynamodb.attributes import ListAttribute, UnicodeAttribute

from chalicelib.db.base import Item
from chalicelib.db.content import Link
from chalicelib.db.keys import USER_PROPOSAL_SK_PREFIX, user_pk
from chalicelib.db.pagination import Page, read_page


class SpeakerProfile(Item, discriminator="speaker_profile"):
    user_id = UnicodeAttribute()
    name = UnicodeAttribute()
    biography = UnicodeAttribute(null=True)  # sanitized HTML (public/richtext.py)
    photo_url = UnicodeAttribute(null=True)
    organisation = UnicodeAttribute(null=True)
    position = UnicodeAttribute(null=True)
    links = ListAttribute(of=Link, null=True)


class ProposalPointer(Item, discriminator="proposal_pointer"):
    """The user speaks (or spoke) in this session; the dashboard checks the session still says so."""

    user_id = UnicodeAttribute()
    event_id = UnicodeAttribute()
    session_id = UnicodeAttribute()


def proposal_pointer_page(user_id: str, *, limit: int, cursor: str | None, secret: str) -> Page:
    """A page of the user's proposal pointers (one Query of their partition; the signed cursor
    of db/pagination.py)."""
    return read_page(
        ProposalPointer, user_pk(user_id), Item.sk.startswith(USER_PROPOSAL_SK_PREFIX),
        limit=limit, cursor=cursor, secret=secret, consistent_read=True,
    )  # fmt: skip
