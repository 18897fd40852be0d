"""No isolation at all: :class:`LocalSandbox`, reachable only as ``sandbox.open("unsafe-local")``.

The program runs as the current user with full access to its files and the network. It still
gets a temporary working directory (removed afterwards), a wall deadline that kills its process
group, output caps and rlimits; a process that leaves the group (``setsid``) can outlive it.
"""

from __future__ import annotations

import contextlib

from sandbox.base import Isolation
from sandbox.process import HostRunner

__all__ = ["LocalSandbox"]


class LocalSandbox(HostRunner):
    """Runs programs as the current user: for trusted code and debugging only.

    Example:
        >>> with LocalSandbox() as box:
        ...     box.run("print(6 * 7)").stdout
        '42\\n'
    """

    isolation = Isolation("unsafe-local", False, "no isolation: runs as the current user with "
                          "its files and network; only deadlines, output caps and rlimits",
                          own_network=False, own_filesystem=False)

    @classmethod
    def unavailable(cls) -> str | None:
        """None: running a local process always works."""
        return None

    def _user(self) -> contextlib.AbstractContextManager[int | None]:
        return contextlib.nullcontext(None)
