"""Event content: an event and every child share the event's partition (db/keys.py: `event_pk`)."""

from __future__ import annotations

from datetime import datetime

from pynamodb.attributes import (
    BooleanAttribute,
    ListAttribute,
    MapAttribute,
    NumberAttribute,
    UnicodeAttribute,
    UTCDateTimeAttribute,
)

from chalicelib.db.base import Item
from chalicelib.db.uploads import StoredFile


class Link(MapAttribute):
    name = UnicodeAttribute()
    url = UnicodeAttribute()


class Reference(MapAttribute):
    """A session's link or attachment as c3voc and frab write them (type and title may be empty)."""

    type = UnicodeAttribute(null=True)
    title = UnicodeAttribute(null=True)
    url = UnicodeAttribute()


class CallForPapers(MapAttribute):
    announcement = UnicodeAttribute(null=True)
    starts_at = UTCDateTimeAttribute(null=True)
    ends_at = UTCDateTimeAttribute(null=True)
    privacy = UnicodeAttribute(null=True)  # public | private
    secret = UnicodeAttribute(null=True)  # a private CFP's link token (organizers only)


class Event(Item, discriminator="event"):
    """sk = "EVENT"; gsi1 = slug lookup; gsi2 = published events by start time."""

    id = UnicodeAttribute()
    slug = UnicodeAttribute()
    name = UnicodeAttribute()
    description = UnicodeAttribute(null=True)
    starts_at = UTCDateTimeAttribute(null=True)
    ends_at = UTCDateTimeAttribute(null=True)
    timezone = UnicodeAttribute(null=True)
    location_name = UnicodeAttribute(null=True)
    latitude = NumberAttribute(null=True)
    longitude = NumberAttribute(null=True)
    logo_url = UnicodeAttribute(null=True)
    banner_url = UnicodeAttribute(null=True)
    # Uploaded files win over the *_url fields (which imports fill with outside links).
    logo_file = StoredFile(null=True)
    banner_file = StoredFile(null=True)
    code_of_conduct = UnicodeAttribute(null=True)
    privacy = UnicodeAttribute(null=True)
    organizer_name = UnicodeAttribute(null=True)
    organizer_description = UnicodeAttribute(null=True)
    ticket_url = UnicodeAttribute(null=True)
    social_links = ListAttribute(of=Link, null=True)
    licence = UnicodeAttribute(null=True)
    state = UnicodeAttribute(default="draft")  # draft | published
    owner_id = UnicodeAttribute(null=True)
    source_key = UnicodeAttribute(null=True)  # set by imports, so re-imports update
    source_id = UnicodeAttribute(null=True)  # the record id in the imported export
    email = UnicodeAttribute(null=True)  # private: the organizers' contact
    event_url = UnicodeAttribute(null=True)
    call_for_papers = CallForPapers(null=True)


class Track(Item, discriminator="track"):
    id = UnicodeAttribute()
    event_id = UnicodeAttribute()
    name = UnicodeAttribute()
    description = UnicodeAttribute(null=True)
    color = UnicodeAttribute(null=True)
    text_color = UnicodeAttribute(null=True)  # None: derived from color (site/colors.py)
    source_id = UnicodeAttribute(null=True)


class Room(Item, discriminator="room"):
    id = UnicodeAttribute()
    event_id = UnicodeAttribute()
    name = UnicodeAttribute()
    floor = NumberAttribute(null=True)
    capacity = NumberAttribute(null=True)
    position = NumberAttribute(null=True)
    hidden = BooleanAttribute(default=False)
    latitude = NumberAttribute(null=True)
    longitude = NumberAttribute(null=True)
    source_id = UnicodeAttribute(null=True)
    guid = UnicodeAttribute(null=True)  # the room's guid in the c3voc/frab schedule it came from


class SessionType(Item, discriminator="session_type"):
    id = UnicodeAttribute()
    event_id = UnicodeAttribute()
    name = UnicodeAttribute()
    length_minutes = NumberAttribute(null=True)
    source_id = UnicodeAttribute(null=True)


class Session(Item, discriminator="session"):
    id = UnicodeAttribute()
    event_id = UnicodeAttribute()
    title = UnicodeAttribute()
    subtitle = UnicodeAttribute(null=True)
    short_abstract = UnicodeAttribute(null=True)
    long_abstract = UnicodeAttribute(null=True)
    language = UnicodeAttribute(null=True)
    level = UnicodeAttribute(null=True)
    starts_at = UTCDateTimeAttribute(null=True)
    ends_at = UTCDateTimeAttribute(null=True)
    # Derived from starts_at/ends_at (whole minutes) for list filters and feeds; writers set it
    # with session_duration_minutes(), migration 0001 backfilled older sessions.
    duration_minutes = NumberAttribute(null=True)
    track_id = UnicodeAttribute(null=True)
    room_id = UnicodeAttribute(null=True)
    session_type_id = UnicodeAttribute(null=True)
    speaker_ids = ListAttribute(of=UnicodeAttribute, default=list)
    # The user ids linked to those speakers (kept with speaker_ids), so "is this the caller's
    # talk?" needs no read of the speakers.
    speaker_user_ids = ListAttribute(of=UnicodeAttribute, null=True)
    # Those speakers' names by id, kept by every write that links or renames a speaker, so a
    # session list names its speakers without reading them. A missing id (older items, a
    # speaker trashed since) is read from the speaker instead.
    speaker_names = MapAttribute(null=True)
    slides_url = UnicodeAttribute(null=True)
    slides_file = StoredFile(null=True)
    video_url = UnicodeAttribute(null=True)
    audio_url = UnicodeAttribute(null=True)
    signup_url = UnicodeAttribute(null=True)
    state = UnicodeAttribute(default="draft")
    comments = UnicodeAttribute(null=True)  # private to organizers
    source_id = UnicodeAttribute(null=True)
    # What c3voc and frab schedules carry and their readers keep, so Podium's own feeds give it back:
    # the talk's guid at its origin, its links and attachments ({"type", "title", "url"} each; type
    # may be empty), logo, feedback page and recording wishes.
    guid = UnicodeAttribute(null=True)
    links = ListAttribute(of=Reference, null=True)
    attachments = ListAttribute(of=Reference, null=True)
    logo_url = UnicodeAttribute(null=True)
    feedback_url = UnicodeAttribute(null=True)
    recording_license = UnicodeAttribute(null=True)
    do_not_record = BooleanAttribute(null=True)
    do_not_stream = BooleanAttribute(null=True)


class Speaker(Item, discriminator="speaker"):
    id = UnicodeAttribute()
    event_id = UnicodeAttribute()
    name = UnicodeAttribute()
    email = UnicodeAttribute(null=True)  # private
    phone = UnicodeAttribute(null=True)  # private
    photo_url = UnicodeAttribute(null=True)
    photo_file = StoredFile(null=True)
    short_biography = UnicodeAttribute(null=True)
    long_biography = UnicodeAttribute(null=True)
    organisation = UnicodeAttribute(null=True)
    position = UnicodeAttribute(null=True)
    country = UnicodeAttribute(null=True)
    website = UnicodeAttribute(null=True)
    twitter = UnicodeAttribute(null=True)
    city = UnicodeAttribute(null=True)
    github = UnicodeAttribute(null=True)
    linkedin = UnicodeAttribute(null=True)
    facebook = UnicodeAttribute(null=True)
    gender = UnicodeAttribute(null=True)  # private
    heard_from = UnicodeAttribute(null=True)  # private
    speaking_experience = UnicodeAttribute(null=True)  # private
    sponsorship_required = UnicodeAttribute(null=True)  # private
    featured = BooleanAttribute(default=False)
    user_id = UnicodeAttribute(null=True)
    session_ids = ListAttribute(of=UnicodeAttribute, default=list)
    source_id = UnicodeAttribute(null=True)
    guid = UnicodeAttribute(null=True)  # the person's guid in the c3voc/frab schedule it came from


class Sponsor(Item, discriminator="sponsor"):
    id = UnicodeAttribute()
    event_id = UnicodeAttribute()
    name = UnicodeAttribute()
    description = UnicodeAttribute(null=True)
    url = UnicodeAttribute(null=True)
    tier = UnicodeAttribute(null=True)
    level = NumberAttribute(null=True)
    logo_url = UnicodeAttribute(null=True)
    logo_file = StoredFile(null=True)
    source_id = UnicodeAttribute(null=True)


class Post(Item, discriminator="post"):
    id = UnicodeAttribute()
    event_id = UnicodeAttribute()
    title = UnicodeAttribute()
    body = UnicodeAttribute(null=True)
    published = BooleanAttribute(default=False)
    published_at = UTCDateTimeAttribute(null=True)
    image_file = StoredFile(null=True)


CHILD_KINDS: dict[str, type[Item]] = {
    "track": Track,
    "room": Room,
    "session_type": SessionType,
    "session": Session,
    "speaker": Speaker,
    "sponsor": Sponsor,
    "post": Post,
}


def session_duration_minutes(starts_at: datetime | None, ends_at: datetime | None) -> int | None:
    """Whole minutes from start to end; None unless both are set and the end is not before the start."""
    if starts_at is None or ends_at is None or ends_at < starts_at:
        return None
    return int((ends_at - starts_at).total_seconds() // 60)
