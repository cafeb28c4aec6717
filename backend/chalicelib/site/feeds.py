"""Site feeds: iCalendar (schedule.ics and one calendar per session) and the search index.

The exchange formats the site also publishes (c3voc schedule.json, frab schedule.xml) are
written by chalicelib/formats/, beside their readers; the site only hands those writers each
session's piece as kept between renders (`schedule_json`, `schedule_xml`). iCalendar stays here
because the site is its only reader and writer (nothing imports or exports it).
"""

from __future__ import annotations

import functools
import json
import uuid
import xml.etree.ElementTree as ET
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from chalicelib.formats import c3voc, frab
from chalicelib.public.bundle import ScheduleChange, Speaker
from chalicelib.public.memo import Memo, SameChunks, SameInputs
from chalicelib.public.richtext import plain_text, sanitize
from chalicelib.public.view import NO_ROOM, EventView, SessionView


def dumps(value: object) -> bytes:
    """Deterministic compact JSON."""
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def _room_name(session: SessionView) -> str:
    return (session.room or NO_ROOM).name


# Each session's piece of every feed as last made, kept while the session's view and what the
# pieces read of the event (`_made_with`) are the same (memo.SameInputs): no pickling per session.
C3VOC_EVENTS: SameInputs[bytes] = SameInputs(65536)
FRAB_XML: SameInputs[bytes] = SameInputs(65536)
VEVENT_TEXT: SameInputs[bytes] = SameInputs(65536)
SEARCH_ENTRIES: SameInputs[bytes] = SameInputs(65536)
SESSION_CALENDARS: SameInputs[bytes] = SameInputs(65536)
# Runs of sessions whose pieces are all unchanged are given back whole (memo.SameChunks).
FEED_RUNS: SameChunks = SameChunks(16384)


def _made_with(view: EventView) -> tuple:
    """What a session's feed pieces read of the event besides the session: base URL and the event."""
    return (view.base_url, view.event_pickle)


# --- c3voc schedule.json and frab schedule.xml ---------------------------------------------
# formats/ writes them; the site hands each writer its kept pieces (one per session).


def schedule_json(view: EventView) -> bytes:
    """c3voc schedule.json (formats/c3voc.py), each session's event JSON kept between renders."""

    def pieces(sessions: Sequence[SessionView], make: Callable[[SessionView], bytes]) -> list[bytes]:
        return FEED_RUNS.map(
            ("c3voc", view.root), _made_with(view), sessions,
            lambda s: C3VOC_EVENTS.get(s.url, (s, *_made_with(view)), lambda: make(s)),
        )  # fmt: skip

    return c3voc.schedule_json(view, pieces=pieces)


def schedule_xml(view: EventView) -> bytes:
    """frab schedule.xml (formats/frab.py), each session's <event> kept between renders."""

    def pieces(sessions: Sequence[SessionView], make: Callable[[SessionView], bytes]) -> list[bytes]:
        return FEED_RUNS.map(
            ("frab", view.root), _made_with(view), sessions,
            lambda s: FRAB_XML.get(s.url, (s, *_made_with(view)), lambda: make(s)),
        )  # fmt: skip

    return frab.schedule_xml(view, pieces=pieces)


# --- iCalendar ------------------------------------------------------------------------


FOLDED_OCTETS = 74  # RFC 5545 lines are at most 75 octets; icalendar folds at 74


def folded(line: str) -> bytes:
    """`line` folded exactly as icalendar's `Contentline.to_ical` folds it, without its
    character-by-character loop (a fifth of a cold calendar build): the same 74-octet chunks,
    never splitting a character, and a `\\` or `^` ending a chunk moved to the next one."""
    data = line.encode()
    chunks, start = [], 0
    while len(data) - start > FOLDED_OCTETS:
        end = start + FOLDED_OCTETS
        while data[end] & 0xC0 == 0x80:  # a UTF-8 continuation byte: the character starts earlier
            end -= 1
        if data[end - 1] in b"\\^":  # an escape stays with what it escapes
            end -= 1
        chunks.append(data[start:end])
        start = end
    chunks.append(data[start:])
    return b"\r\n ".join(chunks)


def serialized(component: Any) -> bytes:
    """`component.to_ical()`, byte for byte, with the faster `folded`."""
    return b"".join(folded(line) + b"\r\n" for line in component.content_lines() if line)


def _vevent(view: EventView, session: SessionView) -> bytes:
    """The session's VEVENT, byte for byte as icalendar writes it (`_vevent_by_icalendar`): its
    property order, text escaping and date forms, written directly (icalendar's objects took 0.4 s
    of an 8-times-FOSSASIA build for 1,900 sessions). Times of a zone icalendar names by the
    moment rather than by the zone (none of ours) are written by icalendar itself."""
    s = session.session
    moments = [(name, moment, _moment_form(name, moment.tzinfo)) for name, moment in (
        ("DTSTART", session.local_start), ("DTEND", calendar_end(session)), ("DTSTAMP", view.event.starts_at),
    )]  # fmt: skip
    if any(form is None for _, _, form in moments):
        return serialized(_vevent_by_icalendar(view, session))
    lines = [
        "BEGIN:VEVENT",
        "SUMMARY:" + _ical_text(s.title),
        *(f"{form[0]}{_ical_digits(moment)}{form[1]}" for _, moment, form in moments),
        "UID:" + _ical_text(f"{s.id}@{view.event.id}.podium"),
        *(["CATEGORIES:" + _ical_text(session.track.name)] if session.track else []),
        "DESCRIPTION:" + _ical_text(_vevent_description(session)),
        "LOCATION:" + _ical_text(_room_name(session)),
        "URL:" + view.absolute(session.url),
        "END:VEVENT",
    ]
    return b"".join(folded(line) + b"\r\n" for line in lines)


def _vevent_description(session: SessionView) -> str:
    description = plain_text(session.session.short_abstract or session.session.long_abstract)
    names = ", ".join(p.name for p in session.speakers)
    return "\n\n".join(x for x in (names, description) if x)


def _ical_text(text: str) -> str:
    """A TEXT value escaped as icalendar escapes it (its `\\N` first, then the RFC 5545 escapes)."""
    return (
        text.replace("\\N", "\n").replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
        .replace("\r\n", "\\n").replace("\n", "\\n").replace("\r", "\\n")
    )  # fmt: skip


def _ical_digits(moment: datetime) -> str:
    return f"{moment.year:04}{moment.month:02}{moment.day:02}T{moment.hour:02}{moment.minute:02}{moment.second:02}"


@functools.lru_cache(maxsize=256)
def _moment_form(name: str, tzinfo: Any) -> tuple[str, str] | None:
    """What icalendar writes before and after a `name` time's digits in this zone (`DTSTART;TZID=
    Europe/Berlin:` and nothing, or `DTSTAMP:` and `Z`), asked of icalendar once per zone; None
    when icalendar names the zone by each moment (no id of its own), so each moment must be asked."""
    from icalendar import Event as VEvent  # noqa: PLC0415 — icalendar takes ~0.15 s to import; a site build imports it only in the process that writes the calendars (site_folder forks one), not before the pages
    from icalendar.timezone.tzid import tzid_from_tzinfo  # noqa: PLC0415 — as above

    if tzinfo is None or tzid_from_tzinfo(tzinfo) is None:
        return None
    probe = datetime(2000, 1, 2, 3, 4, 5, tzinfo=tzinfo)
    vevent = VEvent()
    vevent.add(name.lower(), probe)
    line = next(line for line in vevent.content_lines() if line.startswith(name))
    head, _, value = line.rpartition(":")  # the digits hold no colon; a quoted TZID may
    digits = _ical_digits(probe)
    return (head + ":", value.removeprefix(digits)) if value.startswith(digits) else None


def _vevent_by_icalendar(view: EventView, session: SessionView):
    from icalendar import Event as VEvent  # noqa: PLC0415 — icalendar takes ~0.15 s to import; a site build imports it only in the process that writes the calendars (site_folder forks one), not before the pages

    s = session.session
    vevent = VEvent()
    # Unique per event and stable across renders: the event's id, not its slug (which may change).
    vevent.add("uid", f"{s.id}@{view.event.id}.podium")
    # DTSTAMP is required; a fixed, data-derived value keeps builds byte-identical.
    vevent.add("dtstamp", view.event.starts_at)
    vevent.add("dtstart", session.local_start)
    vevent.add("dtend", calendar_end(session))
    vevent.add("summary", s.title)
    vevent.add("description", _vevent_description(session))
    vevent.add("location", _room_name(session))
    vevent.add("url", view.absolute(session.url))
    if session.track:
        vevent.add("categories", [session.track.name])
    return vevent


SHORTEST_CALENDAR_EVENT = timedelta(minutes=5)  # a schedule's time slot


def calendar_end(session: SessionView) -> datetime:
    """DTEND, which RFC 5545 wants after DTSTART (calendar apps refuse a calendar otherwise): the
    session's end, or one time slot after its start when it has none or ends at (or before) it."""
    start, end = session.local_start, session.local_end
    return end if end is not None and end > start else start + SHORTEST_CALENDAR_EVENT


def _calendar_frame(view: EventView) -> tuple[bytes, bytes]:
    """A VCALENDAR's lines before and after its X-WR-CALNAME line (made once per event)."""
    from icalendar import Calendar  # noqa: PLC0415 — icalendar takes ~0.15 s to import; a site build imports it only in the process that writes the calendars (site_folder forks one), not before the pages

    calendar = Calendar()
    calendar.add("prodid", "-//Podium//Event site//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", "")
    calendar.add("x-wr-timezone", view.event.timezone)
    before, after = calendar.to_ical().removesuffix(b"END:VCALENDAR\r\n").split(b"X-WR-CALNAME:\r\n")
    return before, after


@functools.lru_cache(maxsize=4096)
def _calname_line(name: str) -> bytes:
    """The X-WR-CALNAME content line exactly as a whole Calendar writes it (folded)."""
    from icalendar import Calendar  # noqa: PLC0415 — icalendar takes ~0.15 s to import; a site build imports it only in the process that writes the calendars (site_folder forks one), not before the pages

    calendar = Calendar()
    calendar.add("x-wr-calname", name)
    return folded(calendar.content_line("X-WR-CALNAME", calendar["X-WR-CALNAME"])) + b"\r\n"


def _calendar(frame: tuple[bytes, bytes], name: str, components: list[bytes]) -> bytes:
    """A VCALENDAR around already serialized components (each serialized once)."""
    before, after = frame
    return before + _calname_line(name) + after + b"".join(components) + b"END:VCALENDAR\r\n"


def _vtimezone(view: EventView) -> bytes:
    first = view.local(view.event.starts_at)
    return _vtimezone_from(view.event.timezone, first.date().replace(month=1, day=1))


@functools.lru_cache(maxsize=64)
def _vtimezone_from(timezone: str, first_date: date) -> bytes:
    from icalendar import Timezone  # noqa: PLC0415 — icalendar takes ~0.15 s to import; a site build imports it only in the process that writes the calendars (site_folder forks one), not before the pages

    return Timezone.from_tzinfo(ZoneInfo(timezone), first_date=first_date).to_ical()


VEVENTS = Memo(8192)


def calendars(view: EventView) -> dict[str, bytes]:
    """`schedule.ics` plus one `sessions/<id>/session.ics` per scheduled session."""
    vtimezone, frame = _vtimezone(view), _calendar_frame(view)
    files: dict[str, bytes] = {}
    scheduled = [session for session in view.sessions if session.local_start]

    def pieces(session: SessionView) -> tuple[bytes, str, bytes]:
        """The session's VEVENT, and its own calendar's path and bytes (the same object while unchanged)."""
        inputs = (view.event.id, view.event.slug, view.event.starts_at, view.absolute(session.url), session)
        vevent = VEVENT_TEXT.get(
            session.url,
            (session, *_made_with(view)),
            lambda: VEVENTS.get(inputs, lambda: _vevent(view, session)),
        )
        path = f"sessions/{session.session.id}/session.ics"
        calendar = SESSION_CALENDARS.get(
            path + view.root,
            (vevent, vtimezone, frame, session.session.title),
            lambda: _calendar(frame, session.session.title, [vtimezone, vevent]),
        )
        return vevent, path, calendar

    made = FEED_RUNS.map(("ics", view.root), (*_made_with(view), vtimezone, frame), scheduled, pieces)
    files.update((path, calendar) for _, path, calendar in made)
    vevents = [vevent for vevent, _, _ in made]
    files["schedule.ics"] = _calendar(frame, view.event.name, [vtimezone, *vevents])
    return files


# --- search index ---------------------------------------------------------------------
# One file podium.js searches, filters, and builds "my schedule", its share links and its
# iCalendar from. Speakers are listed once (a biography is often longer than a session's
# entry) and sessions name them by id; each session's and speaker's JSON is kept between renders.


def search_index(view: EventView) -> bytes:
    """`{"event": {id, name}, "sessions": [entry, ...], "speakers": {id: [name, biography]}}`."""
    entries = FEED_RUNS.map(
        ("search", view.root), (), view.sessions, lambda s: SEARCH_ENTRIES.get(s.url, (s,), lambda: dumps(_search_entry(s)))
    )
    speakers = FEED_RUNS.map(
        ("search-speakers", view.root), (), view.speakers,
        lambda sp: SEARCH_SPEAKERS.get(sp.url, (sp.speaker,), lambda: _search_speaker(sp.speaker)),
    )  # fmt: skip
    # The event's id makes the UIDs of calendars made in the browser those of schedule.ics.
    event = dumps({"id": view.event.id, "name": view.event.name})
    return b'{"event":' + event + b',"sessions":[' + b",".join(entries) + b'],"speakers":{' + b",".join(speakers) + b"}}"


SEARCH_SPEAKERS: SameInputs[bytes] = SameInputs(65536)


def _search_speaker(speaker: Speaker) -> bytes:
    """`"id":[name,biography]`, one member of the index's speakers object."""
    biography = plain_text(speaker.long_biography or speaker.short_biography)
    return dumps(speaker.id) + b":" + dumps([speaker.name, biography])


def _abstract(s: SessionView) -> str:
    """Both abstracts as plain text, the short one left out when the long one repeats it."""
    short, long = plain_text(s.session.short_abstract), plain_text(s.session.long_abstract)
    return long if short and short in long else " ".join(x for x in (short, long) if x)


def _utc(moment: datetime | None) -> str:
    """iCalendar's UTC form (20180322T090000Z), which podium.js writes into calendars as is."""
    return moment.astimezone(ZoneInfo("UTC")).strftime("%Y%m%dT%H%M%SZ") if moment else ""


def _search_entry(s: SessionView) -> dict[str, object]:
    """A session as podium.js reads it: `n` is its number in share links (unique in the event); its
    page is `sessions/<id>/` under the event's root."""
    return {
        "id": s.session.id,
        "n": s.number,
        "title": s.session.title,
        "abstract": _abstract(s),
        "speakers": [p.id for p in s.speakers],
        "track": s.track.name if s.track else "",
        "room": s.room.name if s.room else "",
        "type": s.session_type.name if s.session_type else "",
        "lang": s.session.language,
        "day": s.day or "",
        "start": s.local_start.strftime("%a %d %b %H:%M") if s.local_start else "",
        "utc": [_utc(s.session.starts_at), _utc(calendar_end(s)) if s.local_start else ""],
    }


# --- news (Atom) ----------------------------------------------------------------------


ATOM_NS = "http://www.w3.org/2005/Atom"


def news_atom(view: EventView) -> bytes:
    """The event's posts (public ones only: the bundle holds no other) as an Atom feed (RFC 4287),
    newest first; deterministic (`updated` is the newest post's time, else the event's start)."""
    posts = sorted(view.bundle.posts, key=lambda p: (p.published_at, p.id), reverse=True)
    event = view.event
    updated = posts[0].published_at if posts else event.starts_at
    news_page = view.absolute(f"{view.root}news/")
    lines = [
        '<?xml version="1.0" encoding="utf-8"?>',
        f'<feed xmlns="{ATOM_NS}">',
        f"<id>{_xml(_atom_id(view, 'news', ''))}</id>",
        f"<title>{_xml(event.name)}: news</title>",
        f"<updated>{_rfc3339(updated)}</updated>",
        f"<author><name>{_xml(event.organizer_name or event.name)}</name></author>",
        f'<link rel="self" type="application/atom+xml" href="{_xml(view.absolute(view.root + "news.atom"))}"/>',
        f'<link rel="alternate" type="text/html" href="{_xml(news_page)}"/>',
    ]
    for post in posts:
        lines += [
            "<entry>",
            f"<id>{_xml(_atom_id(view, 'post', post.id))}</id>",
            f"<title>{_xml(post.title)}</title>",
            f"<updated>{_rfc3339(post.published_at)}</updated>",
            f'<link rel="alternate" type="text/html" href="{_xml(f"{news_page}#post-{post.id}")}"/>',
            # The body as the site shows it: sanitized to the allowlist (richtext.sanitize), escaped once more.
            f'<content type="html">{_xml(sanitize(post.body))}</content>',
            "</entry>",
        ]
    return ("\n".join([*lines, "</feed>"]) + "\n").encode()


def _atom_id(view: EventView, kind: str, item_id: str) -> str:
    """A permanent id (RFC 4287 4.2.6): stays the same when the event's slug or address changes."""
    return "urn:uuid:" + str(uuid.uuid5(uuid.NAMESPACE_URL, f"podium:{view.event.id}:{kind}:{item_id}"))


def _rfc3339(moment: datetime) -> str:
    return moment.astimezone(ZoneInfo("UTC")).strftime("%Y-%m-%dT%H:%M:%SZ")


def _xml(text: str) -> str:
    return xml_escape(text, quotes=True)


def xml_escape(text: str, *, quotes: bool = False) -> str:
    """`text` with &, < and > (and " with `quotes`) escaped, as xml.sax.saxutils.escape does:
    that module imports urllib.request, http.client and email (0.05-0.08 s of a build's start)."""
    escaped = text.replace("&", "&amp;").replace(">", "&gt;").replace("<", "&lt;")
    return escaped.replace('"', "&quot;") if quotes else escaped


# --- the schedule's changelog (Atom) -------------------------------------------------------

ATOM = "http://www.w3.org/2005/Atom"
CHANGE_LABELS = {"new": "New", "moved": "Moved", "canceled": "Canceled", "room_changed": "Room changed"}


def change_line(view: EventView, change: ScheduleChange) -> str:
    """One change in words, times in the event's time zone: what the changelog page and feed say."""

    def place(starts_at: datetime | None, ends_at: datetime | None, room: str) -> str:
        when = "time to be announced"
        if starts_at:
            start, end = view.local(starts_at), view.local(ends_at)
            when = f"{start:%a %d %b %H:%M}" + (f"–{end:%H:%M}" if end else "")
        return f"{when}, {room}" if room else when

    before = place(change.before_starts_at, change.before_ends_at, change.before_room)
    after = place(change.after_starts_at, change.after_ends_at, change.after_room)
    detail = {"new": after, "canceled": f"was {before}"}.get(change.kind, f"{before} → {after}")
    return f"{CHANGE_LABELS[change.kind]}: {change.title} ({detail})"


def changelog_atom(view: EventView) -> bytes:
    """An Atom feed (RFC 4287) of the schedule's releases, newest first, each listing its changes."""
    releases = sorted(view.bundle.releases, key=lambda r: r.number, reverse=True)
    page = view.absolute(f"{view.root}changelog/")
    # The namespace as a plain attribute on the root (no prefix registered process-wide).
    feed = ET.Element("feed", xmlns=ATOM)
    ET.SubElement(feed, "id").text = f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, page)}"
    ET.SubElement(feed, "title").text = f"{view.event.name}: schedule changes"
    ET.SubElement(feed, "updated").text = _atom_time(releases[0].released_at if releases else None)
    ET.SubElement(feed, "link", rel="self", href=view.absolute(f"{view.root}changelog.atom"))
    ET.SubElement(feed, "link", rel="alternate", type="text/html", href=page)
    ET.SubElement(ET.SubElement(feed, "author"), "name").text = view.event.name
    for release in releases:
        entry = ET.SubElement(feed, "entry")
        ET.SubElement(entry, "id").text = f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, page + release.id)}"
        ET.SubElement(entry, "title").text = f"Schedule {release.version}"
        ET.SubElement(entry, "updated").text = _atom_time(release.released_at)
        ET.SubElement(entry, "link", rel="alternate", type="text/html", href=f"{page}#r-{release.id}")
        lines = [release.comment] if release.comment else []
        lines += [change_line(view, change) for change in release.changes] or ["No changes."]
        ET.SubElement(entry, "content", type="text").text = "\n".join(lines)
    ET.indent(feed)
    return ET.tostring(feed, encoding="utf-8", xml_declaration=True) + b"\n"


def _atom_time(moment: datetime | None) -> str:
    return (moment or datetime(1970, 1, 1, tzinfo=UTC)).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
