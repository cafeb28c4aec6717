"""Custom questions over HTTP: organizers keep them, speakers answer them with their proposals,
and only published questions' answers reach readers other than the organizers and the speaker."""

from __future__ import annotations

import pytest
from support.api import days_from_now

pytestmark = pytest.mark.integration


@pytest.fixture
def api(writing_api):
    return writing_api



@pytest.fixture
def conf(api, owner):
    """A published event with an open call for papers and three questions."""
    event = api.dated_event(owner, "Questions Conf", year=2030)
    base = f"/v1/events/{event['id']}"
    api.json("PUT", f"{base}/call-for-papers", {"opens_at": days_from_now(-1), "closes_at": days_from_now(30)}, token=owner["token"],
             expect=200)  # fmt: skip
    api.json("POST", f"{base}/publish", token=owner["token"], expect=200)
    asked = [
        {"label": "Your Mastodon handle", "kind": "short_text", "visibility": "public"},
        {"label": "Why you?", "kind": "long_text", "required": True, "max_length": 500},
        {"label": "T-shirt size", "kind": "single_choice", "choices": ["S", "M", "L"]},
    ]
    made = [api.json("POST", f"{base}/questions", q, token=owner["token"], expect=201) for q in asked]
    return {"base": base, "public": made[0]["id"], "why": made[1]["id"], "size": made[2]["id"]}


def propose(api, user, conf, answers, expect=201) -> dict:
    body = {"title": "Answers everywhere", "answers": answers}
    return api.json("POST", f"{conf['base']}/call-for-papers/proposals", body, token=user["token"], expect=expect)


def test_speakers_read_the_questions_in_order(api, conf):
    speaker = api.user("speaker")

    listed = api.json("GET", f"{conf['base']}/questions", token=speaker["token"], expect=200)

    assert [q["label"] for q in listed["items"]] == ["Your Mastodon handle", "Why you?", "T-shirt size"]
    assert listed["next"] is None
    assert listed["items"][1]["required"] is True


def test_submitting_without_a_required_answer_is_refused_naming_it(api, conf):
    speaker = api.user("speaker")

    refused = propose(api, speaker, conf, {conf["public"]: "@ada"}, expect=422)

    assert refused["error"]["fields"] == {f"answers.{conf['why']}": "is required"}


def test_bad_answers_are_refused_naming_each(api, conf):
    speaker = api.user("speaker")

    refused = propose(api, speaker, conf, {conf["why"]: "x" * 501, conf["size"]: "XXL", "forged": "x"}, expect=422)

    assert refused["error"]["fields"] == {
        f"answers.{conf['why']}": "must be at most 500 characters",
        f"answers.{conf['size']}": "must be one of the choices offered",
        "answers.forged": "is not a question of this event",
    }


def test_organizer_only_answers_reach_organizers_and_the_speaker_alone(api, owner, conf):
    # GIVEN an accepted proposal answering a published and two organizer-only questions
    speaker, stranger = api.user("speaker"), api.user("stranger")
    answers = {conf["public"]: "@ada@example.social", conf["why"]: "I built it", conf["size"]: "M"}
    proposal = propose(api, speaker, conf, answers)
    item = f"{conf['base']}/sessions/{proposal['id']}"
    api.json("PATCH", item, {"state": "accepted", "version": proposal["version"]}, token=owner["token"], expect=200)

    # WHEN each reads the session (alone and in the list)
    seen = {
        who: api.json("GET", item, token=token, expect=200)["answers"]
        for who, token in (("organizer", owner["token"]), ("speaker", speaker["token"]),
                           ("stranger", stranger["token"]), ("anonymous", None))
    }  # fmt: skip
    listed = api.json("GET", f"{conf['base']}/sessions", expect=200)["items"]

    # THEN the published answer is everyone's; the others are the organizers' and the speaker's
    assert proposal["answers"] == answers
    assert seen == {
        "organizer": answers, "speaker": answers,
        "stranger": {conf["public"]: "@ada@example.social"}, "anonymous": {conf["public"]: "@ada@example.social"},
    }  # fmt: skip
    assert [s["answers"] for s in listed] == [{conf["public"]: "@ada@example.social"}]


def test_speaker_edits_answers_and_deleting_a_question_deletes_its_answer(api, owner, conf):
    speaker = api.user("speaker")
    proposal = propose(api, speaker, conf, {conf["why"]: "Because", conf["size"]: "S"})
    item = f"{conf['base']}/sessions/{proposal['id']}"

    edited = api.json(
        "PATCH", item, {"answers": {conf["size"]: "L"}, "version": proposal["version"]}, token=speaker["token"],
        expect=200,
    )  # fmt: skip
    deleted = api.json("DELETE", f"{conf['base']}/questions/{conf['size']}", token=owner["token"], expect=200)
    after = api.json("GET", item, token=speaker["token"], expect=200)

    assert edited["answers"] == {conf["why"]: "Because", conf["size"]: "L"}
    assert deleted == {"deleted": {"kind": "question", "id": conf["size"]}, "answers_deleted": 1}
    assert after["answers"] == {conf["why"]: "Because"}


def test_organizers_edit_and_reorder_questions_but_not_their_kind(api, owner, conf):
    base = conf["base"]
    question = api.json("GET", f"{base}/questions/{conf['size']}", token=owner["token"], expect=200)

    kind_change = api.json(
        "PATCH", f"{base}/questions/{conf['size']}", {"kind": "yes_no", "version": question["version"]},
        token=owner["token"], expect=422,
    )  # fmt: skip
    renamed = api.json(
        "PATCH", f"{base}/questions/{conf['size']}", {"label": "Shirt", "version": question["version"]},
        token=owner["token"], expect=200,
    )  # fmt: skip
    order = [conf["size"], conf["why"], conf["public"]]
    reordered = api.json("PUT", f"{base}/questions-order", {"order": order}, token=owner["token"], expect=200)

    assert kind_change["error"]["fields"] == {"kind": "is not a field of question_edit"}
    assert renamed["label"] == "Shirt"
    assert [q["id"] for q in reordered["items"]] == order


def test_a_private_calls_questions_need_its_link(api, owner, conf):
    base = conf["base"]
    cfp = api.json("GET", f"{base}/call-for-papers", token=owner["token"], expect=200)
    private = api.json(
        "PATCH", f"{base}/call-for-papers", {"privacy": "private", "version": cfp["version"]}, token=owner["token"],
        expect=200,
    )  # fmt: skip
    speaker = api.user("speaker")

    without = api.json("GET", f"{base}/questions", token=speaker["token"], expect=404)
    with_link = api.json("GET", f"{base}/questions?token={private['secret_token']}", token=speaker["token"], expect=200)
    one = api.json("GET", f"{base}/questions/{conf['why']}", token=speaker["token"], expect=404)
    team = api.json("GET", f"{base}/questions", token=owner["token"], expect=200)

    assert without["error"]["code"] == one["error"]["code"] == "not_found"
    assert [q["id"] for q in with_link["items"]] == [q["id"] for q in team["items"]]


def test_questions_page_in_their_order_with_signed_cursors(api, owner, conf):
    base = f"{conf['base']}/questions"

    first = api.json("GET", f"{base}?limit=2", token=owner["token"], expect=200)
    second = api.json("GET", f"{base}?limit=2&next={first['next']}", token=owner["token"], expect=200)
    forged = api.json("GET", f"{base}?limit=2&next=abc.def", token=owner["token"], expect=400)

    assert [q["id"] for q in first["items"] + second["items"]] == [conf["public"], conf["why"], conf["size"]]
    assert second["next"] is None
    assert forged["error"]["fields"] == {"next": "invalid cursor"}
