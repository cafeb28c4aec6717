"""Every route × every actor, checked against a table of expected answers written out below by
hand (never read from the production permission table), plus the scoped cells: a track
organizer creating and moving sessions inside and outside their track.

Routes come from ENDPOINTS, and a test fails when one has no row below, so a new route needs a
row. Actors are made through the API. A denied request must leave the table exactly as it was,
and no response to a non-admin may carry a password hash, a token or another user's email.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import pytest
from support.api import unique_email

pytestmark = pytest.mark.integration

EVENT_ROLE_OF = {
    "organizer": "organizer",
    "coorganizer": "coorganizer",
    "track_organizer_this": "track_organizer",
    "track_organizer_other": "track_organizer",
    "moderator": "moderator",
    "reviewer": "reviewer",
    "reviewer_other": "reviewer",
}
ACTORS = [
    "anonymous",
    "other",
    "speaker",
    "moderator",
    "reviewer",
    "reviewer_other",
    "track_organizer_this",
    "track_organizer_other",
    "coorganizer",
    "organizer",
    "owner",
    "admin",
    "super_admin",
]
DENIALS = {(401, "authentication_required"), (403, "forbidden"), (404, "not_found")}


@pytest.fixture(scope="module")
def people(api) -> Iterator[dict[str, dict[str, Any]]]:
    from chalicelib.domain.accounts import make_super_admin

    found = {name: api.user(name) for name in ACTORS if name not in {"anonymous", "super_admin", "admin"}}
    email = unique_email("super")
    make_super_admin(email=email, password="super admin password", name="Root")  # what create-admin does
    found["super_admin"] = {"email": email, "token": api.login(email, "super admin password")}
    found["super_admin"]["id"] = api.json("GET", "/v1/me", token=found["super_admin"]["token"])["id"]
    found["admin"] = api.user("admin")
    api.json(
        "PATCH",
        f"/v1/users/{found['admin']['id']}",
        {"is_admin": True},
        token=found["super_admin"]["token"],
        expect=200,
    )
    # Whose credentials the login route is called with: the token it answers is the caller's own.
    found["login"] = {**api.user("login"), "token": None}
    found["anonymous"] = {"token": None, "id": "anonymous", "email": None}
    from chalicelib.db.base import Item
    from chalicelib.db.keys import email_key, user_pk

    try:
        from support.stack import KEEP_PARTITIONS  # main's shared-stack helper, once merged
    except ImportError:
        KEEP_PARTITIONS = set()

    # Other modules' tests empty the table between tests; these accounts serve the whole module.
    kept = {key for p in found.values() if p.get("email") for key in (user_pk(p["id"]), email_key(p["email"]))}
    KEEP_PARTITIONS.update(kept)
    yield found
    # Later modules (e.g. the shell's "no super admin yet") must not meet this module's accounts.
    KEEP_PARTITIONS.difference_update(kept)
    connection = Item._get_connection()
    for p in found.values():
        if p.get("email"):
            connection.delete_item(user_pk(p["id"]), "USER")
            connection.delete_item(email_key(p["email"]), "EMAIL")


# The item each content route acts on (sessions and speakers are the scoped ones).
ITEM_OF_SEGMENT = {
    "tracks": ("track", "this"),
    "rooms": ("room", "r1"),
    "session-types": ("session_type", "st1"),
    "sessions": ("session", "s1"),
    "speakers": ("speaker", "spk"),
    "sponsors": ("sponsor", "sp1"),
    "posts": ("post", "p1"),
    "questions": ("question", "q1"),
    "schedule-blocks": ("schedule_block", "b1"),
}


def build_scene(api, people) -> dict[str, Any]:
    """A fresh draft event with an open call for papers, two tracks, one item of every kind (the
    session is the speaker's proposal), a member in every role, an event job and an upload, all
    made by its owner."""
    from datetime import timedelta

    from chalicelib.actors import SYSTEM, Actor
    from chalicelib.clock import clock
    from chalicelib.db import content, keys
    from chalicelib.domain.content import trash_child
    from chalicelib.domain.events import get_event
    from chalicelib.domain.roles import grant_role
    from chalicelib.jobs.enqueue import enqueue
    from chalicelib.request_context import system_context

    owner = people["owner"]
    event = api.json("POST", "/v1/events", {"name": "Matrix Conf"}, token=owner["token"], expect=201)
    event_id = event["id"]
    pk = keys.event_pk(event_id)
    cfp = content.CallForPapers(starts_at=clock().now() - timedelta(days=1), ends_at=clock().now() + timedelta(days=30))
    stored = content.Event.get(pk, "EVENT")
    stored.update(actions=[content.Event.call_for_papers.set(cfp)])
    items = [
        content.Track(pk, keys.child_sk("track", "this"), id="this", event_id=event_id, name="this"),
        content.Track(pk, keys.child_sk("track", "other"), id="other", event_id=event_id, name="other"),
        content.Room(pk, keys.child_sk("room", "r1"), id="r1", event_id=event_id, name="Hall"),
        content.SessionType(pk, keys.child_sk("session_type", "st1"), id="st1", event_id=event_id, name="Talk"),
        content.Speaker(
            pk, keys.child_sk("speaker", "spk"), id="spk", event_id=event_id, name="Speaker",
            user_id=people["speaker"]["id"], session_ids=["s1"],
        ),
        content.Session(
            pk, keys.child_sk("session", "s1"), id="s1", event_id=event_id, title="Talk", track_id="this",
            speaker_ids=["spk"], speaker_user_ids=[people["speaker"]["id"]], state="pending",
        ),
        content.Sponsor(pk, keys.child_sk("sponsor", "sp1"), id="sp1", event_id=event_id, name="ACME"),
        content.Post(pk, keys.child_sk("post", "p1"), id="p1", event_id=event_id, title="News", published=True),
        content.ScheduleBlock(
            pk, keys.child_sk("schedule_block", "b1"), id="b1", event_id=event_id, title="Lunch", block_type="break",
            starts_at=clock().now(), ends_at=clock().now() + timedelta(hours=1),
        ),
        content.Question(
            pk, keys.child_sk("question", "q1"), id="q1", event_id=event_id, label="Why?", question_kind="short_text"
        ),
    ]  # fmt: skip
    for item in items:
        item.save()
    for name, role in EVENT_ROLE_OF.items():
        tracks = {
            "track_organizer_this": ["this"], "track_organizer_other": ["other"], "reviewer": ["this"],
            "reviewer_other": ["other"],
        }.get(name, [])  # fmt: skip
        grant_role(event_id=event_id, user_id=people[name]["id"], role=role, track_ids=tracks)
    from chalicelib.db.review_assignments import ReviewAssignment

    # The reviewer (scoped to track "this") is assigned the speaker's proposal "s1".
    assigned = ReviewAssignment(
        *keys.review_assignment_key(event_id, "s1", people["reviewer"]["id"]), event_id=event_id,
        proposal_id="s1", reviewer_id=people["reviewer"]["id"], manual=True,
    )  # fmt: skip
    assigned.save()
    target = fresh_target()
    grant_role(event_id=event_id, user_id=target, role="moderator")
    binned = content.Track(pk, keys.child_sk("track", "binned"), id="binned", event_id=event_id, name="binned")
    binned.save()
    trash_child(event=get_event(event_id), item=binned, actor=SYSTEM)
    invite = api.json(
        "POST", f"/v1/events/{event_id}/roles", {"email": unique_email("invitee"), "role": "moderator"},
        token=owner["token"], expect=201,
    )  # fmt: skip
    owner_ctx = system_context().with_actor(Actor(id=owner["id"], kind="user"))
    job_id = enqueue("noop", _ctx=owner_ctx, _event_id=event_id)
    upload = api.json(
        "POST", "/v1/uploads",
        {"kind": "event_logo", "filename": "logo.png", "content_type": "image/png", "size": 10, "event_id": event_id},
        token=owner["token"], expect=201,
    )  # fmt: skip
    mail = queued_mail(event_id)
    return {
        "event_id": event_id, "user_id": target, "job_id": job_id, "upload_id": upload["id"],
        "kind": "track", "trashed_id": "binned", "invite_id": invite["id"], "session_id": "s1",
        "proposal_id": "s1", "reviewer_id": people["reviewer"]["id"],
        "name": "proposal_accepted", "mail_id": mail.id,
        "items": {item.sk: item for item in items},
    }  # fmt: skip


def queued_mail(event_id: str):
    """A queued outbox mail of the scene's event (to an address none of the actors has)."""
    from chalicelib.domain.mail_templates import RenderedMail
    from chalicelib.domain.outbox import add

    mail = RenderedMail("Slides please", "Hello, your slides?", None)
    return add(event_id=event_id, to="listener@example.org", mail=mail, template="proposal_reminder", session_id="s1")


def fresh_target() -> str:
    """The user routes act on, new for each scene: deleting it is one of the cells."""
    from chalicelib.domain.accounts import create_user

    return create_user(email=unique_email("target"), password="target password", name="Target").id


def route_params(spec, scene) -> tuple[dict[str, str], Any]:
    """Path parameters for `spec` and the item it acts on (None for lists and other routes)."""
    params = {k: v for k, v in scene.items() if isinstance(v, str)}
    segment = spec.path.split("/")[3] if spec.path.startswith("/events/{event_id}/") else ""
    if "{item_id}" in spec.path and segment in ITEM_OF_SEGMENT:
        kind, item_id = ITEM_OF_SEGMENT[segment]
        from chalicelib.db.keys import child_sk

        return params | {"item_id": item_id}, scene["items"][child_sk(kind, item_id)]
    return params, None


# -- who may do what, by hand ----------------------------------------------------------------
# The scene: a draft event owned by "owner", with tracks "this" and "other", one item of each
# kind, and the speaker's pending proposal "s1" in track "this". "track_organizer_this" runs
# track "this", "track_organizer_other" track "other". "speaker" has no role in the event: only
# their own profile "spk" and talk "s1" are theirs. "other" is a signed-in stranger. "reviewer"
# reviews track "this" (so "s1"), "reviewer_other" track "other": neither has any content route;
# "reviewer" is assigned "s1".
EVERYONE = frozenset(ACTORS)
SIGNED_IN = EVERYONE - {"anonymous"}
ADMINS = frozenset({"admin", "super_admin"})
OWNER = ADMINS | {"owner"}  # the owner and site admins
MANAGERS = OWNER | {"organizer"}  # ... and organizers
EDITORS = MANAGERS | {"coorganizer"}  # ... and coorganizers (who neither create nor delete)
TEAM = EDITORS | {"moderator", "track_organizer_this", "track_organizer_other"}  # every role: they read
REVIEWERS = frozenset({"reviewer", "reviewer_other"})  # they read the event and review, nothing else

# Per kind of event child: who lists, creates (the sample names no track), reads, edits, trashes.
CHILDREN = {
    "tracks": {"list": TEAM, "create": MANAGERS, "read": TEAM, "update": EDITORS | {"track_organizer_this"},
               "delete": MANAGERS},
    "rooms": {"list": TEAM, "create": MANAGERS, "read": TEAM, "update": EDITORS, "delete": MANAGERS},
    "session-types": {"list": TEAM, "create": MANAGERS, "read": TEAM, "update": EDITORS, "delete": MANAGERS},
    "sessions": {"list": TEAM, "create": MANAGERS, "read": TEAM | {"speaker"},
                 "update": EDITORS | {"track_organizer_this", "speaker"}, "delete": MANAGERS | {"track_organizer_this"}},
    "speakers": {"list": TEAM, "create": MANAGERS, "read": TEAM | {"speaker"}, "update": EDITORS | {"speaker"},
                 "delete": MANAGERS},
    "sponsors": {"list": TEAM, "create": MANAGERS, "read": TEAM, "update": EDITORS, "delete": MANAGERS},
    "posts": {"list": TEAM, "create": MANAGERS, "read": TEAM, "update": EDITORS, "delete": MANAGERS},
    "schedule-blocks": {"list": TEAM, "create": MANAGERS, "read": TEAM, "update": EDITORS, "delete": MANAGERS},
}  # fmt: skip
CHILD_METHODS = {"list": ("GET", ""), "create": ("POST", ""), "read": ("GET", "/{item_id}"),
                 "update": ("PATCH", "/{item_id}"), "delete": ("DELETE", "/{item_id}")}  # fmt: skip

EXPECTED: dict[tuple[str, str], frozenset[str]] = {
    ("GET", "/health"): EVERYONE,
    ("GET", "/openapi.json"): EVERYONE,
    ("POST", "/auth/signup"): EVERYONE,
    ("POST", "/auth/verify"): EVERYONE,
    ("POST", "/auth/login"): EVERYONE,
    ("POST", "/auth/password-reset"): EVERYONE,
    ("POST", "/auth/password-reset/confirm"): EVERYONE,
    ("GET", "/me"): SIGNED_IN,
    ("PATCH", "/me"): SIGNED_IN,
    ("POST", "/me/password"): SIGNED_IN,
    ("POST", "/me/email"): SIGNED_IN,
    ("POST", "/auth/email-change/confirm"): EVERYONE,  # the mailed token decides (a made-up one: 410)
    ("GET", "/events"): EVERYONE,  # each sees the events they may
    ("POST", "/events"): SIGNED_IN,
    ("POST", "/imports"): SIGNED_IN,
    ("POST", "/invites/accept"): SIGNED_IN,
    ("POST", "/uploads"): SIGNED_IN,
    ("POST", "/uploads/{upload_id}/complete"): frozenset({"owner"}),  # only who asked for the upload
    ("GET", "/jobs/{job_id}"): EDITORS,  # the owner's event job: its requester, the organizers, admins
    ("GET", "/trash"): SIGNED_IN,  # each sees the trash of their own events
    ("DELETE", "/trash/{kind}/{trashed_id}"): MANAGERS,  # a trashed track of the event
    ("POST", "/trash/{kind}/{trashed_id}/restore"): MANAGERS,
    ("GET", "/audit"): ADMINS,
    ("GET", "/users"): ADMINS,
    ("GET", "/users/{user_id}"): ADMINS,  # a plain user none of the actors is
    ("DELETE", "/users/{user_id}"): ADMINS,
    ("GET", "/users/{user_id}/removal"): ADMINS,  # what trashing them would take
    ("PATCH", "/users/{user_id}"): frozenset({"super_admin"}),  # granting the admin role
    ("GET", "/events/{event_id}"): TEAM | REVIEWERS,
    ("PATCH", "/events/{event_id}"): EDITORS,
    ("DELETE", "/events/{event_id}"): OWNER,
    ("GET", "/events/{event_id}/removal"): OWNER,  # what the trash would take: whoever may trash it
    ("POST", "/events/{event_id}/publish"): MANAGERS,
    ("POST", "/events/{event_id}/unpublish"): MANAGERS,
    ("POST", "/events/{event_id}/owner"): OWNER,
    ("POST", "/events/{event_id}/exports"): MANAGERS,
    ("GET", "/events/{event_id}/jobs"): EDITORS,
    ("GET", "/events/{event_id}/roles"): EDITORS | {"moderator"},
    ("POST", "/events/{event_id}/roles"): MANAGERS,
    ("DELETE", "/events/{event_id}/roles/{user_id}"): MANAGERS,
    ("DELETE", "/events/{event_id}/invites/{invite_id}"): MANAGERS,
    ("GET", "/events/{event_id}/call-for-papers"): TEAM,
    ("PUT", "/events/{event_id}/call-for-papers"): EDITORS,
    ("PATCH", "/events/{event_id}/call-for-papers"): EDITORS,
    ("GET", "/events/{event_id}/call-for-papers/proposals"): TEAM | REVIEWERS,  # anyone who sees the draft event
    ("POST", "/events/{event_id}/call-for-papers/proposals"): TEAM | REVIEWERS,
    # Review: settings and queues for the team and reviewers; "s1" (track "this") only for its track's
    # reviewer; writing a review only for reviewers (review is closed in the scene: a 409, no denial);
    # the dashboard and decisions for the organizers.
    ("GET", "/events/{event_id}/review/settings"): EDITORS | REVIEWERS,
    ("PATCH", "/events/{event_id}/review/settings"): EDITORS,
    ("GET", "/events/{event_id}/review/proposals"): EDITORS | REVIEWERS,
    ("GET", "/events/{event_id}/review/proposals/{session_id}"): EDITORS | {"reviewer"},
    ("PUT", "/events/{event_id}/review/proposals/{session_id}/review"): frozenset({"reviewer"}),
    ("GET", "/events/{event_id}/review/dashboard"): EDITORS,
    ("GET", "/events/{event_id}/review/reviewers"): EDITORS | REVIEWERS,
    ("POST", "/events/{event_id}/review/decisions"): EDITORS,
    # The speaker portal: the caller's own profile and dashboard; co-speakers are invited by the
    # proposal's speaker alone; a mailed invite is accepted by whoever signed in (the view checks
    # the address: a made-up token is 410); availability is the speaker's and the editors'.
    ("GET", "/me/speaker-profile"): SIGNED_IN,
    ("PUT", "/me/speaker-profile"): SIGNED_IN,
    ("GET", "/me/proposals"): SIGNED_IN,
    ("POST", "/events/{event_id}/sessions/{item_id}/co-speakers"): frozenset({"speaker"}),
    ("POST", "/co-speaker-invites/accept"): SIGNED_IN,
    ("PUT", "/events/{event_id}/speakers/{item_id}/availability"): EDITORS | {"speaker"},
    ("POST", "/events/{event_id}/review-assignments"): MANAGERS,
    ("GET", "/events/{event_id}/review-assignments"): EDITORS | REVIEWERS,  # a reviewer: their own
    ("GET", "/events/{event_id}/review-assignments/loads"): EDITORS,
    ("DELETE", "/events/{event_id}/review-assignments/{proposal_id}/{reviewer_id}"): MANAGERS,
    ("POST", "/events/{event_id}/review-conflicts"): REVIEWERS,
    # Custom questions: the team reads them (and so does anyone who may propose to a published
    # event); organizers keep them, coorganizers edit and reorder but neither add nor delete.
    ("GET", "/events/{event_id}/questions"): TEAM | REVIEWERS,  # reviewers read the answers too
    ("POST", "/events/{event_id}/questions"): MANAGERS,
    ("GET", "/events/{event_id}/questions/{item_id}"): TEAM | REVIEWERS,
    ("PATCH", "/events/{event_id}/questions/{item_id}"): EDITORS,
    ("DELETE", "/events/{event_id}/questions/{item_id}"): MANAGERS,
    ("PUT", "/events/{event_id}/questions-order"): EDITORS,
    # Mail: coorganizers read templates and the outbox; changing and sending is the organizers'.
    ("GET", "/events/{event_id}/mail-templates"): EDITORS,
    ("PUT", "/events/{event_id}/mail-templates/{name}"): MANAGERS,
    ("DELETE", "/events/{event_id}/mail-templates/{name}"): MANAGERS,
    ("POST", "/events/{event_id}/mail-templates/{name}/preview"): EDITORS,
    ("GET", "/events/{event_id}/outbox"): EDITORS,
    ("PATCH", "/events/{event_id}/outbox/{mail_id}"): MANAGERS,
    ("DELETE", "/events/{event_id}/outbox/{mail_id}"): MANAGERS,
    ("POST", "/events/{event_id}/outbox/send"): MANAGERS,
    ("POST", "/events/{event_id}/outbox/compose"): MANAGERS,
    ("GET", "/events/{event_id}/notifications"): EDITORS,  # each their own choice
    ("PUT", "/events/{event_id}/notifications"): EDITORS,
    # The schedule's conflicts name talks of every state: the team reads them, reviewers do not.
    ("GET", "/events/{event_id}/schedule/conflicts"): TEAM,
    # Schedule releases: the organizers release (a coorganizer edits the schedule but does not
    # release it); the team reads the releases and the draft changes.
    ("POST", "/events/{event_id}/schedule/releases"): MANAGERS,
    ("GET", "/events/{event_id}/schedule/releases"): TEAM,
    ("GET", "/events/{event_id}/schedule/draft-changes"): TEAM,
} | {
    (method, f"/events/{{event_id}}/{segment}{suffix}"): who
    for segment, verbs in CHILDREN.items()
    for verb, who in verbs.items()
    for method, suffix in [CHILD_METHODS[verb]]
}

# Scoped cells (method, path, body): who succeeds (2xx); every other actor is refused and
# nothing is written. The session "s1" is the speaker's pending proposal in track "this".
SCOPED_CELLS = [
    ("POST", "sessions", {"title": "In this", "track_id": "this"}, MANAGERS | {"track_organizer_this"}),
    ("POST", "sessions", {"title": "In other", "track_id": "other"}, MANAGERS | {"track_organizer_other"}),
    # Moving "s1" out of track "this": not for either track organizer; the speaker may move
    # their own pending proposal.
    ("PATCH", "sessions/s1", {"track_id": "other"}, EDITORS | {"speaker"}),
    # Accepting it is a review: organizers and the track's organizer, never its speaker.
    ("PATCH", "sessions/s1", {"state": "accepted"}, EDITORS | {"track_organizer_this"}),
    # Internal comments and featuring a speaker are the organizers' fields.
    ("PATCH", "sessions/s1", {"comments": "Strong"}, EDITORS | {"track_organizer_this"}),
    ("PATCH", "speakers/spk", {"featured": True}, EDITORS),
    # Answers to the custom questions are part of the proposal: its speaker and its editors write them.
    ("PATCH", "sessions/s1", {"answers": {"q1": "Because"}}, EDITORS | {"track_organizer_this", "speaker"}),
]


def sample_value(name: str, spec) -> Any:
    if spec.choices:
        return spec.choices[-1]
    if spec.format == "email":
        return unique_email("matrix")
    return {
        "string": "x" * max(spec.min_length, 12),
        "integer": int(spec.minimum or 1),
        "number": 1,
        "boolean": True,
        "array": [],
        "object": {},
    }[spec.kind]


CFP_DATES = {"opens_at": "2026-01-01T09:00:00+00:00", "closes_at": "2026-02-01T09:00:00+00:00"}


def request_body(spec, people, scene, actor: str = "anonymous") -> dict[str, Any] | None:
    overrides = {
        # An import names an upload in the caller's own folder (a view-level rule beyond the table).
        ("POST", "/imports"): {"upload_key": f"imports/{people[actor].get('id')}/export.zip"},
        ("POST", "/auth/login"): {"email": people["login"]["email"], "password": people["login"]["password"]},
        ("PATCH", "/me"): {"name": "Renamed"},
        ("POST", "/events/{event_id}/owner"): {"user_id": scene["user_id"]},
        ("PUT", "/events/{event_id}/call-for-papers"): CFP_DATES | {"privacy": "private"},
        ("PATCH", "/events/{event_id}/call-for-papers"): {"announcement": "Send us your talks"},
        ("POST", "/events/{event_id}/review-assignments"): {"auto": True, "per_proposal": 1},
        ("POST", "/events/{event_id}/review-conflicts"): {"proposal_id": "s1"},
        ("PUT", "/events/{event_id}/questions-order"): {"order": ["q1"]},
        ("PATCH", "/events/{event_id}/questions/{item_id}"): {"label": "Why not?", "version": 1},
        ("POST", "/events/{event_id}/mail-templates/{name}/preview"): {"session_id": "s1"},
        ("POST", "/events/{event_id}/outbox/send"): {"mail_ids": [scene["mail_id"]]},
        ("POST", "/events/{event_id}/outbox/compose"): {"template": "proposal_reminder", "delivery": "queue"},
        ("PATCH", "/events/{event_id}/outbox/{mail_id}"): {"subject": "Slides, please"},
    }
    if (spec.method, spec.path) in overrides:
        return overrides[(spec.method, spec.path)]
    if spec.body is None:
        return None
    return {name: sample_value(name, spec.body.fields[name]) for name in sorted(spec.body.required)}


class TableWatch:
    """Every write to the table shows up on its stream: reading the stream after a request says
    whether it changed anything, anywhere in the table, at the cost of one call."""

    def __init__(self, stream_arn: str) -> None:
        import boto3

        self.streams = boto3.client("dynamodbstreams", region_name="us-east-1")
        shards = self.streams.describe_stream(StreamArn=stream_arn)["StreamDescription"]["Shards"]
        self.iterators = [
            self.streams.get_shard_iterator(StreamArn=stream_arn, ShardId=shard["ShardId"], ShardIteratorType="LATEST")[
                "ShardIterator"
            ]
            for shard in shards
        ]

    def changes(self) -> list[str]:
        """The keys written since the last call."""
        written = []
        for index, iterator in enumerate(self.iterators):
            while True:
                answer = self.streams.get_records(ShardIterator=iterator, Limit=1000)
                iterator = answer["NextShardIterator"]
                keys = [r["dynamodb"]["Keys"] for r in answer["Records"]]
                written += [f"{k['pk']['S']} {k['sk']['S']}" for k in keys]
                if not answer["Records"]:
                    break
            self.iterators[index] = iterator
        return written


def secrets_in_play(people) -> set[str]:
    """Access tokens of every actor and every mailed one-time code."""
    from chalicelib.db.jobs import Job

    codes = {m.group(1) for j in Job.scan(Job.name == "send_email") for m in re.finditer(r"code: (\S+)", j.args)}
    return {p["token"] for p in people.values() if p.get("token")} | codes


def leaks(body: bytes, actor: str, people) -> list[str]:
    text = body.decode()
    found = ["password hash"] if "$argon2" in text or "password_hash" in text else []
    found += [f"the token of {name}" for name, p in people.items() if p.get("token") and p["token"] in text]
    found += [
        f"the email of {name}" for name, p in people.items() if name != actor and p.get("email") and p["email"] in text
    ]
    return found


def test_every_route_declares_a_known_action():
    from app import app
    from chalicelib.api.fallback import CATCH_ALL
    from chalicelib.api.http import ENDPOINTS
    from chalicelib.domain.permissions import is_known_action

    declared = {("/v1" + e.path, e.method): e.action for e in ENDPOINTS}
    registered = {
        (path, method)
        for path, views in app.routes.items()
        for method, entry in views.items()
        if path != CATCH_ALL and not entry.view_name.startswith("method_not_allowed_")
    }

    assert registered == set(declared)
    assert [route for route, action in declared.items() if not action or not is_known_action(action)] == []


def test_every_route_has_a_row_of_expected_answers():
    from chalicelib.api.http import ENDPOINTS

    assert sorted({(e.method, e.path) for e in ENDPOINTS}) == sorted(EXPECTED)


@pytest.mark.parametrize("actor", ACTORS)
def test_permission_matrix(actor, api, people, stack, figure):
    """One actor on every route: a test per actor, so the workers share the matrix."""
    from chalicelib.api.http import ENDPOINTS

    watch = TableWatch(stack.table_stream_arn)  # each cell's request, then one read: what it wrote
    scene, mismatches, changed, leaked, cells = None, [], [], [], 0
    routes = {(e.path, e.method): e for e in ENDPOINTS}
    for _, spec in sorted(routes.items()):
        if scene is None:
            scene = build_scene(api, people)
            watch.changes()  # the scene's own writes; otherwise the last cell's read left the stream at its end
        params, _ = route_params(spec, scene)
        path = "/v1" + spec.path.format(**params)
        allowed = actor in EXPECTED[(spec.method, spec.path)]

        response = api.call(spec.method, path, request_body(spec, people, scene, actor), token=people[actor]["token"])

        written = watch.changes()
        body = json.loads(response.body) if response.body else {}
        code = (body.get("error") or {}).get("code") if isinstance(body, dict) else None
        if ((response.status_code, code) in DENIALS) == allowed:
            mismatches.append(
                f"{actor} {spec.method} {spec.path}: {response.status_code} {code}, "
                f"table says {'allow' if allowed else 'deny'}"
            )
        if not allowed and written:
            changed.append(f"{actor} {spec.method} {spec.path} wrote {written}")
        if actor not in ("admin", "super_admin"):
            leaked += [f"{actor} {spec.method} {spec.path}: {what}" for what in leaks(response.body, actor, people)]
        if written:
            scene = None  # the next cell gets a fresh event
        cells += 1
    for method, where, body, succeeds in SCOPED_CELLS:
        if scene is None:
            scene = build_scene(api, people)
            watch.changes()
        path = f"/v1/events/{scene['event_id']}/{where}"
        if method == "PATCH":
            body = body | {"version": 1}  # the scene's items are at their first version

        response = api.call(method, path, body, token=people[actor]["token"])

        written = watch.changes()
        if (response.status_code < 300) != (actor in succeeds):
            mismatches.append(f"{actor} {method} {where} {body}: {response.status_code}, expected "
                              f"{'success' if actor in succeeds else 'a refusal'}")  # fmt: skip
        if actor not in succeeds and written:
            changed.append(f"{actor} {method} {where} {body} wrote {written}")
        if written:
            scene = None
        cells += 1
    figure("matrix cells checked", cells)

    assert mismatches == []
    assert changed == []
    assert leaked == []


def test_a_denied_request_leaves_every_item_as_it_was(api, people):
    # The stream check above sees writes; this compares the whole table once, as a backstop.
    scene = build_scene(api, people)
    before = table_state()

    answers = [
        api.call(
            "DELETE", f"/v1/events/{scene['event_id']}/roles/{scene['user_id']}", token=people[actor]["token"]
        ).status_code
        for actor in ("moderator", "coorganizer", "other")
    ]

    assert answers == [403, 403, 404]
    assert table_state() == before


def table_state() -> list[str]:
    """Every item of the table (a test-only Scan)."""
    import boto3
    from chalicelib.settings import settings

    ddb = boto3.client("dynamodb", region_name="us-east-1")
    items = []
    for page in ddb.get_paginator("scan").paginate(TableName=settings().table_name, ConsistentRead=True):
        items += [json.dumps(item, sort_keys=True) for item in page["Items"]]
    return sorted(items)


def test_no_mailed_code_or_token_reaches_a_listing(api, people):
    # The role list of an event with a pending invite shows neither the code nor the full email.
    scene = build_scene(api, people)
    invited = unique_email("invitee")
    api.json(
        "POST",
        f"/v1/events/{scene['event_id']}/roles",
        {"email": invited, "role": "moderator"},
        token=people["owner"]["token"],
        expect=201,
    )

    listing = api.call("GET", f"/v1/events/{scene['event_id']}/roles", token=people["organizer"]["token"]).body.decode()

    assert [s for s in secrets_in_play(people) if s in listing] == []
    assert invited not in listing
