"""Site rebuild jobs: thin, they load and call the publisher."""

from __future__ import annotations

from typing import Any

from chalicelib.jobs.context import RequestContext
from chalicelib.jobs.registry import job


@job("render_event")
def render_event_job(
    ctx: RequestContext, *, event_id: str, old_slug: str | None = None, requested_at: float = 0
) -> dict[str, Any]:
    """Rebuild one event's pages and the site index in the site bucket (only changed files)."""
    from chalicelib.site.publish import publish_event

    report = publish_event(event_id, old_slug=old_slug, requested_at=requested_at)
    return report.summary()


@job("render_site")
def render_site_job(ctx: RequestContext) -> dict[str, Any]:
    """Rebuild every published event and the index; fails (to be retried) naming any event that
    did not publish, after publishing all the others."""
    from chalicelib.site.publish import publish_site

    return publish_site().raise_for_failures().summary()
