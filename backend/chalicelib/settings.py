"""One typed read of the environment: every other module asks here."""

from __future__ import annotations

import functools
import os
from typing import NamedTuple

VERSION = "0.1.0"


class SettingsError(RuntimeError):
    """A required environment variable is missing or malformed."""


class Settings(NamedTuple):
    stage: str
    table_name: str
    table_stream_arn: str
    uploads_bucket: str
    site_bucket: str
    jobs_queue_name: str
    jobs_queue_url: str
    site_base_url: str
    site_origin: str
    uploads_base_url: str
    upload_image_max_bytes: int
    upload_slides_max_bytes: int
    trash_retention_days: int
    log_level: str
    mail_from: str = "Podium <no-reply@podium.example.org>"
    job_retry_base_seconds: int = 1
    upload_import_max_bytes: int = 50 * 1024 * 1024
    version: str = VERSION

    @property
    def is_local(self) -> bool:
        return self.stage == "local"


def _int(name: str, default: int) -> int:
    raw = os.environ.get(name, "")
    if not raw:
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise SettingsError(f"{name} must be a whole number, got {raw!r}") from exc


LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")


def _log_level(raw: str) -> str:
    level = raw.strip().upper()
    if level not in LOG_LEVELS:
        raise SettingsError(f"PODIUM_LOG_LEVEL must be one of {', '.join(LOG_LEVELS)}, got {raw!r}")
    return level


def read_settings(environ: dict[str, str] | None = None) -> Settings:
    """Build settings from the environment; defaults suit the embedded local stack."""
    env = os.environ if environ is None else environ
    stage = env.get("PODIUM_STAGE", "local")
    site_base_url = env.get("PODIUM_SITE_BASE_URL", "http://127.0.0.1:8080/").rstrip("/") + "/"
    return Settings(
        stage=stage,
        table_name=env.get("PODIUM_TABLE_NAME", f"podium-{stage}"),
        table_stream_arn=env.get("PODIUM_TABLE_STREAM_ARN", ""),
        uploads_bucket=env.get("PODIUM_UPLOADS_BUCKET", f"podium-{stage}-uploads"),
        site_bucket=env.get("PODIUM_SITE_BUCKET", f"podium-{stage}-site"),
        jobs_queue_name=env.get("PODIUM_JOBS_QUEUE_NAME", f"podium-{stage}-jobs"),
        jobs_queue_url=env.get("PODIUM_JOBS_QUEUE_URL", ""),
        site_base_url=site_base_url,
        site_origin=env.get("PODIUM_SITE_ORIGIN", _origin_of(site_base_url)),
        # Public pages link uploads here: a CDN host in the cloud; `podium dev` sets its uploads server.
        uploads_base_url=env.get("PODIUM_UPLOADS_BASE_URL", site_base_url + "uploads/").rstrip("/") + "/",
        upload_image_max_bytes=_int("PODIUM_UPLOAD_IMAGE_MAX_BYTES", 10 * 1024 * 1024),
        upload_slides_max_bytes=_int("PODIUM_UPLOAD_SLIDES_MAX_BYTES", 30 * 1024 * 1024),
        trash_retention_days=_int("PODIUM_TRASH_RETENTION_DAYS", 30),
        log_level=_log_level(env.get("PODIUM_LOG_LEVEL", "INFO")),
        mail_from=env.get("PODIUM_MAIL_FROM", "Podium <no-reply@podium.example.org>"),
        job_retry_base_seconds=_int("PODIUM_JOB_RETRY_BASE_SECONDS", 1),
        upload_import_max_bytes=_int("PODIUM_UPLOAD_IMPORT_MAX_BYTES", 50 * 1024 * 1024),
    )


def _origin_of(url: str) -> str:
    scheme, _, rest = url.partition("://")
    return f"{scheme}://{rest.split('/', 1)[0]}"


@functools.cache
def settings() -> Settings:
    """The process-wide settings, read once."""
    return read_settings()
