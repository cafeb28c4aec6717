"""Every output path, for every audience: each private field reaches only the audiences
README's "Who sees what" names.

Each private value is a distinctive marker; every answer, export file, site file and mail is
searched for them byte by byte (lowercased, as emails are stored lowercased).
"""

from __future__ import annotations

import io
import json
import zipfile

import pytest
from support.api import Api, mails_to

pytestmark = pytest.mark.integration

# marker -> who may see it, in README's terms.
SPEAKER_MARKERS = {
    "email": "private-speaker-email-marker@x.test",
    "phone": "private-phone-marker",
    "gender": "private-gender-marker",
    "heard_from": "private-heard-from-marker",
    "speaking_experience": "private-experience-marker",
    "sponsorship_required": "private-sponsorship-marker",
}
COMMENT = "private-comment-marker"
EVENT_EMAIL = "private-event-email-marker@x.test"
UNPUBLISHED = "unpublished-speaker-marker"  # the name of a speaker whose only talk is rejected
ANSWER = "organizer-only-answer-marker"  # the accepted talk's answer to an organizers-only question
PUBLISHED_ANSWER = "published-answer-marker"  # its answer to a question published with the session
BLOCKER = "blocker-title-marker"  # a schedule blocker's title (breaks are public, blockers the team's)
ORGANIZERS = {"owner", "organizer", "coorganizer", "admin"}
MEMBERS = ORGANIZERS | {"moderator", "track_organizer"}
SEES = {
    **{marker: ORGANIZERS | {"speaker"} for marker in SPEAKER_MARKERS.values()},
    COMMENT: ORGANIZERS,
    EVENT_EMAIL: ORGANIZERS,
    UNPUBLISHED: MEMBERS,
    ANSWER: ORGANIZERS | {"speaker", "reviewer"},  # reviewers read answers (not identifying ones when anonymised)
    BLOCKER: MEMBERS,
}
# A reviewer sees none of the markers: anonymised review (the default) names no speaker anywhere.
AUDIENCES = ["anonymous", "outsider", "speaker", "moderator", "track_organizer", "reviewer", "coorganizer", "organizer",
             "owner", "admin"]  # fmt: skip
SEES[PUBLISHED_ANSWER] = set(AUDIENCES)
SEGMENTS = ["tracks", "rooms", "session-types", "sessions", "speakers", "sponsors", "posts", "schedule-blocks"]


def markers_in(data: bytes | str) -> set[str]:
    text = (data if isinstance(data, str) else data.decode("utf-8", "replace")).lower()
    return {marker for marker in SEES if marker in text}


@pytest.fixture
def api(stack):
    """The API on a stack emptied afterwards (as tests/api's writing_api)."""
    from app import app
    from chalice.test import Client

    with Client(app) as client:
        yield Api(client)


@pytest.fixture
def scene(api):
    """A published event with every role, a linked speaker with an accepted talk and every private
    field set, and a second speaker whose only talk is rejected."""
    from chalicelib.db.content import Event, Speaker
    from chalicelib.db.keys import child_key, event_pk
    from chalicelib.domain.accounts import set_admin
    from chalicelib.domain.roles import grant_role

    people = {name: api.user(name) for name in AUDIENCES if name != "anonymous"}
    people["anonymous"] = {"token": None, "email": None}
    set_admin(user_id=people["admin"]["id"], is_admin=True)
    owner = people["owner"]
    event = api.dated_event(owner, "Visibility Conf", year=2030)
    base = f"/v1/events/{event['id']}"
    track = api.json("POST", f"{base}/tracks", {"name": "Web"}, token=owner["token"], expect=201)
    for role in ("organizer", "coorganizer", "moderator", "track_organizer", "reviewer"):
        grant_role(event_id=event["id"], user_id=people[role]["id"], role=role, track_ids=[track["id"]])
    Event.get(event_pk(event["id"]), "EVENT").update(actions=[Event.email.set(EVENT_EMAIL)])

    fields = {"name": "Ada", "email": SPEAKER_MARKERS["email"], "phone": SPEAKER_MARKERS["phone"]}
    speaker = api.json("POST", f"{base}/speakers", fields, token=owner["token"], expect=201)
    answers = {n: v for n, v in SPEAKER_MARKERS.items() if n not in ("email", "phone")}
    stored = Speaker.get(*child_key(event["id"], "speaker", speaker["id"]))
    stored.update(
        actions=[Speaker.user_id.set(people["speaker"]["id"])]
        + [getattr(Speaker, name).set(value) for name, value in answers.items()]
    )
    hidden = api.json("POST", f"{base}/speakers", {"name": UNPUBLISHED}, token=owner["token"], expect=201)
    asked = [{"label": "Note", "kind": "short_text"}, {"label": "Repo", "kind": "short_text", "visibility": "public"}]
    private_q, public_q = (api.json("POST", f"{base}/questions", q, token=owner["token"], expect=201)["id"] for q in asked)
    answers = {private_q: ANSWER, public_q: PUBLISHED_ANSWER}
    talks = {}
    for title, speaker_id, state in (("Shown talk", speaker["id"], "accepted"), ("Refused", hidden["id"], "rejected")):
        body = {"title": title, "speaker_ids": [speaker_id], "comments": COMMENT, "track_id": track["id"]}
        body |= {"answers": answers} if state == "accepted" else {}
        created = api.json("POST", f"{base}/sessions", body, token=owner["token"], expect=201)
        path = f"{base}/sessions/{created['id']}"
        talks[title] = api.json("PATCH", path, {"state": state, "version": created["version"]},
                                token=owner["token"], expect=200)  # fmt: skip
    when = {"starts_at": "2030-03-22T12:00:00+08:00", "ends_at": "2030-03-22T13:00:00+08:00"}
    for title, block_type in (("Lunch", "break"), (BLOCKER, "blocker")):
        api.json("POST", f"{base}/schedule-blocks", {"title": title, "block_type": block_type, **when},
                 token=owner["token"], expect=201)  # fmt: skip
    api.json("POST", f"{base}/publish", token=owner["token"], expect=200)
    return {"people": people, "event": event, "speaker": speaker, "hidden": hidden, "talks": talks}


def api_answers(api, scene, who: str) -> list[bytes]:
    """Every API answer `who` gets: the event, its list, every child list and item, the 409 of a
    stale edit (or the refusal), and the error for a missing item."""
    token, event = scene["people"][who]["token"], scene["event"]
    base = f"/v1/events/{event['id']}"
    calls = [("GET", base, None), ("GET", "/v1/events", None), ("GET", f"{base}/sessions/nosuchitem0", None)]
    calls += [("GET", f"{base}/{segment}", None) for segment in SEGMENTS]
    calls.append(("GET", f"{base}/schedule/conflicts", None))
    calls += [("GET", f"{base}/review/{path}", None) for path in ("proposals", "dashboard", "reviewers", "settings")]
    items = [("speakers", scene["speaker"]), ("speakers", scene["hidden"])]
    items += [("sessions", talk) for talk in scene["talks"].values()]
    for segment, item in items:
        calls.append(("GET", f"{base}/{segment}/{item['id']}", None))
        calls.append(("PATCH", f"{base}/{segment}/{item['id']}", {"version": item["version"] - 1}))
    for talk in scene["talks"].values():
        calls.append(("GET", f"{base}/review/proposals/{talk['id']}", None))
        calls.append(("PUT", f"{base}/review/proposals/{talk['id']}/review", {"abstain": True, "version": 99}))
    return [api.call(method, path, body, token).body for method, path, body in calls]


def export_files(scene, who: str) -> list[bytes]:
    """The export job's files, for those the permission table lets export."""
    from chalicelib.actors import Actor
    from chalicelib.domain.exports import export_files as files
    from chalicelib.domain.permissions import decide, event_and_role, relations_of
    from chalicelib.domain.projections import audience_for

    person = scene["people"][who]
    if person["token"] is None:
        return []
    roles = frozenset({"admin"}) if who == "admin" else frozenset()
    actor = Actor(id=person["id"], kind="user", roles=roles)
    event, role = event_and_role(actor, scene["event"]["id"])
    if not decide(relations_of(actor, event=event, role=role), "event.export"):
        return []
    return list(files(event_id=scene["event"]["id"], audience=audience_for(actor, event_id=event.id)).values())


def site_files(scene) -> list[bytes]:
    """Pages, feeds, calendars, the search index and each file inside the public Open Event export
    (a zip: searched once unpacked) of the event's public site."""
    from chalicelib.site.from_db import load_bundle
    from chalicelib.site.render import render_event

    found = []
    for path, data in render_event(load_bundle(scene["event"]["id"]), base_url="http://podium.test").items():
        if path.endswith(".zip"):
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                found += [archive.read(name) for name in archive.namelist()]
        else:
            found.append(data)
    return found


def test_each_private_field_reaches_only_the_audiences_readme_names(api, scene):
    seen: dict[str, set[str]] = {}
    for who in AUDIENCES:
        outputs = api_answers(api, scene, who) + export_files(scene, who)
        email = scene["people"][who]["email"]
        outputs += [json.dumps([m["subject"], m["text"], m.get("html")]) for m in mails_to(email)] if email else []
        seen[who] = set().union(*(markers_in(o) for o in outputs))
    seen["anonymous"] |= set().union(*(markers_in(f) for f in site_files(scene)))

    leaks = {who: sorted(m for m in found if who not in SEES[m]) for who, found in seen.items()}
    assert leaks == {who: [] for who in AUDIENCES}
    # Not vacuous: each audience sees every marker README gives it.
    assert seen == {
        who: {m for m, audiences in SEES.items() if who in audiences} for who in AUDIENCES
    }


def test_speakers_own_profile_shows_them_their_private_fields(api, scene):
    token, base = scene["people"]["speaker"]["token"], f"/v1/events/{scene['event']['id']}"

    own = api.json("GET", f"{base}/speakers/{scene['speaker']['id']}", token=token, expect=200)

    assert {name: own[name] for name in SPEAKER_MARKERS} == SPEAKER_MARKERS
