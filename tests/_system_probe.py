"""One test per system-service marker, run by test_system_requirements.py in a child pytest.

Not collected by the suite (the name does not start with ``test_``). Each test checks that the
service it is marked for really works, so a marker that let a test run without it would fail.
"""

from __future__ import annotations

import pytest

import sandbox


@pytest.mark.needs_bwrap
def test_bwrap_works() -> None:
    assert sandbox._backend_class("bwrap").unavailable() is None


@pytest.mark.needs_docker
def test_docker_works() -> None:
    assert sandbox._backend_class("docker").unavailable() is None
