"""Schedule releases: an event's schedule in "manual" mode is public as last released, and each
release lists what changed since the one before (new, moved, canceled, room changed).

This module owns the rule end to end: what a snapshot holds (every public session's schedule
fields), how two snapshots differ, how the site applies the latest snapshot to the live sessions
(`released_sessions`), and the one state change, `release_schedule`, with its effects (the
release item, the mails to the speakers whose sessions moved (a job, `mail_release`), and through
the table's stream a render of the site).
"""

from __future__ import annotations

import base64
import dataclasses
import json
import zlib
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import Any

from pynamodb.exceptions import TransactWriteError

from chalicelib.actors import Actor
from chalicelib.clock import clock
from chalicelib.db import content
from chalicelib.db.base import is_condition_failure, is_transaction_conflict, new_id, transact_write
from chalicelib.db.keys import (
    SCHEDULE_RELEASE_SK_PREFIX,
    event_key,
    event_pk,
    schedule_head_key,
    schedule_release_key,
    schedule_version_key,
)
from chalicelib.db.pagination import Page, read_page
from chalicelib.db.queries import child_models
from chalicelib.domain import outbox
from chalicelib.domain.content import _speakers, list_all
from chalicelib.domain.projections import Audience, project
from chalicelib.domain.tokens import signing_key
from chalicelib.errors import Conflict, ValidationFailed
from chalicelib.jobs.enqueue import enqueue
from chalicelib.public.bundle import PUBLIC_SESSION_STATES
from chalicelib.public.bundle import Session as PublicSession
from chalicelib.public.memo import SameInputs

AUTO, MANUAL = "auto", "manual"
SCHEDULE_MODES = (AUTO, MANUAL)
CHANGE_KINDS = ("new", "moved", "canceled", "room_changed")
MAX_VERSION, MAX_COMMENT = 60, 2000
# What a release's packed changes and snapshot may hold: the item must stay under DynamoDB's 400 KB
# (some thousands of sessions at once), else the write fails after every check (a bare 500).
MAX_RELEASE_BYTES = 380_000
# The changes whose speakers get the `schedule_changed` mail: their talk has a new time or room.
# New sessions' speakers heard of them when accepted; canceled ones by the state change's mail.
MAILED_CHANGES = ("moved", "room_changed")

# A session's schedule fields in a snapshot: starts_at, ends_at (ISO 8601, UTC), room_id, state.
Entry = tuple[str | None, str | None, str | None, str]
Snapshot = dict[str, Entry]


def schedule_mode(event: Any) -> str:
    """The event's mode; events stored before releases existed are "auto" (today's behaviour)."""
    return MANUAL if getattr(event, "schedule_mode", None) == MANUAL else AUTO


def _iso(moment: datetime | None) -> str | None:
    return moment.astimezone(UTC).isoformat() if moment else None


def snapshot_of(sessions: Iterable[Any]) -> Snapshot:
    """Every public session's schedule fields (stored or public sessions alike), by id."""
    return {
        s.id: (_iso(s.starts_at), _iso(s.ends_at), s.room_id or None, s.state)
        for s in sessions
        if s.state in PUBLIC_SESSION_STATES and not (hasattr(s, "is_trashed") and s.is_trashed())
    }


def _place(entry: Entry | None, room_names: Mapping[str, str]) -> dict[str, Any] | None:
    if entry is None:
        return None
    starts_at, ends_at, room_id, _ = entry
    return {"starts_at": starts_at, "ends_at": ends_at, "room_id": room_id, "room": room_names.get(room_id or "")}


def changes_between(
    previous: Mapping[str, Entry], current: Mapping[str, Entry], *, titles: Mapping[str, str],
    room_names: Mapping[str, str],
) -> dict[str, list[dict[str, Any]]]:  # fmt: skip
    """What changed from `previous` to `current`: sessions new to the schedule, moved (other
    times, whatever the room), canceled (left the schedule) and room changed (same times). Each
    change names the session, its title and its place before and after."""
    found: dict[str, list[dict[str, Any]]] = {kind: [] for kind in CHANGE_KINDS}
    for session_id in sorted(set(previous) | set(current)):
        before, after = previous.get(session_id), current.get(session_id)
        if before is None:
            kind = "new"
        elif after is None:
            kind = "canceled"
        elif before[:2] != after[:2]:
            kind = "moved"
        elif before[2] != after[2]:
            kind = "room_changed"
        else:
            continue
        found[kind].append({
            "session_id": session_id, "title": titles.get(session_id, "(removed session)"),
            "before": _place(before, room_names), "after": _place(after, room_names),
        })  # fmt: skip
    return found


def change_count(changes: Mapping[str, list[Any]]) -> int:
    return sum(len(changes.get(kind, ())) for kind in CHANGE_KINDS)


def pack(value: Any) -> str:
    """A snapshot or changes as stored: compact JSON, zlib-compressed (an item holds 400 KB), base64."""
    return base64.b64encode(zlib.compress(json.dumps(value, separators=(",", ":"), sort_keys=True).encode(), 9)).decode()


def unpack(blob: str | None) -> Any:
    return json.loads(zlib.decompress(base64.b64decode(blob))) if blob else {}


def stored_snapshot(release: content.ScheduleRelease | None) -> Snapshot:
    if release is None:
        return {}
    return {session_id: tuple(entry) for session_id, entry in unpack(release.snapshot).items()}  # type: ignore[misc]


# Each session as released, kept while the live session and its snapshot entry are the same
# objects (memo.SameInputs): unchanged sessions stay unchanged objects, so the render skips them.
RELEASED_SESSIONS: SameInputs[PublicSession] = SameInputs(65536)


def released_sessions(
    sessions: Iterable[PublicSession], snapshot: Mapping[str, Any], *, slot: str = ""
) -> tuple[PublicSession, ...]:
    """The public sessions as released: schedule fields (times, room, state) from the snapshot,
    every other field live; a session the snapshot does not hold is not on the schedule, nor one
    whose live state is no longer public (rejected, withdrawn, canceled since): only accepted or
    confirmed talks are ever shown, and the next release lists it as canceled."""

    def as_released(session: PublicSession, entry: Any) -> PublicSession:
        starts_at, ends_at, room_id, state = entry
        return dataclasses.replace(
            session, starts_at=datetime.fromisoformat(starts_at) if starts_at else None,
            ends_at=datetime.fromisoformat(ends_at) if ends_at else None, room_id=room_id, state=state,
        )  # fmt: skip

    return tuple(
        RELEASED_SESSIONS.get((slot, s.id), (s, snapshot[s.id]), lambda s=s: as_released(s, snapshot[s.id]))
        for s in sessions
        if s.id in snapshot and s.state in PUBLIC_SESSION_STATES
    )


# -- reads ----------------------------------------------------------------------------------------


def _head(event_id: str) -> content.ScheduleHead | None:
    try:
        return content.ScheduleHead.get(*schedule_head_key(event_id), consistent_read=True)
    except content.ScheduleHead.DoesNotExist:
        return None


def latest_release(*, event_id: str, head: content.ScheduleHead | None = None) -> content.ScheduleRelease | None:
    """The release the head names (two reads, both by key); None before the first release."""
    head = head or _head(event_id)
    if head is None:
        return None
    return content.ScheduleRelease.get(event_pk(event_id), head.release_sk, consistent_read=True)


def list_releases(*, event_id: str, limit: int, cursor: str | None) -> Page:
    """The event's releases, newest first (the signed cursor of db/pagination.py)."""
    return read_page(
        content.ScheduleRelease, event_pk(event_id), content.ScheduleRelease.sk.startswith(SCHEDULE_RELEASE_SK_PREFIX),
        scan_index_forward=False, limit=limit, cursor=cursor, secret=signing_key(),
        keep=lambda item: isinstance(item, content.ScheduleRelease),
    )  # fmt: skip


def release_view(release: content.ScheduleRelease, *, audience: Audience) -> dict[str, Any]:
    """A release as `audience` sees it (domain/projections.py), its changes unpacked."""
    shown = project(release, audience)
    view = {"id": shown.get("id"), "number": shown.get("number"), "version": shown.get("label"),
            "comment": shown.get("comment") or ""}
    view["released_at"] = shown["released_at"].isoformat() if shown.get("released_at") else None
    if "released_by" in shown:
        view["released_by"] = shown["released_by"]
    changes = unpack(release.changes)
    view["changes"] = {kind: changes.get(kind, []) for kind in CHANGE_KINDS}
    return view


def _schedule_now(event_id: str) -> tuple[Snapshot, dict[str, str], dict[str, str], list[content.Session]]:
    """The live schedule's snapshot, every session's title (trashed ones too: a change may name
    one), the rooms' names, and the live sessions."""
    every = child_models(content.Session, event_id=event_id, kind="session", filter_expression="attribute_exists(id)")
    live = [s for s in every if not s.is_trashed()]
    rooms = {r.id: r.name for r in list_all(event_id=event_id, kind="room")}
    return snapshot_of(live), {s.id: s.title for s in every}, rooms, live


def draft_changes(*, event_id: str) -> dict[str, Any]:
    """What the next release would list: the live schedule against the latest release."""
    current, titles, rooms, _ = _schedule_now(event_id)
    changes = changes_between(stored_snapshot(latest_release(event_id=event_id)), current, titles=titles,
                              room_names=rooms)  # fmt: skip
    return {"changes": changes, "count": change_count(changes)}


# -- the state change -------------------------------------------------------------------------------


def release_schedule(*, event: content.Event, version: str, comment: str, actor: Actor) -> content.ScheduleRelease:
    """Release the event's live schedule as `version` (unique in the event, 409 otherwise).

    Effects: the release item (its changes against the latest release and the snapshot the site
    and feeds then show in manual mode), the head naming it and the version's guard, in one
    transaction conditioned on the head still naming the release the changes were computed from
    (two releases at once: one is a 409); then the job mailing `schedule_changed` (outbox) to each
    speaker of a moved or room-changed session (`mail_release`). The table's stream asks for the
    site's render."""
    version, comment = version.strip(), (comment or "").strip()
    if not 1 <= len(version) <= MAX_VERSION:
        raise ValidationFailed("A version is 1 to 60 characters.", fields={"version": "must be 1 to 60 characters"})
    head = _head(event.id)
    previous = latest_release(event_id=event.id, head=head)
    current, titles, rooms, _ = _schedule_now(event.id)
    changes = changes_between(stored_snapshot(previous), current, titles=titles, room_names=rooms)
    now, release_id, number = clock().now(), new_id(), int(previous.number) + 1 if previous else 1
    release = content.ScheduleRelease(
        *schedule_release_key(event.id, number), id=release_id, event_id=event.id, number=number, label=version,
        comment=comment or None, released_at=now, released_by=actor.id, changes=pack(changes), snapshot=pack(current),
    )  # fmt: skip
    if len(release.changes) + len(release.snapshot) + len(comment) > MAX_RELEASE_BYTES:
        raise ValidationFailed(
            f"This schedule is too large for one release ({len(current)} sessions on it, "
            f"{change_count(changes)} changes since the last release); keep this event's schedule in auto mode."
        )
    release.stamp()
    guard = content.ScheduleVersion(*schedule_version_key(event.id, version), event_id=event.id, release_id=release_id)
    try:
        with transact_write() as transaction:
            transaction.save(release, condition=content.ScheduleRelease.pk.does_not_exist())
            transaction.save(guard, condition=content.ScheduleVersion.pk.does_not_exist())
            if head is None:
                head = content.ScheduleHead(
                    *schedule_head_key(event.id), event_id=event.id, release_id=release_id, release_sk=release.sk
                )
                transaction.save(head, condition=content.ScheduleHead.pk.does_not_exist())
            else:  # conditioned on the version read: a release meanwhile moved the head
                transaction.update(head, actions=[
                    content.ScheduleHead.release_id.set(release_id), content.ScheduleHead.release_sk.set(release.sk),
                ])  # fmt: skip
    except TransactWriteError as err:
        # A failed condition, or DynamoDB canceling it for a write to the head at that moment
        # (another release): both are a release made meanwhile.
        if is_condition_failure(err) or is_transaction_conflict(err):
            raise _release_conflict(event.id, version) from err
        raise
    if any(changes.get(kind) for kind in MAILED_CHANGES):
        # A job: a release moving hundreds of talks composes a mail per speaker, more than a request
        # may take (the release is made; the client would see a timeout).
        enqueue("mail_schedule_release", _event_id=event.id, event_id=event.id, number=number)
    return release


def mail_release(*, event_id: str, number: int) -> dict[str, int]:
    """The `schedule_changed` mail to each speaker of a session release `number` moved or put in
    another room (the release's job). A speaker mailed about the release already is not mailed
    again, so a job delivered twice mails nobody twice."""
    release = content.ScheduleRelease.get(*schedule_release_key(event_id, number), consistent_read=True)
    event = content.Event.get(*event_key(event_id), consistent_read=True)
    _, _, rooms, live = _schedule_now(event_id)
    changes = unpack(release.changes)
    _mail_speakers(event, changes, {s.id: s for s in live}, rooms, once=(release.released_at, release.id))
    return {"sessions": sum(len(changes.get(kind, ())) for kind in MAILED_CHANGES)}


def _release_conflict(event_id: str, version: str) -> Conflict:
    try:
        content.ScheduleVersion.get(*schedule_version_key(event_id, version), consistent_read=True)
    except content.ScheduleVersion.DoesNotExist:
        return Conflict("Another release of this schedule was made meanwhile; look at the draft changes again.")
    return Conflict(f"The version {version!r} is taken: name this release otherwise.", fields={"version": "is taken"})


def _mail_speakers(
    event: content.Event, changes: Mapping[str, list[dict[str, Any]]], sessions: Mapping[str, content.Session],
    rooms: Mapping[str, str], *, once: tuple[datetime, str],
) -> None:  # fmt: skip
    for kind in MAILED_CHANGES:
        for change in changes.get(kind, ()):
            session = sessions.get(change["session_id"])
            if session is None:
                continue
            # The mail tells the released place, not the draft's: the session may have moved again
            # between the release and this job. Set on this read copy only, never saved.
            after = change.get("after") or {}
            session.starts_at = _moment(after.get("starts_at"))
            session.ends_at = _moment(after.get("ends_at"))
            session.room_id = after.get("room_id")
            outbox.mail_speakers(
                event=event, session=session, speakers=_speakers(event.id, list(session.speaker_ids or [])),
                template_name="schedule_changed", extra={"session_room": rooms.get(session.room_id or "", "")},
                once=once,
            )


def _moment(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None
