"""Sessions keep their speakers' names: lists must never show an old name or a trashed speaker,
whatever order renames, trashes, restores and session edits land in."""

from __future__ import annotations

import pytest
from support.content import ORGANIZER, create, fresh, saved_event

pytestmark = pytest.mark.integration


@pytest.fixture
def event(stack):
    return saved_event()


def listed(event_id: str = "ev1") -> dict[str, list[str]]:
    """Each session's title -> the speaker names its list entry shows."""
    from chalicelib.domain.content import list_children
    from chalicelib.domain.speaker_names import listed_names

    shown, cursor = {}, None
    while True:
        page = list_children(event_id=event_id, kind="session", limit=100, cursor=cursor)
        names = listed_names(event_id=event_id, sessions=page.items)
        shown |= {s.title: [names[i] for i in s.speaker_ids if i in names] for s in page.items}
        if not (cursor := page.next):
            return shown


def kept(session) -> dict[str, str] | None:
    stored = fresh(session).speaker_names
    return None if stored is None else stored.as_dict()


def after_first_call(monkeypatch, module, name: str, meanwhile) -> None:
    """Run `meanwhile()` right after the first call of `module.name` returns, as a concurrent
    request landing between that read and the write that follows it."""
    original = getattr(module, name)

    def reading_then_racing(*args, **kwargs):
        found = original(*args, **kwargs)
        monkeypatch.setattr(module, name, original)
        meanwhile()
        return found

    monkeypatch.setattr(module, name, reading_then_racing)


def rename(event, speaker, name: str) -> None:
    from chalicelib.domain.content import update_child

    speaker = fresh(speaker)
    update_child(event=event, item=speaker, fields={"name": name}, version=speaker.version, actor=ORGANIZER)


def test_new_sessions_keep_their_speakers_names_and_an_empty_map_without_speakers(event):
    ada = create(event, "speaker", name="Ada")
    talk = create(event, "session", title="Talk", speaker_ids=[ada.id])
    panel = create(event, "session", title="Panel")

    assert (kept(talk), kept(panel)) == ({ada.id: "Ada"}, {})


def test_rename_reaches_every_session_naming_the_speaker_trashed_ones_too(event):
    from chalicelib.domain.content import trash_child
    from chalicelib.domain.trash import get_trashed, restore_trashed

    ada = create(event, "speaker", name="Ada")
    talk = create(event, "session", title="Talk", speaker_ids=[ada.id])
    trash_child(event=event, item=fresh(talk), actor=ORGANIZER)
    rename(event, ada, "Ada L.")

    restore_trashed(item=get_trashed(kind="session", item_id=talk.id, event_id="ev1"), actor=ORGANIZER)

    assert listed() == {"Talk": ["Ada L."]}


def test_restored_session_hides_a_speaker_trashed_meanwhile(event):
    from chalicelib.domain.content import trash_child
    from chalicelib.domain.trash import get_trashed, restore_trashed

    ada = create(event, "speaker", name="Ada")
    talk = create(event, "session", title="Talk", speaker_ids=[ada.id])
    trash_child(event=event, item=fresh(talk), actor=ORGANIZER)
    trash_child(event=event, item=fresh(ada), actor=ORGANIZER)

    restore_trashed(item=get_trashed(kind="session", item_id=talk.id, event_id="ev1"), actor=ORGANIZER)

    assert listed() == {"Talk": []}


def test_restored_speaker_is_listed_again(event):
    from chalicelib.domain.content import trash_child
    from chalicelib.domain.trash import get_trashed, restore_trashed

    ada = create(event, "speaker", name="Ada")
    create(event, "session", title="Talk", speaker_ids=[ada.id])
    trash_child(event=event, item=fresh(ada), actor=ORGANIZER)
    trashed = listed()

    restore_trashed(item=get_trashed(kind="speaker", item_id=ada.id, event_id="ev1"), actor=ORGANIZER)

    assert (trashed, listed()) == ({"Talk": []}, {"Talk": ["Ada"]})


def test_a_session_linked_one_way_gets_the_rename(event):
    from chalicelib.db import content as db

    # an import whose speakers.json does not list the session that names the speaker
    ada = create(event, "speaker", name="Ada")
    create(event, "session", title="Talk", speaker_ids=[ada.id])
    fresh(ada).update(actions=[db.Speaker.session_ids.set([])])

    rename(event, ada, "Ada L.")

    assert listed() == {"Talk": ["Ada L."]}


def test_older_session_edited_during_a_rename_keeps_no_old_name(event, monkeypatch):
    from chalicelib.db import content as db
    from chalicelib.domain import content

    ada = create(event, "speaker", name="Ada")
    talk = create(event, "session", title="Talk", speaker_ids=[ada.id])
    fresh(talk).update(actions=[db.Session.speaker_names.remove()])  # saved before names were kept
    talk = fresh(talk)
    # the edit has read the speaker; the rename lands now
    after_first_call(monkeypatch, content, "_speakers", lambda: rename(event, ada, "Ada L."))
    with pytest.raises(content.StaleVersion):  # the speaker changed under the edit: a 409
        content.update_child(event=event, item=talk, fields={"title": "Talk!"}, version=talk.version, actor=ORGANIZER)

    assert listed() == {"Talk": ["Ada L."]}


def test_edit_resending_the_speakers_during_a_rename_is_refused(event, monkeypatch):
    from chalicelib.domain import content

    ada = create(event, "speaker", name="Ada")
    talk = create(event, "session", title="Talk", speaker_ids=[ada.id])
    after_first_call(monkeypatch, content, "_check_references", lambda: rename(event, ada, "Ada L."))
    talk = fresh(talk)
    fields = {"title": "Talk!", "speaker_ids": [ada.id]}
    with pytest.raises(content.StaleVersion):
        content.update_child(event=event, item=talk, fields=fields, version=talk.version, actor=ORGANIZER)

    assert listed() == {"Talk": ["Ada L."]}


def test_rename_landing_before_a_trash_write_leaves_no_trashed_name(event, monkeypatch):
    from chalicelib.domain import content, speaker_names

    ada = create(event, "speaker", name="Ada")
    create(event, "session", title="Talk", speaker_ids=[ada.id])
    ada = fresh(ada)
    # the trash has read the sessions; a rename lands now
    after_first_call(monkeypatch, speaker_names, "sessions_naming", lambda: rename(event, ada, "Ada L."))
    content.trash_child(event=event, item=ada, actor=ORGANIZER)

    assert fresh(ada).is_trashed()
    assert listed() == {"Talk": []}


def test_link_landing_before_a_trash_write_leaves_no_trashed_name(event, monkeypatch):
    from chalicelib.domain import content, speaker_names

    ada = create(event, "speaker", name="Ada")
    ada = fresh(ada)  # the DELETE request's copy: no sessions yet
    link = lambda: create(event, "session", title="Talk", speaker_ids=[ada.id])  # noqa: E731
    after_first_call(monkeypatch, speaker_names, "sessions_naming", link)
    content.trash_child(event=event, item=ada, actor=ORGANIZER)

    assert fresh(ada).is_trashed()
    assert listed() == {"Talk": []}


def test_rename_of_a_speaker_with_more_sessions_than_one_transaction_holds(event, monkeypatch):
    from chalicelib.domain import speaker_names

    monkeypatch.setattr(speaker_names, "SESSIONS_PER_WRITE", 2)  # 99 in use: 2 keeps the test short
    ada = create(event, "speaker", name="Ada")
    for n in range(5):
        create(event, "session", title=f"T{n}", speaker_ids=[ada.id])

    rename(event, ada, "Ada L.")

    assert listed() == {f"T{n}": ["Ada L."] for n in range(5)}
