"""A user's speaker profile (reused across events) and pointers to the proposals they speak in.

Both live in the user's partition (db/keys.py): the profile at `speaker_profile_key`, each
pointer at `user_proposal_key`, so a speaker's dashboard is one Query of their partition.
"""

from __future__ import annotations

from pynamodb.attributes import ListAttribute, UnicodeAttribute

from chalicelib.db import table
from chalicelib.db.base import Item
from chalicelib.db.content import Link
from chalicelib.db.keys import USER_PROPOSAL_SK_PREFIX, proposal_ids_from_sk, user_pk


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


def proposal_pointers(user_id: str) -> list[tuple[str, str]]:
    """(event id, session id) of every proposal pointer of the user, oldest event first."""
    found = table.query_items(
        KeyConditionExpression="pk = :pk AND begins_with(sk, :prefix)",
        ExpressionAttributeValues={":pk": {"S": user_pk(user_id)}, ":prefix": {"S": USER_PROPOSAL_SK_PREFIX}},
        ProjectionExpression="sk",
        ConsistentRead=True,
    )
    return [ids for item in found if (ids := proposal_ids_from_sk(item["sk"]["S"])) is not None]
