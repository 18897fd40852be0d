"""The main-job command: runs, documents its options, rejects bad input cleanly."""

from __future__ import annotations

import subprocess
import sys

import pytest

from agents.guide_grpo import main


def test_main_job_runs_and_reports(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--problems", "3", "--show", "1"]) == 0
    out = capsys.readouterr().out
    assert "Graded 9 responses to 3 problems" in out
    assert "reference solution   correct 3" in out
    assert "wrong answer         incorrect 3" in out


def test_help_documents_every_option() -> None:
    out = subprocess.run([sys.executable, "-m", "agents.guide_grpo", "--help"],
                         capture_output=True, text=True, timeout=120, check=True).stdout
    for flag in ("--env", "--problems", "--difficulty", "--seed", "--show"):
        assert flag in out
    assert "Gymnasium id of the environment" in out


@pytest.mark.parametrize(("argv", "message"), [
    (["--problems", "0"], "--problems must be at least 1"),
    (["--env", "guide/Nope-v0"], "error:"),
    (["--difficulty", "7"], "difficulty must be in 1..5"),
])
def test_bad_input_is_a_clear_error(argv: list[str], message: str,
                                    capsys: pytest.CaptureFixture[str]) -> None:
    assert main(argv) == 2
    assert message in capsys.readouterr().err
