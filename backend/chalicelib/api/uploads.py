"""Uploads: ask for a presigned POST, then complete it. File bytes never pass through the API."""

from __future__ import annotations

from typing import Any

from chalice import Blueprint

from chalicelib.api.http import endpoint
from chalicelib.api.schema import ID, Field, Schema
from chalicelib.domain import uploads
from chalicelib.domain.file_checks import KINDS

bp = Blueprint(__name__)

UPLOAD_REQUEST = Schema(
    "UploadRequest",
    fields={
        "kind": Field("string", max_length=32, choices=tuple(KINDS)),
        # Long names are accepted and shortened: the server picks the key anyway.
        "filename": Field("string", max_length=4096, min_length=1),
        "content_type": Field("string", max_length=255, min_length=1),
        "size": Field("integer", minimum=1, description="bytes; over the kind's limit answers 413"),
        "event_id": Field("string", max_length=64, min_length=1, nullable=True),
        "target_id": Field("string", max_length=64, min_length=1, nullable=True),
    },
    required=frozenset({"kind", "filename", "content_type", "size"}),
)
PRESIGNED_POST = Schema(
    "PresignedPost",
    fields={
        "id": ID,
        "url": Field("string", description="POST the fields and then the file (field `file`) here"),
        "fields": Field("object"),
        "key": Field("string"),
        "max_size": Field("integer"),
        "expires_at": Field("string", format="date-time"),
    },
)
COMPLETED_UPLOAD = Schema(
    "CompletedUpload",
    fields={
        "id": ID,
        "kind": Field("string", choices=tuple(KINDS)),
        "state": Field("string"),
        "event_id": Field("string", nullable=True),
        "target_id": Field("string", nullable=True),
        "file": Field("object", nullable=True, description="url, key, content_type, filename, size, thumbnails"),
    },
)


@endpoint(
    bp, "/uploads", "POST", action="uploads.create", summary="Ask for a presigned POST for one file",
    status=201, body=UPLOAD_REQUEST, response=PRESIGNED_POST, errors=(401, 403, 404, 413, 422),
)  # fmt: skip
def create_upload(*, body: dict[str, Any]) -> dict[str, Any]:
    return uploads.request_upload(**body)


@endpoint(
    bp, "/uploads/{upload_id}/complete", "POST", action="uploads.complete",
    summary="Verify the uploaded file and attach it to its target",
    response=COMPLETED_UPLOAD, errors=(401, 403, 404, 409, 410, 422),
)  # fmt: skip
def complete_upload(upload_id: str) -> dict[str, Any]:
    return uploads.complete_upload(upload_id=upload_id)
