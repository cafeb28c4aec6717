"""Upload test support: a seeded event with one of each target, actors, tiny files, S3 POSTs.

A plain module (tests/ is on sys.path) that conftest files and test modules import.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime

import requests

OWNER_ID, STRANGER_ID, ORGANIZER_ID = "owner1", "stranger1", "organizer1"


def actor(user_id: str, *roles: str):
    from chalicelib.actors import Actor

    return Actor(id=user_id, kind="user", roles=frozenset(roles), name=user_id)


@contextmanager
def acting_as(who) -> Iterator[None]:
    """Put an authenticated actor into the request context, as identity's middleware will."""
    from chalicelib.request_context import current_context, reset_context, set_context

    token = set_context(current_context().with_actor(who))
    try:
        yield
    finally:
        reset_context(token)


def image_bytes(fmt: str = "PNG", size: tuple[int, int] = (8, 8), color: str = "red", **save) -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, fmt, **save)
    return buffer.getvalue()


def zip_bytes(*names: str, stored_first: tuple[str, bytes] | None = None) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        if stored_first:
            archive.writestr(zipfile.ZipInfo(stored_first[0]), stored_first[1], compress_type=zipfile.ZIP_STORED)
        for name in names:
            archive.writestr(name, b"<xml/>", compress_type=zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


ODP_BYTES = zip_bytes("content.xml", stored_first=("mimetype", b"application/vnd.oasis.opendocument.presentation"))
PPTX_BYTES = zip_bytes("[Content_Types].xml", "ppt/presentation.xml")
KEY_BYTES = zip_bytes("Index/Document.iwa", "Metadata/Properties.plist")
PDF_BYTES = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def post_file(presigned: dict, data: bytes, filename: str = "upload.bin", fields: dict | None = None) -> int:
    """What the browser does: POST the presigned fields and the file straight to S3 (moto)."""
    form = {**presigned["fields"], **(fields or {})}
    response = requests.post(presigned["url"], data=form, files={"file": (filename, data)}, timeout=10)
    return response.status_code


@dataclass(frozen=True)
class SeededEvent:
    event_id: str
    speaker_id: str
    sponsor_id: str
    session_id: str
    post_id: str

    def target_of(self, kind: str) -> str | None:
        return {
            "speaker_photo": self.speaker_id,
            "sponsor_logo": self.sponsor_id,
            "slides": self.session_id,
            "post_image": self.post_id,
            "avatar": OWNER_ID,
        }.get(kind)


def put_user(user_id: str) -> None:
    """The user's item, as identity writes it (a real token can be had with auth_support)."""
    from support.auth import token_for

    token_for(user_id)


def put_role(event_id: str, user_id: str, role: str) -> None:
    from chalicelib.domain.roles import role_item

    role_item(event_id=event_id, user_id=user_id, role=role).save()


def seed_event() -> SeededEvent:
    """An event owned by OWNER_ID (organizer: ORGANIZER_ID) with a speaker, sponsor, session and post."""
    from chalicelib.db import content, keys

    event_id = "ev1"
    pk = keys.event_pk(event_id)
    items = [
        content.Event(
            pk,
            "EVENT",
            id=event_id,
            slug="conf",
            name="Conf",
            owner_id=OWNER_ID,
            timezone="UTC",
            starts_at=datetime(2026, 3, 20, 9, tzinfo=UTC),
            ends_at=datetime(2026, 3, 21, 18, tzinfo=UTC),
        ),
        content.Speaker(pk, keys.child_sk("speaker", "sp1"), id="sp1", event_id=event_id, name="Ada"),
        content.Sponsor(pk, keys.child_sk("sponsor", "so1"), id="so1", event_id=event_id, name="ACME"),
        content.Session(pk, keys.child_sk("session", "se1"), id="se1", event_id=event_id, title="Talk"),
        content.Post(pk, keys.child_sk("post", "po1"), id="po1", event_id=event_id, title="News"),
    ]
    for item in items:
        item.stamp()
        item.save()
    put_role(event_id, OWNER_ID, "owner")
    put_role(event_id, ORGANIZER_ID, "organizer")
    put_user(OWNER_ID)
    return SeededEvent(event_id, "sp1", "so1", "se1", "po1")


def job_runner(outputs):
    """Runs queued jobs the way `podium dev` does, on demand."""
    from app import app
    from podium.localstack.poller import LocalPoller

    poller = LocalPoller(app, outputs)

    def run_jobs() -> None:
        while poller.poll_jobs_once(wait_seconds=0):
            pass

    return run_jobs


def bucket_keys() -> list[str]:
    import boto3
    from chalicelib.settings import settings

    pages = boto3.client("s3").get_paginator("list_objects_v2").paginate(Bucket=settings().uploads_bucket)
    return sorted(obj["Key"] for page in pages for obj in page.get("Contents", []))
