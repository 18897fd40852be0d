"""The skip-or-fail switch for tests that need bubblewrap or Docker (the root conftest.py).

A child pytest runs tests/_system_probe.py with bubblewrap and the Docker daemon out of reach (an
empty PATH, DOCKER_HOST pointing nowhere): by default both probe tests are skipped with a reason
that says what to install; with GUIDE_RL_REQUIRE_SYSTEM=1 (what .ci/run sets) both fail.
"""

from __future__ import annotations

import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]


def run_probe(tmp_path: Path, **env: str) -> tuple[int, dict[str, tuple[str, str]]]:
    """Exit status, and test name -> (outcome, message) from the child's JUnit XML report."""
    (tmp_path / "bin").mkdir(exist_ok=True)
    child_env = {key: value for key, value in os.environ.items()
                 if key not in ("CI", "GUIDE_RL_REQUIRE_SYSTEM", "PYTEST_ADDOPTS")}
    child_env.update(PATH=str(tmp_path / "bin"),  # no bwrap on it
                     DOCKER_HOST=f"unix://{tmp_path}/no-docker.sock", **env)
    report = tmp_path / f"report-{len(list(tmp_path.glob('report-*')))}.xml"
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "tests/_system_probe.py", "-q", "-p", "no:cacheprovider",
         f"--junitxml={report}"], cwd=REPO_ROOT, env=child_env, capture_output=True, text=True,
        timeout=300)
    outcomes = {}
    for case in ET.parse(report).getroot().iter("testcase"):
        result = next(iter(case), None)
        outcomes[case.get("name", "")] = ((result.tag, result.get("message", ""))
                                          if result is not None else ("passed", ""))
    return done.returncode, outcomes


def test_missing_services_skip_with_what_to_install(tmp_path: Path) -> None:
    status, outcomes = run_probe(tmp_path)
    assert status == 0, outcomes
    bwrap, docker = outcomes["test_bwrap_works"], outcomes["test_docker_works"]
    assert bwrap[0] == docker[0] == "skipped"
    assert "needs bubblewrap" in bwrap[1] and "apt-get install bubblewrap" in bwrap[1]
    assert "bwrap not found" in bwrap[1] and "\n" not in bwrap[1]
    assert "needs a Docker daemon" in docker[1] and "apt-get install docker.io" in docker[1]


@pytest.mark.parametrize("switch", [{"GUIDE_RL_REQUIRE_SYSTEM": "1"}, {"CI": "true"}])
def test_required_services_fail_instead(tmp_path: Path, switch: dict[str, str]) -> None:
    status, outcomes = run_probe(tmp_path, **switch)
    assert status == 1, outcomes
    for name, service in (("test_bwrap_works", "bubblewrap"), ("test_docker_works", "Docker")):
        outcome, message = outcomes[name]
        assert outcome in ("error", "failure") and service in message, (name, outcome, message)
        assert "fails under GUIDE_RL_REQUIRE_SYSTEM=1" in message

