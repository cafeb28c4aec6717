"""Review over HTTP (chalice test client, real tokens): reviewers invited by role, limited to their
tracks and never their own talk; criteria, scores, abstentions and phases; others' reviews after
one's own; the dashboard's figures, filters, sorts and pages; bulk decisions that mail each speaker
once; and anonymised review, where nothing of a speaker reaches a reviewer on any route."""

from __future__ import annotations

import json

import pytest
from support.api import days_from_now, mails_to, unique_email

pytestmark = pytest.mark.integration

# Distinctive values of the speakers' identity: none may reach an anonymised reviewer.
MARKERS = {
    "name": "Zebediah Markerson",
    "short_biography": "biography-marker-zq",
    "long_biography": "long-biography-marker-zq",
    "organisation": "organisation-marker-zq",
    "position": "position-marker-zq",
    "website": "https://website-marker-zq.example.org/",
    "twitter": "twitter-marker-zq",
    "photo_url": "https://photo-marker-zq.example.org/me.png",
    "phone": "phone-marker-zq",
}
CRITERIA = [
    {"id": "content", "name": "Content", "minimum": 1, "maximum": 5, "weight": 2},
    {"id": "delivery", "name": "Delivery", "minimum": 1, "maximum": 5, "weight": 1},
]


@pytest.fixture
def api(writing_api):
    return writing_api



class Scene:
    """A published event with tracks A and B, an open call for papers, two proposals (one per track) by
    speakers whose profiles carry MARKERS, a draft session in A, and reviewers: `ra` for track A,
    `rall` for every track; review open with CRITERIA."""

    def __init__(self, api, owner) -> None:
        self.api, self.owner = api, owner
        event = api.dated_event(owner, "Review Conf", year=2030)
        self.event_id = event["id"]
        self.base = f"/v1/events/{self.event_id}"
        self.track_a = self.post("/tracks", {"name": "Track A"})["id"]
        self.track_b = self.post("/tracks", {"name": "Track B"})["id"]
        cfp = {"opens_at": days_from_now(-1), "closes_at": days_from_now(30)}
        api.json("PUT", f"{self.base}/call-for-papers", cfp, token=owner["token"], expect=200)
        api.json("POST", f"{self.base}/publish", token=owner["token"], expect=200)  # speakers see it
        self.speaker = api.user("speakerone")
        self.speaker2 = api.user("speakertwo")
        self.p1 = self.submit(self.speaker, "Talk in A", self.track_a)
        self.p2 = self.submit(self.speaker2, "Talk in B", self.track_b)
        for user in (self.speaker, self.speaker2):
            self.mark_profile(user)
        self.draft = self.post("/sessions", {"title": "Draft in A", "track_id": self.track_a, "state": "draft"})
        self.ra = self.reviewer("ra", [self.track_a])
        self.rall = self.reviewer("rall", [])
        self.settings({"phase": "open", "criteria": CRITERIA})

    def post(self, path: str, body: dict) -> dict:
        return self.api.json("POST", self.base + path, body, token=self.owner["token"], expect=201)

    def submit(self, user: dict, title: str, track_id: str) -> dict:
        body = {"title": title, "short_abstract": "Why it matters", "track_id": track_id}
        return self.api.json("POST", f"{self.base}/call-for-papers/proposals", body, token=user["token"], expect=201)

    def mark_profile(self, user: dict) -> None:
        """The speaker's profile in the event gets every marker (and the speaker's email is private already)."""
        from chalicelib.domain.call_for_papers import speaker_id_for

        speaker_id = speaker_id_for(event_id=self.event_id, user_id=user["id"])
        path = f"{self.base}/speakers/{speaker_id}"
        current = self.api.json("GET", path, token=self.owner["token"], expect=200)
        body = MARKERS | {"version": current["version"]}
        self.api.json("PATCH", path, body, token=self.owner["token"], expect=200)

    def reviewer(self, tag: str, track_ids: list[str]) -> dict:
        """A user invited as reviewer through the API, who accepts the mailed invite."""
        from support.api import mailed_code

        user = self.api.user(tag)
        invite = {"email": user["email"], "role": "reviewer", "track_ids": track_ids}
        self.api.json("POST", f"{self.base}/roles", invite, token=self.owner["token"], expect=201)
        token = mailed_code(user["email"], "You are invited")
        self.api.json("POST", "/v1/invites/accept", {"token": token}, token=user["token"], expect=200)
        return user

    def settings(self, changes: dict) -> dict:
        path = f"{self.base}/review/settings"
        current = self.api.json("GET", path, token=self.owner["token"], expect=200)
        body = changes | {"version": current["version"]}
        return self.api.json("PATCH", path, body, token=self.owner["token"], expect=200)

    def review(self, who: dict, proposal: dict, body: dict, expect: int = 200) -> dict:
        path = f"{self.base}/review/proposals/{proposal['id']}/review"
        return self.api.json("PUT", path, body, token=who["token"], expect=expect)

    def get(self, who: dict, path: str, expect: int = 200) -> dict:
        return self.api.json("GET", self.base + path, token=who["token"], expect=expect)


@pytest.fixture
def scene(api, owner) -> Scene:
    return Scene(api, owner)


def test_reviewer_role_is_invitable_with_tracks_and_listed(scene):
    roles = scene.get(scene.owner, "/roles")

    reviewers = sorted((m["role"], m["track_ids"]) for m in roles["roles"] if m["role"] == "reviewer")
    assert reviewers == sorted([("reviewer", [scene.track_a]), ("reviewer", [])])


def test_reviewer_outside_the_proposals_track_is_refused(scene):
    queue = scene.get(scene.ra, "/review/proposals")["items"]
    read = scene.api.call("GET", f"{scene.base}/review/proposals/{scene.p2['id']}", token=scene.ra["token"])
    write = scene.api.call(
        "PUT", f"{scene.base}/review/proposals/{scene.p2['id']}/review", {"abstain": True}, token=scene.ra["token"]
    )

    assert [p["title"] for p in queue] == ["Talk in A"]
    assert (read.status_code, write.status_code) == (403, 403)
    assert scene.get(scene.owner, "/review/dashboard?sort=title&order=asc")["items"][1]["abstained"] == 0


def test_reviewer_sees_submitted_proposals_only_and_is_a_visitor_elsewhere(scene):
    # Of the published event's content a reviewer reads what every visitor does, and nothing private.
    queue = scene.get(scene.rall, "/review/proposals")["items"]
    draft = scene.api.call("GET", f"{scene.base}/review/proposals/{scene.draft['id']}", token=scene.rall["token"])
    content = {
        path: scene.api.call("GET", scene.base + path, token=scene.rall["token"]).status_code
        for path in (f"/sessions/{scene.p1['id']}", f"/speakers/{scene.p1['speaker_ids'][0]}", "/roles", "/jobs")
    }
    lists = [scene.get(scene.rall, path)["items"] for path in ("/sessions", "/speakers")]
    export = scene.api.call("POST", f"{scene.base}/exports", {}, token=scene.rall["token"]).status_code

    assert sorted(p["title"] for p in queue) == ["Talk in A", "Talk in B"]
    assert draft.status_code == 404
    assert content == {
        f"/sessions/{scene.p1['id']}": 404, f"/speakers/{scene.p1['speaker_ids'][0]}": 404, "/roles": 403, "/jobs": 403
    }
    assert lists == [[], []]
    assert export == 403


def test_a_reviewer_never_sees_nor_reviews_their_own_proposal(scene):
    own = scene.submit(scene.rall, "My own talk", scene.track_a)

    queue = scene.get(scene.rall, "/review/proposals")["items"]
    read = scene.api.call("GET", f"{scene.base}/review/proposals/{own['id']}", token=scene.rall["token"])

    assert "My own talk" not in [p["title"] for p in queue]
    assert read.status_code == 403
    scene.review(scene.rall, own, {"abstain": True}, expect=403)


def test_review_scores_validated_against_the_criteria_naming_the_field(scene):
    missing = scene.review(scene.ra, scene.p1, {"scores": {"content": 4}}, expect=422)
    outside = scene.review(scene.ra, scene.p1, {"scores": {"content": 9, "delivery": 3}}, expect=422)
    stranger = scene.review(scene.ra, scene.p1, {"scores": {"content": 3, "delivery": 3, "wit": 2}}, expect=422)
    malformed = scene.review(scene.ra, scene.p1, {"scores": {"content": "high"}}, expect=422)

    assert missing["error"]["fields"] == {"scores.delivery": "is required (or abstain)"}
    assert outside["error"]["fields"] == {"scores.content": "must be a whole number from 1 to 5"}
    assert list(stranger["error"]["fields"]) == ["scores.wit"]
    assert list(malformed["error"]["fields"]) == ["scores"]


def test_one_review_per_reviewer_updated_while_open_refused_once_closed(scene):
    first = scene.review(scene.ra, scene.p1, {"scores": {"content": 2, "delivery": 2}, "comment": "Thin"})
    second = scene.review(scene.ra, scene.p1, {"scores": {"content": 5, "delivery": 4}, "version": first["version"]})
    stale = scene.review(scene.ra, scene.p1, {"abstain": True, "version": first["version"]}, expect=409)
    scene.settings({"phase": "closed"})
    closed = scene.review(scene.ra, scene.p1, {"abstain": True}, expect=409)

    reviews = scene.get(scene.owner, f"/review/proposals/{scene.p1['id']}")["reviews"]
    assert [(r["reviewer_id"], r["scores"], r["comment"]) for r in reviews] == [
        (scene.ra["id"], {"content": 5, "delivery": 4}, None)
    ]
    assert second["version"] == first["version"] + 1
    assert stale["error"]["current"]["scores"] == {"content": 5, "delivery": 4}
    assert closed["error"]["fields"] == {"phase": "closed"}


def test_abstaining_counts_apart_from_scores(scene):
    scene.review(scene.ra, scene.p1, {"abstain": True, "comment": "I know them"})
    scene.review(scene.rall, scene.p1, {"scores": {"content": 3, "delivery": 3}})

    row = scene.get(scene.owner, f"/review/dashboard?track_id={scene.track_a}")["items"][0]

    assert (row["count"], row["abstained"], row["mean"]) == (1, 1, 3.0)


def test_others_reviews_show_only_after_ones_own_unless_configured(scene):
    scene.review(scene.ra, scene.p1, {"scores": {"content": 4, "delivery": 2}, "comment": "Solid"})

    before = scene.get(scene.rall, f"/review/proposals/{scene.p1['id']}")["reviews"]
    scene.review(scene.rall, scene.p1, {"scores": {"content": 1, "delivery": 1}})
    after = scene.get(scene.rall, f"/review/proposals/{scene.p1['id']}")["reviews"]
    scene.settings({"scores_after_own": False})
    upfront = scene.get(scene.ra, f"/review/proposals/{scene.p2['id']}", expect=403)
    open_read = scene.get(scene.rall, f"/review/proposals/{scene.p2['id']}")["reviews"]

    assert before is None
    assert sorted((r["reviewer_id"], r["comment"]) for r in after) == sorted(
        [(scene.ra["id"], "Solid"), (scene.rall["id"], None)]
    )
    assert upfront["error"]["code"] == "forbidden"
    assert open_read == []


def test_dashboard_weighted_mean_median_spread_and_count(scene):
    # Weighted (content ×2, delivery ×1): ra (5, 2) -> 4.0; rall (2, 5) -> 3.0
    scene.review(scene.ra, scene.p1, {"scores": {"content": 5, "delivery": 2}})
    scene.review(scene.rall, scene.p1, {"scores": {"content": 2, "delivery": 5}})
    scene.review(scene.rall, scene.p2, {"scores": {"content": 1, "delivery": 1}})

    rows = scene.get(scene.owner, "/review/dashboard?sort=mean&order=desc")["items"]

    figures = [(r["title"], r["mean"], r["median"], r["spread"], r["count"]) for r in rows]
    assert figures == [("Talk in A", 3.5, 3.5, 1.0, 2), ("Talk in B", 1.0, 1.0, 0.0, 1)]
    assert [s["name"] for s in rows[0]["speakers"]] == [MARKERS["name"]]  # organizers know the speakers


def test_dashboard_filters_sorts_and_pages(scene):
    scene.review(scene.rall, scene.p2, {"scores": {"content": 5, "delivery": 5}})

    ascending = scene.get(scene.owner, "/review/dashboard?sort=title&order=asc&limit=1")
    second = scene.get(scene.owner, f"/review/dashboard?sort=title&order=asc&limit=1&next={ascending['next']}")
    by_track = scene.get(scene.owner, f"/review/dashboard?track_id={scene.track_b}")["items"]
    by_state = scene.get(scene.owner, "/review/dashboard?state=accepted")["items"]
    by_mean = scene.get(scene.owner, "/review/dashboard?sort=mean&order=desc")["items"]
    bad_sort = scene.get(scene.owner, "/review/dashboard?sort=speaker", expect=400)
    foreign = scene.get(scene.owner, f"/review/proposals?next={ascending['next']}", expect=400)

    assert [r["title"] for r in ascending["items"] + second["items"]] == ["Talk in A", "Talk in B"]
    assert second["next"] is None
    assert [r["title"] for r in by_track] == ["Talk in B"]
    assert by_state == []
    assert [(r["title"], r["mean"]) for r in by_mean] == [("Talk in B", 5.0), ("Talk in A", None)]
    assert bad_sort["error"]["fields"] == {"sort": "unknown sort"}
    assert foreign["error"]["fields"] == {"next": "invalid cursor"}


def test_dashboard_is_the_organizers(scene):
    refused = scene.get(scene.ra, "/review/dashboard", expect=403)

    assert refused["error"]["code"] == "forbidden"


def test_reviewer_progress_organizers_see_everyone_a_reviewer_themselves(scene):
    scene.review(scene.ra, scene.p1, {"scores": {"content": 3, "delivery": 3}})

    everyone = scene.get(scene.owner, "/review/reviewers")["items"]
    own = scene.get(scene.ra, "/review/reviewers")["items"]

    expected = sorted([(scene.ra["id"], 1, 1), (scene.rall["id"], 0, 2)])
    assert sorted((r["reviewer_id"], r["done"], r["in_scope"]) for r in everyone) == expected
    assert [(r["reviewer_id"], r["done"]) for r in own] == [(scene.ra["id"], 1)]


def test_bulk_decision_moves_each_proposal_and_mails_each_speaker_once(scene):
    scene.review(scene.ra, scene.p1, {"scores": {"content": 5, "delivery": 5}})
    path = f"{scene.base}/review/decisions"
    body = {"session_ids": [scene.p1["id"], scene.p2["id"], scene.draft["id"], "nosuch"], "state": "waitlisted"}

    answer = scene.api.json("POST", path, body, token=scene.owner["token"], expect=200)
    accepted = scene.api.json(
        "POST", path, {"session_ids": [scene.p1["id"]], "state": "accepted"}, token=scene.owner["token"], expect=200
    )

    assert answer["done"] == [scene.p1["id"], scene.p2["id"]]
    assert [(r["id"], r["code"]) for r in answer["refused"]] == [(scene.draft["id"], "conflict"), ("nosuch", "not_found")]
    assert accepted["done"] == [scene.p1["id"]]
    subjects = [m["subject"] for m in mails_to(scene.speaker["email"]) if "Talk in A" in m["subject"]]
    assert sorted(s for s in subjects if "waitlisted" in s or "accepted" in s) == [  # mails_to's order is a Scan's
        "Your session “Talk in A” is now accepted",
        "Your session “Talk in A” is now waitlisted",
    ]
    assert len([m for m in mails_to(scene.speaker2["email"]) if "waitlisted" in m["subject"]]) == 1


def test_review_settings_criteria_validated(scene):
    path = f"{scene.base}/review/settings"
    version = scene.get(scene.owner, "/review/settings")["version"]
    bad_scale = {"criteria": [{"name": "Depth", "minimum": 5, "maximum": 1}], "version": version}
    twice = {"criteria": [{"id": "a", "name": "A", "minimum": 0, "maximum": 3}] * 2, "version": version}

    refused = scene.api.json("PATCH", path, bad_scale, token=scene.owner["token"], expect=422)
    duplicated = scene.api.json("PATCH", path, twice, token=scene.owner["token"], expect=422)
    reviewer = scene.api.json("PATCH", path, {"phase": "closed", "version": version}, token=scene.ra["token"])

    assert refused["error"]["fields"] == {"criteria": "item 0 maximum must be above minimum"}
    assert duplicated["error"]["fields"] == {"criteria": "ids must be unique"}
    assert reviewer["error"]["code"] == "forbidden"
    assert scene.get(scene.ra, "/review/settings")["criteria"] == CRITERIA


# -- anonymised review: walk every route a reviewer can call -------------------------------------


def leaked(text: str, scene: Scene) -> list[str]:
    """Which speaker identity reaches `text`: markers, emails, speaker ids, speakers' user ids."""
    from chalicelib.domain.call_for_papers import speaker_id_for

    lowered = text.lower()
    found = [name for name, value in MARKERS.items() if value.lower() in lowered]
    for user in (scene.speaker, scene.speaker2):
        found += [f"email of {user['email']}"] if user["email"].lower() in lowered else []
        found += [f"speaker id of {user['email']}"] if speaker_id_for(event_id=scene.event_id, user_id=user["id"]) in text else []
        found += [f"user id of {user['email']}"] if user["id"] in text else []
    return found


def reviewer_route_answers(scene: Scene, who: dict) -> dict[str, str]:
    """Every route of the API called as `who` on this event and its proposals (sample bodies),
    plus the error and conflict bodies a reviewer can provoke: the bodies by route."""
    from chalicelib.api.http import ENDPOINTS

    params = {"event_id": scene.event_id, "session_id": scene.p1["id"], "item_id": scene.p1["id"], "kind": "session",
              "trashed_id": scene.p1["id"], "user_id": scene.speaker["id"], "invite_id": "x", "job_id": "x",
              "upload_id": "x"}  # fmt: skip
    bodies: dict[str, str] = {}
    for spec in ENDPOINTS:
        if spec.method not in ("GET",) and "/review/" not in spec.path:
            continue  # writes elsewhere are refused by the matrix; their error bodies are walked below
        path = "/v1" + spec.path.format(**params)
        body = {"scores": {"content": 4, "delivery": 3}, "comment": "Good"} if spec.method == "PUT" else {}
        bodies[f"{spec.method} {spec.path}"] = scene.api.call(spec.method, path, body, token=who["token"]).body.decode()
    # Error and conflict bodies: a stale version, bad scores, a missing proposal, a content edit.
    review_path = f"{scene.base}/review/proposals/{scene.p1['id']}/review"
    for label, body in (("stale", {"abstain": True, "version": 99}), ("bad", {"scores": {"content": 0}})):
        bodies[label] = scene.api.call("PUT", review_path, body, token=who["token"]).body.decode()
    edit = {"title": "x", "version": scene.p1["version"]}
    bodies["session edit"] = scene.api.call(
        "PATCH", f"{scene.base}/sessions/{scene.p1['id']}", edit, token=who["token"]
    ).body.decode()
    bodies["speakers by id"] = scene.api.call("GET", f"{scene.base}/speakers/{scene.p1['speaker_ids'][0]}",
                                              token=who["token"]).body.decode()  # fmt: skip
    return bodies


def test_anonymised_review_shows_nothing_of_the_speakers_on_any_reviewer_path(scene):
    # GIVEN anonymised review (the default) and reviews from both reviewers on the proposal
    scene.review(scene.ra, scene.p1, {"scores": {"content": 4, "delivery": 4}, "comment": "Clear"})
    scene.review(scene.rall, scene.p1, {"scores": {"content": 2, "delivery": 3}})
    assert scene.get(scene.owner, "/review/settings")["anonymised"] is True

    # WHEN each reviewer calls every route, provokes errors and conflicts, and reads their mail
    answers = {f"{who['email']} {route}": body for who in (scene.ra, scene.rall)
               for route, body in reviewer_route_answers(scene, who).items()}  # fmt: skip
    mails = {who["email"]: json.dumps(mails_to(who["email"])) for who in (scene.ra, scene.rall)}

    # THEN no speaker's name, profile, email or id reaches them, though the proposal does
    assert {route: leaked(body, scene) for route, body in answers.items() if leaked(body, scene)} == {}
    assert {who: leaked(text, scene) for who, text in mails.items() if leaked(text, scene)} == {}
    read = json.loads(answers[f"{scene.ra['email']} GET /events/{{event_id}}/review/proposals/{{session_id}}"])
    assert (read["title"], read["short_abstract"], "speakers" in read) == ("Talk in A", "Why it matters", False)


def test_named_review_shows_the_speakers_profile_not_their_contact(scene):
    scene.settings({"anonymised": False})

    read = scene.get(scene.ra, f"/review/proposals/{scene.p1['id']}")
    text = json.dumps(read)

    assert [s["name"] for s in read["speakers"]] == [MARKERS["name"]]
    assert scene.speaker["email"] not in text and MARKERS["phone"] not in text


def test_unknown_email_invite_as_reviewer_names_role_choices(scene):
    bad = scene.api.json(
        "POST", f"{scene.base}/roles", {"email": unique_email("x"), "role": "judge"}, token=scene.owner["token"], expect=422
    )

    assert "reviewer" in bad["error"]["fields"]["role"]


def test_reviewers_read_answers_but_not_identifying_ones_under_anonymised_review(scene):
    # GIVEN two organizer-only questions, one marked identifying, answered on the proposal in track A
    ask = {"kind": "short_text", "visibility": "organizers"}
    plain = scene.post("/questions", ask | {"label": "Audience level"})
    naming = scene.post("/questions", ask | {"label": "Your employer", "identifying": True})
    current = scene.api.json("GET", f"{scene.base}/sessions/{scene.p1['id']}", token=scene.owner["token"], expect=200)
    answers = {plain["id"]: "beginners", naming["id"]: "employer-marker-zq"}
    body = {"answers": answers, "version": current["version"]}
    scene.api.json("PATCH", f"{scene.base}/sessions/{scene.p1['id']}", body, token=scene.owner["token"], expect=200)

    # WHEN the reviewer reads it under anonymised review, then under named review
    anonymised = scene.get(scene.ra, f"/review/proposals/{scene.p1['id']}")
    scene.settings({"anonymised": False})
    named = scene.get(scene.ra, f"/review/proposals/{scene.p1['id']}")

    # THEN the identifying answer shows only when review is named
    assert anonymised["answers"] == {plain["id"]: "beginners"}
    assert "employer-marker-zq" not in json.dumps(anonymised)
    assert named["answers"] == answers
