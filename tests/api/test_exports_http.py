"""POST /v1/events/{event_id}/exports (api/exports.py): who may start an export job."""

from __future__ import annotations

import pytest
from chalice.test import Client
from support.api import USER_ID
from support.api import post_as as _post

pytestmark = pytest.mark.integration



def test_export_route_answers_anonymous_callers_as_a_missing_event(aws_stack):
    from app import app

    with Client(app) as client:
        status, body = _post(client, "/v1/events/anyevent/exports", user=None)

    assert (status, body["error"]["code"]) == (404, "not_found")


def test_export_route_is_forbidden_without_a_role_in_the_event(signed_in_client):
    from chalicelib.db import content, keys

    event = content.Event(
        keys.event_pk("someoneselse"), keys.EVENT_SK, id="someoneselse", slug="theirs", name="Theirs", state="published"
    )
    event.save()

    status, body = _post(signed_in_client, "/v1/events/someoneselse/exports")

    assert (status, body["error"]["code"]) == (403, "forbidden")


def test_export_route_starts_a_job_for_the_events_owner(signed_in_client):
    from chalicelib.db import content, keys
    from chalicelib.domain.event_access import grant_owner

    event = content.Event(keys.event_pk("ownedevent1"), keys.EVENT_SK, id="ownedevent1", slug="owned", name="Owned")
    event.save()
    grant_owner(event_id="ownedevent1", user_id=USER_ID)

    status, body = _post(signed_in_client, "/v1/events/ownedevent1/exports")

    assert status == 202 and body["job_id"]
