"""Helpers for tests of the render path: a second published event, and a renderer that fails for one event."""

from __future__ import annotations


def failing_render(monkeypatch, failing_slug: str) -> None:
    """Rendering the event with `failing_slug` raises, as a renderer bug would; others render."""
    from chalicelib.site import render
    from podium import site_folder

    real_event, real_pages = render.render_event, render.event_pages

    def render_event(bundle, *, base_url, **options):
        if bundle.event.slug == failing_slug:
            raise RuntimeError(f"cannot render {failing_slug}")
        return real_event(bundle, base_url=base_url, **options)

    def event_pages(view):  # build_site --out renders pages and feeds apart (podium/site_folder.py)
        if view.event.slug == failing_slug:
            raise RuntimeError(f"cannot render {failing_slug}")
        return real_pages(view)

    monkeypatch.setattr(render, "render_event", render_event)
    monkeypatch.setattr(site_folder, "event_pages", event_pages)


def second_published_event(slug: str = "second-conf") -> str:
    """A small published event beside the demo one; returns its slug."""
    from datetime import timedelta

    from chalicelib.clock import clock
    from chalicelib.db import content, keys
    from chalicelib.db.keys import PUBLISHED

    start = (clock().now() + timedelta(days=40)).replace(microsecond=0)
    pk = keys.event_pk("second")
    content.Event(
        pk, "EVENT", id="second", slug=slug, name="Second Conf", starts_at=start, ends_at=start + timedelta(hours=8),
        timezone="Europe/Berlin", state="published", gsi1pk=f"SLUG#{slug}", gsi1sk="EVENT", gsi2pk=PUBLISHED,
        gsi2sk=start.isoformat(),
    ).save()  # fmt: skip
    content.Session(
        pk, "SESSION#one", id="one", event_id="second", title="Only talk", state="accepted",
        starts_at=start, ends_at=start + timedelta(minutes=30),
    ).save()  # fmt: skip
    return slug
