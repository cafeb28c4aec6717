"""The payload schema of every event resource: one place says what a client may send.

Strings are single-line text unless declared multiline or rich text; URLs are http(s) only;
date-times fall in 1970-2100 with an offset (chalicelib/values.py says what each type allows).
"""

from __future__ import annotations

from chalicelib.api.schema import (
    DATETIME,
    ID,
    TIMEZONE,
    URL,
    Field,
    Schema,
    multiline,
    name_field,
    rich_text,
    text,
)
from chalicelib.domain.questions import QUESTION_KINDS
from chalicelib.domain.review_assignment import MAX_PER_PROPOSAL
from chalicelib.domain.schedule_releases import SCHEDULE_MODES

ABSTRACT = rich_text(20_000)
SHORT_TEXT = text(300)
DESCRIPTION = rich_text(20_000)
VERSION = Field(
    "integer", minimum=1, maximum=2**53, description="The version you last read; a stale one gets 409."
)
COLOR = Field("string", max_length=7, format="color")
SESSION_STATES = ("draft", "pending", "waitlisted", "accepted", "confirmed", "rejected", "withdrawn", "canceled")
LINK = Field("object", max_length=2_000, format="link", description="{name, url}: url http(s) only")

EVENT = Schema(
    "event",
    {
        "name": name_field(),
        "slug": Field("string", max_length=80, min_length=3, description="lowercase letters, digits and hyphens"),
        "description": DESCRIPTION,
        "starts_at": DATETIME,
        "ends_at": DATETIME,
        "timezone": TIMEZONE,
        "location_name": SHORT_TEXT,
        "latitude": Field("number", minimum=-90, maximum=90, nullable=True),
        "longitude": Field("number", minimum=-180, maximum=180, nullable=True),
        "logo_url": URL,
        "banner_url": URL,
        "code_of_conduct": DESCRIPTION,
        "privacy": Field("string", choices=("public", "private")),
        "organizer_name": SHORT_TEXT,
        "organizer_description": DESCRIPTION,
        "ticket_url": URL,
        "social_links": Field("array", items=LINK, max_items=20),
        "licence": SHORT_TEXT,
        "schedule_mode": Field("string", max_length=6, choices=SCHEDULE_MODES,
                               description="auto: every change is public at once; manual: the last release is"),
        "version": VERSION,
    },
    required=frozenset({"name"}),
)

TRACK = Schema(
    "track",
    {"name": name_field(), "description": DESCRIPTION, "color": COLOR, "version": VERSION},
    required=frozenset({"name"}),
)

ROOM = Schema(
    "room",
    {
        "name": name_field(),
        "floor": Field("integer", minimum=-20, maximum=300, nullable=True),
        "capacity": Field("integer", minimum=0, maximum=1_000_000, nullable=True),
        "position": Field("integer", minimum=0, maximum=10_000, nullable=True),
        "hidden": Field("boolean"),
        "version": VERSION,
    },
    required=frozenset({"name"}),
)

SESSION_TYPE = Schema(
    "session_type",
    {
        "name": name_field(),
        "length_minutes": Field("integer", minimum=1, maximum=24 * 60, nullable=True),
        "version": VERSION,
    },
    required=frozenset({"name"}),
)

# Answers to the event's custom questions by question id; each is checked by its question's kind
# (domain/questions.py), null removes one.
ANSWERS = Field(
    "object", max_length=200_000,
    description="{question_id: answer}: text, a choice, a list of choices, true/false, an http(s) URL or an upload id",
)  # fmt: skip

SESSION = Schema(
    "session",
    {
        "title": name_field(),
        "subtitle": SHORT_TEXT,
        "short_abstract": ABSTRACT,
        "long_abstract": ABSTRACT,
        "language": text(64),
        "level": text(64),
        "starts_at": Field("string", max_length=40, format="date-time", nullable=True),
        "ends_at": Field("string", max_length=40, format="date-time", nullable=True),
        "track_id": Field("string", max_length=64, nullable=True),
        "room_id": Field("string", max_length=64, nullable=True),
        "session_type_id": Field("string", max_length=64, nullable=True),
        "speaker_ids": Field("array", items=ID, as_set=True, max_items=50),
        "slides_url": URL,
        "video_url": URL,
        "audio_url": URL,
        "state": Field("string", choices=SESSION_STATES),
        "comments": multiline(20_000, description="private to organizers"),
        "answers": ANSWERS,
        "version": VERSION,
    },
    required=frozenset({"title"}),
)

SPEAKER = Schema(
    "speaker",
    {
        "name": name_field(),
        "email": Field("string", max_length=254, format="email", nullable=True, description="private"),
        "phone": Field("string", max_length=40, nullable=True, description="private"),
        "photo_url": URL,
        "short_biography": ABSTRACT,
        "long_biography": ABSTRACT,
        "organisation": SHORT_TEXT,
        "position": SHORT_TEXT,
        "country": text(100),
        "website": URL,
        "twitter": text(100),
        "featured": Field("boolean"),
        "version": VERSION,
    },
    required=frozenset({"name"}),
)

SPONSOR = Schema(
    "sponsor",
    {
        "name": name_field(),
        "description": DESCRIPTION,
        "url": URL,
        "tier": text(100),
        "level": Field("integer", minimum=0, maximum=100, nullable=True),
        "logo_url": URL,
        "version": VERSION,
    },
    required=frozenset({"name"}),
)

POST = Schema(
    "post",
    {"title": name_field(), "body": DESCRIPTION, "published": Field("boolean"), "version": VERSION},
    required=frozenset({"title"}),
)

# Breaks and blockers on the schedule (domain/schedule_conflicts.py warns of talks overlapping them).
SCHEDULE_BLOCK = Schema(
    "schedule_block",
    {
        "title": Field("string", max_length=200, min_length=1),
        "block_type": Field("string", choices=("break", "blocker"), description="breaks are public; blockers are not"),
        "room_ids": Field("array", items=ID, as_set=True, max_items=200, description="the rooms it spans; [] means all rooms"),
        "starts_at": DATETIME,
        "ends_at": DATETIME,
        "version": VERSION,
    },
    required=frozenset({"title", "block_type", "starts_at", "ends_at"}),
)

CALL_FOR_PAPERS = Schema(
    "call_for_papers",
    {
        "opens_at": DATETIME,
        "closes_at": DATETIME,
        "announcement": DESCRIPTION,
        "privacy": Field("string", choices=("public", "private")),
        "editing_locked": Field("boolean", description="stop speakers editing their proposals before closes_at"),
        "version": VERSION,
    },
    required=frozenset({"opens_at", "closes_at"}),
)

PROPOSAL_FIELDS = (
    "title", "subtitle", "short_abstract", "long_abstract", "language", "level", "track_id", "session_type_id",
    "slides_url", "answers",
)  # fmt: skip
PROPOSAL = Schema(
    "proposal",
    {name: SESSION.fields[name] for name in PROPOSAL_FIELDS}
    | {"state": Field("string", choices=("draft", "pending"), description="draft: only you see it until you submit")},
    required=frozenset({"title"}),
)

# The speaker portal (api/speaker_portal.py).
SPEAKER_PROFILE = Schema(
    "speaker_profile",
    {
        "name": name_field(),
        "biography": ABSTRACT,
        "photo_url": URL,
        "organisation": SHORT_TEXT,
        "position": SHORT_TEXT,
        "links": Field("array", items=LINK, max_items=10),
    },
    required=frozenset({"name"}),
)
CO_SPEAKER_INVITE = Schema(
    "co_speaker_invite", {"email": Field("string", max_length=254, format="email")}, required=frozenset({"email"})
)
CO_SPEAKER_ACCEPT = Schema(
    "co_speaker_accept", {"token": Field("string", max_length=200, min_length=1)}, required=frozenset({"token"})
)
TIME_RANGE = Field(
    "object", max_length=200, format="time-range", description="{starts_at, ends_at}: ISO 8601 with offset"
)
AVAILABILITY = Schema(
    "availability",
    {"availability": Field("array", items=TIME_RANGE, max_items=50), "version": VERSION},
    required=frozenset({"availability"}),
)

_QUESTION_FIELDS = {
    "label": name_field(),
    "help_text": multiline(2_000, nullable=True),
    "choices": Field("array", items=name_field(), max_items=50, nullable=True),
    "required": Field("boolean"),
    "min_length": Field("integer", minimum=0, maximum=20_000, nullable=True),
    "max_length": Field("integer", minimum=1, maximum=20_000, nullable=True),
    "visibility": Field("string", choices=("organizers", "public"), description="organizers (the default): the organizers and the proposal's speakers; public: shown with the session too"),
    "identifying": Field("boolean", description="answers reveal the speaker: hidden in anonymised review"),
    "session_type_ids": Field("array", items=ID, as_set=True, max_items=100, nullable=True, description="none: asked of every session type"),
    "track_ids": Field("array", items=ID, as_set=True, max_items=100, nullable=True, description="none: asked of every track"),
    "version": VERSION,
}
QUESTION = Schema(
    "question",
    {"kind": Field("string", choices=QUESTION_KINDS), **_QUESTION_FIELDS},
    required=frozenset({"label", "kind"}),
)
# A question's kind is set once: answers already given were checked against it.
QUESTION_EDIT = Schema("question_edit", _QUESTION_FIELDS)
QUESTION_ORDER = Schema(
    "question_order",
    {"order": Field("array", items=ID, max_items=100, description="every question id of the event, in order")},
    required=frozenset({"order"}),
)

CHILD_SCHEMAS: dict[str, Schema] = {
    "track": TRACK,
    "room": ROOM,
    "session_type": SESSION_TYPE,
    "session": SESSION,
    "speaker": SPEAKER,
    "sponsor": SPONSOR,
    "post": POST,
    "schedule_block": SCHEDULE_BLOCK,
}

REVIEW_SETTINGS = Schema(
    "review_settings",
    {
        "phase": Field("string", choices=("open", "closed")),
        "anonymised": Field("boolean", description="hide who the speakers are from reviewers"),
        "scores_after_own": Field("boolean", description="a reviewer sees others' reviews after writing their own"),
        "criteria": Field(
            "array", items=Field("object", max_length=1_000, format="criterion"), max_items=20,
            description="{id?, name, minimum, maximum, weight?}: replaces the criteria as a whole",
        ),
        "version": VERSION,
    },
)  # fmt: skip

REVIEW = Schema(
    "review",
    {
        "scores": Field("object", max_length=5_000, format="scores", description="criterion id -> whole number"),
        "comment": multiline(10_000, nullable=True, description="seen by the review team, never by speakers"),
        "abstain": Field("boolean"),
        "version": VERSION,
    },
)

DECISION = Schema(
    "review_decision",
    {
        "session_ids": Field("array", items=ID, as_set=True, max_items=100),
        "state": Field("string", choices=("accepted", "rejected", "waitlisted")),
    },
    required=frozenset({"session_ids", "state"}),
)

# Review assignments: one reviewer on one proposal by hand, or the automatic run
# ({"auto": true, "per_proposal": k}); the view refuses a body that mixes or half-fills the two.
REVIEW_ASSIGNMENT = Schema(
    "review_assignment",
    {
        "proposal_id": ID,
        "reviewer_id": ID,
        "auto": Field("boolean", description="true: assign every proposal under review automatically"),
        "per_proposal": Field("integer", minimum=1, maximum=MAX_PER_PROPOSAL, description="reviews per proposal (auto)"),
    },
)
REVIEW_CONFLICT = Schema("review_conflict", {"proposal_id": ID}, required=frozenset({"proposal_id"}))
