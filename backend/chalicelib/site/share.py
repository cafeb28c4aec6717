"""Share cards (#25): the meta description and OpenGraph/Twitter tags of every event page.

One place decides what a page says about itself when shared or listed by a search engine: the
title, a plain description of at most 160 characters from the page's own text, its absolute URL
and the picture that stands for it (a speaker's photo, a talk's first speaker's, else the event's
banner or logo). Templates only write the tags (event_base.html); Jinja escapes the values.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from chalicelib.public.bundle import Event, Picture
from chalicelib.public.richtext import plain_text

DESCRIPTION_LIMIT = 160
# The event pages other than sessions and speakers, by the `page` key templates get, with the
# path under the event's root (event_base.html's navigation uses the same keys).
LIST_PAGES = {
    "home": ("About", ""),
    "schedule": ("Schedule", "schedule/"),
    "speakers": ("Speakers", "speakers/"),
    "tracks": ("Tracks", "tracks/"),
    "rooms": ("Rooms", "rooms/"),
    "sponsors": ("Sponsors", "sponsors/"),
}


@dataclass(frozen=True)
class ShareCard:
    title: str
    description: str
    url: str  # absolute
    image: str  # absolute, or "" when the page has no picture
    kind: str  # og:type


def share_card(
    *, event: Event, root: str, base_url: str, page: str, session: Any = None, speaker: Any = None, day: Any = None
) -> ShareCard:
    """The card of one event page: a session's (`session`: a SessionView), a speaker's (`speaker`:
    a SpeakerView), a schedule day's or a list page's (`page`)."""
    base = base_url.rstrip("/")
    event_picture = event.banner_file or event.logo_file
    if session is not None:
        record = session.session
        photos = [p.photo_file for p in session.speakers if p.photo_file]
        text = record.short_abstract or record.long_abstract or record.subtitle
        picture = photos[0] if photos else event_picture
        return _card(base, title=record.title, text=text, path=session.url, picture=picture, kind="article", event=event)
    if speaker is not None:
        person = speaker.speaker
        text = person.short_biography or person.long_biography or ", ".join(
            part for part in (person.position, person.organisation) if part
        )
        picture = person.photo_file or event_picture
        return _card(base, title=person.name, text=text, path=speaker.url, picture=picture, kind="profile", event=event)
    label, path = LIST_PAGES.get(page, LIST_PAGES["home"])
    if day is not None:
        label, path = f"Schedule {day.date:%A} {day.date.day} {day.date:%B %Y}", f"schedule/{day.iso}/"
    if path == "":
        return _card(
            base, title=event.name, text=event.description, path=root, picture=event_picture, kind="website", event=event
        )
    return _card(
        base, title=f"{label} · {event.name}", text="", path=root + path, picture=event_picture, kind="website",
        event=event, label=label,
    )  # fmt: skip


def _card(
    base: str, *, title: str, text: str, path: str, picture: Picture | None, kind: str, event: Event, label: str = ""
) -> ShareCard:
    description = short_description(text) or _about(event, label)
    image = picture.versions[-1][0] if picture and picture.versions else ""
    return ShareCard(title=title, description=description, url=_absolute(base, path), image=_absolute(base, image), kind=kind)


def short_description(text: str, limit: int = DESCRIPTION_LIMIT) -> str:
    """`text` (rich or plain) as one plain line of at most `limit` characters, cut at a word with "…"."""
    return _cut(plain_text(text or ""), limit)


def _cut(plain: str, limit: int = DESCRIPTION_LIMIT) -> str:
    if len(plain) <= limit:
        return plain
    cut = plain[: limit - 1]
    if " " in cut[limit // 2 :]:
        cut = cut[: cut.rindex(" ")]
    return cut.rstrip(" ,;:.-") + "…"


def _about(event: Event, label: str) -> str:
    """What a page without text of its own says: which page of which event, when and where."""
    when = f"{event.starts_at:%d %B %Y}".lstrip("0")
    where = f" in {event.location_name}" if event.location_name else ""
    what = f"{label} of {event.name}" if label else event.name
    # Names are plain one-line text (safe_values), not markup: cut, never parsed as HTML.
    return _cut(f"{what}, {when}{where}.")


def _absolute(base: str, url: str) -> str:
    """Uploads are absolute already (their own base URL); site paths get the site's."""
    if not url or url.startswith(("http://", "https://")):
        return url
    return base + url
