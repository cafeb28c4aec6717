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
    # The organizers stopped speakers editing their proposals before the call closes.
    editing_locked = BooleanAttribute(null=True)


class Criterion(MapAttribute):
    """One review criterion: a whole-number scale and its weight in a proposal's score."""

    id = UnicodeAttribute()
    name = UnicodeAttribute()
    minimum = NumberAttribute()
    maximum = NumberAttribute()
    weight = NumberAttribute()


class ReviewSettings(MapAttribute):
    phase = UnicodeAttribute(default="closed")  # open | closed
    anonymised = BooleanAttribute(default=True)
    # A reviewer sees the others' scores and comments on a proposal only once they reviewed it.
    scores_after_own = BooleanAttribute(default=True)
    criteria = ListAttribute(of=Criterion, default=list)


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
    external_event_url = UnicodeAttribute(null=True)  # Open Event's link to the event's own site elsewhere
    topic = UnicodeAttribute(null=True)  # Open Event's classification: topic, sub-topic and kind
    sub_topic = UnicodeAttribute(null=True)
    event_type = UnicodeAttribute(null=True)
    copyright_holder = UnicodeAttribute(null=True)
    source_fingerprint = UnicodeAttribute(null=True)  # identifier + name + start of the imported source event
    call_for_papers = CallForPapers(null=True)
    review = ReviewSettings(null=True)  # shown by its own route (domain/review.py)
    # auto (None too: events stored before releases existed): every change is public at once;
    # manual: the site and feeds show the latest schedule release (domain/schedule_releases.py).
    schedule_mode = UnicodeAttribute(null=True)


class Track(Item, discriminator="track"):
    id = UnicodeAttribute()
    event_id = UnicodeAttribute()
    name = UnicodeAttribute()
    description = UnicodeAttribute(null=True)
    color = UnicodeAttribute(null=True)
    text_color = UnicodeAttribute(null=True)  # None: derived from color (site/colors.py)
    location = UnicodeAttribute(null=True)  # where the track meets, as the organizers name it
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
    # The user who proposed it through the call for papers (domain/session_states.is_speaker_draft).
    proposed_by = UnicodeAttribute(null=True)
    # Answers to the event's custom questions by question id (domain/questions.py validates them).
    answers = MapAttribute(null=True)
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


class TimeRange(MapAttribute):
    starts_at = UTCDateTimeAttribute()
    ends_at = UTCDateTimeAttribute()


class ScheduleBlock(Item, discriminator="schedule_block"):
    """A break or a blocker on the schedule: in the rooms it names, or in every room when it names
    none. Breaks are public (the site shows them); blockers only reserve time for the organizers."""

    id = UnicodeAttribute()
    event_id = UnicodeAttribute()
    title = UnicodeAttribute()
    block_type = UnicodeAttribute(default="break")  # break | blocker
    room_ids = ListAttribute(of=UnicodeAttribute, default=list)  # [] means every room
    starts_at = UTCDateTimeAttribute()
    ends_at = UTCDateTimeAttribute()
    source_id = UnicodeAttribute(null=True)


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
    links = ListAttribute(of=Link, null=True)
    # When the speaker can attend (domain/speaker_profiles.set_availability keeps it within the event).
    availability = ListAttribute(of=TimeRange, null=True)
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
    source_id = UnicodeAttribute(null=True)  # set by imports of Podium's own exports


class Review(Item, discriminator="review"):
    """One reviewer's review of one proposal (`review_key`): scores by criterion id, or an abstention."""

    event_id = UnicodeAttribute()
    session_id = UnicodeAttribute()
    reviewer_id = UnicodeAttribute()
    scores = MapAttribute(null=True)  # criterion id -> whole number within its scale
    comment = UnicodeAttribute(null=True)  # visible to the review team, never to speakers
    abstain = BooleanAttribute(default=False)


class Question(Item, discriminator="question"):
    """A custom question of the call for papers (domain/questions.py). Not in CHILD_KINDS: it has
    its own routes, is deleted rather than trashed, and the site and trash ignore it."""

    id = UnicodeAttribute()
    event_id = UnicodeAttribute()
    position = NumberAttribute(default=0)
    label = UnicodeAttribute()
    help_text = UnicodeAttribute(null=True)
    question_kind = UnicodeAttribute()  # short_text | long_text | single_choice | ... (QUESTION_KINDS)
    choices = ListAttribute(of=UnicodeAttribute, null=True)
    required = BooleanAttribute(default=False)
    min_length = NumberAttribute(null=True)
    max_length = NumberAttribute(null=True)
    visibility = UnicodeAttribute(default="organizers")  # organizers | public
    identifying = BooleanAttribute(default=False)  # hidden from reviewers when review is anonymised
    session_type_ids = ListAttribute(of=UnicodeAttribute, null=True)  # None: every type
    track_ids = ListAttribute(of=UnicodeAttribute, null=True)  # None: every track
    source_id = UnicodeAttribute(null=True)  # set by imports of Podium's own exports


class ScheduleRelease(Item, discriminator="schedule_release"):
    """A released version of the event's schedule (domain/schedule_releases.py writes it): what
    changed since the release before, and a snapshot of every public session's schedule fields.
    Both are zlib-compressed JSON in base64 text (the site reads items in the wire format as sent,
    where binary values arrive as base64 anyway): 600 sessions' must fit an item (400 KB)."""

    id = UnicodeAttribute()
    event_id = UnicodeAttribute()
    number = NumberAttribute()  # 1, 2, … in the order made (the head's transaction makes them unique)
    label = UnicodeAttribute()  # the version string ("v2"); `version` is the item's own counter
    comment = UnicodeAttribute(null=True)
    released_at = UTCDateTimeAttribute()
    released_by = UnicodeAttribute(null=True)
    changes = UnicodeAttribute()  # {"new": [...], "moved": [...], "canceled": [...], "room_changed": [...]}
    snapshot = UnicodeAttribute()  # {session id: [starts_at, ends_at, room_id, state]}


class ScheduleHead(Item, discriminator="schedule_head"):
    """The event's latest schedule release (`schedule_head_key`)."""

    event_id = UnicodeAttribute()
    release_id = UnicodeAttribute()
    release_sk = UnicodeAttribute()


class ScheduleVersion(Item, discriminator="schedule_version"):
    """Guards a version string: one release of the event holds it (`schedule_version_key`)."""

    event_id = UnicodeAttribute()
    release_id = UnicodeAttribute()


CHILD_KINDS: dict[str, type[Item]] = {
    "track": Track,
    "room": Room,
    "session_type": SessionType,
    "session": Session,
    "speaker": Speaker,
    "sponsor": Sponsor,
    "post": Post,
    "schedule_block": ScheduleBlock,
}

# Every kind of event content, by its stored `kind`: what exports and the site read of an event's
# partition. The partition also holds roles, invites and whatever later kinds live there; readers
# of content pick by this name before parsing, so those never reach a content reader (nor need
# their model to be loaded for the parse).
CONTENT_KINDS: dict[str, type[Item]] = {
    "event": Event, **CHILD_KINDS, "question": Question, "schedule_release": ScheduleRelease,
}  # fmt: skip


def is_content(raw: dict) -> bool:
    """True for a stored item (DynamoDB's wire format) that is event content."""
    return raw.get("kind", {}).get("S") in CONTENT_KINDS


def session_duration_minutes(starts_at: datetime | None, ends_at: datetime | None) -> int | None:
    """Whole minutes from start to end; None unless both are set and the end is not before the start."""
    if starts_at is None or ends_at is None or ends_at < starts_at:
        return None
    return int((ends_at - starts_at).total_seconds() // 60)


class ImportSource(Item, discriminator="import_source"):
    """The event an imported source event (its fingerprint: identifier, name, start) went into,
    so importing it again updates that event, also after an import into a chosen one (--into).
    Kept here, beside Event, so every reader of events knows the kind."""

    event_id = UnicodeAttribute()


# The mail kinds share the event's partition: whoever reads the whole partition (the trash, a
# purge) must know them, so loading the content models registers them too.
from chalicelib.db import mail as _mail_kinds  # noqa: E402, F401
