"""The command-line runner (agents/cli.py): a verifier that cannot run stops a command with one
error line."""

from __future__ import annotations

import pytest

from agents.cli import run_command
from agents.env_client import VerifierUnavailableError
from agents.guide_grpo import Args


def test_the_command_line_turns_the_stop_into_one_error_line(
        capsys: pytest.CaptureFixture[str]) -> None:
    def job(args: Args) -> None:
        raise VerifierUnavailableError("the env's verifier cannot run on this machine")

    assert run_command(Args, job, [], prog="demo") == 2
    assert capsys.readouterr().err == "error: the env's verifier cannot run on this machine\n"
