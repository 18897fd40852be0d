"""Removing leftover sandbox containers: :func:`cleanup_leftovers`, :func:`remove_instance`.

Every container :class:`~sandbox.docker.DockerSandbox` starts carries :data:`LABEL` and labels
naming its owner (process id, process start time, host name) and its sandbox instance, so that
leftovers of a crashed run can be found and removed. Run ``python -m sandbox.cleanup`` to remove
the containers of owners that are gone (``--all``: every guide-rl sandbox container).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import socket
from typing import Any

__all__ = ["LABEL", "cleanup_leftovers", "main", "owner_labels", "process_start", "remove_instance"]

#: The label on every guide-rl sandbox container.
LABEL = "guide-rl.sandbox"
OWNER_PID = "guide-rl.owner-pid"
OWNER_START = "guide-rl.owner-start"
OWNER_HOST = "guide-rl.owner-host"
INSTANCE = "guide-rl.instance"


def process_start(pid: int) -> str:
    """The start time of process ``pid`` in clock ticks since boot ("" if it does not exist).

    Together with the pid it names a process uniquely, even after the pid is reused.

    Example:
        >>> process_start(os.getpid()) == process_start(os.getpid()) != ""
        True
    """
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as stat:
            fields = stat.read().rpartition(")")[2].split()
    except OSError:
        return ""
    return fields[19] if len(fields) > 19 else ""


def owner_labels(instance: str) -> dict[str, str]:
    """The labels for a container owned by this process and sandbox ``instance``."""
    return {LABEL: "1", OWNER_PID: str(os.getpid()), OWNER_START: process_start(os.getpid()),
            OWNER_HOST: socket.gethostname(), INSTANCE: instance}


def _owner_gone(labels: dict[str, str]) -> bool:
    if labels.get(OWNER_HOST, socket.gethostname()) != socket.gethostname():
        return False  # owned from another host or container: its pids mean nothing here
    pid = labels.get(OWNER_PID, "")
    if not pid.isdigit():
        return True
    started = process_start(int(pid))
    return started == "" or started != labels.get(OWNER_START, started)


def _docker_client() -> Any:
    import docker

    return docker.from_env(version="auto")


def _remove(containers: list[Any]) -> list[str]:
    import docker.errors

    removed = []
    for container in containers:
        with contextlib.suppress(docker.errors.NotFound):
            container.remove(force=True)
        removed.append(container.name)
    return removed


def cleanup_leftovers(client: Any | None = None, *, everything: bool = False) -> list[str]:
    """Remove guide-rl sandbox containers whose owning process is gone; return their names.

    ``everything=True`` removes every guide-rl sandbox container, live owners' included.
    """
    client = client or _docker_client()
    found = client.containers.list(all=True, filters={"label": LABEL})
    return _remove([c for c in found if everything or _owner_gone(c.labels)])


def remove_instance(client: Any, instance: str) -> list[str]:
    """Remove every container of sandbox ``instance``; return their names."""
    return _remove(client.containers.list(all=True, filters={"label": f"{INSTANCE}={instance}"}))


def main(argv: list[str] | None = None) -> int:
    """``python -m sandbox.cleanup [--all]``: remove leftover sandbox containers."""
    parser = argparse.ArgumentParser(prog="python -m sandbox.cleanup", description=__doc__)
    parser.add_argument("--all", action="store_true",
                        help="remove every guide-rl sandbox container, even of live owners")
    args = parser.parse_args(argv)
    removed = cleanup_leftovers(everything=args.all)
    for name in removed:
        print(f"removed container {name}")
    print(f"{len(removed)} guide-rl sandbox container(s) removed")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
