"""Orders data migrations by `down_revision`, records the current one, applies what is pending."""

from __future__ import annotations

import importlib.util
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from chalicelib.db.keys import migration_run_key, migration_state_key

MIGRATIONS_DIR = Path(__file__).resolve().parent
_MODULE_NAME = re.compile(r"^\d{4}_[a-z0-9_]+\.py$")


class MigrationError(RuntimeError):
    """The revision graph is broken (unknown down_revision, duplicate, several heads)."""


class Progress(Protocol):
    def start(self, title: str, total: int | None = None) -> None: ...

    def advance(self, count: int) -> None: ...

    def finish(self) -> None: ...


class NoProgress:
    def start(self, title: str, total: int | None = None) -> None:
        pass

    def advance(self, count: int) -> None:
        pass

    def finish(self) -> None:
        pass


@dataclass(frozen=True)
class Migration:
    revision: str
    down_revision: str | None
    title: str
    upgrade: Callable[[MigrationRun], None]
    path: Path


@dataclass
class MigrationRun:
    """Handed to `upgrade(run)`: the resume point, checkpoints and the progress display."""

    revision: str
    cursor: Any = None
    done: int = 0
    progress: Progress = field(default_factory=NoProgress)

    def checkpoint(self, cursor: Any, handled: int) -> None:
        """Record that `handled` more items are done and where to resume (None: the end)."""
        from chalicelib.db.migrations import MigrationCheckpoint  # noqa: PLC0415 — loads the table models, which read the table name at import; `podium db` imports this module before it picks the table

        self.cursor, self.done = cursor, self.done + handled
        saved = MigrationCheckpoint(*migration_run_key(self.revision), revision=self.revision)
        saved.cursor = None if cursor is None else json.dumps(cursor, sort_keys=True)
        saved.done = self.done
        saved.stamp()
        saved.save(add_version_condition=False)  # one writer per revision; last checkpoint wins
        self.progress.advance(handled)

    def each(self, items: Any, handle: Callable[[Any], None], *, page_size: int) -> None:
        """`handle` every item of a paged pynamodb result (a scan or query started at
        `self.cursor`), with a checkpoint after every `page_size` items and one at the end."""
        handled = 0
        for item in items:
            handle(item)
            handled += 1
            if handled == page_size:
                self.checkpoint(items.last_evaluated_key, handled)
                handled = 0
        self.checkpoint(None, handled)


class Revisions:
    """The revision graph: each migration points at the one it follows."""

    def __init__(self, migrations: list[Migration]) -> None:
        self.by_revision: dict[str, Migration] = {}
        for migration in migrations:
            if migration.revision in self.by_revision:
                other = self.by_revision[migration.revision].path.name
                raise MigrationError(f"revision {migration.revision} is defined twice ({other}, {migration.path.name})")
            self.by_revision[migration.revision] = migration
        for migration in migrations:
            if migration.down_revision is not None and migration.down_revision not in self.by_revision:
                raise MigrationError(f"{migration.path.name} follows unknown revision {migration.down_revision!r}")

    def heads(self) -> list[str]:
        """Revisions no other revision follows; more than one means two branches to merge."""
        followed = {m.down_revision for m in self.by_revision.values()}
        return sorted(r for r in self.by_revision if r not in followed)

    def head(self) -> str | None:
        heads = self.heads()
        if len(heads) > 1:
            raise MigrationError(f"several heads: {', '.join(heads)}; make one follow the other (down_revision)")
        return heads[0] if heads else None

    def lineage(self, revision: str | None) -> list[Migration]:
        """`revision` and everything before it, oldest first."""
        chain: list[Migration] = []
        while revision is not None:
            migration = self.by_revision[revision]
            chain.append(migration)
            revision = migration.down_revision
        return chain[::-1]

    def history(self) -> list[Migration]:
        """Every revision, newest first, head by head."""
        seen: dict[str, Migration] = {}
        for head in self.heads():
            for migration in reversed(self.lineage(head)):
                seen.setdefault(migration.revision, migration)
        return list(seen.values())

    def pending(self, current: str | None) -> list[Migration]:
        """What `upgrade` would apply from `current` to the single head, oldest first."""
        applied = {m.revision for m in self.lineage(current)} if current else set()
        if current is not None and current not in self.by_revision:
            raise MigrationError(f"the table is at revision {current!r}, which no migration module defines")
        return [m for m in self.lineage(self.head()) if m.revision not in applied]


def load_revisions(directory: Path = MIGRATIONS_DIR) -> Revisions:
    """Import every `NNNN_name.py` module in `directory`."""
    migrations = []
    for path in sorted(directory.iterdir()):
        if not _MODULE_NAME.match(path.name):
            continue
        spec = importlib.util.spec_from_file_location(f"podium_migration_{path.stem}", path)
        assert spec and spec.loader
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        for name in ("revision", "down_revision", "upgrade"):
            if not hasattr(module, name):
                raise MigrationError(f"{path.name} has no `{name}`")
        title = (module.__doc__ or path.stem).strip().splitlines()[0]
        migrations.append(Migration(str(module.revision), module.down_revision, title, module.upgrade, path))
    return Revisions(migrations)


def current_revision() -> str | None:
    """The revision recorded in the table; None at base."""
    from chalicelib.db.migrations import MigrationState  # noqa: PLC0415 — loads the table models, which read the table name at import; `podium db` imports this module before it picks the table

    try:
        return MigrationState.get(*migration_state_key(), consistent_read=True).revision
    except MigrationState.DoesNotExist:
        return None


def stamp(revision: str | None, *, how: str = "stamp") -> None:
    """Record `revision` as current (None: base) without running any migration."""
    from chalicelib.db.migrations import MigrationState  # noqa: PLC0415 — loads the table models, which read the table name at import; `podium db` imports this module before it picks the table

    try:
        state = MigrationState.get(*migration_state_key(), consistent_read=True)
    except MigrationState.DoesNotExist:
        state = MigrationState(*migration_state_key())
    state.previous_revision, state.revision, state.how = state.revision, revision, how
    state.stamp()
    state.save()  # version condition: two concurrent upgrades cannot both record


def upgrade(revisions: Revisions, *, progress: Progress | None = None) -> list[str]:
    """Apply every pending migration in order; returns the revisions applied (none: up to date)."""
    from chalicelib.db.migrations import MigrationCheckpoint  # noqa: PLC0415 — loads the table models, which read the table name at import; `podium db` imports this module before it picks the table

    applied = []
    for migration in revisions.pending(current_revision()):
        run = MigrationRun(migration.revision, progress=progress or NoProgress())
        try:
            saved = MigrationCheckpoint.get(*migration_run_key(migration.revision), consistent_read=True)
            run.cursor = json.loads(saved.cursor) if saved.cursor else None
            run.done = saved.done
        except MigrationCheckpoint.DoesNotExist:
            pass
        run.progress.start(f"{migration.revision} {migration.title}")
        run.progress.advance(run.done)
        migration.upgrade(run)
        run.progress.finish()
        stamp(migration.revision, how="upgrade")
        MigrationCheckpoint(*migration_run_key(migration.revision)).delete(add_version_condition=False)
        applied.append(migration.revision)
    return applied
