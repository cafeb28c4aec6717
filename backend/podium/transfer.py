"""`podium import` and `podium export` against the running local stack.

Import runs as a job in the stack (upload, enqueue, follow the job record's progress);
export reads the table directly. The stack is found through `<state-dir>/stack.json`.
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

from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

JOB_TIMEOUT_SECONDS = 300
console = Console(stderr=True)


class NoStack(RuntimeError):
    """No local stack is running in the state folder."""


def use_stack(state_dir: Path) -> dict[str, Any]:
    """Point this process at the running stack (environment set BEFORE chalicelib.db is imported)."""
    from podium.target import TargetError, activate, local_target

    try:
        target = local_target(state_dir)
    except TargetError as err:
        raise NoStack(str(err)) from err
    activate(target)
    return target.marker


def _export_bytes(path: Path) -> bytes:
    """The upload: a folder zipped (its known files only), a zip or schedule.json as is."""
    if not path.is_dir():
        return path.read_bytes()
    from chalicelib.formats.openevent import read_raw_files

    buffer = io.BytesIO()
    # Only the loopback to the local stack carries it: the fastest compression (a third of the time).
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        for name, data in read_raw_files(path).items():
            archive.writestr(name, data)
    return buffer.getvalue()


def _owner_id(email: str | None) -> str:
    """The user with `email` (gsi1 EMAIL#<email>), else the system actor "system" (until users exist)."""
    if not email:
        return "system"
    from chalicelib.adapters.aws import client
    from chalicelib.settings import settings

    found = client("dynamodb").query(
        TableName=settings().table_name,
        IndexName="gsi1",
        KeyConditionExpression="gsi1pk = :email",
        ExpressionAttributeValues={":email": {"S": f"EMAIL#{email.strip().lower()}"}},
    )["Items"]
    users = [item["pk"]["S"].removeprefix("USER#") for item in found if item["sk"]["S"] == "USER"]
    if not users:
        raise LookupError(f"no user with the email {email}; create one first (podium create-admin {email})")
    return users[0]


def run_import(*, path: Path, state_dir: Path, owner: str | None, publish: bool) -> int:
    try:
        use_stack(state_dir)
        owner_id = _owner_id(owner)
        data = _export_bytes(path)
    except (NoStack, LookupError, OSError, ValueError) as err:
        console.print(f"[red]podium import:[/] {err}")
        return 1
    from chalicelib.adapters.aws import client
    from chalicelib.jobs.enqueue import enqueue
    from chalicelib.request_context import system_context
    from chalicelib.settings import settings

    key = f"imports/system/{uuid.uuid4().hex}"
    client("s3").put_object(Bucket=settings().uploads_bucket, Key=key, Body=data)
    job_id = enqueue("import_event", _ctx=system_context(), upload_key=key, owner_id=owner_id, publish=publish)
    record = _follow(job_id, f"Importing {path.name}")
    if record.state != "SUCCESS":
        console.print(f"[red]podium import failed:[/] {record.error or record.state}")
        return 1
    result = json.loads(record.result)
    for warning in result["warnings"]:
        console.print(f"[yellow]warning:[/] {warning}")
    counts = result["counts"]
    sessions = ", ".join(f"{n} {state}" for state, n in counts["sessions"].items())
    console.print(
        f"{'Imported' if result['created'] else 'Updated'}: sessions {sessions}; {counts['speakers']} speakers, "
        f"{counts['tracks']} tracks, {counts['rooms']} rooms, {counts['sponsors']} sponsors"
    )
    print(result["slug"], flush=True)
    return 0


def _follow(job_id: str, label: str) -> Any:
    from chalicelib.db.jobs import FINISHED, Job, job_pk

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
            record = Job.get(job_pk(job_id), "JOB", consistent_read=True)
            progress.update(task, completed=record.progress or 0)
            if record.state in FINISHED or time.monotonic() > deadline:
                return record
            time.sleep(0.1)


def run_export(*, event: str, out: Path, state_dir: Path) -> int:
    try:
        use_stack(state_dir)
    except NoStack as err:
        console.print(f"[red]podium export:[/] {err}")
        return 1
    from chalicelib.db.content import Event
    from chalicelib.domain.exports import export_zip
    from chalicelib.domain.projections import ORGANIZERS_AUDIENCE
    from chalicelib.errors import NotFound

    matches = [e.id for e in Event.gsi1.query(f"SLUG#{event}") if isinstance(e, Event)]
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


def main_import(args: Any) -> int:
    from podium.cli import state_dir_from

    return run_import(path=Path(args.path), state_dir=state_dir_from(args), owner=args.owner, publish=args.publish)


def main_export(args: Any) -> int:
    from podium.cli import state_dir_from

    return run_export(event=args.event, out=Path(args.out), state_dir=state_dir_from(args))


if __name__ == "__main__":  # pragma: no cover
    sys.exit("use `podium import` or `podium export`")
