"""Review assignment routes: automatic and manual assignment, the list (a reviewer's own), loads,
removal, declared conflicts of interest, and the refusals that name the field."""

from __future__ import annotations

from collections import Counter

import pytest

pytestmark = pytest.mark.integration


def make_scene(api, *, reviewers: dict[str, list[str]], sessions: list[dict]) -> dict:
    """An event of its own owned by a new user, tracks "a" and "b", the given pending sessions
    (id, track, speakers' users, organisation) with one speaker each, and reviewers by name with
    their tracks ([] = every track)."""
    from chalicelib.db import content, keys
    from chalicelib.domain.roles import grant_role

    owner = api.user("owner")
    event_id = api.json("POST", "/v1/events", {"name": "Review Conf"}, token=owner["token"], expect=201)["id"]
    pk = keys.event_pk(event_id)
    people = {name: api.user(name) for name in reviewers}
    for track in ("a", "b"):
        content.Track(pk, keys.child_sk("track", track), id=track, event_id=event_id, name=track).save()
    for s in sessions:
        users = [people[u]["id"] if u in people else u for u in s.get("users", [f"user-{s['id']}"])]
        speaker_ids = []
        for n, user_id in enumerate(users):
            speaker_id = f"spk-{s['id']}-{n}"
            speaker_ids.append(speaker_id)
            content.Speaker(
                pk, keys.child_sk("speaker", speaker_id), id=speaker_id, event_id=event_id, name=f"Speaker {speaker_id}",
                user_id=user_id, organisation=s.get("organisation"), session_ids=[s["id"]],
            ).save()  # fmt: skip
        content.Session(
            pk, keys.child_sk("session", s["id"]), id=s["id"], event_id=event_id, title=f"Talk {s['id']}",
            track_id=s.get("track", "a"), speaker_ids=speaker_ids, speaker_user_ids=users, state=s.get("state", "pending"),
        ).save()  # fmt: skip
    for name, tracks in reviewers.items():
        grant_role(event_id=event_id, user_id=people[name]["id"], role="reviewer", track_ids=tracks)
    return {"event_id": event_id, "owner": owner, "people": people}


def all_assignments(api, event_id: str, token: str) -> list[dict]:
    items, cursor = [], None
    while True:
        query = "?limit=3" + (f"&next={cursor}" if cursor else "")
        page = api.json("GET", f"/v1/events/{event_id}/review-assignments{query}", token=token, expect=200)
        items += page["items"]
        cursor = page["next"]
        if cursor is None:
            return items


def test_review_assignments_auto_gives_k_balanced_without_conflicts(api):
    scene = make_scene(
        api,
        reviewers={"r1": [], "r2": [], "r3": [], "rb": ["b"]},
        sessions=[
            *({"id": f"a{i}", "track": "a"} for i in range(4)),
            *({"id": f"b{i}", "track": "b"} for i in range(4)),
            {"id": "own", "track": "a", "users": ["r1", "someone"]},  # r1's own: never r1
            {"id": "draft", "track": "a", "state": "draft"},  # not under review
        ],
    )
    event_id, owner, ids = scene["event_id"], scene["owner"], {n: p["id"] for n, p in scene["people"].items()}

    answer = api.json(
        "POST", f"/v1/events/{event_id}/review-assignments", {"auto": True, "per_proposal": 2},
        token=owner["token"], expect=201,
    )  # fmt: skip

    listed = all_assignments(api, event_id, owner["token"])
    pairs = {(a["proposal_id"], a["reviewer_id"]) for a in listed}
    assert answer["added"] == len(listed) == len(pairs) == 18
    assert answer["shortfall"] == []
    assert Counter(p for p, _ in pairs) == dict.fromkeys([*(f"a{i}" for i in range(4)), *(f"b{i}" for i in range(4)), "own"], 2)
    assert ("own", ids["r1"]) not in pairs
    assert not any(r == ids["rb"] and p.startswith("a") for p, r in pairs)
    loads = api.json("GET", f"/v1/events/{event_id}/review-assignments/loads", token=owner["token"], expect=200)
    assert {item["reviewer_id"]: item["assigned"] for item in loads["items"]} == {
        rid: sum(1 for _, r in pairs if r == rid) for rid in ids.values()
    }
    counts = sorted(item["assigned"] for item in loads["items"])
    assert counts[-1] - counts[0] <= 1  # the all-tracks reviewers (one pool) and rb balance out


def test_review_assignments_shortfall_when_track_pool_is_small(api):
    scene = make_scene(api, reviewers={"only": ["b"]}, sessions=[{"id": "b1", "track": "b"}, {"id": "a1", "track": "a"}])

    answer = api.json(
        "POST", f"/v1/events/{scene['event_id']}/review-assignments", {"auto": True, "per_proposal": 2},
        token=scene["owner"]["token"], expect=201,
    )  # fmt: skip

    assert answer["added"] == 1
    assert answer["shortfall"] == [{"proposal_id": "a1", "missing": 2}, {"proposal_id": "b1", "missing": 1}]


def test_review_assignments_manual_outside_track_refused_naming_reviewer(api):
    scene = make_scene(api, reviewers={"rb": ["b"]}, sessions=[{"id": "a1", "track": "a"}])
    body = {"proposal_id": "a1", "reviewer_id": scene["people"]["rb"]["id"]}

    answer = api.json(
        "POST", f"/v1/events/{scene['event_id']}/review-assignments", body, token=scene["owner"]["token"], expect=422
    )

    assert answer["error"]["fields"] == {"reviewer_id": "reviews only their own tracks"}
    assert all_assignments(api, scene["event_id"], scene["owner"]["token"]) == []


def test_review_assignments_manual_conflict_of_interest_refused(api):
    scene = make_scene(
        api,
        reviewers={"r1": []},
        sessions=[{"id": "mine", "users": ["r1", "co"]}, {"id": "cos", "users": ["co"]}, {"id": "ok"}],
    )
    event_id, token, reviewer_id = scene["event_id"], scene["owner"]["token"], scene["people"]["r1"]["id"]
    path = f"/v1/events/{event_id}/review-assignments"

    own = api.json("POST", path, {"proposal_id": "mine", "reviewer_id": reviewer_id}, token=token, expect=409)
    co = api.json("POST", path, {"proposal_id": "cos", "reviewer_id": reviewer_id}, token=token, expect=409)
    made = api.json("POST", path, {"proposal_id": "ok", "reviewer_id": reviewer_id}, token=token, expect=201)
    again = api.json("POST", path, {"proposal_id": "ok", "reviewer_id": reviewer_id}, token=token, expect=409)

    assert (own["error"]["fields"], co["error"]["fields"]) == (
        {"reviewer_id": "own proposal"},
        {"reviewer_id": "a co-speaker's proposal"},
    )
    assert (made["proposal_id"], made["reviewer_id"], made["manual"]) == ("ok", reviewer_id, True)
    assert again["error"]["fields"] == {"reviewer_id": "assigned already"}


def test_review_assignments_same_organisation_never_assigned(api):
    from chalicelib.db import content, keys

    scene = make_scene(
        api,
        reviewers={"r1": [], "r2": []},
        sessions=[{"id": "acme", "organisation": "ACME"}, {"id": "free"}],
    )
    event_id = scene["event_id"]
    # r1 declares ACME as their organisation on their own speaker profile in the event.
    content.Speaker(
        keys.event_pk(event_id), keys.child_sk("speaker", "r1-profile"), id="r1-profile", event_id=event_id,
        name="R1", user_id=scene["people"]["r1"]["id"], organisation="acme",
    ).save()  # fmt: skip

    api.json(
        "POST", f"/v1/events/{event_id}/review-assignments", {"auto": True, "per_proposal": 2},
        token=scene["owner"]["token"], expect=201,
    )  # fmt: skip

    pairs = {(a["proposal_id"], a["reviewer_id"]) for a in all_assignments(api, event_id, scene["owner"]["token"])}
    r1, r2 = scene["people"]["r1"]["id"], scene["people"]["r2"]["id"]
    assert pairs == {("acme", r2), ("free", r1), ("free", r2)}


def test_review_assignments_reviewer_lists_only_their_own(api):
    scene = make_scene(api, reviewers={"r1": [], "r2": []}, sessions=[{"id": f"s{i}"} for i in range(3)])
    event_id = scene["event_id"]
    api.json(
        "POST", f"/v1/events/{event_id}/review-assignments", {"auto": True, "per_proposal": 1},
        token=scene["owner"]["token"], expect=201,
    )  # fmt: skip
    r1 = scene["people"]["r1"]

    mine = all_assignments(api, event_id, r1["token"])
    loads = api.call("GET", f"/v1/events/{event_id}/review-assignments/loads", token=r1["token"])

    everyone = all_assignments(api, event_id, scene["owner"]["token"])
    assert mine == [
        {k: v for k, v in a.items() if k != "assigned_by"} for a in everyone if a["reviewer_id"] == r1["id"]
    ]
    assert mine and "assigned_by" not in mine[0]
    assert loads.status_code == 403


def test_review_assignments_declared_conflict_removes_and_blocks(api):
    scene = make_scene(api, reviewers={"r1": [], "r2": []}, sessions=[{"id": "s1"}])
    event_id, owner = scene["event_id"], scene["owner"]
    r1 = scene["people"]["r1"]
    path = f"/v1/events/{event_id}/review-assignments"
    api.json("POST", path, {"proposal_id": "s1", "reviewer_id": r1["id"]}, token=owner["token"], expect=201)

    api.json("POST", f"/v1/events/{event_id}/review-conflicts", {"proposal_id": "s1"}, token=r1["token"], expect=201)
    api.json("POST", f"/v1/events/{event_id}/review-conflicts", {"proposal_id": "s1"}, token=r1["token"], expect=201)
    refused = api.json("POST", path, {"proposal_id": "s1", "reviewer_id": r1["id"]}, token=owner["token"], expect=409)
    api.json("POST", path, {"auto": True, "per_proposal": 2}, token=owner["token"], expect=201)

    pairs = {(a["proposal_id"], a["reviewer_id"]) for a in all_assignments(api, event_id, owner["token"])}
    assert pairs == {("s1", scene["people"]["r2"]["id"])}
    assert refused["error"]["fields"] == {"reviewer_id": "flagged by the reviewer"}


def test_review_assignments_delete_removes_one(api):
    scene = make_scene(api, reviewers={"r1": []}, sessions=[{"id": "s1"}])
    event_id, token, rid = scene["event_id"], scene["owner"]["token"], scene["people"]["r1"]["id"]
    api.json("POST", f"/v1/events/{event_id}/review-assignments", {"proposal_id": "s1", "reviewer_id": rid}, token=token, expect=201)

    api.json("DELETE", f"/v1/events/{event_id}/review-assignments/s1/{rid}", token=token, expect=200)
    again = api.call("DELETE", f"/v1/events/{event_id}/review-assignments/s1/{rid}", token=token)

    assert all_assignments(api, event_id, token) == []
    assert again.status_code == 404


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        ({"auto": True}, {"per_proposal": "is required with auto"}),
        ({"auto": True, "per_proposal": 2, "proposal_id": "s1"}, {"proposal_id": "not with auto"}),
        ({"proposal_id": "s1"}, {"reviewer_id": "is required"}),
        ({"proposal_id": "s1", "reviewer_id": "x", "per_proposal": 2}, {"per_proposal": "only with auto: true"}),
        ({"auto": True, "per_proposal": 11}, None),
        ({"reviewer_id": "x", "proposal_id": "s1", "role": "owner"}, None),
    ],
)
def test_review_assignments_bad_body_names_the_field(api, body, fields):
    scene = make_scene(api, reviewers={}, sessions=[{"id": "s1"}])

    answer = api.json(
        "POST", f"/v1/events/{scene['event_id']}/review-assignments", body, token=scene["owner"]["token"], expect=422
    )

    if fields is not None:
        assert answer["error"]["fields"] == fields
    else:
        assert set(answer["error"]["fields"]) == set(body) - {"auto", "proposal_id", "reviewer_id"}


def test_review_assignments_go_when_the_reviewers_role_is_removed(api):
    scene = make_scene(api, reviewers={"r1": [], "r2": []}, sessions=[{"id": "s1"}, {"id": "s2"}])
    event_id, token = scene["event_id"], scene["owner"]["token"]
    r1, r2 = scene["people"]["r1"]["id"], scene["people"]["r2"]["id"]
    api.json("POST", f"/v1/events/{event_id}/review-assignments", {"auto": True, "per_proposal": 2}, token=token, expect=201)

    api.json("DELETE", f"/v1/events/{event_id}/roles/{r1}", token=token, expect=200)

    pairs = {(a["proposal_id"], a["reviewer_id"]) for a in all_assignments(api, event_id, token)}
    assert pairs == {("s1", r2), ("s2", r2)}
