"""The process backend (sandbox/process.py): pool users, and no process outlives a run."""

from __future__ import annotations

import os
from collections.abc import Callable

from sandbox.process import ProcessSandbox

Finder = Callable[[str], list[str]]


def test_process_backend_runs_as_pool_user_and_kills_escapees(find_processes: Finder) -> None:
    marker = f"guide-rl-test-{os.getpid()}-escapee"
    code = ("import os\nprint(os.getuid())\nif os.fork() == 0:\n    os.setsid()\n"
            f"    os.execv('/bin/sleep', ['{marker}', '60'])\n")
    with ProcessSandbox() as box:
        result = box.run(code)
    assert result.ok and int(result.stdout) >= 64000
    assert find_processes(marker) == []
