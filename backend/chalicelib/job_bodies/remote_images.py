"""The remote images job: pictures an import named by URL, fetched into uploads (#25).

Open Event exports carry speaker photos, sponsor logos and the event's logo and banner as URLs on
other servers; the site shows nothing from other origins, so each is fetched once
(adapters/remote_files.py: public addresses only, a size cap, a timeout), checked to be an image
by decoding it, and stored as the item's file (domain/uploads.accept_fetched_image), thumbnailed
like an upload. One that fails keeps its item's text version and is named in the result; the others
go on. Running the job again fetches only what is still missing.
"""

from __future__ import annotations

import io
import time
import warnings
from typing import Any
from urllib.parse import urlsplit

from PIL import Image

from chalicelib.adapters.remote_files import FetchRefused, HostRefused, fetch
from chalicelib.domain.uploads import accept_fetched_image, remote_images
from chalicelib.errors import PodiumError
from chalicelib.jobs.registry import job
from chalicelib.jobs.runner import report_progress
from chalicelib.request_context import RequestContext

from .thumbnails import MAX_PIXELS

MAX_IMAGE_BYTES = 5 * 1024 * 1024
FETCH_TIMEOUT_SECONDS = 15.0
# The whole job's time (a Lambda runs 15 minutes at most): what is left is named, to run it again.
JOB_BUDGET_SECONDS = 600.0
# What Pillow calls the formats the site accepts, and their types.
FORMATS = {"JPEG": "image/jpeg", "PNG": "image/png", "GIF": "image/gif", "WEBP": "image/webp"}


@job("fetch_remote_images")
def fetch_remote_images_job(ctx: RequestContext, *, event_id: str) -> dict[str, Any]:
    """Fetch each of the event's remote pictures into uploads; {"fetched": [...], "failed": [...]}."""
    wanted = remote_images(event_id=event_id)
    fetched, failed = [], []
    # A host that does not resolve or connect (or is not public) fails its other URLs at once:
    # an export names hundreds of photos on one host.
    hosts_refused: dict[str, str] = {}
    stop_at = time.monotonic() + JOB_BUDGET_SECONDS
    for done, image in enumerate(wanted, start=1):
        host = _host(image["url"])
        if host in hosts_refused or time.monotonic() > stop_at:
            reason = hosts_refused.get(host) or "not tried: the job's time ran out; run it again for the rest"
            failed.append({**image, "reason": reason})
            continue
        try:
            upload_id = fetch_one(event_id=event_id, **image)
        except HostRefused as err:
            hosts_refused[host] = str(err)[:300]
            failed.append({**image, "reason": hosts_refused[host]})
        except (FetchRefused, PodiumError) as err:
            failed.append({**image, "reason": str(err)[:300]})
        else:
            if upload_id is not None:
                fetched.append({**image, "upload_id": upload_id})
        report_progress(int(100 * done / len(wanted)))
    return {"fetched": fetched, "failed": failed}


def _host(url: str) -> str:
    """The URL's host name, or "" when urllib cannot split it (fetch then refuses it, naming it)."""
    try:
        return urlsplit(url).hostname or ""
    except ValueError:
        return ""


def fetch_one(*, event_id: str, kind: str, target_id: str, url: str, **fetch_options: Any) -> str | None:
    """Fetch one picture and make it the target's file; raises FetchRefused or a PodiumError."""
    answer = fetch(url, max_bytes=MAX_IMAGE_BYTES, timeout=FETCH_TIMEOUT_SECONDS, **fetch_options)
    content_type = image_type(answer.data)
    return accept_fetched_image(
        kind=kind, event_id=event_id, target_id=target_id, url=url, data=answer.data, content_type=content_type
    )


def image_type(data: bytes) -> str:
    """The type of `data` when Pillow decodes it as JPEG, PNG, GIF or WebP; else FetchRefused.
    Whatever the server's Content-Type said: only the bytes count."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            Image.MAX_IMAGE_PIXELS = MAX_PIXELS
            with Image.open(io.BytesIO(data)) as opened:
                found = opened.format or ""
                opened.load()
    except (OSError, ValueError, Warning, Image.DecompressionBombError) as err:
        raise FetchRefused(f"not a decodable image: {err}") from err
    if found not in FORMATS:
        raise FetchRefused(f"{found or 'unknown'} images are not accepted (JPEG, PNG, GIF or WebP)")
    return FORMATS[found]
