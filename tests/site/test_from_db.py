"""Loading an event for a build: records remembered between builds never hide a change."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from support.content import ORGANIZER, create, fresh, saved_event
from support.trash import frozen_clock

pytestmark = pytest.mark.integration


@pytest.fixture
def clock(stack):
    with frozen_clock(datetime(2026, 3, 1, tzinfo=UTC)) as moving:
        yield moving


@pytest.fixture
def event(clock):
    return saved_event()


def test_second_load_shows_edits_trash_and_expiry_of_remembered_items(event, clock):
    from chalicelib.db.content import Sponsor, Track
    from chalicelib.domain.content import trash_child, update_child
    from chalicelib.site.from_db import load_bundle

    track = create(event, "track", name="Web")
    room = create(event, "room", name="Hall")
    sponsor = create(event, "sponsor", name="ACME")
    load_bundle("ev1")  # every record now remembered

    update_child(event=event, item=track, fields={"name": "Web & Mobile"}, version=track.version, actor=ORGANIZER)
    trash_child(event=event, item=fresh(room), actor=ORGANIZER)
    Sponsor.get(sponsor.pk, sponsor.sk).update(actions=[Sponsor.expires_at.set(clock.epoch() + 60)])
    before_expiry = load_bundle("ev1")
    clock.advance(seconds=61)
    after_expiry = load_bundle("ev1")

    assert [t.name for t in before_expiry.tracks] == ["Web & Mobile"]
    assert before_expiry.rooms == ()
    assert [s.name for s in before_expiry.sponsors] == ["ACME"]
    assert after_expiry.sponsors == ()  # the same stored item, now past its expiry
    assert Track.get(track.pk, track.sk).name == "Web & Mobile"


def test_event_call_for_papers_state_follows_the_clock_with_the_item_unchanged(event, clock):
    from chalicelib.db.content import CallForPapers, Event
    from chalicelib.site.from_db import load_bundle

    cfp = CallForPapers(starts_at=clock.now() - timedelta(days=1), ends_at=clock.now() + timedelta(days=1))
    Event.get(event.pk, event.sk).update(actions=[Event.call_for_papers.set(cfp)])

    while_open = load_bundle("ev1").event.cfp_state
    clock.advance(days=2)
    after = load_bundle("ev1").event.cfp_state

    assert (while_open, after) == ("open", "closed")


def test_unpublished_posts_stay_out_and_appear_once_published(event):
    from chalicelib.domain.content import update_child
    from chalicelib.site.from_db import load_bundle

    post = create(event, "post", title="News", body="Hello", published=False)
    hidden = load_bundle("ev1").posts
    update_child(event=event, item=post, fields={"published": True}, version=post.version, actor=ORGANIZER)

    assert hidden == ()
    assert [p.title for p in load_bundle("ev1").posts] == ["News"]


def test_news_page_and_feed_hold_the_published_posts_alone(event):
    import xml.etree.ElementTree as ET

    from chalicelib.site.from_db import load_bundle
    from chalicelib.site.render import render_event

    create(event, "post", title="Doors open", body="<p>At nine.</p>", published=True)
    create(event, "post", title="Draft: secret keynote", body="Not yet", published=False)

    files = render_event(load_bundle("ev1"), base_url="http://podium.test")

    feed = ET.fromstring(files["e/conf/news.atom"])
    atom = "{http://www.w3.org/2005/Atom}"
    assert [e.findtext(f"{atom}title") for e in feed.findall(f"{atom}entry")] == ["Doors open"]
    assert "Doors open" in files["e/conf/news/index.html"].decode()
    assert [path for path, data in files.items() if b"secret keynote" in data] == []
