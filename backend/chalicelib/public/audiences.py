"""The field tiers of who sees what (domain/projections.py applies them; this is its table).

Here, below the domain and the table models, so that what needs the table alone loads nothing
else: the public site's Open Event export (site/public_export.py) is written for `VISITORS` by a
static build that reads no table. domain/projections.py re-exports every name; read it there.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

# Tiers of fields. PUBLIC: anyone who may read the item. OWN: also the person the item is about
# (a speaker's own contact and profile answers, a user's own account). ORGANIZERS: the event's
# owner, organizers, coorganizers and site admins only, in the API and in exports alike.
# NOBODY: stored for the system's own use.
PUBLIC, OWN, ORGANIZERS, NOBODY = "public", "own", "organizers", "nobody"

_COMMON = {"id": PUBLIC, "version": PUBLIC, "created_at": PUBLIC, "updated_at": PUBLIC}
_CHILD = {**_COMMON, "event_id": PUBLIC}
# Import keys help re-imports, nobody else.
_IMPORTED = {"source_id": ORGANIZERS}

FIELDS: dict[str, dict[str, str]] = {
    "event": {
        **_COMMON,
        **_IMPORTED,
        **dict.fromkeys(
            (
                "slug", "name", "description", "starts_at", "ends_at", "timezone", "location_name",
                "latitude", "longitude", "logo_url", "banner_url", "logo_file", "banner_file",
                "code_of_conduct", "privacy", "organizer_name", "organizer_description", "ticket_url",
                "social_links", "licence", "state", "event_url", "external_event_url", "topic", "sub_topic",
                "event_type", "copyright_holder", "schedule_mode",
            ),
            PUBLIC,
        ),
        "email": ORGANIZERS,
        "owner_id": ORGANIZERS,
        "source_key": ORGANIZERS,
        "source_fingerprint": ORGANIZERS,
    },
    "track": {**_CHILD, **_IMPORTED, "name": PUBLIC, "description": PUBLIC, "color": PUBLIC, "text_color": PUBLIC,
              "location": PUBLIC},
    "room": {
        **_CHILD,
        **_IMPORTED,
        **dict.fromkeys(("name", "floor", "capacity", "position", "hidden", "latitude", "longitude", "guid"), PUBLIC),
    },
    "session_type": {**_CHILD, **_IMPORTED, "name": PUBLIC, "length_minutes": PUBLIC},
    "session": {
        **_CHILD,
        **_IMPORTED,
        **dict.fromkeys(
            (
                "title", "subtitle", "short_abstract", "long_abstract", "language", "level", "starts_at",
                "ends_at", "duration_minutes", "track_id", "room_id", "session_type_id", "speaker_ids",
                "slides_url", "slides_file", "video_url", "audio_url", "signup_url", "state",
                "guid", "links", "attachments", "logo_url", "feedback_url", "recording_license", "do_not_record",
                "do_not_stream",
            ),
            PUBLIC,
        ),
        "comments": ORGANIZERS,
        "speaker_user_ids": ORGANIZERS,
        "proposed_by": ORGANIZERS,
        # Every answer to the organizers and the proposal's own speakers; others see the answers
        # to published questions only (`Audience.published_questions`, set by `for_items`).
        "answers": OWN,
    },
    "speaker": {
        **_CHILD,
        **_IMPORTED,
        **dict.fromkeys(
            (
                "name", "photo_url", "photo_file", "short_biography", "long_biography", "organisation",
                "position", "country", "website", "twitter", "city", "github", "linkedin", "facebook",
                "featured", "session_ids", "links", "guid",
            ),
            PUBLIC,
        ),
        # When the speaker can attend: the speaker and the organizers (the schedule editor).
        "availability": OWN,
        **dict.fromkeys(
            ("email", "phone", "gender", "heard_from", "speaking_experience", "sponsorship_required", "user_id"), OWN
        ),
    },
    "sponsor": {
        **_CHILD,
        **_IMPORTED,
        **dict.fromkeys(("name", "description", "url", "tier", "level", "logo_url", "logo_file"), PUBLIC),
    },
    "post": {**_CHILD, **_IMPORTED, **dict.fromkeys(("title", "body", "published", "published_at", "image_file"), PUBLIC)},
    # Breaks and blockers: visitors see breaks only (`is_public_item`), the team every block.
    "schedule_block": {
        **_CHILD, **_IMPORTED, **dict.fromkeys(("title", "block_type", "room_ids", "starts_at", "ends_at"), PUBLIC),
    },
    # A user's speaker profile: theirs alone (events get a copy, `speaker` above).
    "speaker_profile": {
        **dict.fromkeys(("name", "biography", "photo_url", "organisation", "position", "links", "updated_at"), OWN),
        **dict.fromkeys(("user_id", "version", "created_at"), OWN),
    },
    # Who reviews which proposal: the list route shows a reviewer their own only (api/review_assignments.py).
    "review_assignment": {
        **{name: tier for name, tier in _CHILD.items() if name != "id"},  # the pair is its key
        **dict.fromkeys(("proposal_id", "reviewer_id", "manual"), PUBLIC),
        "assigned_by": ORGANIZERS,
    },
    # Schedule releases (domain/schedule_releases.py): the public changelog shows them; the
    # snapshot is the site's own input, never a field of an answer.
    "schedule_release": {
        **_CHILD,
        **dict.fromkeys(("number", "label", "comment", "released_at", "changes"), PUBLIC),
        "released_by": ORGANIZERS,
        "snapshot": NOBODY,
    },
    # Custom questions: whoever may propose a talk reads them (the form asks them).
    "question": {
        **_CHILD,
        **_IMPORTED,
        **dict.fromkeys(
            (
                "position", "label", "help_text", "question_kind", "choices", "required", "min_length",
                "max_length", "visibility", "identifying", "session_type_ids", "track_ids",
            ),
            PUBLIC,
        ),
    },
    # Accounts: what other users see of someone (e.g. in an event's role list), and what the
    # user and site admins see (`site_roles` as is_admin and is_super_admin).
    "user": {
        **dict.fromkeys(("id", "name", "avatar_url"), PUBLIC),
        **dict.fromkeys(("email", "email_verified", "bio", "created_at", "site_roles"), OWN),
        # The uploaded photo is served through uploads, not the account's views.
        **dict.fromkeys(("password_hash", "token_version", "version", "updated_at", "photo_file"), NOBODY),
    },
}
# Stored for the system's own use and shown to nobody: storage keys, trash bookkeeping, the call
# for papers (its own route keeps a private call's link token to the organizers) and the
# speakers' names a session keeps for lists (lists show them as `speakers`).
NOT_SHOWN = frozenset(
    {"pk", "sk", "kind", "gsi1pk", "gsi1sk", "gsi2pk", "gsi2sk", "trash_pk", "expires_at", "trash_op"}
    | {"trashed_at", "trashed_by", "call_for_papers", "speaker_names", "review"}
)

# What a reviewer sees of a proposal and of its speakers, whatever else the tiers above say.
# PROPOSAL: always; IDENTITY: only when the event's review is not anonymised; ANSWERS: the answers
# to custom questions, each kept only when its question is known not to identify the speaker
# (`Audience.open_questions`: every question's in named review, those not marked identifying in
# anonymised review; domain/questions.reviewable_question_ids).
# Everything else of a session or speaker (contact details, internal comments, linked users, import
# keys) never reaches a reviewer; other kinds show their PUBLIC fields.
PROPOSAL, IDENTITY, ANSWERS = "proposal", "identity", "answers"
REVIEW_FIELDS: dict[str, dict[str, str]] = {
    "session": {
        **dict.fromkeys(("id", "version", "event_id", "created_at", "updated_at"), PROPOSAL),
        **dict.fromkeys(
            (
                "title", "subtitle", "short_abstract", "long_abstract", "language", "level", "track_id",
                "session_type_id", "duration_minutes", "state",
            ),
            PROPOSAL,
        ),
        **dict.fromkeys(("speaker_ids", "slides_url", "slides_file", "video_url", "audio_url"), IDENTITY),
        "answers": ANSWERS,
    },
    "speaker": dict.fromkeys(
        (
            "id", "name", "photo_url", "photo_file", "short_biography", "long_biography", "organisation",
            "position", "country", "website", "twitter", "city", "github", "linkedin", "facebook",
        ),
        IDENTITY,
    ),
}



@dataclass(frozen=True)
class Audience:
    """Who reads: the field tiers they see, and whether they see unpublished items."""

    name: str
    tiers: frozenset[str]
    sees_unpublished: bool = False
    # Which speakers' sessions a visitor sees (set by `for_items`): a speaker shows only those.
    public_sessions: frozenset[str] | None = None
    # A reviewer: "anonymised" or "named" (REVIEW_FIELDS decides their sessions and speakers).
    reviewing: str | None = None
    # The custom questions whose answers a reviewer may read (known not to identify anyone).
    open_questions: frozenset[str] = frozenset()
    # The team's: speakers' unsubmitted proposals among these speakers' sessions (set by `for_items`),
    # left out of `session_ids`; a speaker with nothing else does not show at all.
    hidden_sessions: frozenset[str] = frozenset()
    # Whose answers it sees on sessions it may not read in full (set by `for_items`): published
    # questions'. Empty by default, so a path that never asks shows no answer at all.
    published_questions: frozenset[str] = frozenset()

    def shows(self, kind: str, field: str) -> bool:
        if self.reviewing is not None and kind in REVIEW_FIELDS:
            tier = REVIEW_FIELDS[kind].get(field)
            return tier in (PROPOSAL, ANSWERS) or (tier == IDENTITY and self.reviewing == "named")
        return FIELDS.get(kind, {}).get(field) in self.tiers


VISITORS = Audience("visitors", frozenset({PUBLIC}))
MEMBERS = Audience("members", frozenset({PUBLIC}), sees_unpublished=True)
SPEAKER = Audience("speaker", frozenset({PUBLIC, OWN}))
ACCOUNT_HOLDER = Audience("account holder", frozenset({PUBLIC, OWN}))  # the user, and site admins
ORGANIZERS_AUDIENCE = Audience("organizers", frozenset({PUBLIC, OWN, ORGANIZERS}), sees_unpublished=True)
# Reviewers on the review routes (domain/review.py picks the proposals and, by the event's setting,
# which of these two); everywhere else a reviewer is a visitor (`audience_of`).
ANONYMISED_REVIEWERS = Audience("reviewers", frozenset({PUBLIC}), sees_unpublished=True, reviewing="anonymised")
NAMED_REVIEWERS = replace(ANONYMISED_REVIEWERS, reviewing="named")
