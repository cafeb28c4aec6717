"""The `podium` command line."""

from __future__ import annotations

import argparse
import gc
import getpass
import json
import logging
import os
import signal
import sys
import threading

# Imported for its effect: it hands the registry the job bodies' loader, so every command that
# enqueues (jobs --enqueue, import, export, shell) checks a job's arguments against its body.
import chalicelib.job_bodies  # noqa: F401
from chalicelib.errors import PodiumError
from chalicelib.migrations.runner import MigrationError
from chalicelib.request_context import system_context

from podium import exports as export_command
from podium import imports as import_command
from podium.localstack.outbox import read_outbox
from podium.localstack.state_folder import StateFolderBusy
from podium.migrate import add_db_parser, migration_options
from podium.shell import run_shell
from podium.target import TargetError, activate, add_target_arguments, confirm_target, resolve_target, state_dir_from


def _port(text: str) -> int:
    value = int(text)
    if not 0 <= value <= 65535:
        raise argparse.ArgumentTypeError("a port is a number from 0 to 65535 (0 picks a free one)")
    return value


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="podium", description="Podium: serverless event platform tools.")
    commands = parser.add_subparsers(dest="command", required=True)
    dev = commands.add_parser("dev", help="run the whole product locally on an embedded AWS")
    dev.add_argument("--api-port", type=_port, default=8000)
    dev.add_argument("--site-port", type=_port, default=8080)
    dev.add_argument("--aws-port", type=_port, default=4566)
    dev.add_argument("--uploads-port", type=_port, default=8081, help="uploaded files' own origin")
    dev.add_argument("--state-dir", default=None, help="where local data is kept (default .podium)")
    dev.add_argument(
        "--seed",
        choices=("sample", "demo", "none"),
        default="sample",
        help="what a first start loads: the FOSSASIA 2018 sample (default), a small demo event, or nothing",
    )
    dev.set_defaults(handler=run_dev)

    jobs = commands.add_parser("jobs", help="recent jobs and the dead-letter queue of the running stack")
    jobs.add_argument("--dead", action="store_true", help="list the dead-letter queue instead")
    jobs.add_argument("--redrive", action="store_true", help="move dead letters back to the jobs queue")
    jobs.add_argument("--limit", type=int, default=20, help="how many recent jobs (default 20)")
    jobs.add_argument("--enqueue", metavar="NAME", help="enqueue job NAME as the system actor; prints its id")
    jobs.add_argument("--args", default="{}", help="the job's arguments as a JSON object (with --enqueue)")
    jobs.add_argument("--state-dir", default=None)
    jobs.add_argument("--stage", default=None, help="act on an AWS stage instead of the local stack")
    jobs.set_defaults(handler=run_jobs)

    outbox = commands.add_parser("outbox", help="mail sent by the local stack, newest last")
    outbox.add_argument("--to", metavar="EMAIL", help="only mail to this address")
    outbox.add_argument("--json", action="store_true", help="one JSON object a line (to, subject, text, html)")
    outbox.add_argument("--state-dir", default=None)
    outbox.set_defaults(handler=run_outbox)
    add_import_export_commands(commands)

    target_options = argparse.ArgumentParser(add_help=False)
    add_target_arguments(target_options)
    admin = commands.add_parser(
        "create-admin", parents=[target_options], help="make the super admin (local stack, or --stage NAME)"
    )
    admin.add_argument("email")
    admin.add_argument("--name", default="", help="display name (default: the email's local part)")
    admin.set_defaults(handler=run_create_admin)
    shell = commands.add_parser(
        "shell", parents=[target_options], help="Python with the models, helpers, enqueue and su preloaded"
    )
    shell.add_argument("-c", dest="command_text", default=None, metavar="CODE", help="run CODE and exit")
    shell.add_argument("--plain", action="store_true", help="Python's own console even when IPython is installed")
    shell.set_defaults(handler=_run_shell)


    add_db_parser(commands, [target_options, migration_options()])
    return parser


def _run_shell(args: argparse.Namespace) -> int:
    return run_shell(args)


def connect(args: argparse.Namespace) -> dict | None:
    """Point this process at `--stage` or the running local stack; returns the stack's marker
    (urls; empty for a stage), or None after saying why there is nothing to act on."""
    try:
        target = resolve_target(args)
        if not confirm_target(target, assume_yes=getattr(args, "yes", False)):
            print(f"podium {args.command}: aborted", file=sys.stderr)
            return None
        activate(target)
    except TargetError as err:
        print(f"podium {args.command}: {err}", file=sys.stderr)
        return None
    return target.marker


def run_jobs(args: argparse.Namespace) -> int:
    if connect(args) is None:
        return 1
    if args.enqueue:
        return _enqueue_job(args.enqueue, args.args)
    from chalicelib.adapters.queue import peek_dead_letters, redrive_dead_letters  # noqa: PLC0415 — boto3 loads only when this command calls AWS (0.1 s at the start of every other command)
    from chalicelib.domain.jobs import recent_jobs, reopen_for_redrive  # noqa: PLC0415 — loads the table models, which read the table name at import: the command line picks the table before it calls this

    if args.redrive:
        moved = redrive_dead_letters(before_send=lambda letter: reopen_for_redrive(letter.job_id))
        print(f"Redrove {len(moved)} message(s) to the jobs queue.")
        return 0
    if args.dead:
        letters = peek_dead_letters()
        for letter in letters:
            print(f"{letter.job_id or '-':<18} {letter.name or '(not a job)':<24} receives={letter.receive_count}")
        print(f"{len(letters)} message(s) in the dead-letter queue.")
        return 0
    for job in reversed(recent_jobs(limit=args.limit)):
        error = f"  {job.error}" if job.error else ""
        print(f"{job.created_at:%Y-%m-%d %H:%M:%S} {job.id:<18} {job.name:<24} {job.state:<8} x{job.attempts}{error}")
    return 0


def _enqueue_job(name: str, raw_args: str) -> int:
    from chalicelib.jobs.enqueue import enqueue  # noqa: PLC0415 — loads the table models, which read the table name at import: the command line picks the table before it calls this

    try:
        kwargs = json.loads(raw_args)
    except json.JSONDecodeError as err:
        example = """'{"to": "someone@example.org"}'"""
        print(
            f"podium jobs: --args is not valid JSON ({err.msg} at line {err.lineno}, column {err.colno}); "
            f"pass one JSON object, e.g. --args {example}",
            file=sys.stderr,
        )
        return 2
    try:
        if not isinstance(kwargs, dict):
            raise ValueError(f"--args must be a JSON object of the job's arguments, not a {type(kwargs).__name__}")
        print(enqueue(name, _ctx=system_context(source="cli"), **kwargs))
    except (ValueError, TypeError, LookupError) as err:
        print(f"podium jobs: {err}", file=sys.stderr)
        return 2
    return 0


def run_outbox(args: argparse.Namespace) -> int:
    marker = connect(args)
    if marker is None:
        return 1

    for mail in read_outbox(marker["aws"], to=args.to):
        if args.json:
            print(json.dumps(mail.to_json(), ensure_ascii=False))
        else:
            print(f"To: {mail.to}\nSubject: {mail.subject}\n\n{mail.text}\n{'-' * 72}")
    return 0


def add_import_export_commands(commands: argparse._SubParsersAction) -> None:
    """`podium import` and `podium export` (logic in podium/imports.py and podium/exports.py)."""

    imports = commands.add_parser("import", help="import an Open Event export, c3voc schedule.json or frab schedule.xml")
    imports.add_argument("path", help="an Open Event folder or zip, a schedule.json or a schedule.xml")
    imports.add_argument("--owner", default=None, help="owner's email (default: the super admin)")
    imports.add_argument("--publish", action="store_true", help="publish it when the export says it was published")
    imports.add_argument("--into", default=None, metavar="EVENT", help="update this event (slug or id)")
    imports.add_argument("--report", default=None, metavar="FILE", help="write the result and every repair (JSON)")
    imports.add_argument("--state-dir", default=None)
    imports.set_defaults(handler=import_command.main_import)
    exports = commands.add_parser("export", help="export an event as an Open Event zip")
    exports.add_argument("event", help="event id or slug")
    exports.add_argument("--out", required=True, help="the zip file to write")
    exports.add_argument("--state-dir", default=None)
    exports.set_defaults(handler=export_command.main_export)


def read_new_password() -> str:
    """From a prompt (typed twice), or the first line of stdin when piped."""
    if not sys.stdin.isatty():
        return sys.stdin.readline().rstrip("\n")
    first = getpass.getpass("Password for the super admin: ")
    if getpass.getpass("Repeat it: ") != first:
        raise ValueError("the two passwords differ")
    return first


def run_create_admin(args: argparse.Namespace) -> int:
    marker = connect(args)
    if marker is None:
        return 1
    from chalicelib.domain.accounts import make_super_admin  # noqa: PLC0415 — loads the table models, which read the table name at import: the command line picks the table before it calls this
    from chalicelib.domain.events import adopt_ownerless_events  # noqa: PLC0415 — loads the table models, which read the table name at import: the command line picks the table before it calls this

    try:
        user, created = make_super_admin(email=args.email, password=read_new_password(), name=args.name)
    except (PodiumError, ValueError) as err:
        print(f"podium create-admin: {getattr(err, 'message', err)}", file=sys.stderr)
        return 1
    print(f"{'Created' if created else 'Promoted'} super admin {user.email} (id {user.id}).")
    if marker:  # the local stack (a stage's marker is empty): its seed belongs to nobody until now
        for event in adopt_ownerless_events(user_id=user.id):
            print(f"{user.email} now owns {event.name} ({event.slug}), which had no owner: see it in My events.")
    return 0


def run_dev(args: argparse.Namespace) -> int:
    from podium.localstack.stack import LocalStack  # noqa: PLC0415 — only `podium dev` runs the stack (boto3, yaml: 0.2 s at the start of every other command)

    stop = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stop.set())
    stack = LocalStack(
        state_dir_from(args), api_port=args.api_port, site_port=args.site_port, aws_port=args.aws_port,
        uploads_port=args.uploads_port, seed=args.seed,
    )  # fmt: skip
    try:
        urls = stack.start()
    except StateFolderBusy as err:  # raised before anything started: nothing to stop
        print(f"podium dev: not starting: {err}", file=sys.stderr)
        return 1
    except MigrationError as err:
        print(f"podium dev: could not migrate the local data: {err}", file=sys.stderr)
        stack.stop()
        return 1
    except OSError as err:
        hint = "Is another stack running? Pick other ports with --api-port, --site-port, --uploads-port, --aws-port."
        print(f"podium dev: could not start: {err}. {hint}", file=sys.stderr)
        stack.stop()
        return 1
    for line in urls.lines():
        print(line, flush=True)
    print("Ready. Ctrl-C stops the stack; local data is kept in", stack.state_dir, flush=True)
    # Not one endless wait: the kernel may hand SIGTERM to any of the stack's threads, and the
    # handler runs in the main thread only once it wakes; a wait without end could sleep forever.
    while not stop.wait(0.2):
        pass
    print("Stopping…", flush=True)
    stack.stop(exiting=True)
    print("Stopped; local data saved.", flush=True)
    # Everything is saved and every server closed; tearing down half a million objects of
    # moto's in-memory AWS would only delay the exit by seconds, so leave at once.
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    for noisy in ("werkzeug", "botocore", "urllib3", "pynamodb"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    # The local stack's own lines (state folder, restore, migrations): their parent logger "podium" is
    # Chalice's app.log, which importing the app sets to ERROR.
    logging.getLogger("podium.local").setLevel(logging.INFO)
    args = build_parser().parse_args(argv)
    code = args.handler(args)
    # The process ends next: its final collection would walk every object botocore loaded
    # (a fifth of a second, longer than many commands); frozen objects are left out of it.
    gc.freeze()
    return code


if __name__ == "__main__":
    sys.exit(main())
