"""Uploads: presigned POSTs straight to S3, verification at completion, files on targets.

The API never carries file bytes. `request_upload` records who asked for what and returns
a presigned POST to a key under `incoming/`; `complete_upload` checks the stored object,
copies it server-side to the same name under `files/` (no presigned POST ever targets that
prefix, so bytes POSTed again while the POST is still valid are never served or thumbnailed),
attaches the copy to its target and queues thumbnails. Targets store object keys; URLs come
from the configurable uploads base URL. Replaced and purged files leave no objects behind.
"""

from __future__ import annotations

import json
import re
import uuid
from datetime import UTC, datetime
from typing import Any, NamedTuple
from urllib.parse import quote

from pynamodb.exceptions import DoesNotExist, UpdateError

from chalicelib.actors import Actor
from chalicelib.adapters import files
from chalicelib.clock import clock
from chalicelib.db import content
from chalicelib.db.base import Item, is_condition_failure, new_id
from chalicelib.db.keys import child_key, event_key, upload_key
from chalicelib.db.live import live_item
from chalicelib.db.queries import event_content
from chalicelib.db.uploads import ACCEPTED, StoredFile, Upload
from chalicelib.db.users import User, set_user_photo, set_user_photo_thumbnails, user_photo
from chalicelib.domain.file_checks import (
    EXTENSIONS,
    IMPORT_TARGET,
    KINDS,
    KindRule,
    clean_filename,
    content_disposition,
    file_problem,
    key_name,
)
from chalicelib.domain.permissions import authorize
from chalicelib.errors import Conflict, Forbidden, Gone, NotFound, PayloadTooLarge, Unauthorized, ValidationFailed
from chalicelib.jobs.enqueue import enqueue
from chalicelib.request_context import current_context
from chalicelib.settings import settings

UPLOAD_WINDOW_SECONDS = 600
RECORD_TTL_SECONDS = 86_400
SNIFF_BYTES = 65_536
# Presigned POSTs write under INCOMING_PREFIX only; accepted files live under FILES_PREFIX,
# written only by completion's server-side copy. infra/template.yaml expires incoming/ after a day.
INCOMING_PREFIX = "incoming/"
FILES_PREFIX = "files/"
# Accepted import uploads: imports/<owner id>/…, where the import job reads its user's files
# (domain/imports.check_own_upload). Nothing serves this prefix; infra/template.yaml expires it.
IMPORTS_PREFIX = "imports/"
# Beside each accepted original (never a name key_name makes): the headers it is served with.
VERIFIED_MARKER = "verified.json"
FILE_FIELDS = ("logo_file", "banner_file", "photo_file", "slides_file", "image_file")
_TARGET_MODELS: dict[str, type[Item]] = {
    "sponsor": content.Sponsor,
    "speaker": content.Speaker,
    "session": content.Session,
    "post": content.Post,
}


def request_upload(
    *,
    kind: str,
    filename: str,
    content_type: str,
    size: int,
    event_id: str | None = None,
    target_id: str | None = None,
) -> dict[str, Any]:
    """A presigned POST for one file under a server-chosen key, valid for 10 minutes.

    Raises 401/403 (who may edit the target), 404 (no such target), 413 (declared size over
    the kind's limit) and 422 (type not accepted). Side effect: one pending Upload record.
    """
    actor = current_context().actor
    rule = _rule(kind)
    if actor.is_anonymous:
        raise Unauthorized("Sign in to upload files.")
    limit = rule.max_bytes()
    if size > limit:
        raise PayloadTooLarge(
            f"The file is {size} bytes; {kind} files may be at most {limit} bytes ({limit // 1_048_576} MB).",
            fields={"size": f"must be at most {limit}"},
            max_size=limit,
        )
    if content_type not in rule.content_types:
        allowed = ", ".join(rule.content_types)
        raise ValidationFailed(
            f"{kind} files must be one of {allowed}.", fields={"content_type": f"must be one of {allowed}"}
        )
    event_id, target_id = _target_ids(actor, kind, rule, event_id, target_id)
    _may_edit_target(actor, kind, event_id, target_id)
    _load_target(rule, event_id, target_id)
    return _issue_post(
        actor=actor, kind=kind, rule=rule, filename=clean_filename(filename), content_type=content_type,
        size=size, event_id=event_id, target_id=target_id,
    )  # fmt: skip


def _issue_post(
    *,
    actor: Actor,
    kind: str,
    rule: KindRule,
    filename: str,
    content_type: str,
    size: int,
    event_id: str | None,
    target_id: str | None,
) -> dict[str, Any]:
    upload_id = new_id()
    owner = re.sub(r"[^A-Za-z0-9_-]", "_", actor.id)[:64]
    key = f"{INCOMING_PREFIX}{kind}/{owner}/{uuid.uuid4().hex}/{key_name(filename, content_type)}"
    headers = {"Content-Type": content_type, "Content-Disposition": _disposition(rule, filename)}
    post = files.presign_upload(key=key, headers=headers, max_bytes=rule.max_bytes(), seconds=UPLOAD_WINDOW_SECONDS)
    deadline = clock().epoch() + UPLOAD_WINDOW_SECONDS
    record = Upload(
        *upload_key(upload_id),
        id=upload_id,
        owner_id=actor.id,
        purpose=kind,
        key=key,
        filename=filename,
        content_type=content_type,
        declared_size=size,
        max_size=rule.max_bytes(),
        event_id=event_id,
        target_id=target_id,
        deadline=deadline,
        expires_at=deadline + RECORD_TTL_SECONDS,
    )
    record.stamp()
    record.save()
    return {
        "id": upload_id,
        "url": post["url"],
        "fields": post["fields"],
        "key": key,
        "max_size": rule.max_bytes(),
        "expires_at": datetime.fromtimestamp(deadline, UTC).isoformat(),
    }


def complete_upload(*, upload_id: str) -> dict[str, Any]:
    """Verify the incoming object, copy it to its final key and attach that to its target;
    queue thumbnails for images.

    Raises 401/403 (only the asker completes), 404, 409 (nothing uploaded yet, or the object
    changed while it was checked: then it is deleted), 410 (the window closed; the object is
    deleted) and 422 with the reason (the object is deleted). Side effects: the final copy with
    its verified marker, the incoming object deleted, the target's file field, the old file's
    objects deleted, a thumbnail job. Completing an accepted upload again answers the same result.
    """
    actor = current_context().actor
    if actor.is_anonymous:
        raise Unauthorized("Sign in to complete uploads.")
    record = _load_upload(upload_id)
    if record.owner_id != actor.id:
        raise Forbidden("Only the user who asked for this upload may complete it.")
    rule = _rule(record.purpose)
    if record.state == ACCEPTED:
        return _completed_view(record, rule)
    if clock().epoch() > record.deadline:
        files.delete_stored_folder(_folder(record.key))
        raise Gone("The upload window closed; ask for a new upload.")
    _may_edit_target(actor, record.purpose, record.event_id, record.target_id)
    stored = _promote(record, rule, _checked_object(record, rule))
    try:
        replaced = _attach(record, rule, stored)
    except NotFound:
        files.delete_stored_folder(_folder(record.key))
        files.delete_stored_folder(_folder(stored.key))
        raise
    if rule.target != IMPORT_TARGET:  # an export holds private fields: never served, so never marked
        _mark_verified(record, rule, stored.key)
    record.update(actions=[Upload.state.set(ACCEPTED), Upload.updated_at.set(clock().now())])
    # Nothing reads the incoming key once accepted; a later POST to it expires with incoming/.
    files.delete_stored_folder(_folder(record.key))
    if replaced is not None and replaced.upload_id != record.id:
        files.delete_stored_folder(_folder(replaced.key))
    if rule.is_image:
        enqueue("make_thumbnails", _event_id=record.event_id, upload_id=record.id)
    return _completed_view(record, rule)


class _Checked(NamedTuple):
    """The incoming object as completion checked it."""

    size: int
    etag: str


def _checked_object(record: Upload, rule: KindRule) -> _Checked:
    """Size and ETag of the incoming object once its bytes pass the kind's checks, or
    ValidationFailed after deleting it. The bytes checked are read on the ETag (If-Match)."""
    head = files.stored_file_info(record.key)
    if head is None:
        raise Conflict("No file has been uploaded for this upload yet; POST it to the upload URL first.")
    size, etag = head
    problem = None
    if size > record.max_size:
        problem = f"The file is {size} bytes; {record.purpose} files may be at most {record.max_size} bytes."
    elif size == 0:
        problem = "The file is empty."
    else:
        wanted = size if rule.is_image else min(size, SNIFF_BYTES)
        try:
            data = files.read_stored_file(record.key, first_bytes=wanted, if_match=etag)
        except files.FileChanged as err:
            raise _changed(record) from err
        if data is None:
            raise _changed(record)
        problem = file_problem(content_type=record.content_type, data=data)
    if problem:
        files.delete_stored_folder(_folder(record.key))
        raise ValidationFailed(problem, reason=problem)
    return _Checked(size=size, etag=etag)


def _promote(record: Upload, rule: KindRule, checked: _Checked) -> StoredFile:
    """Copy the checked object to its final key with the verified headers (S3 enforces the POST
    policy's headers, moto does not, so they are set here), refusing a copy of any other bytes.

    Raises Conflict when the incoming object changed after the check (both objects deleted).
    """
    key = _final_key(record.key)
    try:
        files.copy_checked_upload(
            source_key=record.key,
            key=key,
            etag=checked.etag,
            content_type=record.content_type,
            content_disposition=_disposition(rule, record.filename),
        )
    except files.FileChanged as err:
        raise _changed(record) from err
    return StoredFile(
        upload_id=record.id, key=key, content_type=record.content_type, filename=record.filename, size=checked.size
    )


def _changed(record: Upload) -> Conflict:
    """The incoming object changed between the check and the copy: it is deleted, unchecked."""
    files.delete_stored_folder(_folder(record.key))
    return Conflict("The file changed while it was being checked; upload it again.")


def _final_key(incoming_key: str) -> str:
    """Where an accepted upload lives: its incoming key's name under files/ (an import's under
    imports/<owner>/, as its incoming key is incoming/import/<owner>/…)."""
    name = incoming_key.removeprefix(INCOMING_PREFIX)
    if name.startswith(IMPORT_TARGET + "/"):
        return IMPORTS_PREFIX + name.removeprefix(IMPORT_TARGET + "/")
    return FILES_PREFIX + name


def _mark_verified(record: Upload, rule: KindRule, key: str) -> None:
    """Store the verified type and disposition beside the accepted copy at `key`: what serves
    uploads (`served_headers`) serves nothing of a folder without it, so files are public only
    once completion has checked them."""
    marker = {
        "key": key,
        "content_type": record.content_type,
        "content_disposition": _disposition(rule, record.filename),
    }
    files.put_stored_file(_folder(key) + VERIFIED_MARKER, json.dumps(marker).encode(), content_type="application/json")


def served_headers(*, key: str) -> dict[str, str] | None:
    """Content-Type and Content-Disposition to serve `key` with: an accepted original with the
    type verified at completion (attachment unless an image), or one of its thumbnails; None
    for anything else (incoming keys, not yet completed, refused, the marker itself, unknown keys)."""
    if not key.startswith(FILES_PREFIX):
        return None
    folder = _folder(key)
    name = key[len(folder) :]
    if not name or name == VERIFIED_MARKER:
        return None
    found = files.read_stored_file(folder + VERIFIED_MARKER)
    if found is None:
        return None
    marker = json.loads(found)
    if key == marker["key"]:
        return {"Content-Type": marker["content_type"], "Content-Disposition": marker["content_disposition"]}
    thumbnail_type = _THUMBNAIL_TYPES.get(name.rsplit(".", 1)[-1]) if name.startswith("thumb-") else None
    return {"Content-Type": thumbnail_type, "Content-Disposition": "inline"} if thumbnail_type else None


# The thumbnail job's file endings (thumb-<w>x<h>.<ending>) and the image types they name.
_THUMBNAIL_TYPES = {"jpeg": "image/jpeg", **{ending: kind for kind, ending in EXTENSIONS.items() if kind.startswith("image/")}}


def _disposition(rule: KindRule, filename: str) -> str:
    return content_disposition(filename, attachment=not rule.is_image)


def accepted_import_key(*, upload_id: str, actor: Actor) -> str:
    """The stored key of the actor's completed import upload. Raises NotFound (no such upload, or
    someone else's: its existence stays private) and ValidationFailed (not an import, not completed)."""
    try:
        record = _load_upload(upload_id)
    except NotFound:
        record = None
    if record is None or record.owner_id != actor.id:
        raise NotFound(f"No upload {upload_id}.", fields={"upload_id": "no such upload of yours"})
    if record.purpose != IMPORT_TARGET:
        raise ValidationFailed("upload_id must name an import upload.", fields={"upload_id": "not an import upload"})
    if record.state != ACCEPTED:
        raise ValidationFailed("Complete the upload first.", fields={"upload_id": "not completed"})
    return _final_key(record.key)


def _completed_view(record: Upload, rule: KindRule) -> dict[str, Any]:
    stored = target_file(kind=record.purpose, event_id=record.event_id, target_id=record.target_id)
    attached = stored is not None and stored.upload_id == record.id
    return {
        "id": record.id,
        "kind": record.purpose,
        "state": record.state,
        "event_id": record.event_id,
        "target_id": record.target_id,
        "file": file_view(stored) if attached else None,
    }


# --- images named by URL (imports): fetched by a job, then accepted like uploads ---------------


# Upload kind → the field on its target holding the URL an export gave (the file goes to the kind's file field).
REMOTE_URL_FIELDS = {"event_logo": "logo_url", "event_banner": "banner_url", "speaker_photo": "photo_url",
                     "sponsor_logo": "logo_url"}  # fmt: skip
_REMOTE_KINDS = {"event": ("event_logo", "event_banner"), "speaker": ("speaker_photo",), "sponsor": ("sponsor_logo",)}


def remote_images(*, event_id: str) -> list[dict[str, str]]:
    """The event's pictures that are only URLs on other servers ({"kind", "target_id", "url"}):
    an http/https URL in the field and no file yet. One Query of the event's partition."""
    wanted = []
    for kind_name, items in event_content(event_id).items():
        for item in items:
            for kind in _REMOTE_KINDS.get(kind_name, ()):
                url = getattr(item, REMOTE_URL_FIELDS[kind], None) or ""
                if url.startswith(("http://", "https://")) and _fetch_wanted(getattr(item, KINDS[kind].field, None), url):
                    wanted.append({"kind": kind, "target_id": item.id, "url": url})
    return wanted


def _fetch_wanted(current: StoredFile | None, url: str) -> bool:
    """Whether the picture at `url` should become the item's file: it has none, or only one fetched
    from another URL (a re-import named a new picture). An uploaded file is the organizers' choice."""
    return current is None or (current.source_url is not None and current.source_url != url)


def accept_fetched_image(
    *, kind: str, event_id: str, target_id: str, url: str, data: bytes, content_type: str
) -> str | None:
    """Store image bytes fetched from `url` as the target's file, as if uploaded: an accepted
    Upload of the current actor, the verified copy under files/, thumbnails queued. Returns the
    upload id; None when the target has a file already (uploaded, or fetched from `url`) or no
    longer names `url` (nothing stored). One fetched from another URL is replaced, its objects deleted.

    The caller checked the bytes are an image of `content_type`; they are checked again here
    against the type's magic bytes. Raises ValidationFailed (not such an image), Forbidden/NotFound.
    """
    actor = current_context().actor
    rule = _rule(kind)
    _may_edit_target(actor, kind, event_id, target_id)
    item = _load_target(rule, event_id, target_id)
    if not _fetch_wanted(getattr(item, rule.field), url) or getattr(item, REMOTE_URL_FIELDS[kind], None) != url:
        return None
    problem = file_problem(content_type=content_type, data=data) if content_type in rule.content_types else (
        f"{content_type} is not accepted for {kind}"
    )  # fmt: skip
    if problem:
        raise ValidationFailed(problem, reason=problem)
    filename = clean_filename(url.rsplit("/", 1)[-1].split("?", 1)[0] or "image")
    upload_id = new_id()
    # Recorded as if POSTed to an incoming key, so every reader finds the file at its final key.
    name = f"{kind}/{re.sub(r'[^A-Za-z0-9_-]', '_', actor.id)[:64]}/{uuid.uuid4().hex}/{key_name(filename, content_type)}"
    record = Upload(
        *upload_key(upload_id), id=upload_id, owner_id=actor.id, purpose=kind, key=INCOMING_PREFIX + name,
        filename=filename, content_type=content_type, declared_size=len(data), max_size=rule.max_bytes(),
        event_id=event_id, target_id=target_id, deadline=clock().epoch(),
        expires_at=clock().epoch() + RECORD_TTL_SECONDS, state=ACCEPTED,
    )  # fmt: skip
    record.stamp()
    record.save()
    key = FILES_PREFIX + name
    files.put_stored_file(key, data, content_type=content_type)
    # Marked servable before it is attached: an attached file is never one nothing would serve.
    _mark_verified(record, rule, key)
    stored = StoredFile(
        upload_id=upload_id, key=key, content_type=content_type, filename=filename, size=len(data), source_url=url
    )
    try:
        replaced = _attach(record, rule, stored)
    except (NotFound, Conflict):
        files.delete_stored_folder(_folder(key))
        raise
    if replaced is not None:  # a picture fetched from the URL the item named before
        files.delete_stored_folder(_folder(replaced.key))
    enqueue("make_thumbnails", _event_id=event_id, upload_id=upload_id)
    return upload_id


# --- permission -------------------------------------------------------------------------


# The permission-table action that editing each kind's target needs.
_EDIT_ACTION = {
    "event_logo": "event.update",
    "event_banner": "event.update",
    "sponsor_logo": "sponsor.update",
    "speaker_photo": "speaker.update",
    "slides": "session.update",
    "post_image": "post.update",
}


def _may_edit_target(actor: Actor, kind: str, event_id: str | None, target_id: str | None) -> None:
    """Only someone who may edit the target may upload its file: the permission table decides
    (a user their own avatar). Raises Unauthorized (anonymous), Forbidden or NotFound."""
    if actor.is_anonymous:
        raise Unauthorized("Sign in to upload files.")
    if kind == "avatar":
        if target_id == actor.id or actor.is_admin:
            return
        raise Forbidden("You may only change your own profile photo.")
    if kind == "import":  # an import makes a new event: the right to create one
        authorize(actor, "event.import", event_id=None)
        return
    resource = None
    if kind in ("sponsor_logo", "speaker_photo", "slides", "post_image") and event_id and target_id:
        target = _target_kind(kind)
        key = child_key(event_id, target, target_id)
        try:
            resource = live_item(_TARGET_MODELS[target], *key, missing="", consistent_read=True)
        except NotFound:
            resource = None  # the check below decides on the event alone; the target's 404 comes later
    authorize(actor, _EDIT_ACTION[kind], event_id=event_id, resource=resource)


def _target_kind(kind: str) -> str:
    return {"sponsor_logo": "sponsor", "speaker_photo": "speaker", "slides": "session", "post_image": "post"}[kind]


# --- targets ----------------------------------------------------------------------------


def _rule(kind: str) -> KindRule:
    try:
        return KINDS[kind]
    except KeyError:
        raise ValidationFailed(f"Unknown upload kind {kind!r}.", fields={"kind": "is not an upload kind"}) from None


def _target_ids(
    actor: Actor, kind: str, rule: KindRule, event_id: str | None, target_id: str | None
) -> tuple[str | None, str | None]:
    """Normalized (event_id, target_id) for the kind, or ValidationFailed naming what is missing."""
    if rule.target == IMPORT_TARGET:
        return None, None
    if rule.target == "user":
        return None, target_id or actor.id
    if not event_id:
        raise ValidationFailed(f"{kind} uploads need an event_id.", fields={"event_id": "is required for " + kind})
    if rule.target == "event":
        if target_id not in (None, event_id):
            raise ValidationFailed("target_id must be the event.", fields={"target_id": "must equal event_id"})
        return event_id, event_id
    if not target_id:
        raise ValidationFailed(
            f"{kind} uploads need the {rule.target}'s id.", fields={"target_id": f"is required for {kind}"}
        )
    return event_id, target_id


def _load_target(rule: KindRule, event_id: str | None, target_id: str | None) -> Item | None:
    """The content item a file goes to (None for avatars, whose user item is identity's, and imports)."""
    if rule.target in ("user", IMPORT_TARGET):
        return None
    if not event_id:
        raise NotFound(f"No {rule.target} without an event.")
    missing = f"No {rule.target} {target_id} in event {event_id}."
    if rule.target == "event":
        return live_item(content.Event, *event_key(event_id), missing=missing, consistent_read=True)
    if not target_id:
        raise NotFound(f"No {rule.target} named in event {event_id}.")
    key = child_key(event_id, rule.target, target_id)
    return live_item(_TARGET_MODELS[rule.target], *key, missing=missing, consistent_read=True)


def target_file(*, kind: str, event_id: str | None, target_id: str | None) -> StoredFile | None:
    """The file currently attached for `kind` on the target, if any."""
    rule = _rule(kind)
    if rule.target == IMPORT_TARGET:
        return None
    if rule.target == "user":
        return avatar_file(user_id=target_id or "")
    try:
        item = _load_target(rule, event_id, target_id)
    except NotFound:
        return None
    return getattr(item, rule.field)


def _attach(record: Upload, rule: KindRule, stored: StoredFile) -> StoredFile | None:
    """Put `stored` on the target in one conditional write; returns the file it replaced."""
    if rule.target == IMPORT_TARGET:
        return None  # nothing holds it: POST /v1/imports names the upload
    if rule.target == "user":
        return attach_avatar(user_id=record.target_id or record.owner_id, stored=stored)
    item = _load_target(rule, record.event_id, record.target_id)
    replaced = getattr(item, rule.field)
    try:
        item.update(actions=[getattr(type(item), rule.field).set(stored), type(item).updated_at.set(clock().now())])
    except UpdateError as err:
        if is_condition_failure(err):
            raise Conflict(f"The {rule.target} changed meanwhile; complete the upload again.") from err
        raise
    return replaced


def record_thumbnails(*, upload_id: str, thumbnails: dict[str, str], sizes: dict[str, str] | None = None) -> bool:
    """Store thumbnail keys (and their real sizes, "<w>x<h>") on the target, if it still shows
    this upload (one conditional write).

    Returns False when the file was replaced or its target is gone: the caller then deletes
    the thumbnails it made.
    """
    record = _load_upload(upload_id)
    rule = _rule(record.purpose)
    if rule.target == "user":
        return set_user_photo_thumbnails(
            record.target_id or record.owner_id, upload_id=upload_id, thumbnails=thumbnails
        )
    try:
        item = _load_target(rule, record.event_id, record.target_id)
    except NotFound:
        return False
    field = getattr(type(item), rule.field)
    actions = [field.thumbnails.set(thumbnails), type(item).updated_at.set(clock().now())]
    if sizes:
        actions.append(field.thumbnail_sizes.set(sizes))
    try:
        # Conditional on the file, not the version: edits to other fields do not conflict.
        item.update(actions=actions, condition=field.upload_id == upload_id, add_version_condition=False)
    except UpdateError as err:
        if is_condition_failure(err):
            return False
        raise
    return True


def upload_for_thumbnails(*, upload_id: str) -> dict[str, Any] | None:
    """What the thumbnail job needs: the accepted copy's key and the kind; None when not accepted."""
    try:
        record = _load_upload(upload_id)
    except NotFound:
        return None
    if record.state != ACCEPTED:
        return None
    final = _final_key(record.key)
    return {"key": final, "kind": record.purpose, "folder": _folder(final)}


def store_thumbnails(*, upload_id: str, rendered: dict[str, tuple[bytes, str, tuple[int, int]]]) -> list[str]:
    """Put rendered thumbnails ({"500x500.webp": (bytes, type, (width, height))}) beside the original
    and record them and their sizes on the target. Returns their keys; none are kept when the file
    was replaced meanwhile."""
    source = upload_for_thumbnails(upload_id=upload_id)
    if source is None:
        return []
    keys = {name: f"{source['folder']}thumb-{name}" for name in rendered}
    sizes = {name: f"{width}x{height}" for name, (_, _, (width, height)) in rendered.items()}
    for name, (data, content_type, _) in rendered.items():
        files.put_stored_file(keys[name], data, content_type=content_type)
    if record_thumbnails(upload_id=upload_id, thumbnails=keys, sizes=sizes):
        return sorted(keys.values())
    files.delete_stored_files(keys.values())
    return []


def read_original(*, upload_id: str) -> tuple[str, bytes] | None:
    """(kind, bytes) of an accepted upload's original; None when it is not (or no longer) there."""
    source = upload_for_thumbnails(upload_id=upload_id)
    if source is None:
        return None
    found = files.read_stored_file(source["key"])
    return None if found is None else (source["kind"], found)


def accepted_file(*, upload_id: str, owner_id: str, kinds: tuple[str, ...]) -> dict[str, Any] | None:
    """What an answer keeps of a completed upload (id, name, type, key), if `owner_id` made it,
    it is of one of `kinds` and it is accepted (its bytes passed the checks); None otherwise."""
    try:
        record = Upload.get(*upload_key(upload_id), consistent_read=True)
    except DoesNotExist:
        return None
    if record.owner_id != owner_id or record.purpose not in kinds or record.state != ACCEPTED:
        return None
    return {
        "upload_id": record.id, "filename": record.filename, "content_type": record.content_type,
        "key": _final_key(record.key),
    }  # fmt: skip


def _load_upload(upload_id: str) -> Upload:
    return live_item(Upload, *upload_key(upload_id), missing=f"No upload {upload_id}.", consistent_read=True)


# --- avatars: the photo on the user's item (db/users.py) --------------------------------


def avatar_file(*, user_id: str) -> StoredFile | None:
    """The user's uploaded photo, if any."""
    return user_photo(user_id)


def attach_avatar(*, user_id: str, stored: StoredFile) -> StoredFile | None:
    """Set the user's photo (the user must exist); returns the old file."""
    try:
        return set_user_photo(user_id, stored)
    except User.DoesNotExist as err:
        raise NotFound(f"No user {user_id}.") from err


# --- serving and deleting ---------------------------------------------------------------


def public_url(key: str) -> str:
    """Where visitors fetch an object: the configurable uploads base URL (a CDN in the cloud)."""
    return settings().uploads_base_url + quote(key)


def file_view(stored: StoredFile) -> dict[str, Any]:
    """A stored file as API clients see it: URLs, type, sanitized name, size, thumbnails."""
    thumbnails = stored.thumbnails.as_dict() if stored.thumbnails else {}
    return {
        "url": public_url(stored.key),
        "key": stored.key,
        "content_type": stored.content_type,
        "filename": stored.filename,
        "size": int(stored.size),
        "thumbnails": {name: public_url(key) for name, key in sorted(thumbnails.items())},
    }


def files_view(item: Item) -> dict[str, Any]:
    """The item's uploaded files as JSON ({"photo_file": file_view(...)}), for item views:
    StoredFile values are not JSON themselves."""
    return {name: file_view(stored) for name in FILE_FIELDS if (stored := getattr(item, name, None)) is not None}


def _folder(key: str) -> str:
    """Every object of one upload (original and thumbnails) shares the key's folder."""
    return key.rsplit("/", 1)[0] + "/"


def delete_files_of(*, item: Item) -> int:
    """Delete every uploaded object (originals and thumbnails) of `item`; the trash feature
    calls it for each item it purges (an event's children each need their own call).
    Returns the number of objects deleted."""
    deleted = 0
    for name in FILE_FIELDS:
        stored = getattr(item, name, None)
        if stored is not None and getattr(stored, "key", None):
            deleted += files.delete_stored_folder(_folder(stored.key))
    return deleted
