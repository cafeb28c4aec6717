"""Which stack a command acts on: a stack.json counts only while the process that wrote it runs."""

from __future__ import annotations

import json
import os

import pytest
from podium.localstack.state_folder import Holder

pytestmark = pytest.mark.unit


def test_a_stack_marker_naming_a_reused_pid_is_not_a_running_stack(tmp_path):
    from podium.target import TargetError, local_target

    # GIVEN a marker whose pid now belongs to another live process (pid reuse): same pid, other start time
    live_pid = os.getppid()
    (tmp_path / "stack.json").write_text(json.dumps({"pid": live_pid, "started": "boot+0", "environ": {}}))

    with pytest.raises(TargetError, match=r"not running any more"):
        local_target(tmp_path)


def test_a_stack_marker_of_the_process_that_runs_it_is_the_local_target(tmp_path):
    from podium.target import local_target

    me = Holder.this_process()
    marker = {"pid": me.pid, "started": me.started, "api": "http://127.0.0.1:1", "environ": {"PODIUM_X": "1"}}
    (tmp_path / "stack.json").write_text(json.dumps(marker))

    target = local_target(tmp_path)

    assert (target.name, target.environ, target.marker["api"]) == ("local", {"PODIUM_X": "1"}, "http://127.0.0.1:1")
