"""Import an Open Event export or a c3voc schedule.json into the table, all or nothing.

Which event an import writes: the one named by `into_event_id`, else the one an earlier import of
the same source event went into (its fingerprint: identifier, name and start, kept in an
`ImportSource` item), else a new one whose id comes from that fingerprint. Exports of different
conferences share identifiers and ids, so neither alone decides. Record ids live in the event's
namespace (`openevent.with_event_id`). Media stay the URLs the export names: nothing here fetches
them. The reader's repair report (formats/repairs.py) travels in the result.
"""

from __future__ import annotations

import json
import time
import zipfile
from collections import Counter
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from chalicelib.actors import Actor
from chalicelib.adapters import files
from chalicelib.db import content, table
from chalicelib.db.base import Item
from chalicelib.db.keys import EVENT_SK, PUBLISHED, child_key, event_key, import_source_key, slug_key
from chalicelib.db.queries import event_raw_items, events_with_slug
from chalicelib.domain.content import session_state_changed
from chalicelib.domain.event_access import owner_item, require
from chalicelib.domain.permissions import check_may_publish
from chalicelib.domain.uploads import FILE_FIELDS, accepted_import_key
from chalicelib.errors import Forbidden, NotFound, ValidationFailed
from chalicelib.formats import c3voc, frab
from chalicelib.formats.openevent import ExportError, OpenEventExport, read_export, with_event_id
from chalicelib.formats.repairs import Repair, counts, report_json
from chalicelib.jobs.enqueue import enqueue

Progress = Callable[[int], None]
MAX_ITEM_BYTES = 400_000  # DynamoDB's item size limit
BATCH = 25  # BatchWriteItem's limit
WRITERS = 4
# Kinds an import owns: re-importing removes the ones the export no longer lists.
IMPORTED_KINDS = frozenset({"event", "track", "room", "session_type", "session", "speaker", "sponsor", "post", "question"})
FILE_OF_KIND = {
    "event": "event",
    "track": "tracks",
    "room": "microlocations",
    "session_type": "session_types",
    "session": "sessions",
    "speaker": "speakers",
    "sponsor": "sponsors",
    "post": "posts",
    "question": "x-podium-questions",
}
RENAMED = {"mobile": "phone"}  # export field → stored attribute


@dataclass(frozen=True)
class ImportResult:
    event_id: str
    slug: str
    created: bool
    counts: dict[str, Any]
    repairs: tuple[Repair, ...] = field(default_factory=tuple)

    @property
    def warnings(self) -> list[str]:
        """The repairs as one line of text each."""
        return [str(r) for r in self.repairs]

    def to_json(self) -> dict[str, Any]:
        """What the import job's result and `podium import --report` hold."""
        return {
            "event_id": self.event_id,
            "slug": self.slug,
            "created": self.created,
            "counts": self.counts,
            "repairs": report_json(self.repairs),
            "repair_counts": counts(self.repairs),
        }


def import_prefix(actor_id: str) -> str:
    """Where a user's uploads meant for import live in the uploads bucket."""
    return f"imports/{actor_id}/"


def check_own_upload(actor: Actor, upload_key: str) -> None:
    """An import reads only the actor's own uploads (the operator's CLI uploads as the system,
    under its own prefix): the one rule for the route and the job alike."""
    if not upload_key.startswith(import_prefix(actor.id)) or ".." in upload_key.split("/"):
        raise Forbidden("upload_key must name one of your uploads", fields={"upload_key": "not one of your uploads"})


def start_import(
    *,
    actor: Actor,
    upload_key: str | None = None,
    upload_id: str | None = None,
    publish: bool,
    into_event_id: str | None = None,
) -> str:
    """Start the import job of an uploaded export (returns its id) once the request is allowed:
    the right to create events, or to edit `into_event_id`'s event when the import goes into it,
    a verified email to publish (refused now rather than in the job), and an upload of the actor's
    own (403; by id: 404) that exists and is completed (422). The upload is named by exactly one
    of `upload_id` (an `import` upload) and `upload_key`."""
    require(actor, "event.import", into_event_id)
    if (upload_id is None) == (upload_key is None):
        both = "give exactly one of upload_id and upload_key"
        raise ValidationFailed(both, fields={"upload_id": both, "upload_key": both})
    if publish:
        check_may_publish(actor)
    key = str(upload_key) if upload_id is None else accepted_import_key(upload_id=upload_id, actor=actor)
    check_own_upload(actor, key)
    if files.stored_file_info(key) is None:
        named = "upload_key" if upload_id is None else "upload_id"
        raise ValidationFailed(f"{named} names no upload", fields={named: "no such upload"})
    into = {"into_event_id": into_event_id} if into_event_id else {}
    return enqueue("import_event", upload_key=key, owner_id=actor.id, publish=publish, **into)


def read_source(path: str | Path) -> OpenEventExport:
    """An Open Event export (folder or zip), a c3voc schedule.json or a frab schedule.xml, told apart by content."""
    source = Path(path)
    if source.is_file() and not zipfile.is_zipfile(source):
        if source.stat().st_size > c3voc.MAX_BYTES:
            raise ExportError(f"{source.name}: larger than {c3voc.MAX_BYTES} bytes")
        data = source.read_bytes()
        if c3voc.looks_like_schedule(data):
            return c3voc.read_schedule(data, name=source.name)
        if frab.looks_like_schedule_xml(data):
            return frab.read_schedule_xml(data, name=source.name)
        raise ExportError(
            f"{source.name}: neither an Open Event export (folder or zip), a c3voc schedule.json nor a frab schedule.xml"
        )
    return read_export(source)


def import_event(
    *,
    export: OpenEventExport,
    actor: Actor,
    owner_id: str,
    publish: bool = False,
    progress: Progress | None = None,
    notify_speakers: bool = False,
    into_event_id: str | None = None,
) -> ImportResult:
    """Write the export's event and every record; returns what was written.

    The event written is `into_event_id` (it must exist and the actor organize it), else the one
    an earlier import of this source event went into, else a new one (see the module docstring).
    A session whose state the import changes gets the effects of any state change
    (`content.session_state_changed`), whose speaker mails only with `notify_speakers`: an import
    copies decisions another system made and told its speakers already, and a re-import would
    otherwise mail hundreds of them at once. Sessions new to the event arrive in their state.

    A new event gets `owner_id` as owner (role item) and stays a draft unless `publish`
    and the export says it was published. A re-import needs the actor to organize the
    existing event, keeps its owner, slug and state (or publishes it), and removes imported
    records the export no longer lists. Raises ExportError before writing anything when a
    record cannot be stored or an export without dates would update a published event; restores the previous items if a write fails midway.
    """
    report = progress or (lambda _percent: None)
    fingerprint = export.event["source_fingerprint"]
    source_key = import_source_key(fingerprint)
    old_source = _raw_item(source_key)
    event_id = into_event_id or _event_of_source(old_source) or export.event["id"]
    export = with_event_id(export, event_id)
    old_items = _raw_partition(event_id)
    old_event = old_items.get(event_key(event_id))
    if into_event_id is not None and (old_event is None or "trashed_at" in old_event):
        raise NotFound("No such event.", fields={"event_id": "no such event"})
    if old_event is not None:
        require(actor, "event.import", event_id)
    already_published = old_event is not None and old_event.get("state", {}).get("S") == "published"
    undated = [name for name in ("starts_at", "ends_at") if export.event[name] is None]
    if already_published and undated:  # a published event keeps both dates (publishing needs them)
        raise ExportError(
            f"event: {undated[0]} is missing: the published event it would update needs both dates",
            file="event", field=undated[0],
        )  # fmt: skip
    if publish and export.event["published"] and not already_published:
        check_may_publish(actor)
    items = _items(export, old_event=old_event, owner_id=owner_id, publish=publish)
    raw_items = [_raw(item, old_items) for item in items]
    _check_sizes(items, raw_items)
    if old_event is None and owner_id != "system":
        raw_items.append(owner_item(event_id=event_id, user_id=owner_id))
    pointer = content.ImportSource(*source_key, event_id=event_id)
    pointer.stamp()
    report(10)
    new_keys = {_key(raw) for raw in raw_items}
    stale = [key for key, raw in old_items.items() if key not in new_keys and _imported(raw)]
    try:
        _write(
            puts=[*raw_items, pointer.serialize()], deletes=stale,
            progress=lambda done: report(10 + 5 * int(17 * done)),  # 5% steps
        )  # fmt: skip
    except Exception:
        _restore(old_items | ({source_key: old_source} if old_source else {}), new_keys | {source_key})
        raise
    event = items[0]
    assert isinstance(event, content.Event)
    for item in items:
        if isinstance(item, content.Session):
            before = old_items.get((item.pk, item.sk), {}).get("state", {}).get("S", item.state)
            session_state_changed(event=event, session=item, before=before, notify=notify_speakers)
    if _names_remote_images(export):  # the site shows no other origin's files: fetch them into uploads
        enqueue("fetch_remote_images", _event_id=event_id, event_id=event_id)
    report(100)
    return ImportResult(
        event_id=event_id,
        slug=event.slug,
        created=old_event is None,
        counts=export_counts(export),
        repairs=export.repairs,
    )


def _names_remote_images(export: OpenEventExport) -> bool:
    """Whether the export names a picture by an http/https URL (speaker photos, logos, the banner)."""
    named = [export.event.get("logo_url"), export.event.get("banner_url")]
    named += [s.get("photo_url") for s in export.speakers] + [s.get("logo_url") for s in export.sponsors]
    return any(isinstance(url, str) and url.startswith(("http://", "https://")) for url in named)


def _raw_item(key: tuple[str, str]) -> dict[str, Any] | None:
    return table.get_item(key)


def _event_of_source(source: dict[str, Any] | None) -> str | None:
    """The event an earlier import of the source event went into, while it still exists."""
    if source is None:
        return None
    event_id = source["event_id"]["S"]
    event = _raw_item(event_key(event_id))
    return event_id if event is not None and "trashed_at" not in event else None


def export_counts(export: OpenEventExport) -> dict[str, Any]:
    """Record counts, sessions by state: what a user compares with the source."""
    return {
        "sessions": dict(sorted(Counter(s["state"] for s in export.sessions).items())),
        "speakers": len(export.speakers),
        "tracks": len(export.tracks),
        "rooms": len(export.rooms),
        "session_types": len(export.session_types),
        "sponsors": len(export.sponsors),
        "posts": len(export.posts),
    }


# --- building items ---------------------------------------------------------------------


def _items(export: OpenEventExport, *, old_event: dict[str, Any] | None, owner_id: str, publish: bool) -> list[Item]:
    event = _event_item(export.event, old_event=old_event, owner_id=owner_id, publish=publish)
    items: list[Item] = [event]
    children = (
        (content.Track, export.tracks),
        (content.Room, export.rooms),
        (content.SessionType, export.session_types),
        (content.Session, export.sessions),
        (content.Sponsor, export.sponsors),
        (content.Speaker, export.speakers),
        (content.Post, export.posts),
        (content.Question, export.questions),  # Podium's own export file; none from Open Event's
    )
    for model, records in children:
        items.extend(_child(model, event.id, record) for record in records)
    names = {speaker["id"]: speaker["name"] for speaker in export.speakers}
    for item in items:
        if isinstance(item, content.Session):  # the names its lists show, as every session keeps them
            item.speaker_names = {i: names[i] for i in item.speaker_ids or [] if i in names}
    return items


def _event_item(
    record: dict[str, Any], *, old_event: dict[str, Any] | None, owner_id: str, publish: bool
) -> content.Event:
    event_id = record["id"]
    if old_event is not None:
        slug, owner_id = old_event["slug"]["S"], old_event.get("owner_id", {}).get("S", owner_id)
        state = old_event.get("state", {}).get("S", "draft")
    else:
        slug, state = _free_slug(record["slug"], event_id), "draft"
    if publish and record["published"]:
        state = "published"
    cfp = record["call_for_papers"]
    attributes = _attributes(content.Event, record) | {
        "slug": slug,
        "state": state,
        "owner_id": owner_id,
        "social_links": [content.Link(name=name, url=url) for name, url in record["social_links"]],
        "call_for_papers": content.CallForPapers(**_none_if_empty(cfp)) if cfp else None,
        "gsi1pk": slug_key(slug),
        "gsi1sk": EVENT_SK,
    }
    event = content.Event(*event_key(event_id), **attributes)
    if state == "published":
        event.gsi2pk, event.gsi2sk = PUBLISHED, record["starts_at"].isoformat()
    return event


def _free_slug(slug: str, event_id: str) -> str:
    """`slug`, or `slug-2`, `slug-3`… when another event holds it."""
    candidate, number = slug, 1
    while True:
        holders = [e for e in events_with_slug(candidate) if e.id != event_id]
        if not holders:
            return candidate
        number += 1
        candidate = f"{slug}-{number}"


def _attributes(model: type[Item], record: dict[str, Any]) -> dict[str, Any]:
    names = model.get_attributes()
    values = {}
    for key, value in record.items():
        name = RENAMED.get(key, key)
        if name in names and name not in ("social_links", "call_for_papers"):
            values[name] = _stored(value, nullable=names[name].null)
    return values


def _stored(value: Any, *, nullable: bool) -> Any:
    if value == "" and nullable:
        return None
    return list(value) if isinstance(value, tuple) else value


def _none_if_empty(record: dict[str, Any]) -> dict[str, Any]:
    return {k: (None if v == "" else v) for k, v in record.items()}


_KIND_OF: dict[type[Item], str] = {model: kind for kind, model in content.CHILD_KINDS.items()} | {
    content.Question: "question"
}


def _child(model: type[Item], event_id: str, record: dict[str, Any]) -> Item:
    return model(*child_key(event_id, _KIND_OF[model], record["id"]), **(_attributes(model, record) | {"event_id": event_id}))


# --- raw items, sizes, writes -------------------------------------------------------------


def _key(raw: dict[str, Any]) -> tuple[str, str]:
    return raw["pk"]["S"], raw["sk"]["S"]


def _imported(raw: dict[str, Any]) -> bool:
    return raw.get("kind", {}).get("S") in IMPORTED_KINDS and "source_id" in raw


def _raw(item: Item, old_items: dict[tuple[str, str], dict[str, Any]]) -> dict[str, Any]:
    """The item in attribute-value form, keeping the old item's created_at and files and bumping its version."""
    item.stamp()
    raw = item.serialize()
    old = old_items.get((item.pk, item.sk))
    if old is not None and "created_at" in old:
        raw["created_at"] = old["created_at"]
    # Files (uploaded, or fetched from the export's URLs) are the item's, not the export's: a
    # re-import that dropped them would leave their objects behind and fetch the pictures again.
    raw.update({name: old[name] for name in FILE_FIELDS if old is not None and name in old and name not in raw})
    raw["version"] = {"N": str(int(old["version"]["N"]) + 1 if old and "version" in old else 1)}
    return raw


def _check_sizes(items: list[Item], raw_items: list[dict[str, Any]]) -> None:
    for item, raw in zip(items, raw_items, strict=True):
        size = len(json.dumps(raw, ensure_ascii=False).encode())
        if size > MAX_ITEM_BYTES:
            file = FILE_OF_KIND[_KIND_OF.get(type(item), "event")]
            source_id = getattr(item, "source_id", None) or getattr(item, "id", "?")
            raise ExportError(
                f"{file} (id {source_id}): record is {size // 1000} KB, over the {MAX_ITEM_BYTES // 1000} KB limit"
            )


def _raw_partition(event_id: str) -> dict[tuple[str, str], dict[str, Any]]:
    """Every item of the event's partition as stored (attribute values), for update and undo."""
    found: dict[tuple[str, str], dict[str, Any]] = {}
    found.update({_key(raw): raw for raw in event_raw_items(event_id, consistent_read=True)})
    return found


def _write(*, puts: list[dict[str, Any]], deletes: list[tuple[str, str]], progress: Callable[[float], None]) -> None:
    requests = [{"PutRequest": {"Item": raw}} for raw in puts]
    requests += [{"DeleteRequest": {"Key": {"pk": {"S": pk}, "sk": {"S": sk}}}} for pk, sk in deletes]
    batches = [requests[i : i + BATCH] for i in range(0, len(requests), BATCH)]
    done = 0
    # A few writers in parallel: each batch is latency-bound, not CPU-bound.
    with ThreadPoolExecutor(max_workers=WRITERS, thread_name_prefix="podium-import") as pool:
        for _ in pool.map(_write_batch, batches):
            done += 1
            progress(done / max(len(batches), 1))


def _write_batch(requests: list[dict[str, Any]]) -> None:
    """One BatchWriteItem, retrying unprocessed requests with backoff."""
    pending = requests
    for attempt in range(8):
        pending = table.batch_write_once(pending)
        if not pending:
            return
        time.sleep(min(0.05 * 2**attempt, 2.0))
    raise RuntimeError(f"{len(pending)} writes stayed unprocessed after retries")


def _restore(old_items: dict[tuple[str, str], dict[str, Any]], new_keys: Iterable[tuple[str, str]]) -> None:
    """Put the partition back as it was: old items rewritten, items new to it deleted."""
    created = [key for key in new_keys if key not in old_items]
    _write(puts=list(old_items.values()), deletes=created, progress=lambda _done: None)
