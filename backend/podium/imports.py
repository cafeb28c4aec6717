"""`podium import` against the running local stack: upload, enqueue the import job, follow the
job record's progress. The stack is found through `<state-dir>/stack.json`.
"""

from __future__ import annotations

import io
import json
import sys
import time
import uuid
import zipfile
from pathlib import Path
from typing import Any

from chalicelib.db.keys import job_key
from chalicelib.formats.openevent import read_raw_files
from chalicelib.request_context import system_context
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

from podium.target import TargetError, state_dir_from, use_stack

JOB_TIMEOUT_SECONDS = 300
console = Console(stderr=True)


def _export_bytes(path: Path) -> bytes:
    """The upload: a folder zipped (its known files only), a zip or schedule.json as is."""
    if not path.is_dir():
        return path.read_bytes()

    buffer = io.BytesIO()
    # Only the loopback to the local stack carries it: the fastest compression (a third of the time).
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        for name, data in read_raw_files(path).items():
            archive.writestr(name, data)
    return buffer.getvalue()


def _owner_id(email: str | None) -> str:
    """The user with `email`; without one the super admin (whose event list shows every event), else
    the system actor "system" until `podium create-admin` made one."""
    from chalicelib.db.queries import find_super_admin  # noqa: PLC0415 — loads the table models, which read the table name at import: the command line picks the table before it calls this
    from chalicelib.domain.accounts import find_user_by_email  # noqa: PLC0415 — loads the table models, which read the table name at import: the command line picks the table before it calls this

    if not email:
        admin = find_super_admin()
        if admin is None:
            console.print("[yellow]note:[/] no super admin yet: the event belongs to nobody until `podium create-admin`")
            return "system"
        return admin.id
    user = find_user_by_email(email)
    if user is None:
        raise LookupError(f"no user with the email {email}; create one first (podium create-admin {email})")
    return user.id


def _event_id(wanted: str | None) -> str | None:
    """The id of the event `--into` names by slug or id; LookupError when there is none."""
    if wanted is None:
        return None
    from chalicelib.db.content import Event  # noqa: PLC0415 — loads the table models, which read the table name at import: the command line picks the table before it calls this
    from chalicelib.db.keys import event_key  # noqa: PLC0415 — beside the model it keys
    from chalicelib.db.queries import event_by_slug  # noqa: PLC0415 — loads the table models, which read the table name at import: the command line picks the table before it calls this

    event = event_by_slug(wanted)
    if event is None:
        try:
            event = Event.get(*event_key(wanted), consistent_read=True)
        except Event.DoesNotExist:
            event = None
    if event is None or event.is_trashed():
        raise LookupError(f"--into {wanted}: no event with that slug or id")
    return event.id


MAX_REPAIRS_SHOWN = 10


def _print_result(result: dict[str, Any], report: Path | None) -> None:
    """The counts, and the repairs: a summary and the first few here, all of them in `report`."""
    repairs = result["repairs"]
    if report is not None:
        report.write_text(json.dumps(result, indent=1, ensure_ascii=False) + "\n")
    if repairs:
        by_file = ", ".join(f"{file} {n}" for file, n in result["repair_counts"].items() if file != "total")
        console.print(f"[yellow]{len(repairs)} repairs[/] ({by_file}):")
        for repair in repairs[:MAX_REPAIRS_SHOWN]:
            where = f"{repair['file']}[{repair['record']}]" if repair["record"] else repair["file"]
            console.print(f"  {where}: {repair['field'] + ' ' if repair['field'] else ''}{repair['action']}", markup=False)
        if len(repairs) > MAX_REPAIRS_SHOWN:
            more = f"written to {report}" if report else "write them all with --report FILE"
            console.print(f"  … and {len(repairs) - MAX_REPAIRS_SHOWN} more ({more})")
    counts = result["counts"]
    sessions = ", ".join(f"{n} {state}" for state, n in counts["sessions"].items())
    console.print(
        f"{'Imported' if result['created'] else 'Updated'}: sessions {sessions}; {counts['speakers']} speakers, "
        f"{counts['tracks']} tracks, {counts['rooms']} rooms, {counts['sponsors']} sponsors"
    )


def run_import(
    *, path: Path, state_dir: Path, owner: str | None, publish: bool, into: str | None = None, report: Path | None = None
) -> int:
    try:
        use_stack(state_dir)
        owner_id = _owner_id(owner)
        into_event_id = _event_id(into)
        data = _export_bytes(path)
    except (TargetError, LookupError, OSError, ValueError) as err:
        console.print(f"[red]podium import:[/] {err}")
        return 1
    from chalicelib.adapters.files import put_stored_file  # noqa: PLC0415 — boto3 loads only when this command calls AWS (0.1 s at the start of every other command)
    from chalicelib.jobs.enqueue import enqueue  # noqa: PLC0415 — loads the table models, which read the table name at import: the command line picks the table before it calls this

    key = f"imports/system/{uuid.uuid4().hex}"
    put_stored_file(key, data)
    into = {"into_event_id": into_event_id} if into_event_id else {}
    job_id = enqueue("import_event", _ctx=system_context(), upload_key=key, owner_id=owner_id, publish=publish, **into)
    record = _follow(job_id, f"Importing {path.name}")
    if record.state != "SUCCESS":
        console.print(f"[red]podium import failed:[/] {record.error or record.state}")
        return 1
    _print_result(json.loads(record.result), report)
    print(json.loads(record.result)["slug"], flush=True)
    return 0


def _follow(job_id: str, label: str) -> Any:
    from chalicelib.db.jobs import FINISHED, Job  # noqa: PLC0415 — loads the table models, which read the table name at import: the command line picks the table before it calls this

    deadline = time.monotonic() + JOB_TIMEOUT_SECONDS
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.percentage:>3.0f}%"),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=console, transient=True) as progress:
        task = progress.add_task(label, total=100)
        while True:
            record = Job.get(*job_key(job_id), consistent_read=True)
            progress.update(task, completed=record.progress or 0)
            if record.state in FINISHED or time.monotonic() > deadline:
                return record
            time.sleep(0.1)


def main_import(args: Any) -> int:
    return run_import(
        path=Path(args.path), state_dir=state_dir_from(args), owner=args.owner, publish=args.publish, into=args.into,
        report=Path(args.report) if args.report else None,
    )  # fmt: skip


if __name__ == "__main__":  # pragma: no cover
    sys.exit("use `podium import`")
