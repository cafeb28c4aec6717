"""Event children (tracks, rooms, session types, sessions, speakers, sponsors, posts, schedule
blocks): create, read, update, trash and list, with versions and integrity (schedule conflicts are
domain/schedule_conflicts.py's).

Side effects are table writes only; the table's stream turns them into site rebuilds.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pynamodb.exceptions import DoesNotExist, PutError, TransactWriteError, UpdateError

from chalicelib.actors import Actor
from chalicelib.clock import clock
from chalicelib.db import content
from chalicelib.db.base import Item, is_condition_failure, is_transaction_conflict, new_id, transact_write
from chalicelib.db.keys import child_key, child_sk, child_sk_prefix, event_pk
from chalicelib.db.live import is_live, live_item
from chalicelib.db.pagination import Page, read_page
from chalicelib.db.queries import child_models
from chalicelib.domain.permissions import authorize, check_change
from chalicelib.domain.projections import (
    VISITORS,
    Audience,
    audience_for,
    audience_of,
    for_items,
    project,
    visible_items,
)
from chalicelib.domain.questions import answered_fields
from chalicelib.domain.session_states import notify_speakers
from chalicelib.domain.speaker_names import check_unchanged, listed_names, names_of, rename_speaker, trash_speaker
from chalicelib.domain.tokens import signing_key
from chalicelib.domain.trash import trash_items, trash_session
from chalicelib.errors import Conflict, NotFound, PodiumError, ValidationFailed
from chalicelib.request_context import current_context

REFERENCES = {"track_id": "track", "room_id": "room", "session_type_id": "session_type"}
DATETIME_FIELDS = frozenset({"starts_at", "ends_at", "published_at"})


def model_of(kind: str) -> type[Item]:
    return content.CHILD_KINDS[kind]




def get_child(*, event_id: str, kind: str, item_id: str) -> Item:
    return live_item(
        model_of(kind), *child_key(event_id, kind, item_id), missing=f"No such {kind.replace('_', ' ')}.", prefetched=True
    )


def view(item: Item, *, audience: Audience) -> dict[str, Any]:
    """The JSON of an item for `audience` (domain/projections.py decides every field)."""
    return project(item, audience)


def readable_view(*, actor: Actor, item: Item) -> dict[str, Any]:
    """The item's JSON as `actor` sees it, if the permission table lets them read it; 404 when
    they may not see it at all (a visitor and a pending talk, or the speaker of none of the
    public ones). A speaker sees their own."""
    event_id = item.event_id  # type: ignore[attr-defined]
    relations = authorize(actor, f"{item.kind_name}.read", event_id=event_id, resource=item)
    audience = for_items(audience_of(relations), [item], event_id=event_id)
    if audience.name != "speaker" and not visible_items([item], audience):
        raise NotFound(f"No such {item.kind_name.replace('_', ' ')}.")
    return view(item, audience=audience)


def list_views(
    *, actor: Actor, event_id: str, kind: str, limit: int, cursor: str | None
) -> Page:
    """A page of the event's `kind` as `actor` (if the permission table lets them read it) sees
    it, and the next page's cursor: only the items they see, each projected; sessions name
    their speakers, so clients need no read per session."""
    relations = authorize(actor, f"{kind}.read", event_id=event_id)
    page = list_children(event_id=event_id, kind=kind, limit=limit, cursor=cursor)
    audience = for_items(audience_of(relations), page.items, event_id=event_id)
    items = visible_items(page.items, audience)
    views = [view(i, audience=audience) for i in items]
    if kind == "session":
        names = listed_names(event_id=event_id, sessions=items)
        for data, item in zip(views, items, strict=True):
            data["speakers"] = [{"id": i, "name": names[i]} for i in item.speaker_ids or [] if i in names]
    return Page(views, page.next)


# -- writes -----------------------------------------------------------------------------


def coerce_fields(fields: dict[str, Any]) -> dict[str, Any]:
    """Payload values in model form: ISO date-times become aware datetimes."""
    return {
        k: datetime.fromisoformat(v) if k in DATETIME_FIELDS and isinstance(v, str) else v for k, v in fields.items()
    }


def _check_references(*, event: content.Event, fields: dict[str, Any]) -> dict[str, Item]:
    """Referenced track/room/type/speakers must be live children of the event (one BatchGet)."""
    wanted: dict[tuple[str, str], str] = {}
    for field_name, kind in REFERENCES.items():
        if fields.get(field_name):
            wanted[child_key(event.id, kind, fields[field_name])] = field_name
    for speaker_id in fields.get("speaker_ids") or []:
        wanted[child_key(event.id, "speaker", speaker_id)] = "speaker_ids"
    for room_id in fields.get("room_ids") or []:  # a schedule block's rooms
        wanted[child_key(event.id, "room", room_id)] = "room_ids"
    if not wanted:
        return {}
    # Consistent: a session stores the speakers' names as read here (domain/speaker_names.py).
    found = {(i.pk, i.sk): i for i in Item.batch_get(list(wanted), consistent_read=True) if is_live(i)}
    problems = {name: "names no such item in this event" for key, name in wanted.items() if key not in found}
    if problems:
        raise ValidationFailed(f"{next(iter(problems))} names no such item in this event.", fields=problems)
    return {i.sk: i for i in found.values()}


def _check_times(*, kind: str, starts_at: datetime | None, ends_at: datetime | None) -> None:
    """A session or schedule block ends after it starts. Times outside the event's days are
    allowed and warned of (domain/schedule_conflicts.py's `outside_event`), so the schedule
    editor can drop a talk anywhere and show why it is wrong."""
    if starts_at and ends_at and ends_at <= starts_at:
        label = kind.replace("_", " ")
        raise ValidationFailed(f"A {label} must end after it starts.", fields={"ends_at": "must be after starts_at"})


TIMED_KINDS = frozenset({"session", "schedule_block"})


def create_child(*, event: content.Event, kind: str, fields: dict[str, Any], actor: Actor) -> Item:
    """Create one child; for sessions, the listed speakers get the session too (one transaction)."""
    values = coerce_fields({k: v for k, v in fields.items() if k != "version"})
    if kind == "session":
        values = answered_fields(event_id=event.id, session=None, fields=values, actor=actor)
    related = _check_references(event=event, fields=values)
    if kind in TIMED_KINDS:
        _check_times(kind=kind, starts_at=values.get("starts_at"), ends_at=values.get("ends_at"))
    item_id = new_id()
    item = model_of(kind)(*child_key(event.id, kind, item_id), id=item_id, event_id=event.id, **values)
    item.stamp()
    speakers = [related[child_sk("speaker", s)] for s in values.get("speaker_ids") or []]
    if kind == "session":  # each listed speaker gets a version-conditioned update below
        item.speaker_names = names_of(speakers)  # type: ignore[attr-defined]
    if speakers:
        item.speaker_user_ids = linked_users(speakers)  # type: ignore[attr-defined]
    _write_with_links(item, added=speakers, removed=[], is_new=True)
    return item


def update_child(
    *, event: content.Event, item: Item, fields: dict[str, Any], version: int | None, actor: Actor, notify: bool = True
) -> Item:
    """Apply `fields` if `actor` may (the permission module: verb, fields, scope, state
    transitions) and `version` is the stored one (409 with the current version otherwise).
    Whoever calls it (API, shell, CLI), a session whose state changes mails its speakers
    (`session_state_changed`; `notify=False` sends none)."""
    check_change(actor, f"{item.kind_name}.update", event_id=event.id, resource=item, fields=fields)
    state_before = getattr(item, "state", None)
    if item.kind_name == "session":
        fields = answered_fields(event_id=event.id, session=item, fields=fields, actor=actor)  # type: ignore[arg-type]
    _apply_update(event=event, item=item, fields=fields, version=version)
    if item.kind_name == "session":
        session_state_changed(event=event, session=item, before=state_before, notify=notify)
    return item


def set_session_state(
    *, event: content.Event, session: Item, state: str, actor: Actor, version: int | None = None, notify: bool = True
) -> Item:
    """Move `session` to `state` through `update_child` (its checks, write and mails); `version`
    defaults to the one `session` was read at, as a shell user holding it means."""
    held = session.version if version is None else version
    return update_child(event=event, item=session, fields={"state": state}, version=held, actor=actor, notify=notify)


def session_state_changed(*, event: content.Event, session: Item, before: str | None, notify: bool = True) -> list[str]:
    """The effects of a session's state change once it is written: a mail to each of its speakers
    (unless not `notify`). Nothing when the state is still `before`. Every path that changes a
    session's state calls it: `update_child`, and imports. Returns the mail jobs' ids."""
    if not notify or session.state == before:  # type: ignore[attr-defined]
        return []
    jobs = notify_speakers(event=event, session=session)
    if before == "draft" and session.state == "pending" and getattr(session, "proposed_by", None):
        # A speaker's draft submitted: the organizers hear of it as of a proposal sent at once.
        from chalicelib.domain.organizer_notices import proposal_submitted  # noqa: PLC0415 — organizer_notices imports this module

        jobs += proposal_submitted(event=event, session=session, speakers=_speakers(event.id, list(session.speaker_ids or [])))
    return jobs


def _apply_update(*, event: content.Event, item: Item, fields: dict[str, Any], version: int | None) -> None:
    _check_version(item, version)
    values = coerce_fields({k: v for k, v in fields.items() if k != "version"})
    related = _check_references(event=event, fields=values)
    if item.kind_name in TIMED_KINDS:
        _check_times(
            kind=item.kind_name,
            starts_at=values.get("starts_at", item.starts_at),  # type: ignore[attr-defined]
            ends_at=values.get("ends_at", item.ends_at),  # type: ignore[attr-defined]
        )
    before = set(getattr(item, "speaker_ids", None) or [])
    renamed = item.kind_name == "speaker" and values.get("name", item.name) != item.name  # type: ignore[attr-defined]
    for name, value in values.items():
        setattr(item, name, value)
    item.stamp()
    after = set(values.get("speaker_ids", before))
    named: list[Item] = []  # speakers whose names this write stores
    if "speaker_ids" in values:
        named = [related[child_sk("speaker", s)] for s in values["speaker_ids"]]
        item.speaker_user_ids = linked_users(named)  # type: ignore[attr-defined]
    elif item.kind_name == "session" and item.speaker_names is None:  # type: ignore[attr-defined]
        named = _speakers(event.id, list(item.speaker_ids or []))  # saved before names were kept
    if named or "speaker_ids" in values:
        item.speaker_names = names_of(named)  # type: ignore[attr-defined]
    added = [related[child_sk("speaker", s)] for s in sorted(after - before)]
    removed = _speakers(event.id, sorted(before - after))
    if renamed:
        _write_renamed_speaker(item)
        return
    unchanged = list({s.id: s for s in named if s.id not in after - before}.values())  # type: ignore[attr-defined]
    _write_with_links(item, added=added, removed=removed, is_new=False, checked=unchanged)


def linked_users(speakers: list[Item]) -> list[str]:
    """The user ids the speakers are linked to: a session stores them beside its speaker_ids."""
    return sorted({s.user_id for s in speakers if getattr(s, "user_id", None)})  # type: ignore[attr-defined]


def _check_version(item: Item, version: int | None) -> None:
    if version is None:
        raise ValidationFailed(
            "Send the version you last read (If-Match header or `version` field).",
            fields={"version": "is required for updates"},
        )
    if version != item.version:
        raise StaleVersion(item)


class StaleVersion(Conflict):
    """The item changed since the client read it; the answer carries the current state."""

    code = "version_conflict"

    def __init__(self, item: Item) -> None:
        super().__init__(
            f"This item changed meanwhile (now version {item.version}). Reload it, or re-apply your edit on top.",
            current_version=item.version,
        )
        self.item = item

    def to_body(self) -> dict[str, Any]:
        """The current item as the caller may see it: a speaker's 409 carries no organizer field."""
        body = super().to_body()
        actor = current_context().actor
        event_id = self.item.id if self.item.kind_name == "event" else self.item.event_id  # type: ignore[attr-defined]
        try:
            audience = audience_for(actor, event_id=event_id, item=self.item)
        except PodiumError:  # the event went meanwhile: the answer must still be this 409
            audience = VISITORS
        body["error"]["current"] = view(self.item, audience=audience)
        return body


def _speakers(event_id: str, speaker_ids: list[str]) -> list[Item]:
    if not speaker_ids:
        return []
    keys = [child_key(event_id, "speaker", i) for i in speaker_ids]
    return [s for s in Item.batch_get(keys, consistent_read=True) if is_live(s)]


def _write_renamed_speaker(speaker: Item) -> None:
    try:
        rename_speaker(speaker)
    except TransactWriteError as err:
        raise _failure_as_conflict(err, speaker) from err


def _write_with_links(
    item: Item, *, added: list[Item], removed: list[Item], is_new: bool, checked: list[Item] = ()
) -> None:
    """Write `item` and keep session↔speaker links equal on both sides, atomically. A session
    storing the names of speakers it does not update (`checked`) fails if they changed meanwhile."""
    try:
        if not added and not removed and not checked:
            if is_new:
                item.save(condition=Item.pk.does_not_exist())
            else:
                item.save()
            return
        with transact_write() as transaction:
            transaction.save(item, condition=Item.pk.does_not_exist() if is_new else None)
            for speaker in added:
                sessions = content.Speaker.session_ids
                transaction.update(speaker, actions=[sessions.set(sessions.append([item.id]))])
            for speaker in removed:
                remaining = [s for s in speaker.session_ids if s != item.id]  # type: ignore[attr-defined]
                transaction.update(speaker, actions=[content.Speaker.session_ids.set(remaining)])
            check_unchanged(transaction, checked)
    except (PutError, UpdateError, TransactWriteError) as err:
        if is_new and is_condition_failure(err):  # the new item's speakers changed meanwhile
            raise Conflict("A speaker of this session changed while it was being saved; send it again.") from err
        raise _failure_as_conflict(err, item) from err


def _failure_as_conflict(err: Exception, item: Item) -> Exception:
    """The 409 for a write that lost a race, or `err` itself for any other failure."""
    if is_condition_failure(err):
        return _conflict_for(item)
    if is_transaction_conflict(err):
        return Conflict(
            "Another change to this item or one linked to it was being saved at the same moment; send yours again."
        )
    return err


def _conflict_for(item: Item) -> Conflict:
    try:
        fresh = type(item).get(item.pk, item.sk, consistent_read=True)
    except DoesNotExist:
        return Conflict("This item was removed meanwhile.")
    return StaleVersion(fresh)


# -- trash --------------------------------------------------------------------------------


def sessions_using(*, event_id: str, field_name: str, item_id: str) -> list[content.Session]:
    return [s for s in list_all(event_id=event_id, kind="session") if getattr(s, field_name) == item_id]


def trash_child(*, event: content.Event, item: Item, actor: Actor, detach: bool = False) -> None:
    """Soft delete: the item leaves every read at once and expires after the retention period.

    A track, room or session type still used by sessions is refused (409 listing them) unless
    `detach`, which clears the reference on those sessions first.
    """
    reference = {"track": "track_id", "room": "room_id", "session_type": "session_type_id"}.get(item.kind_name)
    if reference:
        users = sessions_using(event_id=event.id, field_name=reference, item_id=item.id)  # type: ignore[attr-defined]
        if users and not detach:
            raise Conflict(
                f"{len(users)} sessions still use this {item.kind_name.replace('_', ' ')}; move them or pass ?detach=true.",
                sessions=[{"id": s.id, "title": s.title} for s in users],
            )
        for session in users:
            session.update(actions=[getattr(content.Session, reference).remove(), Item.updated_at.set(clock().now())])
    if item.kind_name == "session":
        trash_session(session=item, actor=actor)  # type: ignore[arg-type]
        return
    if item.kind_name == "speaker":
        try:
            trash_speaker(item, actor=actor)
        except TransactWriteError as err:
            raise _failure_as_conflict(err, item) from err
        return
    trash_items([item], actor=actor)


# -- reads --------------------------------------------------------------------------------


def list_children(*, event_id: str, kind: str, limit: int, cursor: str | None) -> Page:
    """One Query per page on the event's partition (sk prefix), trashed items left out."""
    return read_page(
        model_of(kind),
        event_pk(event_id),
        Item.sk.startswith(child_sk_prefix(kind)),
        filter_condition=Item.trashed_at.does_not_exist(),
        keep=is_live,
        limit=limit,
        cursor=cursor,
        secret=signing_key(),
    )


def list_all(*, event_id: str, kind: str) -> list[Any]:
    """Every live child of one kind (a paginated Query)."""
    return child_models(model_of(kind), event_id=event_id, kind=kind, filter_expression=NOT_TRASHED)


NOT_TRASHED = "attribute_not_exists(trashed_at)"
