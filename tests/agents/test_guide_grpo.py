"""``python -m agents.guide_grpo``: help, clear errors, a short run, and exact resumption."""

from __future__ import annotations

import dataclasses
import json
import subprocess
import sys
from pathlib import Path

import pytest
import torch

from agents.checkpoint import read_weights
from agents.cli import field_docs
from agents.guide_grpo import Args, main

#: A run small enough for a test: a 10-step warm-up, 4 prompts x 4 rollouts, short completions.
SMALL = ["--tiny-warmup-steps", "10", "--prompts-per-step", "4", "--group-size", "4",
         "--max-new-tokens", "16", "--eval-problems", "4", "--no-progress",
         "--no-tensorboard"]


@pytest.fixture(autouse=True)
def _private_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Keep the tiny preset's cache out of the user's cache directory."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))


def test_help_documents_every_option() -> None:
    out = subprocess.run([sys.executable, "-m", "agents.guide_grpo", "--help"],
                         capture_output=True, text=True, timeout=120, check=True).stdout
    docs = field_docs(Args)
    for field in dataclasses.fields(Args):
        assert "--" + field.name.replace("_", "-") in out, field.name
        assert docs[field.name].split()[0] in out, field.name
    assert "embedded default" in out


@pytest.mark.parametrize(("argv", "message"), [
    (["--env", "guide/Nope-v0"], "cannot make env 'guide/Nope-v0'"),
    (["--env", "CartPole-v1"], "non-text observation_space"),
    (["--model", "/no/such/model"], "/no/such/model"),
    (["--group-size", "1"], "--group-size must be at least 2"),
    (["--env-kwargs", "[1, 2]"], "env kwargs must be a JSON object"),
    (["--env-kwargs", '{"difficulty": 9}'], "difficulty must be in 1..5"),
    (["--temperature", "0"], "--temperature must be positive"),
])
def test_bad_input_is_a_clear_error(argv: list[str], message: str,
                                    capsys: pytest.CaptureFixture[str]) -> None:
    assert main([*SMALL, *argv]) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err


def _run(out: Path, *argv: str) -> dict[int, dict[str, float]]:
    assert main([*SMALL, "--output-dir", str(out), *argv]) == 0
    rows = [json.loads(line) for line in (out / "metrics.jsonl").open()]
    return {r["step"]: r for r in rows if "charts/reward" in r}


def test_a_short_run_trains_logs_and_saves(tmp_path: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    steps = _run(tmp_path / "run", "--steps", "2")
    assert sorted(steps) == [1, 2]
    assert steps[1]["charts/guided_fraction"] == 1.0  # level 3 defeats a 10-step warm-up
    summary = json.loads((tmp_path / "run" / "summary.json").read_text())
    assert summary["steps"] == 2 and 0.0 <= summary["pass@1_after"] <= 1.0
    assert (tmp_path / "run" / "final_model" / "config.json").exists()
    out = capsys.readouterr().out
    assert "held-out pass@1 before training" in out and "before ->" in out


@pytest.mark.parametrize("algo", ["grpo", "filter-grpo"])
def test_baselines_never_use_hints(tmp_path: Path, algo: str) -> None:
    steps = _run(tmp_path / algo, "--steps", "1", "--algo", algo)
    assert steps[1]["charts/hints_requested"] == 0 and steps[1]["charts/guided_fraction"] == 0


def test_a_resumed_run_takes_the_same_next_steps(tmp_path: Path) -> None:
    straight = _run(tmp_path / "a", "--steps", "4", "--checkpoint-interval", "2")
    _run(tmp_path / "b", "--steps", "2", "--checkpoint-interval", "2")
    resumed = _run(tmp_path / "b", "--steps", "4", "--checkpoint-interval", "2", "--resume")
    for step in (3, 4):
        for key in ("charts/reward", "losses/loss", "losses/gamma", "losses/grad_norm",
                    "charts/completion_tokens"):
            a, b = straight[step].get(key), resumed[step].get(key)
            assert a == b or (a is None and b is None), (step, key, a, b)
    weights_a = read_weights(tmp_path / "a" / "checkpoints" / "step_00000004")
    weights_b = read_weights(tmp_path / "b" / "checkpoints" / "step_00000004")
    for key in weights_a:
        assert torch.equal(weights_a[key], weights_b[key]), key


def test_resume_without_a_checkpoint_is_a_clear_error(tmp_path: Path,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    assert main([*SMALL, "--output-dir", str(tmp_path / "none"), "--resume"]) == 2
    assert "no checkpoint under" in capsys.readouterr().err


def test_without_held_out_problems_it_says_evaluation_is_off(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _run(tmp_path / "run", "--steps", "1", "--eval-problems", "0")
    out = capsys.readouterr().out
    assert "held-out evaluation off" in out and "nan" not in out
