"""Mail over HTTP: templates (edit, unknown placeholder 400, preview with real data), the outbox
(list with states, edit, discard, send selected with a failure's reason) and the notification choice."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.integration


@pytest.fixture
def api(writing_api):
    return writing_api


@pytest.fixture
def event(api, owner):
    return api.json("POST", "/v1/events", {"name": "Mail Conf"}, token=owner["token"], expect=201)


def _proposal(event_id: str, *, email: str = "ada@example.org", state: str = "pending"):
    """A session with one speaker, written as an import would (no mail on the way)."""
    from chalicelib.db import content, keys

    pk = keys.event_pk(event_id)
    content.Speaker(pk, keys.child_sk("speaker", "ada"), id="ada", event_id=event_id, name="Ada <Lovelace>",
                    email=email, session_ids=["s1"]).save()  # fmt: skip
    content.Session(pk, keys.child_sk("session", "s1"), id="s1", event_id=event_id, title="Looms & Loops",
                    speaker_ids=["ada"], state=state, comments="internal-only").save()  # fmt: skip


def test_mail_templates_list_edit_and_refuse_unknown_placeholders(api, owner, event):
    base = f"/v1/events/{event['id']}/mail-templates"

    listed = api.json("GET", base, token=owner["token"], expect=200)
    refused = api.json("PUT", base + "/proposal_accepted", {"subject": "Hi {speaker_email}", "text": "{comments}"},
                       token=owner["token"], expect=400)  # fmt: skip
    saved = api.json("PUT", base + "/proposal_accepted", {"subject": "Yes {speaker_name}", "text": "In.",
                     "delivery": "queue"}, token=owner["token"], expect=200)  # fmt: skip
    unknown = api.json("PUT", base + "/nope", {"subject": "x", "text": "y"}, token=owner["token"], expect=404)

    assert [t["name"] for t in listed["items"]][:3] == ["proposal_received", "proposal_accepted", "proposal_rejected"]
    assert "speaker_name" in listed["items"][0]["placeholders"]
    assert refused["error"]["fields"] == {"subject": "unknown placeholder {speaker_email}",
                                          "text": "unknown placeholder {comments}"}  # fmt: skip
    assert (saved["subject"], saved["delivery"], saved["customized"]) == ("Yes {speaker_name}", "queue", True)
    assert unknown["error"]["code"] == "not_found"


def test_mail_templates_preview_uses_the_proposals_data_escaped(api, owner, event):
    _proposal(event["id"])
    path = f"/v1/events/{event['id']}/mail-templates/proposal_accepted/preview"

    injected = api.json("POST", path, {"session_id": "s1", "subject": "{proposal_title}\r\nBcc: x@example.org"},
                        token=owner["token"], expect=422)  # fmt: skip
    plain = api.json("POST", path, {"session_id": "s1"}, token=owner["token"], expect=200)

    assert set(injected["error"]["fields"]) == {"subject"}
    assert plain["to"] == "ada@example.org"
    assert plain["subject"] == "Your session “Looms & Loops” is now accepted"
    assert "Hello Ada <Lovelace>," in plain["text"] and "internal-only" not in plain["text"]
    assert f"/admin/#/speaker/proposals/{event['id']}/s1" in plain["text"]
    html = api.json("POST", path, {"session_id": "s1", "html": "<p>{speaker_name}</p>"}, token=owner["token"])
    assert html["html"] == "<p>Ada &lt;Lovelace&gt;</p>"


def test_outbox_lists_states_sends_selected_and_shows_a_failures_reason(api, owner, event, monkeypatch):
    from chalicelib.domain import outbox
    from chalicelib.job_bodies.outbox import send_outbox
    from chalicelib.request_context import system_context

    monkeypatch.setattr(outbox, "send_email", lambda **mail: (_ for _ in ()).throw(RuntimeError("SES said no")))
    _proposal(event["id"], state="accepted")
    base = f"/v1/events/{event['id']}/outbox"
    composed = api.json("POST", base + "/compose", {"template": "proposal_reminder", "state": "accepted"},
                        token=owner["token"], expect=201)  # fmt: skip
    [mail_id] = composed["queued"]
    edited = api.json("PATCH", f"{base}/{mail_id}", {"subject": "Slides, please"}, token=owner["token"], expect=200)
    started = api.json("POST", base + "/send", {"mail_ids": [mail_id]}, token=owner["token"], expect=202)

    send_outbox(system_context(), event_id=event["id"], mail_ids=[mail_id])  # what the worker runs for that job

    [failed] = api.json("GET", base + "?state=failed", token=owner["token"], expect=200)["items"]
    again = api.json("DELETE", f"{base}/{mail_id}", token=owner["token"], expect=200)
    assert (edited["subject"], edited["state"]) == ("Slides, please", "queued")
    assert started["job_id"]
    assert (failed["id"], failed["state"], failed["reason"]) == (mail_id, "failed", "RuntimeError: SES said no")
    assert again == {"discarded": mail_id}
    assert api.json("GET", base, token=owner["token"], expect=200) == {"items": [], "next": None}


def test_outbox_refuses_bad_state_filter_and_sending_a_sent_mail(api, owner, event, monkeypatch):
    from chalicelib.domain import outbox

    monkeypatch.setattr(outbox, "send_email", lambda **mail: "msg-1")
    _proposal(event["id"], state="accepted")
    base = f"/v1/events/{event['id']}/outbox"
    [mail_id] = api.json("POST", base + "/compose", {"template": "proposal_reminder"}, token=owner["token"])["queued"]
    outbox.send(event_id=event["id"], mail_id=mail_id)

    bad_state = api.json("GET", base + "?state=lost", token=owner["token"], expect=422)
    resend = api.json("POST", base + "/send", {"mail_ids": [mail_id]}, token=owner["token"], expect=409)
    edit = api.json("PATCH", f"{base}/{mail_id}", {"subject": "Late"}, token=owner["token"], expect=409)

    assert bad_state["error"]["fields"] == {"state": "unknown state"}
    assert resend["error"]["fields"] == {"mail_ids": "name only queued or failed mails"}
    assert edit["error"]["fields"] == {"state": "sent"}


def test_notifications_choice_is_each_organizers_own(api, owner, event):
    path = f"/v1/events/{event['id']}/notifications"

    before = api.json("GET", path, token=owner["token"], expect=200)
    changed = api.json("PUT", path, {"new_proposals": "each"}, token=owner["token"], expect=200)
    refused = api.json("PUT", path, {"new_proposals": "hourly"}, token=owner["token"], expect=422)

    assert (before, changed) == ({"new_proposals": "digest"}, {"new_proposals": "each"})
    assert api.json("GET", path, token=owner["token"]) == {"new_proposals": "each"}
    assert set(refused["error"]["fields"]) == {"new_proposals"}
