"""Sessions keep their speakers' names (`speaker_names`, speaker id -> name), so a page of a
session list names its speakers without reading them.

Every write that could make a kept name wrong changes it in the same transaction, and the
speaker's version decides between writers that race:
- a session write that stores names it read checks that those speakers have not changed since;
- a speaker's rename or trash changes every session naming it (one consistent Query, trashed
  sessions included, so restoring a session needs nothing) and is itself conditioned on the
  speaker's version, so a link, rename or trash landing meanwhile cancels one of the two.

An id missing from a session's names is read from the speaker when listed: sessions saved
before names were kept (until their next edit, or migration 0002), and speakers trashed or
restored since.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pynamodb.exceptions import DoesNotExist, TransactWriteError

from chalicelib.actors import Actor
from chalicelib.db import content
from chalicelib.db.base import Item, is_condition_failure, transact_write
from chalicelib.db.keys import child_key
from chalicelib.db.queries import child_models
from chalicelib.domain.trash import audit_trash, op_of, trash_actions
from chalicelib.errors import Conflict

# A transaction holds 100 writes: the speaker's own (or a check of it) and this many sessions.
SESSIONS_PER_WRITE = 99
TRASH_ATTEMPTS = 3


def names_of(speakers: list[Any]) -> dict[str, str]:
    """Speaker id -> name: what a session keeps beside its speaker_ids."""
    return {s.id: s.name for s in speakers}


def listed_names(*, event_id: str, sessions: list[Any]) -> dict[str, str]:
    """Speaker id -> name for a page of sessions: the names they keep, and one BatchGet for the
    speakers none of them keeps (none once every session carries its names)."""
    kept: dict[str, str] = {}
    missing: set[str] = set()
    for session in sessions:
        names = session.speaker_names.as_dict() if session.speaker_names is not None else {}
        for speaker_id in session.speaker_ids or []:
            if speaker_id in names:
                kept[speaker_id] = names[speaker_id]
            else:
                missing.add(speaker_id)
    missing -= kept.keys()
    if not missing:
        return kept
    keys = [child_key(event_id, "speaker", i) for i in sorted(missing)]
    live = (s for s in content.Speaker.batch_get(keys) if not s.is_trashed() and not s.is_gone())
    return kept | {speaker.id: speaker.name for speaker in live}


def check_unchanged(transaction: Any, speakers: list[Any]) -> None:
    """Make `transaction` fail if any of `speakers` changed since it was read (renamed, trashed)."""
    for speaker in speakers:
        transaction.condition_check(
            content.Speaker, speaker.pk, speaker.sk, condition=content.Speaker.version == speaker.version
        )


def sessions_naming(*, event_id: str, speaker_id: str) -> list[content.Session]:
    """Every session of the event whose speaker_ids hold the speaker, trashed ones too."""
    return child_models(
        content.Session,
        event_id=event_id,
        kind="session",
        filter_expression="contains(speaker_ids, :speaker)",
        values={":speaker": {"S": speaker_id}},
        ConsistentRead=True,
    )


def rename_speaker(speaker: Any) -> None:
    """Save a renamed speaker (version-conditioned) and its new name in every session naming it."""
    sessions = sessions_naming(event_id=speaker.event_id, speaker_id=speaker.id)
    _write_with_sessions(speaker, sessions, name=speaker.name, own_write=lambda t: t.save(speaker))


def trash_speaker(speaker: Any, *, actor: Actor) -> None:
    """Trash a speaker and drop its name from every session keeping it, all at once; retried
    when a link or rename lands between the reads and the write."""
    for _attempt in range(TRASH_ATTEMPTS):
        sessions = sessions_naming(event_id=speaker.event_id, speaker_id=speaker.id)
        actions = trash_actions(speaker, actor=actor, op_id=op_of(speaker))

        def trash_write(transaction: Any, speaker: Any = speaker, actions: list[Any] = actions) -> None:
            transaction.update(speaker, actions=actions, condition=Item.trashed_at.does_not_exist())

        try:
            _write_with_sessions(speaker, sessions, name=None, own_write=trash_write)
        except TransactWriteError as err:
            if not is_condition_failure(err):
                raise
            try:
                speaker = content.Speaker.get(speaker.pk, speaker.sk, consistent_read=True)
            except DoesNotExist:
                return
            if speaker.is_trashed():  # another request trashed it meanwhile
                return
            continue
        audit_trash(speaker, actor=actor, count=1)
        return
    raise Conflict("This speaker kept changing while it was being deleted; try again.")


def _write_with_sessions(
    speaker: Any, sessions: list[content.Session], *, name: str | None, own_write: Callable[[Any], None]
) -> None:
    """The speaker's own write and its name set to `name` (None: dropped) in `sessions`, in one
    transaction; past SESSIONS_PER_WRITE sessions in more, each checking the speaker's new version.
    (A failure between two of those leaves the later sessions' names for the next rename.)"""
    chunks = [sessions[i : i + SESSIONS_PER_WRITE] for i in range(0, len(sessions), SESSIONS_PER_WRITE)] or [[]]
    for number, chunk in enumerate(chunks):
        with transact_write() as transaction:
            if number == 0:
                own_write(transaction)
            else:  # the speaker's version moved with the first write (pynamodb updates it locally)
                check_unchanged(transaction, [speaker])
            for session in chunk:
                _name_write(transaction, session, speaker_id=speaker.id, name=name)


def _name_write(transaction: Any, session: content.Session, *, speaker_id: str, name: str | None) -> None:
    if session.speaker_names is None:
        # Keeps no names (saved before they were kept): it must stay so until this commits, or an
        # edit filling them meanwhile could store the old name.
        transaction.condition_check(
            content.Session, session.pk, session.sk, condition=content.Session.version == session.version
        )
        return
    path = content.Session.speaker_names[speaker_id]
    # No version condition: the name is not the session's own edit. The version still moves,
    # so a client's save of an older copy gets a 409 instead of writing the old name back.
    transaction.update(
        session,
        actions=[path.set(name) if name is not None else path.remove()],
        condition=content.Session.speaker_names.exists(),
        add_version_condition=False,
    )
