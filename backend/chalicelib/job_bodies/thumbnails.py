"""The thumbnail job: Pillow lives here only, never on the API's import path."""

from __future__ import annotations

import io
import warnings
from typing import Any, NamedTuple

from PIL import Image, ImageOps

from chalicelib.domain.uploads import read_original, store_thumbnails
from chalicelib.jobs.registry import job
from chalicelib.request_context import RequestContext

_PEOPLE = ((500, 500), (100, 100), (50, 50))
# kind → (boxes, fit): "cover" crops to the exact size, "contain" fits inside without cropping.
THUMBNAILS: dict[str, tuple[tuple[tuple[int, int], ...], str]] = {
    "event_banner": (((1300, 500), (500, 200), (75, 30)), "cover"),
    "avatar": (_PEOPLE, "cover"),
    "speaker_photo": (_PEOPLE, "cover"),
    "event_logo": (((500, 500), (100, 100)), "contain"),
    "sponsor_logo": (((500, 500), (100, 100)), "contain"),
    "post_image": (((1300, 1300), (500, 500)), "contain"),
}
MAX_PIXELS = 50_000_000  # decompression bombs are refused, not decoded


class Thumbnail(NamedTuple):
    """One rendered thumbnail: its bytes, type and real size (a "contain" fit is smaller than
    its box; the site writes the size into `<img width height>` so nothing shifts as it loads)."""

    data: bytes
    content_type: str
    size: tuple[int, int]


@job("make_thumbnails")
def make_thumbnails_job(ctx: RequestContext, *, upload_id: str) -> dict[str, Any]:
    """Render an accepted image's thumbnails (WebP and JPEG) and record them on its target."""
    original = read_original(upload_id=upload_id)
    if original is None or original[0] not in THUMBNAILS:
        return {"thumbnails": [], "skipped": "no accepted image"}
    kind, data = original
    try:
        rendered = render_thumbnails(data, *THUMBNAILS[kind])
    except (OSError, ValueError, Warning) as err:
        # Not decodable: retrying cannot help, so the job ends with the reason.
        return {"thumbnails": [], "skipped": f"not a decodable image: {err}"}
    return {"thumbnails": store_thumbnails(upload_id=upload_id, rendered=rendered)}


def render_thumbnails(data: bytes, boxes: tuple[tuple[int, int], ...], fit: str) -> dict[str, Thumbnail]:
    """{"<w>x<h>.webp" | "<w>x<h>.jpeg": Thumbnail}: EXIF orientation applied,
    first frame only, no metadata kept."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        Image.MAX_IMAGE_PIXELS = MAX_PIXELS
        with Image.open(io.BytesIO(data)) as opened:
            opened.seek(0)
            upright = ImageOps.exif_transpose(opened)
    upright = upright.convert("RGBA" if _has_alpha(upright) else "RGB")
    rendered: dict[str, Thumbnail] = {}
    for width, height in boxes:
        if fit == "cover":
            thumb = ImageOps.fit(upright, (width, height), Image.Resampling.LANCZOS)
        else:
            thumb = upright.copy()
            thumb.thumbnail((width, height), Image.Resampling.LANCZOS)
        thumb.info = {}  # nothing of the original's metadata (EXIF, XMP, comments) survives
        rendered[f"{width}x{height}.webp"] = Thumbnail(_encode(thumb, "WEBP", quality=82), "image/webp", thumb.size)
        rendered[f"{width}x{height}.jpeg"] = Thumbnail(
            _encode(_flatten(thumb), "JPEG", quality=85), "image/jpeg", thumb.size
        )
    return rendered


def _has_alpha(image: Any) -> bool:
    return image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info)


def _flatten(image: Any) -> Any:
    """JPEG has no alpha: transparent parts become white."""
    if image.mode != "RGBA":
        return image
    background = Image.new("RGB", image.size, (255, 255, 255))
    background.paste(image, mask=image.getchannel("A"))
    return background


def _encode(image: Any, fmt: str, **options: Any) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, fmt, **options)
    return buffer.getvalue()
