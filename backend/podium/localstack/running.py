"""Finding the running local stack from another process, through `<state-dir>/stack.json`."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any


class NoStackRunning(RuntimeError):
    """No `podium dev` is running for this state folder."""


def running_stack(state_dir: Path) -> dict[str, Any]:
    """The marker `podium dev` wrote (urls and environ); raises NoStackRunning when there is
    none or its process is gone."""
    marker_path = state_dir / "stack.json"
    try:
        marker = json.loads(marker_path.read_text())
    except (OSError, ValueError):
        raise NoStackRunning(_hint(state_dir)) from None
    if not _alive(int(marker.get("pid", 0))):
        raise NoStackRunning(_hint(state_dir) + f" ({marker_path} is left from a stack that stopped)")
    return marker


def use_running_stack(state_dir: Path) -> dict[str, Any]:
    """Point this process (boto3, pynamodb, settings) at the running stack; call before importing
    chalicelib modules, which fix table names at import."""
    marker = running_stack(state_dir)
    os.environ.update(marker["environ"])
    return marker


def _alive(pid: int) -> bool:
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _hint(state_dir: Path) -> str:
    return f"No local stack is running for {state_dir}. Start one with `make run` (or `podium dev`)."
