"""Which stack a `podium` command acts on: the running local stack, or an AWS stage.

Every command that touches data goes through `resolve_target(args)` then `activate(target)`.
Activation must happen before any `chalicelib.db` module is imported: pynamodb fixes the
table name when a model class is created.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError
from chalicelib.settings import settings

from podium.localstack.state_folder import MARKER_NAME, Holder

REPO = Path(__file__).resolve().parents[2]
CHALICE_CONFIG = REPO / "backend" / ".chalice" / "config.json"
LOCAL = "local"
PROTECTED_STAGES = frozenset({"prod"})
# Names a stage must never inherit from the operator's shell: they would point boto3 and
# pynamodb at a local moto server (or at another stage's resources).
_LOCAL_ONLY = ("AWS_ENDPOINT_URL",)


class TargetError(RuntimeError):
    """No stack to act on; the message says what to do."""


@dataclass(frozen=True)
class Target:
    name: str  # "local" or a stage name from .chalice/config.json
    environ: dict[str, str] = field(default_factory=dict)
    description: str = ""
    marker: dict[str, Any] = field(default_factory=dict)  # the local stack's stack.json (urls)

    @property
    def is_local(self) -> bool:
        return self.name == LOCAL

    @property
    def is_protected(self) -> bool:
        return self.name in PROTECTED_STAGES


def add_target_arguments(parser: argparse.ArgumentParser) -> None:
    """The options every data command shares: --state-dir for the local stack, --stage for AWS."""
    parser.add_argument("--state-dir", default=None, help="local stack state folder (default .podium)")
    parser.add_argument("--stage", default=None, help="act on this AWS stage (dev, staging, prod) instead")
    parser.add_argument("--yes", action="store_true", help="answer yes to confirmations (CI)")


def state_dir_from(args: argparse.Namespace) -> Path:
    """--state-dir, else PODIUM_STATE_DIR, else .podium (DESIGN.md)."""
    return Path(getattr(args, "state_dir", None) or os.environ.get("PODIUM_STATE_DIR") or ".podium").resolve()


def resolve_target(args: argparse.Namespace) -> Target:
    """The stage named by --stage, else the local stack running from the state folder."""
    if getattr(args, "stage", None):
        return stage_target(args.stage)
    return local_target(state_dir_from(args))


def local_target(state_dir: Path) -> Target:
    """The stack `podium dev` runs from `state_dir`, read from its stack.json."""
    marker = state_dir / MARKER_NAME
    no_stack = f"No local stack is running for {state_dir}"
    start_hint = f"Start one with `make run` (or `podium dev --state-dir {state_dir}`), or pass --stage NAME."
    if not marker.exists():
        raise TargetError(f"{no_stack} (no {marker.name}). {start_hint}")
    try:
        stack = json.loads(marker.read_text())
    except (OSError, json.JSONDecodeError) as err:
        raise TargetError(f"{no_stack}: cannot read {marker}: {err}. {start_hint}") from err
    if not _marker_holder(stack).is_running():
        raise TargetError(f"{no_stack}: the stack that wrote {marker} is not running any more. {start_hint}")
    environ = {str(k): str(v) for k, v in stack.get("environ", {}).items()}
    description = f"local stack at {stack.get('aws', '?')} (API {stack.get('api', '?')})"
    return Target(LOCAL, environ, description=description, marker=stack)


def use_stack(state_dir: Path) -> dict[str, Any]:
    """Point this process at the running local stack (environment set BEFORE chalicelib.db is
    imported); TargetError when none runs there."""
    target = local_target(state_dir)
    activate(target)
    return target.marker


def stage_target(stage: str, config_path: Path = CHALICE_CONFIG) -> Target:
    """A stage's environment from .chalice/config.json; AWS credentials come from the caller's shell."""
    config = json.loads(config_path.read_text())
    stages = config.get("stages", {})
    if stage not in stages:
        raise TargetError(f"no stage {stage!r} in {config_path}; known: {', '.join(sorted(stages))}")
    environ = {**config.get("environment_variables", {}), **stages[stage].get("environment_variables", {})}
    table = environ.get("PODIUM_TABLE_NAME", "?")
    return Target(stage, {k: str(v) for k, v in environ.items()}, description=f"AWS stage {stage} (table {table})")


def _marker_holder(stack: dict[str, Any]) -> Holder:
    """The process that wrote stack.json: its pid AND start time, so a pid reused since is not it."""
    try:
        return Holder(int(stack.get("pid", 0)), str(stack.get("started", "")))
    except (TypeError, ValueError):
        return Holder(0, "")


def activate(target: Target) -> None:
    """Point this process at `target`: its environment first, then (lazily) the app modules."""
    if "chalicelib.db.base" in sys.modules and os.environ.get("PODIUM_TABLE_NAME") != target.environ.get(
        "PODIUM_TABLE_NAME", os.environ.get("PODIUM_TABLE_NAME")
    ):
        raise TargetError("chalicelib.db was imported before the target was chosen; its table name is fixed")
    environ = target.environ
    if not target.is_local:
        for name in _LOCAL_ONLY:
            os.environ.pop(name, None)
        environ = _with_stack_outputs(target)
    os.environ.update(environ)
    # Settings and clients may have been read for another target (e.g. in tests).
    from chalicelib.adapters.aws import reset_clients  # noqa: PLC0415 — boto3 loads only when this command calls AWS (0.1 s at the start of every other command)

    settings.cache_clear()
    reset_clients()


def _with_stack_outputs(target: Target) -> dict[str, str]:
    """A stage's committed config lacks the account-specific names; its infra stack has them."""
    from podium.stages import complete_stage_environ  # noqa: PLC0415 — podium.stages imports this module at load

    try:
        return complete_stage_environ(target.name, target.environ)
    except (BotoCoreError, ClientError, RuntimeError) as err:
        raise TargetError(f"cannot read the podium-{target.name} stack's outputs (AWS credentials?): {err}") from err


def confirm(question: str, *, expected: str = "y", assume_yes: bool = False) -> bool:
    """Ask on the terminal (or read a line from piped stdin); True when the answer is `expected`."""
    if assume_yes:
        return True
    print(f"{question} ", end="", file=sys.stderr, flush=True)
    answer = sys.stdin.readline().strip().lower()
    return answer == expected.lower() or (expected == "y" and answer == "yes")


def confirm_target(target: Target, *, assume_yes: bool) -> bool:
    """Protected stages (prod) need the stage's name typed back before anything runs."""
    if not target.is_protected:
        return True
    question = f"This acts on {target.description}. Type the stage name ({target.name}) to go on:"
    return confirm(question, expected=target.name, assume_yes=assume_yes)
