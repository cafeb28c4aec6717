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
    admin = commands.add_parser("create-admin", help="make the super admin of the running local stack")
    admin.add_argument("email")
    admin.add_argument("--name", default="", help="display name (default: the email's local part)")
    admin.add_argument("--state-dir", default=None, help="the stack's state folder (default .podium)")
    admin.set_defaults(handler=run_create_admin)
    return parser


def running_stack(state_dir: Path) -> dict | None:
    """The marker `podium dev` writes, when its process is still alive."""
    import json

    marker = state_dir / "stack.json"
    if not marker.is_file():
        return None
    stack = json.loads(marker.read_text())
    try:
        os.kill(int(stack["pid"]), 0)
    except (OSError, ValueError, KeyError):
        return None
    return stack


def _no_stack(state_dir: Path) -> int:
    print(
        f"No local stack is running (nothing live in {state_dir / 'stack.json'}). "
        f"Start one with `podium dev --state-dir {state_dir}` in another terminal, then run this again.",
        file=sys.stderr,
    )
    return 1


def read_new_password() -> str:
    """From a prompt (typed twice), or the first line of stdin when piped."""
    import getpass

    if not sys.stdin.isatty():
        return sys.stdin.readline().rstrip("\n")
    first = getpass.getpass("Password for the super admin: ")
    if getpass.getpass("Repeat it: ") != first:
        raise ValueError("the two passwords differ")
    return first


def run_create_admin(args: argparse.Namespace) -> int:
    state_dir = state_dir_from(args)
    stack = running_stack(state_dir)
    if stack is None:
        return _no_stack(state_dir)
    os.environ.update(stack["environ"])  # the stack's table, endpoint and fake credentials
    from chalicelib.domain.accounts import make_super_admin
    from chalicelib.errors import PodiumError

    try:
        user, created = make_super_admin(email=args.email, password=read_new_password(), name=args.name)
    except (PodiumError, ValueError) as err:
        print(f"podium create-admin: {getattr(err, 'message', err)}", file=sys.stderr)
        return 1
    print(f"{'Created' if created else 'Promoted'} super admin {user.email} (id {user.id}).")
    return 0


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
