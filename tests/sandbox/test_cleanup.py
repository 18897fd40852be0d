"""Removing leftover sandbox containers (sandbox/cleanup.py) against a real Docker daemon
(skipped without one, naming what to install; failing instead under GUIDE_RL_REQUIRE_SYSTEM=1)."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import pytest
from _docker import CLIENT, _crash_an_owner, _labelled

from sandbox.cleanup import OWNER_PID, cleanup_leftovers

pytestmark = pytest.mark.needs_docker


@pytest.fixture(scope="module")
def box() -> Iterator[Any]:
    from sandbox.docker import DockerSandbox

    with DockerSandbox(pool_size=2) as sandbox_:
        yield sandbox_


def test_cleanup_command_removes_a_crashed_owners_containers() -> None:
    pid = _crash_an_owner()
    done = subprocess.run([sys.executable, "-m", "sandbox.cleanup"], capture_output=True,
                          text=True, check=True)
    assert "container(s) removed" in done.stdout
    assert _labelled(f"{OWNER_PID}={pid}") == []
    assert cleanup_leftovers(CLIENT) == []  # nothing of a dead owner is left


def test_live_owners_containers_are_kept(box: Any) -> None:
    # A fresh pool starts its containers in the background: one run waits for one to exist.
    assert box.run("print(1)").stdout == "1\n"
    cleanup_leftovers(CLIENT)
    assert _labelled(f"{OWNER_PID}={os.getpid()}")
    assert box.run("print(2)").stdout == "2\n"
