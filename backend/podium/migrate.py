"""`podium db`: data-migration revisions (history, heads, current, upgrade, stamp)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from chalicelib.migrations.runner import MIGRATIONS_DIR, MigrationError, current_revision, load_revisions
from chalicelib.migrations.runner import stamp as record
from chalicelib.migrations.runner import upgrade as apply_pending
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from podium.target import TargetError, activate, confirm, confirm_target, resolve_target

BASE = "base"


def add_db_parser(commands: Any, parents: list[argparse.ArgumentParser]) -> None:
    db = commands.add_parser("db", help="data migrations: history, heads, current, upgrade, stamp")
    actions = db.add_subparsers(dest="db_command", required=True)
    for name, help_text in (
        ("history", "every revision, newest first, with (head) and (current) marked"),
        ("heads", "the newest revision(s); more than one is an error to fix"),
        ("current", "the revision the table is at"),
        ("upgrade", "apply every pending migration in order"),
    ):
        actions.add_parser(name, help=help_text, parents=parents)
    stamp = actions.add_parser("stamp", help="set the current revision without running anything", parents=parents)
    stamp.add_argument("revision", help="a revision, 'head' or 'base'")
    db.set_defaults(handler=run_db)


def migration_options() -> argparse.ArgumentParser:
    options = argparse.ArgumentParser(add_help=False)
    options.add_argument("--migrations-dir", type=Path, default=None, help=argparse.SUPPRESS)
    return options


def run_db(args: argparse.Namespace) -> int:
    try:
        target = resolve_target(args)
        if not confirm_target(target, assume_yes=args.yes):
            print("podium db: aborted", file=sys.stderr)
            return 1
        activate(target)
        return _COMMANDS[args.db_command](args, target)
    except (TargetError, MigrationError) as err:
        print(f"podium db: {err}", file=sys.stderr)
        return 1


def _revisions(args: argparse.Namespace) -> Any:
    return load_revisions(args.migrations_dir or MIGRATIONS_DIR)


def _console(stderr: bool = False) -> Any:
    return Console(stderr=stderr, highlight=False, soft_wrap=True)


def history(args: argparse.Namespace, target: Any) -> int:
    revisions, current = _revisions(args), current_revision()
    heads = set(revisions.heads())
    out = _console()
    for migration in revisions.history():
        marks = []
        if migration.revision in heads:
            marks.append("[bold green](head)[/]")
        if migration.revision == current:
            marks.append("[bold cyan](current)[/]")
        down = migration.down_revision or "<base>"
        out.print(f"{down} -> [bold]{migration.revision}[/] {' '.join(marks)}".rstrip() + f", {migration.title}")
    if current is None:
        out.print("<base> [bold cyan](current)[/]: no migration applied yet")
    return 0


def heads(args: argparse.Namespace, target: Any) -> int:
    revisions = _revisions(args)
    found = revisions.heads()
    out = _console()
    for revision in found:
        out.print(f"{revision} (head), {revisions.by_revision[revision].title}")
    if len(found) > 1:
        _console(stderr=True).print(
            f"[bold yellow]warning:[/] {len(found)} heads ({', '.join(found)}): two migrations follow the same "
            "revision. Set one's down_revision to the other so there is one line of history."
        )
        return 1
    return 0


def current(args: argparse.Namespace, target: Any) -> int:
    revision = current_revision()
    if revision is None:
        print("<base> (current): no migration applied yet")
        return 0
    title = _revisions(args).by_revision.get(revision)
    print(f"{revision} (current)" + (f", {title.title}" if title else ", unknown to this checkout"))
    return 0


def upgrade(args: argparse.Namespace, target: Any) -> int:
    revisions = _revisions(args)
    with RichProgress() as progress:
        applied = apply_pending(revisions, progress=progress)
    if not applied:
        print(f"Up to date at {current_revision() or '<base>'}; nothing to apply.")
    for revision in applied:
        print(f"Applied {revision}, {revisions.by_revision[revision].title}")
    return 0


def stamp(args: argparse.Namespace, target: Any) -> int:
    revisions = _revisions(args)
    wanted = {BASE: None, "head": revisions.head()}.get(args.revision, args.revision)
    if wanted is not None and wanted not in revisions.by_revision:
        raise MigrationError(f"no revision {args.revision!r}; see `podium db history`")
    question = (
        f"Set the current revision of {target.description} from {current_revision() or '<base>'} to "
        f"{wanted or '<base>'} without running any migration? [y/N]"
    )
    if not confirm(question, assume_yes=args.yes):
        print("podium db stamp: aborted; nothing changed", file=sys.stderr)
        return 1
    record(wanted)
    print(f"Stamped {wanted or '<base>'} (current)")
    return 0


class RichProgress:
    """Progress of a running migration on stderr: items handled and elapsed time."""

    def __enter__(self) -> RichProgress:
        self._progress = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=_console(stderr=True),
        )
        self._progress.start()
        self._task: Any = None
        return self

    def start(self, title: str, total: int | None = None) -> None:
        self._task = self._progress.add_task(title, total=total)

    def advance(self, count: int) -> None:
        if self._task is not None and count:
            self._progress.advance(self._task, count)

    def finish(self) -> None:
        if self._task is not None:
            done = self._progress.tasks[-1].completed
            self._progress.update(self._task, total=done, completed=done)

    def __exit__(self, *exc: object) -> None:
        self._progress.stop()


_COMMANDS = {"history": history, "heads": heads, "current": current, "upgrade": upgrade, "stamp": stamp}
