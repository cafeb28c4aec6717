"""Every table key, built here and nowhere else.

One table holds every item kind (db/base.py). A key is a partition key `pk` and a sort key `sk`,
and the sparse indexes have their own (gsi1, gsi2, trash). Each function below builds one kind
of key; models, queries and the stream reader all use them, so a key's spelling lives in one
place (tests/db/test_keys.py greps the rest of backend/ for hand-made ones).

Layout:
- an event and its children share `EVENT#<id>`: the event is sk `EVENT`, a child
  `<KIND>#<id>` (`SESSION#…`), a role `ROLE#<user id>`, a pending invite `INVITE#<id>`, a
  reviewer's review of a proposal `REVIEW#<session id>#<user id>`,
  a reviewer's assignment `REVIEWASSIGN#<proposal id>#<reviewer id>` and declared conflict
  `REVIEWCONFLICT#<proposal id>#<reviewer id>`, the automatic run's lock `REVIEWASSIGNRUN`;
  gsi1 `SLUG#<slug>`/`EVENT` finds an event by slug, gsi2 `PUBLISHED`/start lists published ones
- a user is `USER#<id>`/`USER`, gsi1 `EMAIL#<email>`/`USER`, gsi2 `USERS`/email; the guard that
  keeps emails unique is `EMAIL#<email>`/`EMAIL`; a role item's gsi1 is `USER#<id>`/`EVENT#<id>`
  (a user's events) and the owner's gsi2 `EVENTS`/created (every event, for admins)
- a user's speaker profile `USER#<id>`/`SPEAKER_PROFILE`, and a pointer to each proposal they
  speak in `USER#<id>`/`PROPOSAL#<event id>#<session id>`
- one-time tokens `TOKEN#<sha256>`/<purpose>; uploads `UPLOAD#<id>`/`UPLOAD`; jobs `JOB#<id>`/`JOB`
  (gsi1 `JOBS#<day>`, gsi2 `EVENTJOBS#<event id>`), their effects `JOB#<id>`/`EFFECT#<key>`
- audit records `AUDIT#<yyyy-mm>`/`<time>#<id>`; migrations `MIGRATIONS`/`CURRENT` | `RUN#<rev>`;
  every trashed item carries trash_pk `TRASH`
- rate counters `RATE#<scope>#<digest>`/`RATE`; render turns `RENDER#<event id>`/`RENDER`;
  the site's file manifests `SITEFILES#<bucket>#<prefixes>`/`MANIFEST` (the head) and
  `…`/`SHARD#<count>#<index>` (its shards), the bucket's generation
  `SITEFILES#<bucket>`/`GENERATION`, its list of events `SITEINDEX#<bucket>`/`EVENTS`
- mail (db/mail.py), in the event's partition: a template override `MAILTEMPLATE#<name>`, an
  outbox mail `OUTBOX#<time>#<id>` (newest last), an organizer's notification choice
  `MAILPREF#<user id>`; the proposals a day's digest names `DIGEST#<yyyy-mm-dd>`/`<event id>`
- the event an imported source event went into `IMPORTSOURCE#<fingerprint>`/`SOURCE`
- schedule releases (db/content.py ScheduleRelease), in the event's partition:
  `SCHEDULERELEASE#<number, 6 digits>` (newest last), the latest release's pointer
  `SCHEDULEHEAD` (two releases at once cannot both follow the same one) and a guard per version
  string `SCHEDULEVERSION#<sha256>` (a version names one release of the event)
"""

from __future__ import annotations

import hashlib
from datetime import datetime

Key = tuple[str, str]

# Fixed keys (whole values, not prefixes).
EVENT_SK = "EVENT"
USER_SK = "USER"
EMAIL_SK = "EMAIL"
UPLOAD_SK = "UPLOAD"
JOB_SK = "JOB"
PUBLISHED = "PUBLISHED"  # gsi2pk of published events
USERS_INDEX_KEY = "USERS"  # gsi2pk of every user (sorted by email)
ALL_EVENTS_KEY = "EVENTS"  # gsi2pk of owners' role items: every event, for admins
TRASH_KEY = "TRASH"  # trash_pk of every trashed item
MIGRATIONS_PK = "MIGRATIONS"
CURRENT_SK = "CURRENT"
RATE_SK = "RATE"
RENDER_SK = "RENDER"
MANIFEST_SK = "MANIFEST"
GENERATION_SK = "GENERATION"
SITE_EVENTS_SK = "EVENTS"

_EVENT, _USER, _EMAIL, _SLUG, _ROLE, _INVITE = "EVENT#", "USER#", "EMAIL#", "SLUG#", "ROLE#", "INVITE#"
_SHARD = "SHARD#"
_REVIEW = "REVIEW#"


def _id_after(prefix: str, key: str) -> str | None:
    return key.removeprefix(prefix) if key.startswith(prefix) else None


# -- events and their children ---------------------------------------------------------------


def event_pk(event_id: str) -> str:
    return _EVENT + event_id


def event_key(event_id: str) -> Key:
    return event_pk(event_id), EVENT_SK


def event_id_from_pk(pk: str) -> str | None:
    """The event id of a partition key (an event's or any child's); None for other partitions."""
    return _id_after(_EVENT, pk)


def child_sk(kind: str, item_id: str) -> str:
    """A child's sort key in its event's partition, e.g. `SESSION#<id>`."""
    return f"{kind.upper()}#{item_id}"


def child_sk_prefix(kind: str) -> str:
    """What every child of `kind` has its sort key begin with."""
    return child_sk(kind, "")


def child_key(event_id: str, kind: str, item_id: str) -> Key:
    return event_pk(event_id), child_sk(kind, item_id)


def slug_key(slug: str) -> str:
    """gsi1pk of the event with this slug (its gsi1sk is EVENT_SK)."""
    return _SLUG + slug


# -- users and roles ---------------------------------------------------------------------------


def user_pk(user_id: str) -> str:
    return _USER + user_id


def user_key(user_id: str) -> Key:
    return user_pk(user_id), USER_SK


def user_id_from_pk(pk: str) -> str | None:
    return _id_after(_USER, pk)


def email_key(email: str) -> str:
    """pk of the email guard and gsi1pk of the user with that email (compared lowercased)."""
    return _EMAIL + email.strip().lower()


def email_guard_key(email: str) -> Key:
    return email_key(email), EMAIL_SK


def role_sk(user_id: str) -> str:
    return _ROLE + user_id


ROLE_SK_PREFIX = role_sk("")


def role_key(event_id: str, user_id: str) -> Key:
    return event_pk(event_id), role_sk(user_id)


def role_user_id_from_sk(sk: str) -> str | None:
    """The user id of a role item's sort key; None for other sort keys."""
    return _id_after(_ROLE, sk)


def review_sk(session_id: str, user_id: str) -> str:
    """A review's sort key: beside its proposal's other reviews (`review_sk_prefix`)."""
    return f"{_REVIEW}{session_id}#{user_id}"


def review_sk_prefix(session_id: str = "") -> str:
    """What the reviews of one proposal (or, with no id, of every proposal) begin with."""
    return _REVIEW + (f"{session_id}#" if session_id else "")


def review_key(event_id: str, session_id: str, user_id: str) -> Key:
    return event_pk(event_id), review_sk(session_id, user_id)


def review_list_key(event_id: str, list_name: str) -> str:
    """What a review list computed in memory (the dashboard, reviewers' progress) names in its
    cursors: no item has this key, and a cursor of one list is refused by another."""
    return f"{_REVIEW}{event_id}#{list_name}"


def invite_sk(invite_id: str) -> str:
    return _INVITE + invite_id


INVITE_SK_PREFIX = invite_sk("")


def invite_key(event_id: str, invite_id: str) -> Key:
    return event_pk(event_id), invite_sk(invite_id)


SPEAKER_PROFILE_SK = "SPEAKER_PROFILE"
_PROPOSAL = "PROPOSAL#"


def speaker_profile_key(user_id: str) -> Key:
    """The user's speaker profile, reused across events, beside the account in its partition."""
    return user_pk(user_id), SPEAKER_PROFILE_SK


def user_proposal_key(user_id: str, event_id: str, session_id: str) -> Key:
    """A pointer from the user to a proposal they speak in (the dashboard's one Query)."""
    return user_pk(user_id), f"{_PROPOSAL}{event_id}#{session_id}"


USER_PROPOSAL_SK_PREFIX = _PROPOSAL


def proposal_ids_from_sk(sk: str) -> tuple[str, str] | None:
    """(event id, session id) of a proposal pointer's sort key; None for other sort keys."""
    rest = _id_after(_PROPOSAL, sk)
    if rest is None or "#" not in rest:
        return None
    event_id, _, session_id = rest.partition("#")
    return event_id, session_id


# -- review assignments and conflicts of interest ------------------------------------------------

_REVIEW_ASSIGNMENT, _REVIEW_CONFLICT = "REVIEWASSIGN#", "REVIEWCONFLICT#"
REVIEW_ASSIGNMENT_SK_PREFIX = _REVIEW_ASSIGNMENT
REVIEW_CONFLICT_SK_PREFIX = _REVIEW_CONFLICT


def review_assignment_key(event_id: str, proposal_id: str, reviewer_id: str) -> Key:
    """One reviewer on one proposal: at most one such item (the key is the pair)."""
    return event_pk(event_id), f"{_REVIEW_ASSIGNMENT}{proposal_id}#{reviewer_id}"


def review_run_key(event_id: str) -> Key:
    """The lock an automatic assignment run of the event holds while it plans and writes."""
    return event_pk(event_id), "REVIEWASSIGNRUN"


def review_conflict_key(event_id: str, proposal_id: str, reviewer_id: str) -> Key:
    """A conflict of interest a reviewer declared on a proposal."""
    return event_pk(event_id), f"{_REVIEW_CONFLICT}{proposal_id}#{reviewer_id}"


def token_pk(token: str) -> str:
    """One-time tokens are stored by hash: a leaked table backup reveals no usable link."""
    return "TOKEN#" + hashlib.sha256(token.encode()).hexdigest()


# -- uploads, jobs, audit, migrations ------------------------------------------------------------


def upload_pk(upload_id: str) -> str:
    return f"UPLOAD#{upload_id}"


def upload_key(upload_id: str) -> Key:
    return upload_pk(upload_id), UPLOAD_SK


def job_pk(job_id: str) -> str:
    return f"JOB#{job_id}"


def job_key(job_id: str) -> Key:
    return job_pk(job_id), JOB_SK


def jobs_day_key(day: datetime) -> str:
    return f"JOBS#{day:%Y-%m-%d}"


def event_jobs_key(event_id: str) -> str:
    return f"EVENTJOBS#{event_id}"


def effect_sk(key: str) -> str:
    return f"EFFECT#{key}"


def audit_pk(moment: datetime) -> str:
    return audit_month_pk(moment.strftime("%Y-%m"))


def audit_month_pk(month: str) -> str:
    """The partition of a month's audit records; `month` is yyyy-mm."""
    return f"AUDIT#{month}"


def time_ordered_sk(at: datetime, item_id: str) -> str:
    """A sort key that orders by time (ties by id): audit records, jobs by day or event, every
    event on the owners' role items."""
    return f"{at.isoformat()}#{item_id}"


def migration_state_key() -> Key:
    """The applied revision's item."""
    return MIGRATIONS_PK, CURRENT_SK


def migration_run_key(revision: str) -> Key:
    """The resume point of a migration that started and did not finish."""
    return MIGRATIONS_PK, f"RUN#{revision}"


# -- counters and the site's bookkeeping -------------------------------------------------------


def rate_key(scope: str, key: str) -> Key:
    # Hashed: counters must not become a second copy of every email and address.
    digest = hashlib.sha256(key.strip().lower().encode()).hexdigest()[:32]
    return f"RATE#{scope}#{digest}", RATE_SK


def render_key(event_id: str) -> Key:
    return f"RENDER#{event_id}", RENDER_SK


def site_manifest_key(bucket: str, prefixes: list[str]) -> Key:
    return f"SITEFILES#{bucket}#{'|'.join(sorted(prefixes))}", MANIFEST_SK


def site_manifest_shard_key(head: Key, count: int, index: int) -> Key:
    """Shard `index` of a manifest split into `count`, in its head's partition (`site_manifest_key`)."""
    return head[0], f"{_SHARD}{count}#{index}"


def site_generation_key(bucket: str) -> Key:
    return f"SITEFILES#{bucket}", GENERATION_SK


def site_listing_key(bucket: str) -> Key:
    return f"SITEINDEX#{bucket}", SITE_EVENTS_SK


# -- mail ----------------------------------------------------------------------------------------


def mail_template_key(event_id: str, name: str) -> Key:
    return event_pk(event_id), f"MAILTEMPLATE#{name}"


MAIL_TEMPLATE_SK_PREFIX = "MAILTEMPLATE#"
OUTBOX_SK_PREFIX = "OUTBOX#"


def outbox_key(event_id: str, mail_id: str) -> Key:
    """An outbox mail; its id begins with the time it was queued (db/mail.py), so the sort key
    orders the outbox oldest first."""
    return event_pk(event_id), OUTBOX_SK_PREFIX + mail_id


def mail_preference_key(event_id: str, user_id: str) -> Key:
    return event_pk(event_id), f"MAILPREF#{user_id}"


def digest_pk(day: str) -> str:
    """The partition of the events that had proposals on `day` (yyyy-mm-dd)."""
    return f"DIGEST#{day}"


def digest_key(day: str, event_id: str) -> Key:
    return digest_pk(day), event_id


# -- imports ------------------------------------------------------------------------------------


IMPORT_SOURCE_SK = "SOURCE"


def import_source_key(fingerprint: str) -> Key:
    """Which event an import of this source event (openevent.source_fingerprint) updates."""
    return f"IMPORTSOURCE#{fingerprint}", IMPORT_SOURCE_SK


# -- schedule releases ---------------------------------------------------------------------------

SCHEDULE_RELEASE_SK_PREFIX = "SCHEDULERELEASE#"


def schedule_release_key(event_id: str, number: int) -> Key:
    """The event's `number`th schedule release (1, 2, …): the sort key orders them as made, also
    two in one clock tick."""
    return event_pk(event_id), f"{SCHEDULE_RELEASE_SK_PREFIX}{number:06d}"


def schedule_head_key(event_id: str) -> Key:
    """Names the event's latest schedule release: each release is written on the condition that
    the head still names the release its changes were computed from."""
    return event_pk(event_id), "SCHEDULEHEAD"


def schedule_version_key(event_id: str, version: str) -> Key:
    """Held by the release that took this version string (compared casefolded) in the event."""
    digest = hashlib.sha256(version.strip().casefold().encode()).hexdigest()[:32]
    return event_pk(event_id), f"SCHEDULEVERSION#{digest}"


def wire(key: Key) -> dict[str, dict[str, str]]:
    """A key in DynamoDB's wire format, for the raw calls in db/table.py."""
    return {"pk": {"S": key[0]}, "sk": {"S": key[1]}}
