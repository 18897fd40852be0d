"""Sandbox fixtures: ``backend_name`` (each isolating backend), ``box``, ``find_processes``.

The suite runs on every isolating backend: "bwrap" and "bwrap-warm" (marked ``needs_bwrap``) and
"docker" (``needs_docker``). Where one cannot run, its tests are skipped with a reason naming
what to install, or fail under ``GUIDE_RL_REQUIRE_SYSTEM=1`` (the root conftest.py), so coverage
cannot silently shrink. Inside a container where none of them works (the Docker test image), the
"process" backend, the one sandbox.open("auto") picks there, runs the same suite.
test_sandbox.py checks that every backend that cannot run says why and refuses to open.
"""

from __future__ import annotations

import contextlib
import importlib
import os
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

import sandbox
from sandbox.process import TEMP_PREFIX


def unavailable(name: str) -> str | None:
    """Why backend ``name`` cannot run here, or None."""
    module, _, attr = sandbox.BACKENDS[name].partition(":")
    try:
        cls = getattr(importlib.import_module(module), attr)
    except ImportError as exc:
        return f"the {name} backend cannot be imported here: {exc}"
    return cls.unavailable()


#: The namespaced backends and the marker that skips (or fails) their tests where they cannot run.
NAMESPACED = {"bwrap": pytest.mark.needs_bwrap, "bwrap-warm": pytest.mark.needs_bwrap,
              "docker": pytest.mark.needs_docker}
#: Why each backend cannot run here (absent when it can).
UNAVAILABLE = {name: why for name in sandbox.BACKENDS if (why := unavailable(name))}


def _isolating() -> list[object]:
    """Every namespaced backend, marked; plus "process" inside a container where none works."""
    params: list[object] = [pytest.param(name, marks=mark) for name, mark in NAMESPACED.items()]
    if sandbox.in_container() and all(name in UNAVAILABLE for name in NAMESPACED):
        params.append("process")
    return params


ISOLATING = _isolating()


@pytest.fixture(scope="module", params=ISOLATING)
def backend_name(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture(scope="module")
def box(backend_name: str) -> Iterator[sandbox.Sandbox]:
    opened = sandbox.open(backend_name)
    try:
        yield opened
    finally:
        opened.close()


#: Every marker a test program puts in a process's command line starts with this, so the
#: leftover checks see this session's processes only (other sandbox users may share the host).
MARKER = f"guide-rl-test-{os.getpid()}"


def processes_matching(marker: str | None = None) -> list[str]:
    """Host processes whose command line holds ``marker`` (default: this session's marker)."""
    found = []
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            cmdline = Path(entry.path, "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        if (marker or MARKER) in cmdline:
            found.append(f"{entry.name}: {cmdline[:120]}")
    return found


def unreaped_children() -> list[str]:
    """Zombie children of this test process (a backend that forgot to reap)."""
    me = str(os.getpid())
    found = []
    for entry in os.scandir("/proc"):
        with contextlib.suppress(OSError):
            fields = Path(entry.path, "stat").read_text().rsplit(")", 1)[1].split()
            if entry.name.isdigit() and fields[0] == "Z" and fields[1] == me:
                found.append(entry.name)
    return found


@pytest.fixture(scope="session")
def find_processes() -> Callable[[str], list[str]]:
    """:func:`processes_matching`, for tests."""
    return processes_matching


def leftover_dirs() -> list[str]:
    return sorted(p.name for p in Path(tempfile.gettempdir()).glob(TEMP_PREFIX + "*"))


@pytest.fixture(scope="session", autouse=True)
def nothing_left_behind() -> Iterator[None]:
    """After the whole suite: no sandbox process and no sandbox temp dir remain."""
    before = set(leftover_dirs())
    yield
    assert processes_matching() == [], "sandbox processes outlived the suite"
    assert unreaped_children() == [], "sandbox processes were never reaped"
    assert set(leftover_dirs()) - before == set(), "sandbox temp dirs outlived the suite"
