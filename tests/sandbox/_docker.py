"""Helpers for the tests against a real Docker daemon (test_docker.py, test_cleanup.py): the
daemon's client, the containers with a label, and an owner of a sandbox that crashed."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from typing import Any

from sandbox.cleanup import OWNER_PID


def _client() -> Any | None:
    try:
        import docker

        client = docker.from_env(version="auto", timeout=10)
        client.ping()
    except Exception:  # noqa: BLE001 - no SDK or no daemon
        return None
    return client


CLIENT = _client()  # None only where a daemon is missing, and then every test here is skipped


def _labelled(label: str) -> list[Any]:
    assert CLIENT is not None
    return CLIENT.containers.list(all=True, filters={"label": label})


_CRASHING_OWNER = """
import sandbox, time
box = sandbox.open("docker", pool_size=2)
assert box.run("print(1)").ok
print("ready", flush=True)
time.sleep(600)
"""


def _crash_an_owner() -> int:
    """Start a process that holds a DockerSandbox, SIGKILL it, and return its pid."""
    owner = subprocess.Popen([sys.executable, "-c", _CRASHING_OWNER], stdout=subprocess.PIPE,
                             text=True)
    assert owner.stdout is not None and owner.stdout.readline() == "ready\n"
    deadline = time.monotonic() + 60  # both pool containers have started
    while len(_labelled(f"{OWNER_PID}={owner.pid}")) < 2 and time.monotonic() < deadline:
        time.sleep(0.1)
    owner.send_signal(signal.SIGKILL)
    owner.wait()
    return owner.pid
