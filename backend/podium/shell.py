"""`podium shell`: Python with the models, query helpers, `enqueue` and `su` preloaded."""

from __future__ import annotations

import argparse
import code
import importlib
import inspect
import pkgutil
import runpy
import sys
from pathlib import Path
from typing import Any

import chalicelib.db
from chalicelib.actors import SYSTEM
from chalicelib.clock import clock
from chalicelib.settings import settings

from podium.target import REPO, Target, TargetError, activate, confirm_target, resolve_target

LOCAL_FILE = "podium_shell_local.py"  # git-ignored: an operator's own helpers


class LazySuperAdmin:
    """`su`: the super admin, looked up on first use (so the shell starts without a query)."""

    def __init__(self) -> None:
        self._user: Any = None

    def _resolve(self) -> Any:
        if self._user is None:
            from chalicelib.db.queries import find_super_admin  # noqa: PLC0415 — loads the table models, which read the table name at import: the command line picks the table before it calls this

            self._user = find_super_admin()
            if self._user is None:
                raise LookupError("there is no super admin yet; create one with `podium create-admin EMAIL`")
        return self._user

    def __getattr__(self, name: str) -> Any:
        return getattr(self._resolve(), name)

    def __repr__(self) -> str:
        try:
            return repr(self._resolve())
        except LookupError as err:
            return f"<su: {err}>"


def load_models() -> dict[str, type]:
    """Every pynamodb model class in chalicelib.db, by class name."""
    from chalicelib.db.base import Item  # noqa: PLC0415 — loads the table models, which read the table name at import: the command line picks the table before it calls this

    models: dict[str, type] = {"Item": Item}
    for info in pkgutil.iter_modules(chalicelib.db.__path__):
        module = importlib.import_module(f"chalicelib.db.{info.name}")
        for name, value in vars(module).items():
            if inspect.isclass(value) and issubclass(value, Item) and not name.startswith("_"):
                models[name] = value
    return dict(sorted(models.items()))


def build_namespace(target: Target) -> tuple[dict[str, Any], str]:
    """The shell's names and a banner that lists them."""
    from chalicelib.adapters.aws import client  # noqa: PLC0415 — boto3 loads only when this command calls AWS (0.1 s at the start of every other command)
    from chalicelib.db import queries  # noqa: PLC0415 — loads the table models, which read the table name at import: the command line picks the table before it calls this
    from chalicelib.domain.content import set_session_state, update_child  # noqa: PLC0415 — loads the table models, which read the table name at import: the command line picks the table before it calls this
    from chalicelib.jobs.enqueue import enqueue  # noqa: PLC0415 — loads the table models, which read the table name at import: the command line picks the table before it calls this

    models = load_models()
    helpers: dict[str, Any] = {
        "event_by_slug": queries.event_by_slug,
        "event_items": queries.event_items,
        "published_events": queries.published_events,
        "find_super_admin": queries.find_super_admin,
        "enqueue": enqueue,
        # State changes through the domain, as the API makes them: its checks, write and mails.
        "update_child": update_child,
        "set_session_state": set_session_state,
        "SYSTEM": SYSTEM,
        "client": client,
        "settings": settings,
        "clock": clock,
    }
    namespace: dict[str, Any] = {**models, **helpers, "su": LazySuperAdmin()}
    lines = [
        f"Podium shell on {target.description or target.name}",
        f"Models: {', '.join(models)}",
        "Helpers: event_by_slug(slug), event_items(event_id), published_events(), find_super_admin(),",
        "         enqueue(name, **json_args), client(service), settings(), clock()",
        "Changes: set_session_state(event=, session=, state=, actor=SYSTEM), update_child(...) (checks, mails)",
        "su: the super admin (looked up on first use)",
    ]
    local_names = _load_local_file(namespace)
    if local_names:
        lines.append(f"From {LOCAL_FILE}: {', '.join(local_names)}")
    return namespace, "\n".join(lines)


def _load_local_file(namespace: dict[str, Any]) -> list[str]:
    """Add the public names of ./podium_shell_local.py (else the repo's), when present."""
    for folder in (Path.cwd(), REPO):
        path = folder / LOCAL_FILE
        if path.is_file():
            found = runpy.run_path(str(path), init_globals=dict(namespace))
            added = {k: v for k, v in found.items() if not k.startswith("_") and namespace.get(k) is not v}
            namespace.update(added)
            return sorted(added)
    return []


def interact(namespace: dict[str, Any], banner: str, *, plain: bool) -> None:
    """IPython when installed (and not --plain), else Python's own interactive console."""
    if not plain:
        try:
            from IPython import start_ipython  # noqa: PLC0415 — IPython is optional: plain Python's console when it is absent
            from traitlets.config import Config  # noqa: PLC0415 — IPython is optional: plain Python's console when it is absent
        except ImportError:
            pass
        else:
            config = Config()
            config.TerminalInteractiveShell.banner1 = banner + "\n"
            start_ipython(argv=[], user_ns=namespace, config=config)
            return
    code.interact(banner=banner, local=namespace, exitmsg="")


def run_shell(args: argparse.Namespace) -> int:
    try:
        target = resolve_target(args)
    except TargetError as err:
        print(f"podium shell: {err}", file=sys.stderr)
        return 1
    if not confirm_target(target, assume_yes=args.yes):
        print("podium shell: aborted", file=sys.stderr)
        return 1
    activate(target)
    namespace, banner = build_namespace(target)
    if args.command_text is not None:
        exec(compile(args.command_text, "<podium shell -c>", "exec"), namespace)  # noqa: S102 - the operator's own code
        return 0
    interact(namespace, banner, plain=args.plain)
    return 0
