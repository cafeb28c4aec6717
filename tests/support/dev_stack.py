"""`podium dev` as a user runs it: a subprocess on free ports with its own state folder.

Shared by the local stack tests and the admin page's end-to-end tests."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
# How often a test asks a running stack whether what it waits for happened (a mail sent, a page
# published): the stack's worker answers in a tenth of a second or so, and each look is one local
# request, so half-second naps only made every wait end up to half a second late.
POLL_SECONDS = 0.1
_URL_LINE = re.compile(r"^(API|Site|Admin|Uploads|AWS): (http://\S+)$")


@dataclass
class DevStack:
    process: subprocess.Popen
    urls: dict[str, str]
    output: list[str] = field(default_factory=list)

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 5.0) -> tuple[int, float]:
        """Send `sig` and wait; returns the exit code and the seconds it took."""
        started = time.monotonic()
        self.process.send_signal(sig)
        code = self.process.wait(timeout=timeout)
        return code, time.monotonic() - started


def podium_environ() -> dict[str, str]:
    """The test run's environment without PODIUM_/AWS_ names, running this checkout's code."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PODIUM_", "AWS_"))}
    env["PYTHONPATH"] = str(REPO / "backend")  # this checkout's code, whatever the venv points at
    return env


def dev_command(state_dir: Path, seed: str = "demo") -> list[str]:
    """`podium dev` on free ports (0) with its own state folder."""
    ports = ["--api-port", "0", "--site-port", "0", "--aws-port", "0", "--uploads-port", "0"]
    return [sys.executable, "-m", "podium.cli", "dev", *ports, "--state-dir", str(state_dir), "--seed", seed]


def run_podium(*args: str, stdin: str = "", timeout: float = 120.0) -> subprocess.CompletedProcess:
    """`podium ARGS...` as an operator types it, to its end."""
    command = [sys.executable, "-m", "podium.cli", *args]
    return subprocess.run(
        command, input=stdin, capture_output=True, text=True, env=podium_environ(), cwd=REPO, timeout=timeout
    )


def start_dev_stack(state_dir: Path, timeout: float = 90.0, seed: str = "demo") -> DevStack:
    """`seed`: what a first start loads; the small demo event unless a test needs the FOSSASIA sample."""
    process = subprocess.Popen(
        dev_command(state_dir, seed),
        cwd=REPO,
        env=podium_environ(),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    stack = DevStack(process, {})
    ready = threading.Event()

    def read_output() -> None:
        for line in process.stdout:
            stack.output.append(line.rstrip())
            match = _URL_LINE.match(line.strip())
            if match:
                stack.urls[match.group(1)] = match.group(2)
                if len(stack.urls) == 5:
                    ready.set()

    threading.Thread(target=read_output, daemon=True).start()
    if not ready.wait(timeout):
        process.kill()
        raise AssertionError("podium dev did not print its URLs:\n" + "\n".join(stack.output[-40:]))
    return stack
