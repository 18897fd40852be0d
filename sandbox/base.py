"""The interface every sandbox backend implements: :class:`Sandbox`, and :class:`Isolation`."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

from sandbox.channel import Channel
from sandbox.limits import Limits
from sandbox.result import ExecResult

__all__ = ["Isolation", "Sandbox"]


@dataclass(frozen=True)
class Isolation:
    """What a backend guarantees, so callers can report it (and refuse too little).

    Attributes:
        backend: The backend's name.
        isolated: Whether untrusted code is contained (False only for ``"unsafe-local"``).
        description: One line: namespaces, users, filesystem, network.
        own_network: Whether the code gets a network of its own (no host or internet access).
        own_filesystem: Whether the code sees a private filesystem (its own ``/tmp`` too).
    """

    backend: str
    isolated: bool
    description: str
    own_network: bool = True
    own_filesystem: bool = True


@runtime_checkable
class Sandbox(Protocol):
    """Runs untrusted programs. ``run`` never raises on the program's behaviour."""

    isolation: Isolation

    @classmethod
    def unavailable(cls) -> str | None:
        """None if this backend can run here, else why not (and what to install)."""
        ...

    def run(self, code: str, *, stdin: str = "", files: Mapping[str, str | bytes] | None = None,
            limits: Limits = Limits(), language: str = "python",
            collect: tuple[str, ...] = (), channel: Channel | None = None) -> ExecResult:
        """Run ``code`` with ``stdin``, extra ``files`` in its working directory, and limits.

        ``collect`` names files of the working directory to return in ``ExecResult.files``.
        ``channel`` gives the program a message channel to the host for this run
        (:mod:`sandbox.channel`); the host talks on it from another thread while ``run`` waits.
        """
        ...

    def close(self) -> None:
        """Release every process, container and temporary file the backend holds."""
        ...
