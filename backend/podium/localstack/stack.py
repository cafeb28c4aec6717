"""`podium dev`: the whole product on one machine, no AWS account.

Start order matters: moto first, then the site socket (its origin goes into the stack's
CORS rule), then the stack, then the app import (pynamodb fixes table names at import).
"""

from __future__ import annotations

import gc
import json
import logging
import os
import secrets
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from chalicelib import job_bodies
from chalicelib.actors import SYSTEM
from chalicelib.migrations.runner import current_revision, load_revisions, stamp, upgrade

from podium.localstack import aws
from podium.localstack.page_headers import page_headers
from podium.localstack.poller import LocalPoller
from podium.localstack.servers import HOST, SiteServer, UploadsServer, api_server, serve_in_thread
from podium.localstack.snapshot import Snapshot
from podium.localstack.state_folder import MARKER_NAME, Holder, StateLock, make_private_folder, tighten, write_private

log = logging.getLogger("podium.local")
STAGE = "local"
AUTOSAVE_SECONDS = 1.0
JOB_FINISH_SECONDS = 3.0  # at a stop; with the rest, within the README's 5 seconds


@dataclass(frozen=True)
class Urls:
    api: str
    site: str
    admin: str
    aws: str
    uploads: str

    def lines(self) -> list[str]:
        return [
            f"API: {self.api}", f"Site: {self.site}", f"Admin: {self.admin}", f"Uploads: {self.uploads}",
            f"AWS: {self.aws}",
        ]  # fmt: skip


class LocalStack:
    def __init__(
        self,
        state_dir: Path,
        *,
        api_port: int = 8000,
        site_port: int = 8080,
        aws_port: int = 4566,
        uploads_port: int = 8081,
        seed: str = "sample",
    ) -> None:
        self.state_dir = state_dir
        self.seed = seed
        self.ports = (api_port, site_port, aws_port)
        self.uploads_port = uploads_port
        self.urls: Urls | None = None
        self._moto: Any = None
        self._servers: list[Any] = []
        self._poller: Any = None
        self._snapshot: Any = None
        self._objects_seen: list[tuple[str, str, str]] = []
        self._stop = threading.Event()
        self._autosaver: threading.Thread | None = None
        self._lock: StateLock | None = None

    def start(self) -> Urls:
        """Raises `StateFolderBusy` (before anything starts) when another stack owns the state folder."""
        api_port, site_port, aws_port = self.ports
        self._lock = StateLock.take(self.state_dir)
        tighten(self.state_dir)
        self._moto = aws.start_moto(aws_port)
        aws_url = "http://{}:{}".format(*self._moto.get_host_and_port())
        aws.point_boto_at(aws_url)
        site = SiteServer(site_port, bucket="", api_url="")
        site_url = f"http://{HOST}:{site.server_address[1]}/"
        uploads = UploadsServer(self.uploads_port)  # files get an origin of their own, as on a CDN
        outputs = aws.deploy_stack(STAGE, site_origin=site_url.rstrip("/"))
        os.environ.update(aws.settings_environ(outputs, stage=STAGE, site_base_url=site_url))
        os.environ["PODIUM_UPLOADS_BASE_URL"] = uploads.url
        os.environ["PODIUM_JWT_SECRET"] = local_signing_key(self.state_dir)

        from app import app  # noqa: PLC0415 — loads the table models, which read the table name at import: the command line picks the table before it calls this

        api = api_server(app, api_port)
        api_url = f"http://{HOST}:{api.server.server_address[1]}"
        site.bucket, site.api_url, uploads.uploads_bucket = outputs.site_bucket, api_url, outputs.uploads_bucket
        site.page_headers = page_headers(api_origin=api_url, uploads_origin=uploads.url.rstrip("/"),
                                         uploads_post_origin=aws_url)  # fmt: skip
        self._servers = [api.server, site, uploads]
        self._load_state(outputs)
        self._publish_site()
        # What the start loaded (moto's items and objects, the app) lives as long as the stack:
        # frozen, no later collection walks it (each full one took 0.1-0.25 s with FOSSASIA).
        gc.freeze()
        self._start_poller(app, outputs)
        serve_in_thread(api.server, "podium-api")
        serve_in_thread(site, "podium-site")
        serve_in_thread(uploads, "podium-uploads")
        self._autosaver = threading.Thread(target=self._autosave_loop, name="podium-autosave", daemon=True)
        self._autosaver.start()
        self.urls = Urls(api=api_url, site=site_url, admin=f"{site_url}admin/", aws=aws_url, uploads=uploads.url)
        self._write_marker()
        return self.urls

    def _load_state(self, outputs: aws.StackOutputs) -> None:
        self._snapshot = Snapshot(self.state_dir, outputs)
        if self._snapshot.exists():
            items, objects = self._snapshot.restore()
            log.info("restored %d items and %d objects from %s", items, objects, self.state_dir)
            if migrate_data(fresh=False):
                # The poller (not started yet) would not journal the migrations' writes.
                self._snapshot.save_table()
        else:
            if self.seed != "none":
                seed_first_start(SEED_EXPORT if self.seed == "sample" else None)
            migrate_data(fresh=True)
            self._snapshot.save_table()  # the base every later change is journaled on top of
            self._snapshot.save_objects()
        self._objects_seen = self._snapshot.fingerprint_objects()

    def _publish_site(self) -> None:
        """Publish the site; an event (or the whole publish) that fails is reported and the start goes on,
        so the API is there to fix what stopped it."""
        from chalicelib.jobs.runner import error_summary  # noqa: PLC0415 — loads the table models, which read the table name at import: the command line picks the table before it calls this
        from chalicelib.site.publish import publish_site  # noqa: PLC0415 — loads the table models, which read the table name at import: the command line picks the table before it calls this

        try:
            report = publish_site()
        except Exception as err:  # the API and admin page still start: they are how the cause gets fixed
            log.error("the site was not published: %s", error_summary(err))
            return
        for slug, error in sorted(report.failed.items()):
            log.error("event %s was not published: %s (the other events and the index were)", slug, error)

    def _start_poller(self, app: Any, outputs: aws.StackOutputs) -> None:
        # What the jobs worker imports on its first message, imported now: a long-running stack
        # should not make its first job (an import, a rebuild) wait for it.
        import aws_lambda_powertools.utilities.batch  # noqa: F401, PLC0415 — preloaded on purpose when the poller starts (the comment above says why)


        job_bodies.load_all()

        self._poller = LocalPoller(app, outputs, on_records=self._snapshot.record_changes)
        self._poller.start()

    def _autosave_loop(self) -> None:
        while not self._stop.wait(AUTOSAVE_SECONDS):
            try:
                self.save_if_changed()
            except Exception:
                log.exception("autosave failed; will retry")

    def save_if_changed(self) -> bool:
        """Make journaled table changes durable; save uploads when the bucket changed."""
        self._snapshot.flush()
        objects = self._snapshot.fingerprint_objects()
        if objects == self._objects_seen:
            return False
        self._snapshot.save_objects()
        self._objects_seen = objects
        return True

    def _write_marker(self) -> None:
        """Tell other `podium` commands where this stack listens."""
        assert self.urls is not None
        me = Holder.this_process()
        marker = {"pid": me.pid, "started": me.started, **self.urls.__dict__, "environ": _stack_environ()}
        write_private(self.state_dir / MARKER_NAME, json.dumps(marker, indent=2))

    def stop(self, *, exiting: bool = False) -> None:
        """Stop servers and loops, save what changed, stop moto (not when the process exits next)."""
        self._stop.set()
        started = time.monotonic()
        closers = [threading.Thread(target=_close, args=(server,)) for server in self._servers]
        for closer in closers:
            closer.start()
        for closer in closers:
            closer.join()
        if self._poller:
            # A job running now (an import, a rebuild) may finish, so its writes reach the
            # journal below instead of stopping half-way; one running longer is cut short.
            self._poller.stop(timeout=JOB_FINISH_SECONDS)
        if self._autosaver:
            self._autosaver.join(2.0)
        if self._snapshot:
            if self._poller:
                self._poller.drain_stream()  # the last writes reach the journal
            self.save_if_changed()
            self._snapshot.close()
        self._release_state_folder()
        if self._moto and not exiting:
            self._moto.stop()
        log.info("stopped in %.1f s", time.monotonic() - started)

    def _release_state_folder(self) -> None:
        """Remove this stack's marker and let go of the folder; a stack that never owned it touches nothing."""
        if self._lock is None or not self._lock.held:
            return
        marker = self.state_dir / MARKER_NAME
        try:
            ours = json.loads(marker.read_text()).get("pid") == os.getpid()
        except (OSError, ValueError):
            ours = False
        if ours:
            marker.unlink()
        self._lock.release()


def migrate_data(*, fresh: bool) -> list[str]:
    """Bring the table to the head revision and log what that took; returns the revisions applied.
    A fresh table was written by this code, so it is at head already: it is stamped, not migrated."""
    revisions = load_revisions()
    if fresh:
        stamp(revisions.head(), how="new local stack")
        log.info("data migrations: new data, recorded at head %s", revisions.head() or "<base>")
        return []
    applied = upgrade(revisions)
    for revision in applied:
        log.info("data migrations: applied %s, %s", revision, revisions.by_revision[revision].title)
    if not applied:
        log.info("data migrations: up to date at %s", current_revision() or "<base>")
    return applied


def _close(server: Any) -> None:
    server.shutdown()
    server.server_close()


SEED_EXPORT = Path(__file__).resolve().parents[3].parent / "shared" / "data" / "openevent" / "FOSSASIASummit2018"


def seed_first_start(export: Path | None = SEED_EXPORT) -> str:
    """Seed an empty stack with FOSSASIA 2018 (published), or the small demo event without the sample
    (or when `export` is None); returns the slug."""
    if export is None or not export.is_dir():
        from podium.localstack.demo import seed_demo_event  # noqa: PLC0415 — loads the table models, which read the table name at import: the command line picks the table before it calls this

        return seed_demo_event()
    from chalicelib.domain.imports import import_event, read_source  # noqa: PLC0415 — loads the table models, which read the table name at import: the command line picks the table before it calls this

    result = import_event(export=read_source(export), actor=SYSTEM, owner_id=SYSTEM.id, publish=True)
    log.info("seeded %s from %s", result.slug, export)
    return result.slug


def _stack_environ() -> dict[str, str]:
    keys = [k for k in os.environ if k.startswith("PODIUM_") or k.startswith("AWS_")]
    return {k: os.environ[k] for k in keys if k not in {"PODIUM_STATE_DIR", "PODIUM_JWT_SECRET"}}


def local_signing_key(state_dir: Path) -> str:
    """The local stack's token signing key, made once and kept (mode 600) so tokens survive restarts."""
    path = state_dir / "jwt-secret"
    if not path.is_file():
        make_private_folder(state_dir)
        write_private(path, secrets.token_urlsafe(48))
    return path.read_text().strip()
