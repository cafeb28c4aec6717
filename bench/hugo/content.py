"""Write an Open Event export as a Hugo site (bench/hugo/site plus content/, data/ and static/):
the same public files build_site.py makes, for bench/hugo_ratio.py to time Hugo rendering them.

The data is what our renderer reads: the export through our reader and public view (published
sessions only, rich text sanitized, grid places computed, share cards chosen), so Hugo renders
the same pages and is not charged for reading or cleaning the export (a Hugo site gets its data
ready-made). Hugo makes the same files from it: every page kind (the per-room and per-track
grids, search, my schedule and news too), the feeds (schedule.json, search.json, schedule.xml,
news.atom: Hugo serialises them), the calendars (schedule.ics and one session.ics per session),
the sitemap, a service worker listing the offline URLs, and the assets (copied)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

from chalicelib.clock import clock
from chalicelib.formats.openevent import read_export
from chalicelib.public.richtext import plain_text, sanitize
from chalicelib.site import feeds
from chalicelib.site.from_export import export_to_bundle
from chalicelib.site.grid import day_grid, day_grids
from chalicelib.site.render import asset_files, event_view
from chalicelib.site.share import share_card

SKELETON = Path(__file__).resolve().parent / "site"
# Hugo's output formats (site/hugo.toml) that make the event's feeds beside its home page.
FEEDS = ("schedulejson", "searchjson", "schedulexml", "scheduleics", "newsatom", "serviceworker")


def _hm(moment: Any) -> str:
    return moment.strftime("%H:%M") if moment else ""


def _long(moment: Any) -> str:
    return f"{moment:%A} {moment.day} {moment:%B %Y}"


def _session(view: Any, s: Any) -> dict[str, Any]:
    names = ", ".join(p.name for p in s.speakers)
    description = "\n\n".join(x for x in (names, plain_text(s.session.short_abstract or s.session.long_abstract)) if x)
    return {
        "title": s.session.title, "url": s.url, "abs_url": view.absolute(s.url), "start": _hm(s.local_start),
        "end": _hm(s.local_end), "day": f"{s.local_start:%a} {s.local_start.day} {s.local_start:%b}" if s.local_start else "",
        "start_iso": s.local_start.isoformat() if s.local_start else "",
        "end_iso": s.local_end.isoformat() if s.local_end else "",
        "ics_end": feeds.calendar_end(s).isoformat() if s.local_start else "",
                "grid_start": f"{s.session.starts_at:%Y-%m-%dT%H:%M:%SZ}" if s.session.starts_at else "",
        "grid_end": f"{s.session.ends_at:%Y-%m-%dT%H:%M:%SZ}" if s.session.ends_at else "",
        "faces": s.duration_minutes >= 30, "ics_description": description,
        "room": s.room.name if s.room else "", "room_id": s.room.id if s.room else "",
        "track": s.track.name if s.track else "", "track_id": s.track.id if s.track else "",
        "color": s.track.color if s.track else "",
        "speakers": [{"name": p.name, "id": p.id, "organisation": p.organisation or ""} for p in s.speakers],
    }  # fmt: skip


def _card(view: Any, page: str, **item: Any) -> dict[str, str]:
    card = share_card(event=view.event, root=view.root, base_url=view.base_url, page=page, **item)
    return {"title": card.title, "description": card.description, "url": card.url, "image": card.image, "kind": card.kind}


def _grid(grid: Any) -> dict[str, Any]:
    entries = [
        {"brk": True, "title": p.view.brk.title, "start": _hm(p.view.local_start), "end": _hm(p.view.local_end),
         "c": p.column, "span": p.span, "rs": p.row_start, "re": p.row_end}
        if p.is_break else {"id": p.view.session.id, "rs": p.row_start, "re": p.row_end, "c": p.column}
        for p in grid.entries
    ]  # fmt: skip
    return {
        "columns": grid.columns, "rows": grid.rows,
        "rooms": [{"name": rc.room.name, "column": rc.column, "span": rc.span} for rc in grid.rooms],
        "labels": [{"row": label.row, "time": _hm(label.moment)} for label in grid.labels], "entries": entries,
    }  # fmt: skip


def _front_matter(path: Path, **fields: Any) -> None:
    # JSON front matter: Hugo reads it as fast as any, and it needs no YAML escaping.
    path.write_text(json.dumps(fields, ensure_ascii=False) + "\n")


def _event_data(view: Any) -> dict[str, Any]:
    event, root = view.event, view.root
    starts, ends = view.local(event.starts_at), view.local(event.ends_at)
    calendar = feeds.calendars(view)["schedule.ics"].decode()
    vtimezone = calendar[calendar.index("BEGIN:VTIMEZONE") : calendar.index("END:VTIMEZONE") + len("END:VTIMEZONE\r\n")]
    return {
        "name": event.name, "slug": event.slug, "id": event.id, "root": root, "timezone": event.timezone,
        "base_url": view.base_url.rstrip("/"), "starts": _long(starts), "starts_iso": starts.isoformat(),
        "ends": _long(ends) if starts.date() != ends.date() else "", "ends_iso": ends.isoformat(),
        "dtstamp": f"{event.starts_at:%Y%m%dT%H%M%SZ}", "vtimezone": vtimezone,
        "location": event.location_name or "", "tickets": event.ticket_url or "",
        "map": f"{event.latitude}&amp;mlon={event.longitude}#map=17/{event.latitude}/{event.longitude}"
        if event.latitude is not None and event.longitude is not None else "", "description": sanitize(event.description or ""),
        "days": [{"iso": d.iso, "long": _long(d.date), "short": f"{d.date:%a} {d.date.day} {d.date:%b}",
                  "count": len(d.sessions)} for d in view.days],
        "speakers": [{"url": sp.url, "name": sp.speaker.name, "organisation": sp.speaker.organisation or ""}
                     for sp in view.speakers],
        "tracks": [{"id": t.id, "name": t.name, "color": t.color, "description": sanitize(t.description or ""),
                    "sessions": [s.session.id for s in view.sessions_by_track.get(t.id, ())]} for t in view.tracks_in_order()],
        "rooms": [{"id": r.id, "name": r.name, "floor": "" if r.floor is None else str(r.floor),
                   "count": len(view.sessions_by_room.get(r.id, ()))} for r in view.rooms_in_order()],
        "sponsors": [{"tier": tier, "sponsors": [{"name": sp.name, "url": sp.url or "", "description": sanitize(sp.description or "")}
                                                 for sp in group]} for tier, group in view.sponsors_by_tier()],
        "unscheduled": [s.session.id for s in view.unscheduled],
        "scheduled": [s.session.id for s in view.sessions if s.local_start],
        "organizer": event.organizer_name or "", "organizer_description": sanitize(event.organizer_description or ""),
        "code_of_conduct": sanitize(event.code_of_conduct or ""),
        "social_links": [{"name": name, "url": url} for name, url in (event.social_links or ()) if url],
    }  # fmt: skip


def write_hugo_site(export_path: Path, site: Path, *, base_url: str = "http://localhost:8080/") -> int:
    """The Hugo site of the export at `site` (replaced); returns the number of content pages."""
    view = event_view(export_to_bundle(read_export(export_path), now=clock().now()), base_url=base_url)
    root = view.root
    shutil.rmtree(site, ignore_errors=True)
    shutil.copytree(SKELETON, site)
    (site / "hugo.toml").write_text((SKELETON / "hugo.toml").read_text().replace("BASE_URL", base_url))
    data, content, static = site / "data", site / "content", site / "static"
    for folder in (data, content, static / "assets"):
        folder.mkdir(parents=True)
    for path, asset in asset_files().items():
        (static / path).write_bytes(asset)
    (data / "sessions.json").write_text(json.dumps({s.session.id: _session(view, s) for s in view.sessions}, ensure_ascii=False))
    (data / "event.json").write_text(json.dumps(_event_data(view), ensure_ascii=False))
    # The feeds' data as our feeds hold it: Hugo parses it and serialises it again (or templates it).
    (data / "schedule.json").write_bytes(feeds.schedule_json(view))
    (data / "search.json").write_bytes(feeds.search_index(view))
    pages = [
        ("event", "event", "home", root), ("schedule", "schedule", "schedule", f"{root}schedule/"),
        ("speakers", "speakers", "speakers", f"{root}speakers/"), ("tracks", "tracks", "tracks", f"{root}tracks/"),
        ("rooms", "rooms", "rooms", f"{root}rooms/"), ("sponsors", "sponsors", "sponsors", f"{root}sponsors/"),
        ("search", "search", "search", f"{root}search/"), ("my", "my", "my", f"{root}my/"),
        ("news", "news", "news", f"{root}news/"),
    ]
    titles = {"event": "About", "my": "My schedule"}
    urls = [url for _, _, _, url in pages] + [f"{root}schedule/{d.iso}/" for d in view.days]
    for layout, name, key, url in pages:
        extra = {"outputs": ["html", *FEEDS]} if name == "event" else {}
        _front_matter(content / f"{name}.md", title=titles.get(name, name.title()), url=url, layout=layout, page=key,
                      card=_card(view, key), **extra)  # fmt: skip
    for day in view.days:
        _front_matter(
            content / f"day-{day.iso}.md", title=f"Schedule {_long(day.date)}", url=f"{root}schedule/{day.iso}/",
            layout="day", page="schedule", day=day.iso, grid=_grid(day_grid(day)), card=_card(view, "schedule", day=day),
        )  # fmt: skip
    grids = 0
    for kind, items, by in (("room", view.rooms_in_order(), view.sessions_by_room), ("track", view.tracks_in_order(), view.sessions_by_track)):
        for item in items:
            if not by.get(item.id):
                continue
            grids += 1
            urls.append(f"{root}{kind}s/{item.id}/")
            _front_matter(
                content / f"{kind}-{item.id}.md", title=item.name, url=f"{root}{kind}s/{item.id}/", layout=kind,
                page=f"{kind}s", item_id=item.id, color=getattr(item, "color", ""),
                floor="" if getattr(item, "floor", None) is None else str(item.floor), card=_card(view, f"{kind}s"),
                days=[{"iso": d.iso, "long": _long(d.date), "grid": _grid(g)} for d, g in day_grids(by[item.id], view.breaks)],
            )  # fmt: skip
    for s in view.sessions:
        s_ = s.session
        links = [{"label": label, "url": url} for label, url in (("Slides", s_.slides_url), ("Video", s_.video_url), ("Audio", s_.audio_url)) if url]
        _front_matter(
            content / f"session-{s_.id}.md", title=s_.title, url=s.url, layout="session", page="schedule", id=s_.id,
            subtitle=s_.subtitle or "", language=s_.language or "", level=s_.level or "",
            session_type=s.session_type.name if s.session_type else "",
            short_abstract=sanitize(s_.short_abstract or ""), long_abstract=sanitize(s_.long_abstract or ""),
            answers=[{"q": q, "a": a} for q, a in (s_.published_answers or ())], links=links,
            outputs=["html", "sessionics"] if s.local_start else ["html"], card=_card(view, "schedule", session=s),
        )  # fmt: skip
    for sp in view.speakers:
        p = sp.speaker
        role = " · ".join(x for x in (p.position, p.organisation, p.country) if x)
        _front_matter(
            content / f"speaker-{p.id}.md", title=p.name, url=sp.url, layout="speaker", page="speakers", role=role,
            biography=sanitize(p.long_biography or p.short_biography or ""), sessions=[s.session.id for s in sp.sessions],
            links=[{"label": label, "url": url} for label, url in (("Website", p.website), ("Twitter", p.twitter)) if url],
            card=_card(view, "speakers", speaker=sp),
        )  # fmt: skip
    # The service worker's list (ours: every page and JSON file, then the assets).
    urls += [s.url for s in view.sessions] + [sp.url for sp in view.speakers] + [f"{root}{n}.json" for n in ("schedule", "search")]
    (data / "offline.json").write_text(json.dumps(sorted(urls) + [f"/{name}" for name in sorted(asset_files())]))
    return len(pages) + len(view.days) + grids + len(view.sessions) + len(view.speakers)
