"""Write an Open Event export as a Hugo site (bench/hugo/site plus content/ and data/): the same
public pages build_site.py makes, for bench/hugo_ratio.py to time Hugo rendering them.

The data is what our renderer reads: the export through our reader and public view (published
sessions only, rich text sanitized, grid places computed), so Hugo renders the same pages and is
not charged for reading or cleaning the export (a Hugo site gets its data ready-made)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

from chalicelib.clock import clock
from chalicelib.formats.openevent import read_export
from chalicelib.public.richtext import sanitize
from chalicelib.site.from_export import export_to_bundle
from chalicelib.site.grid import day_grid
from chalicelib.site.render import event_view

SKELETON = Path(__file__).resolve().parent / "site"


def _hm(moment: Any) -> str:
    return moment.strftime("%H:%M") if moment else ""


def _session(s: Any) -> dict[str, Any]:
    return {
        "title": s.session.title, "url": s.url, "start": _hm(s.local_start), "end": _hm(s.local_end),
        "day": f"{s.local_start:%a} {s.local_start.day} {s.local_start:%b}" if s.local_start else "",
        "start_iso": s.local_start.isoformat() if s.local_start else "",
        "room": s.room.name if s.room else "", "room_id": s.room.id if s.room else "",
        "track": s.track.name if s.track else "", "track_id": s.track.id if s.track else "",
        "color": s.track.color if s.track else "",
        "speakers": [{"name": p.name, "id": p.id, "organisation": p.organisation or ""} for p in s.speakers],
    }  # fmt: skip


def _front_matter(path: Path, **fields: Any) -> None:
    # JSON front matter: Hugo reads it as fast as any, and it needs no YAML escaping.
    path.write_text(json.dumps(fields, ensure_ascii=False) + "\n")


def write_hugo_site(export_path: Path, site: Path, *, base_url: str = "http://localhost:8080/") -> int:
    """The Hugo site of the export at `site` (replaced); returns the number of content pages."""
    view = event_view(export_to_bundle(read_export(export_path), now=clock().now()), base_url=base_url)
    event, root = view.event, view.root
    shutil.rmtree(site, ignore_errors=True)
    shutil.copytree(SKELETON, site)
    (site / "hugo.toml").write_text((SKELETON / "hugo.toml").read_text().replace("BASE_URL", base_url))
    data, content = site / "data", site / "content"
    data.mkdir()
    content.mkdir()
    sessions = {s.session.id: _session(s) for s in view.sessions}
    (data / "sessions.json").write_text(json.dumps(sessions, ensure_ascii=False))
    (data / "event.json").write_text(json.dumps({
        "name": event.name, "slug": event.slug, "root": root, "timezone": event.timezone,
        "starts": f"{view.local(event.starts_at):%A} {view.local(event.starts_at).day} {view.local(event.starts_at):%B %Y}",
        "location": event.location_name or "", "description": sanitize(event.description or ""),
        "days": [{"iso": d.iso, "long": f"{d.date:%A} {d.date.day} {d.date:%B %Y}",
                  "short": f"{d.date:%a} {d.date.day} {d.date:%b}", "count": len(d.sessions)} for d in view.days],
        "speakers": [{"url": sp.url, "name": sp.speaker.name, "organisation": sp.speaker.organisation or ""}
                     for sp in view.speakers],
        "tracks": [{"id": t.id, "name": t.name, "color": t.color, "description": sanitize(t.description or ""),
                    "sessions": [s.session.id for s in view.sessions_by_track.get(t.id, ())]} for t in view.tracks_in_order()],
        "rooms": [{"id": r.id, "name": r.name, "count": len(view.sessions_by_room.get(r.id, ()))} for r in view.rooms_in_order()],
        "sponsors": [{"tier": tier, "sponsors": [{"name": sp.name, "url": sp.url or ""} for sp in group]}
                     for tier, group in view.sponsors_by_tier()],
        "unscheduled": [s.session.id for s in view.unscheduled],
    }, ensure_ascii=False))  # fmt: skip
    pages = [
        ("event", "event", "About", root), ("schedule", "schedule", "Schedule", f"{root}schedule/"),
        ("speakers", "speakers", "Speakers", f"{root}speakers/"), ("tracks", "tracks", "Tracks", f"{root}tracks/"),
        ("rooms", "rooms", "Rooms", f"{root}rooms/"), ("sponsors", "sponsors", "Sponsors", f"{root}sponsors/"),
    ]
    for layout, name, title, url in pages:
        _front_matter(content / f"{name}.md", title=title, url=url, layout=layout)
    for day in view.days:
        grid = day_grid(day)
        _front_matter(
            content / f"day-{day.iso}.md", title=f"Schedule {day.iso}", url=f"{root}schedule/{day.iso}/", layout="day",
            day=day.iso, columns=grid.columns, rows=grid.rows,
            rooms=[{"name": rc.room.name, "column": rc.column, "span": rc.span} for rc in grid.rooms],
            labels=[{"row": label.row, "time": _hm(label.moment)} for label in grid.labels],
            placed=[{"id": p.view.session.id, "rs": p.row_start, "re": p.row_end, "c": p.column} for p in grid.placed],
        )  # fmt: skip
    for s in view.sessions:
        s_ = s.session
        _front_matter(
            content / f"session-{s_.id}.md", title=s_.title, url=s.url, layout="session", id=s_.id,
            subtitle=s_.subtitle or "", language=s_.language or "", level=s_.level or "",
            session_type=s.session_type.name if s.session_type else "",
            short_abstract=sanitize(s_.short_abstract or ""), long_abstract=sanitize(s_.long_abstract or ""),
        )  # fmt: skip
    for sp in view.speakers:
        p = sp.speaker
        role = " · ".join(x for x in (p.position, p.organisation, p.country) if x)
        _front_matter(
            content / f"speaker-{p.id}.md", title=p.name, url=sp.url, layout="speaker", role=role,
            biography=sanitize(p.long_biography or p.short_biography or ""), sessions=[s.session.id for s in sp.sessions],
        )  # fmt: skip
    return len(pages) + len(view.days) + len(view.sessions) + len(view.speakers)
