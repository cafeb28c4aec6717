"""The public site's Open Event export (e/<slug>/openevent.zip, site/public_export.py): only what
visitors see, on every path that writes the site, read back by imports."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import timedelta

import boto3
import pytest

pytestmark = pytest.mark.integration

BASE_URL = "http://podium.test"
SECRET = "secret-9d2e"


def _members(data: bytes) -> dict[str, object]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {info.filename: json.loads(archive.read(info)) for info in archive.infolist()}


def _with_private_data(event_id: str) -> None:
    """Everything of `rich_event`'s that visitors may not see, each value marked SECRET."""
    from chalicelib.db import content, keys

    def child(model: type, kind: str, item_id: str, **fields) -> None:
        item = model(*keys.child_key(event_id, kind, item_id), id=item_id, event_id=event_id, **fields)
        item.stamp()
        item.save()

    event = content.Event.get(*keys.event_key(event_id))
    event.update(actions=[content.Event.email.set(f"org@{SECRET}.example"), content.Event.source_key.set(SECRET)])
    ada = content.Speaker.get(*keys.child_key(event_id, "speaker", "ada"))
    ada.update(actions=[
        content.Speaker.email.set(f"ada@{SECRET}.example"), content.Speaker.phone.set(f"+49 {SECRET}"),
        content.Speaker.gender.set(SECRET), content.Speaker.heard_from.set(SECRET),
        content.Speaker.speaking_experience.set(SECRET), content.Speaker.sponsorship_required.set(SECRET),
        content.Speaker.user_id.set(SECRET), content.Speaker.source_id.set(SECRET),
    ])  # fmt: skip
    s1 = content.Session.get(*keys.child_key(event_id, "session", "s1"))
    s1.update(actions=[
        content.Session.comments.set(f"note {SECRET}"), content.Session.answers.set({"q1": f"answer {SECRET}"}),
        content.Session.proposed_by.set(SECRET), content.Session.speaker_user_ids.set([SECRET]),
    ])  # fmt: skip
    child(content.Question, "question", "q1", label=f"Question {SECRET}", question_kind="short_text")
    child(content.Session, "session", "s4", title=f"Rejected {SECRET}", state="rejected", speaker_ids=["bob"])
    child(content.Session, "session", "s5", title=f"Draft {SECRET}", state="draft")
    child(content.Speaker, "speaker", "eve", name=f"Eve {SECRET}", session_ids=["s4"])  # gives no public talk
    child(content.Post, "post", "draft2", title=f"Draft post {SECRET}", published=False)
    start = event.starts_at
    child(content.ScheduleBlock, "schedule_block", "b1", title=f"Blocker {SECRET}", block_type="blocker",
          starts_at=start, ends_at=start + timedelta(hours=1))  # fmt: skip
    review = content.Review(*keys.review_key(event_id, "s1", "reviewer"), event_id=event_id, session_id="s1",
                            reviewer_id="reviewer", comment=f"review {SECRET}", scores={"c1": 3})  # fmt: skip
    review.save()


def test_public_export_of_an_event_full_of_private_data_holds_none_of_it(stack):
    # GIVEN a published event with emails, phones, notes, answers, a review, a blocker, drafts,
    # rejected work and a speaker who gives no public talk
    from chalicelib.site import render
    from chalicelib.site.from_db import load_bundle
    from support.round_trip import rich_event

    event_id = rich_event()
    _with_private_data(event_id)

    # WHEN its site is rendered
    files = render.render_event(load_bundle(event_id), base_url=BASE_URL)
    data = files[f"e/round-trip-{event_id}/openevent.zip"]
    export = _members(data)

    # THEN the export holds no private value anywhere, and exactly the public records and fields
    assert SECRET.encode() not in data and SECRET not in json.dumps(export)
    assert sorted(export) == [
        "event", "microlocations", "posts", "session-types", "sessions", "speakers", "sponsors", "tracks"
    ]  # fmt: skip
    assert sorted(export["event"]) == sorted([
        "id", "identifier", "name", "description", "starts-at", "ends-at", "timezone", "location-name", "latitude",
        "longitude", "logo-url", "original-image-url", "organizer-name", "organizer-description", "ticket-url",
        "code-of-conduct", "event-url", "external-event-url", "privacy", "topic", "sub-topic", "type",
        "event-copyright", "licence-details", "social-links", "speakers-call", "state",
    ])  # fmt: skip
    assert (export["event"]["identifier"], export["event"]["speakers-call"]) == (event_id, None)
    assert [(s["title"], s["state"]) for s in export["sessions"]] == [("Engines", "accepted"), ("Looms", "confirmed")]
    assert sorted(export["sessions"][0]) == sorted([
        "id", "title", "subtitle", "short-abstract", "long-abstract", "language", "level", "slides-url", "video-url",
        "audio-url", "signup-url", "state", "starts-at", "ends-at", "track", "microlocation", "session-type",
        "speakers",
    ])  # fmt: skip
    assert [s["name"] for s in export["speakers"]] == ["Ada", "Bob"]
    assert sorted(export["speakers"][0]) == sorted([
        "id", "name", "photo-url", "short-biography", "long-biography", "is-featured", "sessions", "organisation",
        "position", "country", "city", "website", "twitter", "github", "linkedin", "facebook",
    ])  # fmt: skip
    assert [s["id"] for s in export["speakers"]] == ["ada", "bob"]  # Podium's ids, not the source's
    assert [p["title"] for p in export["posts"]] == ["Doors open"]
    assert [s["name"] for s in export["sponsors"]] == ["ACME"]


def test_public_export_is_linked_cached_offline_and_the_same_bytes_on_every_render(stack):
    from chalicelib.public.memo import remembering_nothing
    from chalicelib.site import render
    from chalicelib.site.from_db import load_bundle
    from support.round_trip import rich_event

    event_id = rich_event()
    prefix = f"e/round-trip-{event_id}/"

    first = render.render_event(load_bundle(event_id), base_url=BASE_URL)
    with remembering_nothing():  # made afresh, not given back from the last render
        second = render.render_event(load_bundle(event_id), base_url=BASE_URL)

    data = first[prefix + "openevent.zip"]
    dates = {info.date_time for info in zipfile.ZipFile(io.BytesIO(data)).infolist()}
    assert (second[prefix + "openevent.zip"] == data, dates) == (True, {(1980, 1, 1, 0, 0, 0)})
    assert f'href="/{prefix}openevent.zip">Open Event export</a>' in first[prefix + "index.html"].decode()
    assert f'"/{prefix}openevent.zip"' in first[prefix + "sw.js"].decode()


def test_site_built_from_an_export_round_trips_through_its_public_export(stack, tmp_path, build_site_module):
    # GIVEN the team's Podium export of an event with a team, posts, an upload, a call for papers
    from chalicelib.actors import SYSTEM
    from chalicelib.domain.exports import export_zip
    from chalicelib.domain.imports import import_event, read_source
    from chalicelib.domain.projections import ORGANIZERS_AUDIENCE
    from support.round_trip import comparable, rich_event, seen_by_visitors

    event_id = rich_event()
    (tmp_path / "export.zip").write_bytes(export_zip(event_id=event_id, audience=ORGANIZERS_AUDIENCE))

    # WHEN a site is built from that export alone and the site's public export is imported
    code = build_site_module.main(
        ["--from-openevent", str(tmp_path / "export.zip"), "--out", str(tmp_path / "site"), "--base-url", BASE_URL]
    )
    (written,) = (tmp_path / "site").rglob("openevent.zip")
    copy = import_event(export=read_source(written), actor=SYSTEM, owner_id="round-trip-importer", publish=True)

    # THEN the copy holds what visitors see of the event
    assert code == 0
    assert comparable(copy.event_id) == seen_by_visitors(comparable(event_id))


def test_published_public_export_imports_again_and_follows_an_edit(stack, tmp_path):
    # GIVEN a rich event published into the site bucket
    from chalicelib.actors import SYSTEM
    from chalicelib.db import content, keys
    from chalicelib.domain.imports import import_event, read_source
    from chalicelib.settings import settings
    from chalicelib.site.publish import publish_event
    from support.round_trip import comparable, rich_event, seen_by_visitors

    event_id = rich_event()
    key = f"e/round-trip-{event_id}/openevent.zip"
    bucket = settings().site_bucket

    def published(path) -> dict:
        path.write_bytes(boto3.client("s3").get_object(Bucket=bucket, Key=key)["Body"].read())
        return comparable(import_event(export=read_source(path), actor=SYSTEM, owner_id="importer", publish=True).event_id)

    first = publish_event(event_id, bucket=bucket)

    # WHEN a sponsor is renamed and the event published again, then once more unchanged
    sponsor = content.Sponsor.get(*keys.child_key(event_id, "sponsor", "acme"))
    sponsor.update(actions=[content.Sponsor.name.set("ACME Corp")])
    edited = publish_event(event_id, bucket=bucket)
    unchanged = publish_event(event_id, bucket=bucket)

    # THEN the export in the bucket is written each time its bytes change, and imports as what visitors see
    assert (key in first.written, key in edited.written, key in unchanged.written) == (True, True, False)
    # written in the last wave, with the feeds: after every changed page
    pages = [i for i, written in enumerate(edited.written) if written.endswith(".html")]
    assert pages and max(pages) < edited.written.index(key)
    assert [s[0] for s in seen_by_visitors(comparable(event_id))["sponsors"]] == ["ACME Corp"]
    assert published(tmp_path / "export.zip") == seen_by_visitors(comparable(event_id))
