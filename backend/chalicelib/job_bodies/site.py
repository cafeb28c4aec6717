"""Site rebuild jobs: thin, they load and call the publisher."""

from __future__ import annotations

from typing import Any

from chalicelib.jobs.registry import job
from chalicelib.jobs.runner import current_job_id
from chalicelib.request_context import RequestContext


@job("render_event")
def render_event_job(
    ctx: RequestContext,
    *,
    event_id: str,
    old_slug: str | None = None,
    requested_at: float = 0,
    changed: list[str] | None = None,
) -> dict[str, Any]:
    """Rebuild one event's pages and the site index in the site bucket (only changed files); while
    another render job of the event runs, ask it to render once more instead (a burst coalesces).
    `changed`: the sort keys of the items whose change asked for it (None: not known, read all)."""
    # Lazy: every worker imports the job registry; the renderer loads only when a render runs.
    from chalicelib.site.publish import publish_event  # noqa: PLC0415 — the renderer loads only when a render runs: every job worker imports this module

    # The turn is held by job id, so this job's own retry after a crash takes it straight back.
    report = publish_event(
        event_id, old_slug=old_slug, requested_at=requested_at, holder=current_job_id(), changed=changed
    )
    return report.summary()


@job("render_site")
def render_site_job(ctx: RequestContext) -> dict[str, Any]:
    """Rebuild every published event and the index; fails (to be retried) naming any event that
    did not publish, after publishing all the others."""
    from chalicelib.site.publish import publish_site  # noqa: PLC0415 — the renderer loads only when a render runs: every job worker imports this module

    return publish_site().raise_for_failures().summary()
