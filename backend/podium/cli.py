"""The `podium` command line."""

from __future__ import annotations

import argparse
import logging
import signal
import sys
import threading

from podium.target import add_target_arguments, state_dir_from


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

    target_options = argparse.ArgumentParser(add_help=False)
    add_target_arguments(target_options)
    shell = commands.add_parser(
        "shell", parents=[target_options], help="Python with the models, helpers, enqueue and su preloaded"
    )
    shell.add_argument("-c", dest="command_text", default=None, metavar="CODE", help="run CODE and exit")
    shell.add_argument("--plain", action="store_true", help="Python's own console even when IPython is installed")
    shell.set_defaults(handler=_run_shell)

    from podium.migrate import add_db_parser, migration_options

    add_db_parser(commands, [target_options, migration_options()])
    return parser


def _run_shell(args: argparse.Namespace) -> int:
    from podium.shell import run_shell

    return run_shell(args)


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
    for noisy in ("werkzeug", "botocore", "urllib3", "pynamodb"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    args = build_parser().parse_args(argv)
    return args.handler(args)


if __name__ == "__main__":
    sys.exit(main())
