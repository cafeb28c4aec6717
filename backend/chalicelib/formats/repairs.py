"""The repair report: every tolerant decision an import reader makes, one line each.

Readers never drop or change a value quietly: each repair goes through `RepairLog.repair`, which
records the file, the record (its place and source id), the field and what was done. Import
results carry the lines (`to_json`) and their counts (`counts`); the CLI prints a summary and
writes the whole report with `--report FILE`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from typing import Any


@dataclass(frozen=True)
class Repair:
    """One repair: `record` is "" for the file as a whole (or the event file's one record)."""

    file: str
    record: str
    field: str
    action: str

    def to_json(self) -> dict[str, str]:
        return asdict(self)

    def __str__(self) -> str:
        where = f"{self.file}[{self.record}]" if self.record else self.file
        return f"{where}: {self.field + ' ' if self.field else ''}{self.action}"


class RepairLog:
    """The repairs of one read, in the order they were made."""

    def __init__(self) -> None:
        self._repairs: list[Repair] = []

    def repair(self, *, file: str, record: str, field: str, action: str) -> None:
        """Record one repair: the one way a reader says it changed or left out something."""
        self._repairs.append(Repair(file=file, record=record, field=field, action=action))

    @property
    def repairs(self) -> tuple[Repair, ...]:
        return tuple(self._repairs)


def record_label(index: int | None, source_id: object = None) -> str:
    """How a report names a record: its place in the file and, when it has one, its id."""
    if index is None:
        return ""
    return f"{index}" if source_id in (None, "") else f"{index} (id {source_id})"


def counts(repairs: Iterable[Repair]) -> dict[str, int]:
    """Repairs per file, and their total."""
    by_file = Counter(r.file for r in repairs)
    return dict(sorted(by_file.items())) | {"total": sum(by_file.values())}


def report_json(repairs: Iterable[Repair]) -> list[dict[str, Any]]:
    return [r.to_json() for r in repairs]
