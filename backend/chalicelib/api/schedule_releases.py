"""Schedule releases over HTTP: release the schedule as a named version, list the releases, and
read what the next release would list (the draft changes)."""

from __future__ import annotations

from typing import Any

from chalice import Blueprint

from chalicelib.api.content import caller_audience
from chalicelib.api.http import endpoint
from chalicelib.api.schema import PAGE, Field, Schema, multiline, text
from chalicelib.db.pagination import page_request
from chalicelib.domain import schedule_releases
from chalicelib.domain.events import get_event
from chalicelib.request_context import current_context

bp = Blueprint(__name__)
RELEASES = "/events/{event_id}/schedule/releases"
RELEASE = Schema(
    "ScheduleRelease",
    {
        "version": text(schedule_releases.MAX_VERSION, min_length=1),
        "comment": multiline(schedule_releases.MAX_COMMENT),
    },
    frozenset({"version"}),
)
CHANGES = Field("object", description="new, moved, canceled, room_changed: each a list of changes")


@endpoint(bp, RELEASES, "POST", action="schedule_release.create", body=RELEASE, status=201,
          summary="Release the schedule as a version (unique in the event): the site and feeds show it in manual mode",
          errors=(401, 403, 404, 409, 422))  # fmt: skip
def release_schedule(event_id: str, body: dict[str, Any]) -> dict[str, Any]:
    release = schedule_releases.release_schedule(
        event=get_event(event_id), version=body["version"], comment=body.get("comment") or "",
        actor=current_context().actor,
    )  # fmt: skip
    return schedule_releases.release_view(release, audience=caller_audience(event_id))


@endpoint(bp, RELEASES, "GET", action="schedule_release.read", response=PAGE,
          summary="The schedule's releases, newest first (cursor-paginated)", errors=(400, 401, 403, 404))  # fmt: skip
def list_releases(event_id: str) -> dict[str, Any]:
    get_event(event_id)
    limit, cursor = page_request(bp.current_request.query_params)
    audience = caller_audience(event_id)
    page = schedule_releases.list_releases(event_id=event_id, limit=limit, cursor=cursor)
    return page.map(lambda release: schedule_releases.release_view(release, audience=audience)).body()


@endpoint(bp, "/events/{event_id}/schedule/draft-changes", "GET", action="schedule_release.read",
          summary="What the next release would list: the live schedule against the latest release",
          errors=(401, 403, 404))  # fmt: skip
def draft_changes(event_id: str) -> dict[str, Any]:
    get_event(event_id)
    return schedule_releases.draft_changes(event_id=event_id)
