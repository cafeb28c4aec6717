"""The local stack's state folder: one stack owns it at a time, and only its user can read it.

- Ownership: `stack.lock`, held with a POSIX record lock (`fcntl.lockf`) for the stack's whole
  life. The kernel drops it when the process dies, so a crashed stack never blocks the next
  start; unlike `flock`, a child forked to build the site does not inherit it. The file also
  names its holder (pid and the process's start time): a pid alone may belong to an unrelated
  process after a reboot or once pids wrap. The lock file is never removed (removing it would let
  two processes lock two different files of the same name); its owner empties it when it stops.
- Modes: the folder is 0700 and every file in it 0600 (password hashes, speakers' contact data,
  the token signing key). Every file the stack writes there goes through `write_private` or
  `open_private_append`; `tighten` fixes a folder made looser before.
"""

from __future__ import annotations

import fcntl
import json
import logging
import os
import stat
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, ClassVar

log = logging.getLogger("podium.local")
LOCK_NAME = "stack.lock"
MARKER_NAME = "stack.json"
FOLDER_MODE = 0o700
FILE_MODE = 0o600


def process_started(pid: int) -> str | None:
    """When process `pid` started, as an opaque token (None: no such process). Two processes
    with the same pid have different tokens."""
    if pid <= 0:
        return None
    if sys.platform.startswith("linux"):
        try:
            stat_line = Path(f"/proc/{pid}/stat").read_text()
        except OSError:
            return None
        # Field 22 (start time in clock ticks since boot) follows the command name, which may hold spaces.
        return "boot+" + stat_line.rsplit(")", 1)[1].split()[19]
    answer = subprocess.run(["ps", "-o", "lstart=", "-p", str(pid)], capture_output=True, text=True, check=False)
    return answer.stdout.strip() or None


@dataclass(frozen=True)
class Holder:
    """The process that holds (or held) a state folder."""

    pid: int
    started: str

    @classmethod
    def this_process(cls) -> Holder:
        pid = os.getpid()
        return cls(pid, process_started(pid) or "")

    @classmethod
    def from_json(cls, text: str) -> Holder | None:
        try:
            found = json.loads(text)
            return cls(int(found["pid"]), str(found["started"]))
        except (ValueError, TypeError, KeyError):
            return None  # empty (released, or being written) or not ours

    def is_running(self) -> bool:
        """The same process still runs: its pid is alive and started when it did."""
        return bool(self.started) and process_started(self.pid) == self.started

    def to_json(self) -> str:
        return json.dumps({"pid": self.pid, "started": self.started})


class StateFolderBusy(RuntimeError):
    """Another stack owns the state folder; the message names it and its URLs."""


class StateLock:
    """This process's ownership of a state folder, from `take` to `release`."""

    # POSIX record locks belong to the process: a second take in the same process would succeed
    # (and the first release would drop both). Folders this process holds are refused here.
    _held_here: ClassVar[set[str]] = set()

    def __init__(self, state_dir: Path, fd: int, previous: Holder | None) -> None:
        self.state_dir = state_dir
        self._fd: int | None = fd
        self.previous = previous  # a stale holder taken over, else None

    @classmethod
    def take(cls, state_dir: Path) -> StateLock:
        """Own `state_dir` (made 0700 when absent), or raise `StateFolderBusy`. A lock left by a
        process that died is taken over and logged."""
        state_dir.mkdir(parents=True, exist_ok=True, mode=FOLDER_MODE)
        if str(state_dir.resolve()) in cls._held_here:
            raise StateFolderBusy(busy_message(state_dir))
        fd = os.open(state_dir / LOCK_NAME, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, FILE_MODE)
        try:
            fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except (BlockingIOError, PermissionError):  # EAGAIN or EACCES: another process holds it
            os.close(fd)  # we hold no lock on it: closing loses nothing
            raise StateFolderBusy(busy_message(state_dir)) from None
        except OSError:
            os.close(fd)
            raise
        previous = Holder.from_json(os.pread(fd, 4096, 0).decode(errors="replace"))
        if previous is not None and previous.pid != os.getpid() and previous.is_running():
            # Unlocked, yet its holder runs: a file system without working locks. Never share a folder.
            os.close(fd)
            raise StateFolderBusy(busy_message(state_dir))
        if previous is not None:
            log.warning(
                "took over %s from pid %d, which is not running any more (it stopped without releasing it)",
                state_dir / LOCK_NAME,
                previous.pid,
            )
        os.ftruncate(fd, 0)
        os.pwrite(fd, Holder.this_process().to_json().encode(), 0)
        os.fsync(fd)
        cls._held_here.add(str(state_dir.resolve()))
        return cls(state_dir, fd, previous)

    @property
    def held(self) -> bool:
        return self._fd is not None

    def release(self) -> None:
        """Empty the lock file (no holder named) and let go of it."""
        if self._fd is None:
            return
        os.ftruncate(self._fd, 0)
        os.close(self._fd)  # closing drops the record lock
        self._fd = None
        StateLock._held_here.discard(str(self.state_dir.resolve()))


def busy_message(state_dir: Path) -> str:
    """Who holds `state_dir`: its pid, and its URLs once it printed them."""
    holder = Holder.from_json(_read(state_dir / LOCK_NAME))
    who = f"pid {holder.pid}" if holder else "a process that is still starting"
    marker = _read_json(state_dir / MARKER_NAME)
    if holder and marker.get("pid") == holder.pid:
        where = f"; API {marker.get('api')}, Site {marker.get('site')}, Admin {marker.get('admin')}"
    else:
        where = "; it is still starting (its URLs are printed once it is ready)"
    return (
        f"another stack ({who}) is running from {state_dir}{where}. "
        "Stop it first (Ctrl-C in its terminal), or pass another --state-dir."
    )


def tighten(state_dir: Path) -> list[Path]:
    """Make the folder 0700 and everything in it 0600 (folders 0700); returns what it changed and
    says so in one line. Symbolic links and other users' files are left alone."""
    changed = []
    for path in [state_dir, *sorted(state_dir.rglob("*"))]:
        info = path.lstat()
        if stat.S_ISLNK(info.st_mode) or info.st_uid != os.getuid() or not info.st_mode & 0o077:
            continue
        path.chmod(FOLDER_MODE if stat.S_ISDIR(info.st_mode) else FILE_MODE)
        changed.append(path)
    if changed:
        names = ", ".join(str(p.relative_to(state_dir)) for p in changed[:5]) + (", ..." if len(changed) > 5 else "")
        log.warning(
            "%s: %d entries were open to other users (%s); made the folders 0700 and the files 0600",
            state_dir,
            len(changed),
            names,
        )
    return changed


def write_private(path: Path, content: str | bytes) -> None:
    """Replace `path` atomically with `content`, readable by this user only (0600)."""
    temp = path.with_name(path.name + ".tmp")
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_CLOEXEC, FILE_MODE)
    os.fchmod(fd, FILE_MODE)  # a .tmp left by a crash keeps its old mode otherwise
    with open(fd, "wb") as handle:
        handle.write(content.encode() if isinstance(content, str) else content)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temp, path)


def open_private_append(path: Path) -> IO[str]:
    """`path` opened for appending text, created 0600."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND | os.O_CLOEXEC, FILE_MODE)
    return open(fd, "a", encoding="utf-8")


def make_private_folder(path: Path) -> None:
    path.mkdir(parents=True, exist_ok=True, mode=FOLDER_MODE)


def _read(path: Path) -> str:
    try:
        return path.read_text()
    except OSError:
        return ""


def _read_json(path: Path) -> dict[str, Any]:
    try:
        found = json.loads(_read(path))
    except ValueError:
        return {}
    return found if isinstance(found, dict) else {}
