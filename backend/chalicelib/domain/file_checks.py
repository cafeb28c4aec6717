"""What an uploaded file may be: types and limits per kind, magic bytes, and safe names.

Pure functions over bytes and strings (no AWS, no Pillow), so the completion step can run
them on the first bytes of a stored object, and tests can run them on anything.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from typing import NamedTuple
from urllib.parse import quote

from chalicelib.settings import settings

PNG, JPEG, WEBP, GIF = "image/png", "image/jpeg", "image/webp", "image/gif"
PDF = "application/pdf"
ODP = "application/vnd.oasis.opendocument.presentation"
PPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
KEYNOTE = "application/vnd.apple.keynote"
ZIP = "application/zip"
IMAGE_TYPES = (PNG, JPEG, WEBP, GIF)
SLIDE_TYPES = (PDF, ODP, PPTX, KEYNOTE)
EXTENSIONS = {
    PNG: "png", JPEG: "jpg", WEBP: "webp", GIF: "gif", PDF: "pdf", ODP: "odp", PPTX: "pptx", KEYNOTE: "key", ZIP: "zip",
}  # fmt: skip

MAX_NAME_CHARS = 150
MAX_KEY_NAME_CHARS = 80


IMPORT_TARGET = "import"


class KindRule(NamedTuple):
    """One upload kind: accepted types, and where an accepted file goes (`target`, `field`)."""

    content_types: tuple[str, ...]
    target: str  # event, sponsor, speaker, session, post, user; "import": no target, read by an import job
    field: str  # the StoredFile attribute on the target ("" for imports)

    @property
    def is_image(self) -> bool:
        return self.content_types == IMAGE_TYPES

    def max_bytes(self) -> int:
        current = settings()
        if self.target == IMPORT_TARGET:
            return current.upload_import_max_bytes
        return current.upload_image_max_bytes if self.is_image else current.upload_slides_max_bytes


KINDS: dict[str, KindRule] = {
    "event_logo": KindRule(IMAGE_TYPES, "event", "logo_file"),
    "event_banner": KindRule(IMAGE_TYPES, "event", "banner_file"),
    "sponsor_logo": KindRule(IMAGE_TYPES, "sponsor", "logo_file"),
    "avatar": KindRule(IMAGE_TYPES, "user", "photo_file"),
    "speaker_photo": KindRule(IMAGE_TYPES, "speaker", "photo_file"),
    "slides": KindRule(SLIDE_TYPES, "session", "slides_file"),
    "post_image": KindRule(IMAGE_TYPES, "post", "image_file"),
    # An Open Event export (zip) for POST /v1/imports; kept for the import job, never served.
    "import": KindRule((ZIP,), IMPORT_TARGET, ""),
}

# Markup that makes a browser (or a careless viewer) treat bytes as a document or script.
# Real image data contains none of these by chance in practice; polyglots do on purpose.
_MARKUP = (b"<script", b"<html", b"<svg", b"<!doctype", b"<body", b"<iframe", b"<?php", b"javascript:")
_JPEG_MARKERS = frozenset({0xDB, 0xC0, 0xC2, 0xC4, 0xDD, 0xFE, *range(0xE0, 0xF0)})
_ZIP = b"PK\x03\x04"
_OOXML_FIRST_ENTRIES = ("[Content_Types].xml", "_rels/", "docProps/", "ppt/")


def _zip_first_name(head: bytes) -> str:
    if not head.startswith(_ZIP) or len(head) < 30:
        return ""
    length = int.from_bytes(head[26:28], "little")
    return head[30 : 30 + length].decode("utf-8", "replace")


def _keynote(head: bytes) -> bool:
    return head.startswith(_ZIP) and not _zip_first_name(head).startswith(("mimetype", *_OOXML_FIRST_ENTRIES))


# content type → does the start of the file have that type's structure (not just a prefix)?
_MAGIC: dict[str, Callable[[bytes], bool]] = {
    PNG: lambda head: head.startswith(b"\x89PNG\r\n\x1a\n") and head[12:16] == b"IHDR",
    JPEG: lambda head: head.startswith(b"\xff\xd8\xff") and len(head) > 3 and head[3] in _JPEG_MARKERS,
    GIF: lambda head: head[:6] in (b"GIF87a", b"GIF89a") and head[6:10].count(0) < 4,
    WEBP: lambda head: head[:4] == b"RIFF" and head[8:12] == b"WEBP" and head[12:16] in (b"VP8 ", b"VP8L", b"VP8X"),
    PDF: lambda head: head.startswith(b"%PDF-"),
    ODP: lambda head: head.startswith(_ZIP) and head[30:].startswith(b"mimetype" + ODP.encode()),
    PPTX: lambda head: _zip_first_name(head).startswith(_OOXML_FIRST_ENTRIES),
    KEYNOTE: _keynote,
    ZIP: lambda head: head.startswith(_ZIP),
}


def _magic_matches(content_type: str, head: bytes) -> bool:
    check = _MAGIC.get(content_type)
    return check is not None and check(head)


def file_problem(*, content_type: str, data: bytes) -> str | None:
    """Why `data` may not be stored as `content_type` (None when it may).

    For images `data` should be the whole object, so markup hidden after valid magic bytes
    (polyglots) is found; for other types the first bytes suffice.
    """
    label = EXTENSIONS.get(content_type, content_type).upper()
    if data.lstrip()[:1] == b"<":
        return f"The file is markup (SVG, HTML or XML), not a {label} file."
    if not _magic_matches(content_type, data[:4096]):
        return f"The file's content is not a {label} file, although it was declared as {content_type}."
    if content_type in IMAGE_TYPES:
        lowered = data.lower()
        found = next((marker for marker in _MARKUP if marker in lowered), None)
        if found:
            return f"The image carries embedded markup ({found.decode()}…); images with HTML or scripts are refused."
    return None


def clean_filename(raw: str) -> str:
    """The original name made harmless: last path part only, Unicode NFC, no control or
    format characters (such as right-to-left overrides), no leading dots, bounded length."""
    name = unicodedata.normalize("NFC", raw).replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C")
    name = " ".join(name.split()).lstrip(".").rstrip(". ")
    if len(name) > MAX_NAME_CHARS:
        stem, dot, extension = name.rpartition(".")
        extension = extension if dot and len(extension) <= 10 else ""
        stem = (stem if extension else name)[: MAX_NAME_CHARS - len(extension) - 1].rstrip(". ")
        name = f"{stem}.{extension}" if extension else stem
    return name or "file"


def key_name(filename: str, content_type: str) -> str:
    """The last part of an object key: ASCII letters, digits, '-', '_' and the type's extension."""
    stem = filename.rpartition(".")[0] or filename
    ascii_stem = unicodedata.normalize("NFKD", stem).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^A-Za-z0-9_-]+", "-", ascii_stem).strip("-_")[:MAX_KEY_NAME_CHARS].rstrip("-_")
    return f"{slug or 'file'}.{EXTENSIONS[content_type]}"


def content_disposition(filename: str, *, attachment: bool) -> str:
    """An RFC 6266 header value: an ASCII fallback name plus the UTF-8 name (RFC 5987)."""
    fallback = unicodedata.normalize("NFKD", filename).encode("ascii", "ignore").decode()
    fallback = re.sub(r'["\\;%]', "_", fallback).strip() or "file"
    disposition = "attachment" if attachment else "inline"
    return f"{disposition}; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"
