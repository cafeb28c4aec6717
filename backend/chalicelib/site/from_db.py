"""Builds the public view model of an event from the table: one Query per event."""

from __future__ import annotations

import dataclasses
import threading
from collections import OrderedDict, defaultdict
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, NamedTuple

from chalicelib.clock import clock
from chalicelib.colors import readable_text_color
from chalicelib.db import content
from chalicelib.db.base import Item
from chalicelib.db.keys import EVENT_SK
from chalicelib.db.queries import event_content_raw, event_raw_items_at, published_events
from chalicelib.db.uploads import StoredFile
from chalicelib.domain import schedule_releases
from chalicelib.domain.uploads import public_url
from chalicelib.public import bundle as public
from chalicelib.public.memo import Memo
from chalicelib.public.safe_values import safe_record
from chalicelib.settings import settings
from chalicelib.site.from_export import cfp_state


def load_bundle(event_id: str) -> public.EventBundle | None:
    """The whole event, trashed items left out; None when the event itself is missing."""
    uploads = settings().uploads_base_url
    return _bundle_of({raw["sk"]["S"]: _stored_of(raw, uploads) for raw in event_content_raw(event_id)}.values())


@dataclass
class _LiveEvent:
    """One event's stored items as the render that made `generation` read them (sk → item)."""

    uploads: str
    items: dict[str, _Stored]
    generation: int | None = None  # None until a render from these items has finished


# Events rendered lately in this process (a warm Lambda, `podium dev`), so a render after an edit
# reads only the items the edit's stream records name. Trusted only for the render generation it
# was made in (db/render_turns.py counts them): a render elsewhere meanwhile means a full read.
LIVE_EVENTS: OrderedDict[str, _LiveEvent] = OrderedDict()
LIVE_EVENTS_KEPT = 8
_live_lock = threading.Lock()


def live_bundle(
    event_id: str, *, changed: Collection[str] | None, generation: int
) -> tuple[public.EventBundle | None, bool]:
    """The event as `load_bundle` reads it. When this process kept the event as of render
    `generation` and `changed` names every item (sort key) changed since, only those and the
    event item are read (consistently); otherwise the whole partition (then True beside it).
    Call `rendered` once the render finished."""
    uploads = settings().uploads_base_url
    with _live_lock:
        kept = LIVE_EVENTS.pop(event_id, None)
    read_all = kept is None or changed is None or kept.generation != generation or kept.uploads != uploads
    if read_all:
        items = {raw["sk"]["S"]: _stored_of(raw, uploads) for raw in event_content_raw(event_id)}
    else:
        items = kept.items
        wanted = {*changed, EVENT_SK}
        found = {raw["sk"]["S"]: raw for raw in event_raw_items_at(event_id, sorted(wanted)) if content.is_content(raw)}
        for sk in wanted:
            if sk in found:
                items[sk] = _stored_of(found[sk], uploads)
            else:
                items.pop(sk, None)
    with _live_lock:
        LIVE_EVENTS[event_id] = _LiveEvent(uploads, items)
        while len(LIVE_EVENTS) > LIVE_EVENTS_KEPT:
            LIVE_EVENTS.popitem(last=False)
    return _bundle_of(items[sk] for sk in sorted(items)), read_all


def rendered(event_id: str, *, generation: int | None) -> None:
    """Mark the kept items as those render `generation` was made from (None: forget them)."""
    with _live_lock:
        kept = LIVE_EVENTS.get(event_id)
        if kept is not None and generation is None:
            del LIVE_EVENTS[event_id]
        elif kept is not None:
            kept.generation = generation


def _stored_of(raw: dict[str, Any], uploads: str) -> _Stored:
    if raw.get("kind", {}).get("S") == EVENT_KIND:  # converted at each build: its call-for-papers state follows the clock
        item = Item.from_raw_data(raw)
        return _Stored(type(item), item.is_trashed(), item.expires_at, item)
    return STORED_RECORDS.get((uploads, raw), lambda: _stored(raw))


def _bundle_of(stored_items: Iterable[_Stored]) -> public.EventBundle | None:
    by_kind: dict[type[Item], list[Any]] = defaultdict(list)
    answers: dict[str, dict[str, Any]] = {}  # a session's answers by its id, joined below
    snapshots: dict[str, dict[str, Any]] = {}  # each release's snapshot by the release's id
    now = clock().epoch()
    for stored in stored_items:
        if stored.trashed or (stored.expires_at is not None and stored.expires_at <= now):
            continue
        if stored.record is not None:
            by_kind[stored.kind].append(stored.record)
            if stored.answers:
                answers[stored.record.id] = stored.answers
            if stored.snapshot is not None:
                snapshots[stored.record.id] = stored.snapshot
    events = by_kind[content.Event]
    if not events:
        return None
    sessions = _with_published_answers(by_kind[content.Session], by_kind[content.Question], answers)
    releases = tuple(sorted(by_kind[content.ScheduleRelease], key=lambda r: r.number))
    version = ""
    if schedule_releases.schedule_mode(events[0]) == schedule_releases.MANUAL:
        # The site and every feed show the latest release; with none yet, nothing is scheduled.
        version = releases[-1].version if releases else ""
        shown = snapshots.get(releases[-1].id, {}) if releases else {}
        sessions = schedule_releases.released_sessions(sessions, shown, slot=events[0].id)
    return public.EventBundle(
        event=_event(events[0]),
        tracks=tuple(by_kind[content.Track]),
        rooms=tuple(by_kind[content.Room]),
        session_types=tuple(by_kind[content.SessionType]),
        sessions=sessions,
        speakers=tuple(by_kind[content.Speaker]),
        sponsors=tuple(by_kind[content.Sponsor]),
        posts=tuple(by_kind[content.Post]),
        releases=releases,
        schedule_version=version,
        breaks=tuple(by_kind[content.ScheduleBlock]),  # breaks only: _break drops blockers
    )


def _with_published_answers(
    sessions: list[public.Session], questions: list[_PublishedQuestion], answers: dict[str, dict[str, Any]]
) -> tuple[public.Session, ...]:
    """The sessions, each with its answers to the questions published with the session."""
    if not questions or not answers:
        return tuple(sessions)
    ordered = sorted(questions, key=lambda q: (q.position, q.id))
    return tuple(
        dataclasses.replace(s, published_answers=tuple(
            (q.label, _answer_text(answers[s.id][q.id])) for q in ordered if q.id in answers.get(s.id, {})
        )) if s.id in answers else s
        for s in sessions
    )  # fmt: skip


def _answer_text(value: Any) -> str:
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    if isinstance(value, dict):  # a file answer: its name (the file itself stays with the organizers)
        return str(value.get("filename") or "")
    return str(value)


class _PublishedQuestion(NamedTuple):
    """A custom question published with the sessions (others make no record at all)."""

    id: str
    label: str
    position: float


def _question(q: content.Question) -> _PublishedQuestion | None:
    return _PublishedQuestion(q.id, q.label, q.position or 0) if q.visibility == "public" else None


EVENT_KIND = str(Item._attributes["kind"].get_discriminator(content.Event))  # as stored


class _Stored(NamedTuple):
    """What a build needs of one stored item: its kind, whether it is live, its public record."""

    kind: type[Item]
    trashed: bool
    expires_at: int | None
    record: Any  # the public record; None for kinds the site does not show
    answers: dict[str, Any] | None = None  # a session's answers, until joined with the published questions
    snapshot: dict[str, Any] | None = None  # a schedule release's snapshot (domain/schedule_releases.py)


# Public records made from stored items, remembered between builds in one process (a warm
# Lambda, `podium dev`). The key is the item as stored, every attribute (and the uploads
# base URL its file links are made from), so a hit is exactly what converting it gives.
STORED_RECORDS: Memo[_Stored] = Memo(16384)


def _stored(raw: dict[str, Any]) -> _Stored:
    item = Item.from_raw_data(raw)
    convert = _CONVERTERS.get(type(item))
    record = convert(item) if convert is not None else None
    answers = getattr(item, "answers", None) if isinstance(item, content.Session) else None
    snapshot = schedule_releases.unpack(item.snapshot) if isinstance(item, content.ScheduleRelease) else None
    return _Stored(
        type(item), item.is_trashed(), item.expires_at, record, answers.as_dict() if answers else None, snapshot
    )


def _published_post(p: content.Post) -> public.Post | None:
    return _post(p) if p.published else None


def published_event_summaries() -> list[public.Event]:
    """Every published event's own record (no children): what the site index lists. One index Query."""
    return [_event(e) for e in published_events()]


def _text(value: str | None) -> str:
    return value or ""


def _event(e: content.Event) -> public.Event:
    cfp_state = _cfp_state(e.call_for_papers)
    return public.Event(
        id=e.id,
        slug=e.slug,
        name=e.name,
        starts_at=e.starts_at,
        ends_at=e.ends_at,
        timezone=e.timezone or "UTC",
        description=_text(e.description),
        location_name=_text(e.location_name),
        latitude=e.latitude,
        longitude=e.longitude,
        logo_url=_file_url(e.logo_file, "500x500.webp") or _text(e.logo_url),
        banner_url=_file_url(e.banner_file, "1300x500.webp") or _text(e.banner_url),
        logo_file=_picture(e.logo_file),
        banner_file=_picture(e.banner_file),
        organizer_name=_text(e.organizer_name),
        organizer_description=_text(e.organizer_description),
        ticket_url=_text(e.ticket_url),
        code_of_conduct=_text(e.code_of_conduct),
        licence=_text(e.licence),
        social_links=tuple((link.name, link.url) for link in e.social_links or []),
        cfp_state=cfp_state,
        proposal_url=f"/admin/#/events/{e.id}/submit" if cfp_state == "open" else "",
        published=e.state == "published",
    )


def _cfp_state(cfp: content.CallForPapers | None) -> str | None:
    if cfp is None:
        return None
    return cfp_state({"starts_at": cfp.starts_at, "ends_at": cfp.ends_at, "privacy": cfp.privacy or ""}, clock().now())


def _track(t: content.Track) -> public.Track:
    color = t.color or "#5c6b7a"
    text_color = t.text_color or readable_text_color(color)
    return public.Track(id=t.id, name=t.name, description=_text(t.description), color=color, text_color=text_color)


def _break(b: content.ScheduleBlock) -> public.Break | None:
    """A break as the site shows it; blockers (organizers only) are not shown."""
    if b.block_type != "break" or not b.starts_at or not b.ends_at or b.starts_at >= b.ends_at:
        return None
    return public.Break(id=b.id, title=_text(b.title), starts_at=b.starts_at, ends_at=b.ends_at, room_ids=tuple(b.room_ids or ()))


def _room(r: content.Room) -> public.Room:
    return public.Room(id=r.id, name=r.name, floor=_int(r.floor), position=_int(r.position) or 0, guid=_text(r.guid))


def _session_type(t: content.SessionType) -> public.SessionType:
    return public.SessionType(id=t.id, name=t.name, length_minutes=_int(t.length_minutes))


def _session(s: content.Session) -> public.Session:
    return public.Session(
        id=s.id,
        title=s.title,
        starts_at=s.starts_at.astimezone(UTC) if s.starts_at else None,
        ends_at=s.ends_at.astimezone(UTC) if s.ends_at else None,
        state=s.state,
        subtitle=_text(s.subtitle),
        short_abstract=_text(s.short_abstract),
        long_abstract=_text(s.long_abstract),
        language=_text(s.language),
        level=_text(s.level),
        track_id=s.track_id,
        room_id=s.room_id,
        session_type_id=s.session_type_id,
        speaker_ids=tuple(s.speaker_ids or ()),
        slides_url=_file_url(s.slides_file) or _text(s.slides_url),
        video_url=_text(s.video_url),
        audio_url=_text(s.audio_url),
        guid=_text(s.guid),
        links=public.references(s.links),
        attachments=public.references(s.attachments),
        logo_url=_text(s.logo_url),
        feedback_url=_text(s.feedback_url),
        recording_license=_text(s.recording_license),
        do_not_record=s.do_not_record,
        do_not_stream=s.do_not_stream,
    )


def _speaker(s: content.Speaker) -> public.Speaker:
    return public.Speaker(
        id=s.id,
        name=s.name,
        photo_url=_file_url(s.photo_file, "500x500.webp") or _text(s.photo_url),
        photo_file=_picture(s.photo_file),
        short_biography=_text(s.short_biography),
        long_biography=_text(s.long_biography),
        organisation=_text(s.organisation),
        position=_text(s.position),
        country=_text(s.country),
        website=_text(s.website),
        twitter=_text(s.twitter),
        featured=bool(s.featured),
        session_ids=tuple(s.session_ids or ()),
        guid=_text(s.guid),
    )


def _sponsor(s: content.Sponsor) -> public.Sponsor:
    return public.Sponsor(
        id=s.id,
        name=s.name,
        description=_text(s.description),
        url=_text(s.url),
        logo_url=_file_url(s.logo_file, "500x500.webp") or _text(s.logo_url),
        logo_file=_picture(s.logo_file),
        tier=_text(s.tier),
        level=_int(s.level) or 0,
    )


def _post(p: content.Post) -> public.Post:
    return public.Post(id=p.id, title=p.title, body=_text(p.body), published_at=p.published_at or p.created_at)


def _release(r: content.ScheduleRelease) -> public.ScheduleRelease:
    changes = schedule_releases.unpack(r.changes)

    def moment(place: dict[str, Any] | None, name: str) -> datetime | None:
        return datetime.fromisoformat(place[name]) if place and place.get(name) else None

    listed = tuple(
        safe_record(public.ScheduleChange(
            kind=kind, session_id=c["session_id"], title=c.get("title") or "",
            before_starts_at=moment(c.get("before"), "starts_at"), before_ends_at=moment(c.get("before"), "ends_at"),
            before_room=(c.get("before") or {}).get("room") or "",
            after_starts_at=moment(c.get("after"), "starts_at"), after_ends_at=moment(c.get("after"), "ends_at"),
            after_room=(c.get("after") or {}).get("room") or "",
        ))
        for kind in schedule_releases.CHANGE_KINDS
        for c in changes.get(kind, ())
    )
    return safe_record(
        public.ScheduleRelease(id=r.id, number=int(r.number), version=r.label, comment=_text(r.comment), released_at=r.released_at,
                               changes=listed)
    )  # fmt: skip


_CONVERTERS: dict[type[Item], Callable[[Any], Any]] = {
    content.Track: _track,
    content.Room: _room,
    content.SessionType: _session_type,
    content.Session: _session,
    content.Speaker: _speaker,
    content.Sponsor: _sponsor,
    content.Post: _published_post,
    content.Question: _question,
    content.ScheduleRelease: _release,
    content.ScheduleBlock: _break,
}


def _file_url(stored: StoredFile | None, thumbnail: str | None = None) -> str:
    """An uploaded file's public URL, its thumbnail's once the thumbnail job has made it."""
    if stored is None:
        return ""
    thumbnails = stored.thumbnails.as_dict() if stored.thumbnails else {}
    return public_url(thumbnails.get(thumbnail or "", stored.key))


def _picture(stored: StoredFile | None) -> public.Picture | None:
    """The file's WebP thumbnails with their sizes (recorded by the thumbnail job; a thumbnail from
    before that is taken at its box's size, which holds for cropped ones); None until they exist."""
    thumbnails = stored.thumbnails.as_dict() if stored is not None and stored.thumbnails else {}
    sizes = stored.thumbnail_sizes.as_dict() if stored is not None and stored.thumbnail_sizes else {}
    versions = []
    for name, key in thumbnails.items():
        if name.endswith(".webp"):
            width, _, height = (sizes.get(name) or name.removesuffix(".webp")).partition("x")
            if width.isdigit() and height.isdigit() and int(width) and int(height):
                versions.append((public_url(key), int(width), int(height)))
    return public.Picture(tuple(sorted(versions, key=lambda v: (v[1] * v[2], v[0])))) if versions else None


def _int(value: float | None) -> int | None:
    return None if value is None else int(value)
