"""The system services some tests need, for the whole suite (tests/, doctests, README.md).

A test marked ``needs_bwrap``, ``needs_docker`` or ``needs_sandbox`` runs only where that service
works here:

* ``needs_bwrap``: bubblewrap can create a sandbox (``sandbox.bwrap``'s probe);
* ``needs_docker``: a Docker daemon answers and the sandbox image exists or can be built;
* ``needs_sandbox``: ``sandbox.open("auto")`` finds an isolating backend (bubblewrap, Docker,
  or, inside a container, the ``process`` backend), as the code verifier needs.

Where it does not, the test is skipped with a one-line reason that says what to install, or,
when ``GUIDE_RL_REQUIRE_SYSTEM=1`` (``.ci/run`` sets it; ``CI=true`` implies it unless
``GUIDE_RL_REQUIRE_SYSTEM=0``), it fails with that reason, so coverage cannot shrink silently.
It lives at the repository root so that it also reaches the doctests in the packages and in
README.md that run code in a sandbox (marked in ``pytest_collection_modifyitems`` below).
"""

from __future__ import annotations

import functools
import os

import pytest

#: Marker -> what it asks for (a line for ``pytest --markers``).
MARKERS = {
    "needs_bwrap": "needs bubblewrap (skipped without; fails under GUIDE_RL_REQUIRE_SYSTEM=1)",
    "needs_docker": "needs a Docker daemon (skipped without; fails under "
                    "GUIDE_RL_REQUIRE_SYSTEM=1)",
    "needs_sandbox": "needs an isolating sandbox backend for the code verifier (bubblewrap, "
                     "Docker, or a container); skipped without, fails under "
                     "GUIDE_RL_REQUIRE_SYSTEM=1",
}

#: Doctest item -> marker, for the examples that run code in a sandbox.
DOCTEST_NEEDS = {
    "sandbox": "needs_sandbox",
    "sandbox.bwrap.BwrapSandbox": "needs_bwrap",
    "sandbox.channel": "needs_sandbox",
    "sandbox.warm.WarmBwrapSandbox": "needs_bwrap",
    "verifiers.code.CodeVerifier": "needs_sandbox",
    "README.md": "needs_sandbox",
}

BWRAP_INSTALL = "apt-get install bubblewrap util-linux"
DOCKER_INSTALL = "apt-get install docker.io, then start dockerd"


def system_required() -> bool:
    """Whether a missing system service fails the tests that need it, instead of skipping them."""
    default = "1" if os.environ.get("CI") == "true" else "0"
    return os.environ.get("GUIDE_RL_REQUIRE_SYSTEM", default) == "1"


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _hinted(service: str, problem: str, install: str) -> str:
    """"needs <service>: <problem>", with how to install it unless the problem already says."""
    hint = "" if install.split(",")[0] in problem else f" ({install})"
    return f"needs {service}{hint}: {problem}"


@functools.cache
def missing(marker: str) -> str | None:
    """Why the service ``marker`` asks for is missing here, or None when it works.

    The reason is one line and names what to install. Probed once per session.
    """
    import sandbox

    def why(name: str) -> str | None:
        return sandbox._backend_class(name).unavailable()

    if marker == "needs_bwrap":
        problem = why("bwrap")
        return None if problem is None else _one_line(_hinted("bubblewrap", problem,
                                                              BWRAP_INSTALL))
    if marker == "needs_docker":
        problem = why("docker")
        return None if problem is None else _one_line(_hinted("a Docker daemon", problem,
                                                              DOCKER_INSTALL))
    if marker == "needs_sandbox":
        bwrap = why("bwrap")
        if bwrap is None or sandbox.in_container() or (docker := why("docker")) is None:
            return None
        return _one_line(f"needs a code sandbox: bubblewrap ({BWRAP_INSTALL}) or a Docker "
                         f"daemon ({DOCKER_INSTALL}); bwrap: {bwrap}; docker: {docker}")
    raise ValueError(f"unknown system marker {marker!r}; choose from {sorted(MARKERS)}")


def pytest_configure(config: pytest.Config) -> None:
    """Register the markers (``pytest --markers`` lists them)."""
    for name, text in MARKERS.items():
        config.addinivalue_line("markers", f"{name}: {text}")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark the doctests that run code in a sandbox (``DOCTEST_NEEDS``)."""
    for item in items:
        marker = DOCTEST_NEEDS.get(item.name) if type(item).__name__ == "DoctestItem" else None
        if marker:
            item.add_marker(marker)


def pytest_runtest_setup(item: pytest.Item) -> None:
    """Skip, or fail when the system is required, a test whose service is missing here."""
    for marker in MARKERS:
        if item.get_closest_marker(marker) is None:
            continue
        reason = missing(marker)
        if reason is None:
            continue
        if system_required():
            pytest.fail(f"{reason} [a missing system service fails under "
                        "GUIDE_RL_REQUIRE_SYSTEM=1, which CI=true implies]", pytrace=False)
        pytest.skip(reason)
