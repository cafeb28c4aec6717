"""The `podium` command line."""

from __future__ import annotations

import argparse
import logging
import os
import signal
import sys
import threading
from pathlib import Path


def state_dir_from(args: argparse.Namespace) -> Path:
    """--state-dir, else PODIUM_STATE_DIR, else .podium (DESIGN.md)."""
    return Path(args.state_dir or os.environ.get("PODIUM_STATE_DIR") or ".podium").resolve()


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
    dev.add_argument("--state-dir", default=None, help="where local data is kept (default .podium)")
    dev.set_defaults(handler=run_dev)
    add_transfer_commands(commands)
    return parser


def add_transfer_commands(commands: argparse._SubParsersAction) -> None:
    """`podium import` and `podium export` (logic in podium/transfer.py)."""
    from podium import transfer

    imports = commands.add_parser("import", help="import an Open Event export or c3voc schedule.json")
    imports.add_argument("path", help="an Open Event folder or zip, or a schedule.json")
    imports.add_argument("--owner", default=None, help="owner's email (default: the super admin)")
    imports.add_argument("--publish", action="store_true", help="publish it when the export says it was published")
    imports.add_argument("--state-dir", default=None)
    imports.set_defaults(handler=transfer.main_import)
    exports = commands.add_parser("export", help="export an event as an Open Event zip")
    exports.add_argument("event", help="event id or slug")
    exports.add_argument("--out", required=True, help="the zip file to write")
    exports.add_argument("--state-dir", default=None)
    exports.set_defaults(handler=transfer.main_export)


def run_dev(args: argparse.Namespace) -> int:
    from podium.localstack.stack import LocalStack

    stop = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stop.set())
    stack = LocalStack(state_dir_from(args), api_port=args.api_port, site_port=args.site_port, aws_port=args.aws_port)
    try:
        urls = stack.start()
    except OSError as err:
        hint = "Is another stack running? Pick other ports with --api-port, --site-port, --aws-port."
        print(f"podium dev: could not start: {err}. {hint}", file=sys.stderr)
        stack.stop()
        return 1
    for line in urls.lines():
        print(line, flush=True)
    print("Ready. Ctrl-C stops the stack; local data is kept in", stack.state_dir, flush=True)
    stop.wait()
    print("Stopping…", flush=True)
    stack.stop()
    return 0


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    for noisy in ("werkzeug", "botocore", "urllib3"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    args = build_parser().parse_args(argv)
    return args.handler(args)


if __name__ == "__main__":
    sys.exit(main())
