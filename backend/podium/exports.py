"""`podium export` against the running local stack: reads the table directly and writes the
event's Open Event zip. The stack is found through `<state-dir>/stack.json`.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from chalicelib.errors import NotFound
from rich.console import Console

from podium.target import TargetError, state_dir_from, use_stack

console = Console(stderr=True)


def run_export(*, event: str, out: Path, state_dir: Path) -> int:
    try:
        use_stack(state_dir)
    except TargetError as err:
        console.print(f"[red]podium export:[/] {err}")
        return 1
    from chalicelib.db.queries import events_with_slug  # noqa: PLC0415 — loads the table models, which read the table name at import: the command line picks the table before it calls this
    from chalicelib.domain.exports import export_zip  # noqa: PLC0415 — loads the table models, which read the table name at import: the command line picks the table before it calls this
    from chalicelib.domain.projections import ORGANIZERS_AUDIENCE  # noqa: PLC0415 — loads the table models, which read the table name at import: the command line picks the table before it calls this

    matches = [e.id for e in events_with_slug(event)]
    event_id = matches[0] if matches else event
    try:
        # The operator of the stack exports as its organizers do: with their private fields.
        data = export_zip(event_id=event_id, audience=ORGANIZERS_AUDIENCE)
    except NotFound:
        console.print(f"[red]podium export:[/] no event with the id or slug {event!r}")
        return 1
    out.write_bytes(data)
    console.print(f"Wrote {out} ({len(data) // 1024} KB)")
    return 0


def main_export(args: Any) -> int:
    return run_export(event=args.event, out=Path(args.out), state_dir=state_dir_from(args))


if __name__ == "__main__":  # pragma: no cover
    sys.exit("use `podium export`")
