"""The public site and every feed of an event in manual schedule mode show the latest release
(schedule fields from its snapshot, other fields live; unreleased sessions absent), in auto mode
the live schedule; the feeds carry the release's version; the changelog page and its Atom feed
list each release's changes, and exist only once there is a release."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from datetime import UTC, datetime

import pytest
from support.content import ORGANIZER, create, fresh, saved_event

pytestmark = pytest.mark.integration
ATOM = "{http://www.w3.org/2005/Atom}"
PREFIX = "e/conf/"


@pytest.fixture
def released(stack):
    """Event "ev1" released as v1 with "Engines" at 02:00 UTC, then edited: Engines moved to 06:00
    and retitled, "Looms" accepted."""
    from chalicelib.domain.schedule_releases import release_schedule

    event = saved_event()
    room = create(event, "room", name="Hall")
    engines = create(event, "session", title="Engines", state="accepted", room_id=room.id,
                     starts_at="2026-03-22T02:00:00+00:00", ends_at="2026-03-22T03:00:00+00:00")  # fmt: skip
    release_schedule(event=event, version="v1", comment="The first programme", actor=ORGANIZER)
    stored = fresh(engines)
    stored.title = "Difference Engines"
    stored.starts_at, stored.ends_at = datetime(2026, 3, 22, 6, tzinfo=UTC), datetime(2026, 3, 22, 7, tzinfo=UTC)
    stored.save()
    looms = create(event, "session", title="Looms", state="accepted", room_id=room.id,
                   starts_at="2026-03-22T04:00:00+00:00", ends_at="2026-03-22T05:00:00+00:00")  # fmt: skip
    return event, engines, looms


def _site(mode: str | None) -> dict[str, bytes]:
    from chalicelib.db.content import Event
    from chalicelib.site.from_db import load_bundle
    from chalicelib.site.render import render_event

    event = Event.get(*("EVENT#ev1", "EVENT"))
    event.schedule_mode = mode
    event.save()
    return render_event(load_bundle("ev1"), base_url="http://podium.test")


def _c3voc_starts(files: dict[str, bytes]) -> dict[str, str]:
    schedule = json.loads(files[PREFIX + "schedule.json"])["schedule"]
    return {
        talk["title"]: talk["date"]
        for day in schedule["conference"]["days"] for talks in day["rooms"].values() for talk in talks
    }  # fmt: skip


def test_manual_mode_site_and_feeds_show_the_release(released):
    _, engines, looms = released

    files = _site("manual")

    # the released time (02:00 UTC, 10:00 in Singapore) and the live title; Looms is not released
    assert _c3voc_starts(files) == {"Difference Engines": "2026-03-22T10:00:00+08:00"}
    assert json.loads(files[PREFIX + "schedule.json"])["schedule"]["version"] == "v1"
    xml = ET.fromstring(files[PREFIX + "schedule.xml"])
    assert xml.findtext("version") == "v1"
    assert [e.findtext("start") for e in xml.iter("event")] == ["10:00"]
    ics = files[PREFIX + "schedule.ics"].decode()
    assert "DTSTART;TZID=Asia/Singapore:20260322T100000" in ics and "Looms" not in ics
    assert [s["title"] for s in json.loads(files[PREFIX + "search.json"])["sessions"]] == ["Difference Engines"]
    assert PREFIX + f"sessions/{looms.id}/index.html" not in files
    page = files[PREFIX + f"sessions/{engines.id}/index.html"].decode()
    assert "10:00" in page and "14:00" not in page
    day = files[PREFIX + "schedule/2026-03-22/index.html"].decode()
    assert "Difference Engines" in day and "Looms" not in day


def test_auto_mode_site_and_feeds_show_the_live_schedule(released):
    _, _, looms = released

    files = _site(None)  # stored without a mode: auto

    assert _c3voc_starts(files) == {"Difference Engines": "2026-03-22T14:00:00+08:00",
                                    "Looms": "2026-03-22T12:00:00+08:00"}  # fmt: skip
    assert json.loads(files[PREFIX + "schedule.json"])["schedule"]["version"] == "1.0"
    assert ET.fromstring(files[PREFIX + "schedule.xml"]).findtext("version") == "1.0"
    assert PREFIX + f"sessions/{looms.id}/index.html" in files


def test_changelog_page_and_atom_feed_list_each_release(released):
    from chalicelib.db.content import Event
    from chalicelib.domain.schedule_releases import release_schedule

    release_schedule(event=Event.get("EVENT#ev1", "EVENT"), version="v2", comment="", actor=ORGANIZER)

    files = _site("manual")

    feed = ET.fromstring(files[PREFIX + "changelog.atom"])
    assert feed.tag == f"{ATOM}feed"
    for required in ("id", "title", "updated", "author"):
        assert feed.find(f"{ATOM}{required}") is not None, required
    entries = feed.findall(f"{ATOM}entry")
    assert [e.findtext(f"{ATOM}title") for e in entries] == ["Schedule v2", "Schedule v1"]
    for entry in entries:
        assert all(entry.findtext(f"{ATOM}{name}") for name in ("id", "title", "updated"))
        assert entry.find(f"{ATOM}link[@rel='alternate']") is not None
    assert entries[0].findtext(f"{ATOM}content").splitlines() == [
        "New: Looms (Sun 22 Mar 12:00–13:00, Hall)",
        "Moved: Difference Engines (Sun 22 Mar 10:00–11:00, Hall → Sun 22 Mar 14:00–15:00, Hall)",
    ]
    assert entries[1].findtext(f"{ATOM}content").splitlines()[0] == "The first programme"
    page = files[PREFIX + "changelog/index.html"].decode()
    assert "Version v2" in page and "Moved: Difference Engines" in page
    schedule = files[PREFIX + "schedule/index.html"].decode()
    assert 'href="/e/conf/changelog/"' in schedule and "Schedule version v2" in schedule
    assert json.loads(files[PREFIX + "schedule.json"])["schedule"]["version"] == "v2"


def test_no_release_no_changelog(stack):
    from chalicelib.site.from_db import load_bundle
    from chalicelib.site.render import render_event

    saved_event()

    files = render_event(load_bundle("ev1"), base_url="http://podium.test")

    assert not [path for path in files if "changelog" in path]
    assert b"changelog" not in files[PREFIX + "schedule/index.html"]


@pytest.mark.xdist_group("publish-sequences")  # long: dealt out early with the other sequences
def test_incremental_publish_of_mode_switch_releases_and_draft_moves_equals_a_full_build(stack):
    from app import app
    from chalicelib.db import content
    from chalicelib.domain.schedule_releases import release_schedule
    from chalicelib.site.publish import publish_site
    from podium.localstack.poller import LocalPoller
    from support.stack import empty_stack
    from support.trash import OWNER, actor, child_id, frozen_clock, load, seed_event
    from test_publish_sequences import _bucket_files, _full_build, _publish_changes

    with frozen_clock():
        # GIVEN a published event, its site published, the stream followed from now on
        empty_stack(stack)
        seeded = seed_event()
        publish_site().raise_for_failures()
        poller = LocalPoller(app, stack)
        poller._start_stream_at_latest()
        session_id = child_id(seeded.event_id, "session")
        xml = f"e/{seeded.slug}/schedule.xml"

        def move(hour: int) -> None:
            session = load("session", session_id, seeded.event_id)
            session.update(actions=[content.Session.starts_at.set(datetime(2026, 3, 20, hour, tzinfo=UTC)),
                                    content.Session.ends_at.set(datetime(2026, 3, 20, hour + 1, tzinfo=UTC))])  # fmt: skip

        def release(version: str) -> None:
            release_schedule(event=load("event", seeded.event_id, seeded.event_id), version=version, comment="",
                             actor=actor(OWNER))  # fmt: skip

        # WHEN the event goes manual, v1 is released, the session moves (a draft), and v2 is released
        event = load("event", seeded.event_id, seeded.event_id)
        event.update(actions=[content.Event.schedule_mode.set("manual")])
        _publish_changes(poller)
        before_release = _bucket_files(stack.site_bucket)
        release("v1")
        _publish_changes(poller)
        move(14)
        _publish_changes(poller)
        draft = _bucket_files(stack.site_bucket)
        release("v2")
        _publish_changes(poller)

        # THEN each step's bucket shows the released schedule, and the last equals a full build
        assert b"<start>10:00</start>" not in before_release[xml][0]  # manual, nothing released yet
        assert b"<version>v1</version>" in draft[xml][0] and b"<start>10:00</start>" in draft[xml][0]
        final = _bucket_files(stack.site_bucket)
        assert b"<version>v2</version>" in final[xml][0] and b"<start>14:00</start>" in final[xml][0]
        assert f"e/{seeded.slug}/changelog.atom" in final
        assert final == _full_build()


@pytest.mark.parametrize("mode", ["manual", None])
def test_breaks_show_on_the_day_room_and_track_grids_in_both_modes_and_blockers_nowhere(released, mode):
    # GIVEN a lunch break for all rooms and a blocker, made after the release (breaks are live, not released)
    event, engines, _ = released
    track = create(event, "track", name="Machines")
    stored = fresh(engines)
    stored.track_id = track.id
    stored.save()
    create(event, "schedule_block", title="Lunch", block_type="break", room_ids=[],
           starts_at="2026-03-22T03:00:00+00:00", ends_at="2026-03-22T04:00:00+00:00")  # fmt: skip
    create(event, "schedule_block", title="Rigging", block_type="blocker", room_ids=[],
           starts_at="2026-03-22T03:00:00+00:00", ends_at="2026-03-22T04:00:00+00:00")  # fmt: skip
    # WHEN the site is built (in manual mode with no release since: breaks are not released, they are live)
    files = _site(mode)
    # THEN the day's grid, the room's and the track's draw the break once, across the room, and no page names the blocker
    day = files[PREFIX + "schedule/2026-03-22/index.html"].decode()
    room_page = next(data.decode() for path, data in files.items() if path.startswith(PREFIX + "rooms/") and path.count("/") == 4)
    track_page = files[PREFIX + f"tracks/{track.id}/index.html"].decode()
    for page in (day, room_page, track_page):
        assert page.count('class="grid-block"') == 1, page
        assert '<span class="t">Lunch</span>' in page
    assert not [path for path, data in files.items() if b"Rigging" in data]


@pytest.mark.parametrize("state", ["rejected", "withdrawn", "canceled"])
def test_manual_mode_session_leaving_the_public_states_after_its_release_leaves_the_site_at_once(released, state):
    # GIVEN "Engines" released as v1 (accepted), then rejected, withdrawn by its speaker or canceled
    _, engines, _ = released
    stored = fresh(engines)
    stored.state = state
    stored.save()

    # WHEN the site is built in manual mode (no release since)
    files = _site("manual")

    # THEN no page or feed shows it: only accepted or confirmed talks are ever public; the next
    # release's changelog lists it as canceled
    assert PREFIX + f"sessions/{engines.id}/index.html" not in files
    assert json.loads(files[PREFIX + "search.json"])["sessions"] == []
    assert _c3voc_starts(files) == {}
    assert not [path for path, data in files.items() if b"Difference Engines" in data]


def test_changelog_links_only_talks_that_still_have_a_page(released):
    # GIVEN v2 listing "Looms" as new, then Looms rejected
    import re

    from chalicelib.db.content import Event
    from chalicelib.domain.schedule_releases import release_schedule

    _, engines, looms = released
    release_schedule(event=Event.get("EVENT#ev1", "EVENT"), version="v2", comment="", actor=ORGANIZER)
    stored = fresh(looms)
    stored.state = "rejected"
    stored.save()

    # WHEN the site is built
    files = _site("manual")

    # THEN the changelog still tells of the change, but links only talks that have a page (no 404s)
    page = files[PREFIX + "changelog/index.html"].decode()
    assert "New: Looms" in page
    linked = set(re.findall(r'href="/e/conf/sessions/([^/"]+)/"', page))
    assert linked == {engines.id}
    assert all(PREFIX + f"sessions/{session_id}/index.html" in files for session_id in linked)
