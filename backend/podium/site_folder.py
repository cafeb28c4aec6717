"""Write the static site into a folder: fresh staging folder, swapped into place when complete.

`build_folder` renders and writes with both cores: a second process renders and writes each
event's feeds, calendars and a part of its pages while this one renders and writes the other
pages. The files are the same bytes `render_site` returns.
"""

from __future__ import annotations

import os
import pickle
import secrets
import shutil
import sys
import threading
from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from chalicelib.public.bundle import EventBundle
from chalicelib.public.view import EventView
from chalicelib.site.render import digests_of, event_feeds, event_finish, event_pages, event_view, render_index

PROGRESS_MIN_EVENTS = 2  # one event builds in about a second: no bar


class UnsafePathError(ValueError):
    """A rendered path would land outside the output folder."""


class WorkerError(RuntimeError):
    """The second build process failed; the message carries its error."""


class EventsNotBuilt(RuntimeError):
    """Some events could not be built; the folder holds every other event and an index of those.

    `failed`: slug → error; `files`: what was written."""

    def __init__(self, failed: dict[str, str], files: dict[str, bytes]) -> None:
        super().__init__("; ".join(f"event {slug} was not built: {error}" for slug, error in sorted(failed.items())))
        self.failed = failed
        self.files = files


def safe_target(out_dir: Path, relative: str) -> Path:
    """`out_dir / relative`, refusing absolute paths, backslashes and `.`, `..` or empty parts.

    Checked on the text alone: the folder is one this build made, so no link inside it can
    lead elsewhere."""
    parts = relative.split("/")
    if not relative or "\\" in relative or any(part in ("", ".", "..") for part in parts):
        raise UnsafePathError(f"refusing output path {relative!r}")
    return out_dir.joinpath(*parts)


def write_files(files: dict[str, bytes], folder: Path) -> None:
    """Write `files` under `folder`, making folders as needed; every path is checked first."""
    targets = [(safe_target(folder, relative), data) for relative, data in sorted(files.items())]
    made: set[Path] = set()
    # One thread and bare system calls: creating files is kernel work that threads only made
    # contend (for FOSSASIA's 707 files 8 threads took 0.16-0.22 s, this loop 0.07-0.09 s).
    for target, data in targets:
        if target.parent not in made:
            target.parent.mkdir(parents=True, exist_ok=True)
            made.add(target.parent)
        descriptor = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_CLOEXEC, 0o666)  # less the umask
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(descriptor, view) :]
        finally:
            os.close(descriptor)


def write_site(files: dict[str, bytes], out_dir: str | Path) -> int:
    """Write rendered files into a fresh folder, then swap it into `out_dir`. Returns the count."""
    with _Staging(out_dir) as staging:
        write_files(files, staging.folder)
    return len(files)


def build_folder(
    bundles: Sequence[EventBundle], out_dir: str | Path, *, base_url: str, now: datetime, progress: bool = False
) -> dict[str, bytes]:
    """Render the whole site into a fresh folder swapped into `out_dir`; returns the files.

    With `progress`, a site of several events shows a bar on stderr, one step per event.
    An event that fails leaves nothing of itself in the folder and no link in the index; the
    others are built and swapped in, then EventsNotBuilt names the failed ones."""
    published = [bundle for bundle in bundles if bundle.event.published]
    files: dict[str, bytes] = {}
    failed: dict[str, str] = {}
    with _Staging(out_dir) as staging, _EventsBar(len(published) if progress else 0) as advance:
        for bundle in published:
            try:
                files |= _build_event(event_view(bundle, base_url=base_url), staging.folder)
            except Exception as err:  # one event must not cost the others their site
                from chalicelib.jobs.runner import error_summary  # noqa: PLC0415 — loads the table models and boto3 (0.2 s); only a failed build needs it

                failed[bundle.event.slug] = error_summary(err)
                _forget_event(bundle.event.slug, staging.folder)
            advance()
        built = [b.event for b in bundles if b.event.slug not in failed]
        # Last, so the first event's second process starts at once; nothing is public before the swap.
        files |= _written(render_index(built, base_url=base_url, now=now), staging.folder)
    if failed:
        raise EventsNotBuilt(failed, files)
    return files


def _forget_event(slug: str, folder: Path) -> None:
    """Remove what a failed event wrote into the staging folder."""
    try:
        shutil.rmtree(safe_target(folder, f"e/{slug}"), ignore_errors=True)
    except UnsafePathError:
        pass  # a slug that cannot be a folder: nothing of it was written either


# The second process makes the feeds and calendars and every SECOND_PROCESS_EVERY-th page, this
# one the other pages, the sitemap, the index and the swap: both end about together (FOSSASIA
# 2018 at 1 and 8 times its size: feeds take about half as long as pages).
SECOND_PROCESS_EVERY = 4


def _second_part(place: int) -> bool:
    return place % SECOND_PROCESS_EVERY == SECOND_PROCESS_EVERY - 1


def _first_part(place: int) -> bool:
    return not _second_part(place)


def _build_event(view: EventView, folder: Path) -> dict[str, bytes]:
    """One event's files, written: feeds, calendars and a part of the pages in a second process,
    the other pages in this one (all of them here when there is no second process)."""
    if not second_process_available():
        rendered = _written(event_pages(view), folder) | _written(event_feeds(view), folder)
        return rendered | _written(event_finish(view, digests_of(rendered)), folder)
    second = Forked(lambda: _written(event_feeds(view) | event_pages(view, picked=_second_part), folder))
    try:
        rendered = _written(event_pages(view, picked=_first_part), folder) | second.result()
    finally:
        second.wait()  # on any failure the folder is removed: the copy must not write into it after
    return rendered | _written(event_finish(view, digests_of(rendered)), folder)


def _written(files: dict[str, bytes], folder: Path) -> dict[str, bytes]:
    write_files(files, folder)
    return files


class _Staging:
    """A fresh folder beside `out_dir`, swapped into its place on success, removed on failure."""

    def __init__(self, out_dir: str | Path) -> None:
        self.out = Path(out_dir).resolve()
        self.out.parent.mkdir(parents=True, exist_ok=True)
        # A plain mkdir, not mkdtemp (which makes the folder private): the umask decides who may
        # read the site, as for any folder, so a web server running as another user can.
        while True:
            self.folder = self.out.parent / f".{self.out.name}-new-{secrets.token_hex(4)}"
            try:
                self.folder.mkdir()
                break
            except FileExistsError:
                continue

    def __enter__(self) -> _Staging:
        return self

    def __exit__(self, kind: type | None, *_: Any) -> None:
        if kind is not None:
            shutil.rmtree(self.folder, ignore_errors=True)
            return
        old = self.out.parent / f".{self.out.name}-old-{self.folder.name.rsplit('-', 1)[-1]}"
        if self.out.exists():
            self.out.rename(old)
        self.folder.rename(self.out)
        shutil.rmtree(old, ignore_errors=True)


class _EventsBar:
    """A bar on stderr with one step per event, for sites of PROGRESS_MIN_EVENTS or more.

    Refreshed from this thread only: a bar with its own thread would be copied, perhaps
    mid-write, into the second process."""

    def __init__(self, total: int) -> None:
        self.total = total
        self.bar: Any = None

    def __enter__(self) -> Callable[[], None]:
        if self.total < PROGRESS_MIN_EVENTS:
            return lambda: None

        from rich.progress import Progress  # noqa: PLC0415 — 0.05 s to import; only a site of several events shows a bar

        self.bar = Progress(transient=True, auto_refresh=False)
        self.bar.start()
        task = self.bar.add_task("Building events", total=self.total)

        def advance() -> None:
            self.bar.advance(task)
            self.bar.refresh()

        return advance

    def __exit__(self, *_: Any) -> None:
        if self.bar is not None:
            self.bar.stop()


class Forked:
    """`compute()` run in a forked copy of this process; `result()` waits for its answer.

    Fork only a process with no other thread (see `second_process_available`)."""

    def __init__(self, compute: Callable[[], Any]) -> None:
        reader, writer = os.pipe()
        self.pid = os.fork()
        if self.pid == 0:  # the copy: compute, answer through the pipe, and leave at once
            os.close(reader)
            status = 1  # unless the whole answer was written: an interrupted write is a failure
            try:
                try:
                    answer, ok = pickle.dumps((True, compute()), protocol=5), True
                except BaseException as error:  # every failure must reach the parent
                    answer, ok = pickle.dumps((False, f"{type(error).__name__}: {error}")), False
                with os.fdopen(writer, "wb") as pipe:
                    pipe.write(answer)
                status = 0 if ok else 1
            finally:
                os._exit(status)
        os.close(writer)
        self._reader = os.fdopen(reader, "rb")
        self._answer: bytes | None = None
        self._status: int | None = None

    def result(self) -> Any:
        if self._answer is None:
            try:
                # All of it before waiting: a copy with a large answer blocks until it is read.
                self._answer = b"" if self._reader.closed else self._reader.read()
            finally:
                self.wait()
        try:
            ok, value = pickle.loads(self._answer)  # noqa: S301 - our own fork's answer
        except Exception as error:  # nothing, or a cut-off answer
            raise WorkerError(
                f"the second build process ended without an answer (wait status {self._status})"
            ) from error
        if not ok:
            raise WorkerError(value)
        return value

    def wait(self) -> None:
        """Wait until the copy has ended, so none of its writes is still to come. Closing the
        pipe first stops a copy that is still answering (it fails on the closed pipe)."""
        self._reader.close()
        if self._status is None:
            _, self._status = os.waitpid(self.pid, 0)


def second_process_available() -> bool:
    """True when work can run in a forked copy: Linux (macOS system libraries are not safe to use
    in a forked copy), a second core, and no other thread whose locks the copy could inherit
    held (the render memos, logging, a server's)."""
    return (
        sys.platform == "linux"
        and (os.cpu_count() or 1) > 1
        and threading.active_count() == 1
        and os.environ.get("PODIUM_BUILD_PROCESSES") != "1"
    )
