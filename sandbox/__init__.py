"""Isolated execution of untrusted code: :func:`open`, :class:`Limits`, :class:`ExecResult`.

Backends: ``"bwrap"`` (bubblewrap namespaces, the default where installed), ``"bwrap-warm"``
(one bubblewrap sandbox kept alive, a pre-imported Python forked per run and everything wiped
between runs; Python only, five times cheaper), ``"docker"`` (a warm pool of locked-down
containers), ``"process"`` (rlimits and an unprivileged user only, for use inside a container
that already isolates), and ``"unsafe-local"`` (no isolation at all, only when asked for by
that name). ``open("auto")`` picks the strongest that works here.

Example:
    >>> import sandbox
    >>> with sandbox.open("auto") as box:
    ...     result = box.run("print(input()[::-1])", stdin="abc")
    >>> result.status.value, result.stdout
    ('ok', 'cba\\n')
"""

from __future__ import annotations

import importlib
import os
from typing import Any

from sandbox.base import Isolation, Sandbox
from sandbox.limits import Limits
from sandbox.result import ExecResult, ExecStatus

__all__ = ["BACKENDS", "ExecResult", "ExecStatus", "Isolation", "Limits", "Sandbox", "open"]

#: Backend name -> "module:class". "unsafe-local" runs code with no isolation.
BACKENDS: dict[str, str] = {
    "bwrap": "sandbox.bwrap:BwrapSandbox",
    "bwrap-warm": "sandbox.warm:WarmBwrapSandbox",
    "docker": "sandbox.docker:DockerSandbox",
    "process": "sandbox.process:ProcessSandbox",
    "unsafe-local": "sandbox.local:LocalSandbox",
}
_AUTO_ORDER = ("bwrap", "docker")


def _backend_class(name: str) -> Any:
    module, _, attr = BACKENDS[name].partition(":")
    return getattr(importlib.import_module(module), attr)


def in_container() -> bool:
    """Whether this process runs inside a container (Docker, Podman)."""
    return os.path.exists("/.dockerenv") or os.path.exists("/run/.containerenv")


def open(kind: str = "auto", **options: Any) -> Any:  # noqa: A001 - mirrors builtins.open
    """A :class:`Sandbox` backend by name; ``"auto"`` tries bubblewrap, then Docker.

    Inside a container where neither works, ``"auto"`` falls back to ``"process"`` (the
    container is the isolation). Running with no isolation at all needs ``"unsafe-local"``.

    Raises:
        ValueError: ``kind`` names no backend.
        RuntimeError: no isolating backend works here (the message says what to install).
    """
    if kind != "auto":
        if kind not in BACKENDS:
            raise ValueError(f"unknown sandbox backend {kind!r}; choose from "
                             f"{', '.join(['auto', *BACKENDS])}")
        return _backend_class(kind)(**options)
    reasons = []
    for name in _AUTO_ORDER:
        cls = _backend_class(name)
        problem = cls.unavailable()
        if problem is None:
            return cls(**options)
        reasons.append(f"{name}: {problem}")
    if in_container():
        return _backend_class("process")(**options)
    raise RuntimeError("no sandbox backend works here (" + "; ".join(reasons) + "). Install "
                       "bubblewrap (apt-get install bubblewrap) or start Docker; to run code "
                       "with no isolation at all, ask for sandbox.open('unsafe-local').")
