"""``python -m agents.guide_ppo``: help, clear errors, short runs, and exact resumption."""

from __future__ import annotations

import dataclasses
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import gymnasium as gym
import pytest
import torch

import guide_envs
from agents.checkpoint import read_weights
from agents.cli import field_docs
from agents.guide_ppo import Args, main

#: A run small enough for a test: a 10-step warm-up, 4 prompts x 2 rollouts, short completions.
SMALL = ["--tiny-warmup-steps", "10", "--prompts-per-step", "4", "--group-size", "2",
         "--max-new-tokens", "12", "--eval-problems", "2", "--no-progress", "--no-tensorboard"]


class EvenLength(gym.Env[str, str]):
    """A third-party env whose reward varies (even-length answers win), so updates move."""

    observation_space = action_space = guide_envs.UnicodeText(200)

    def reset(self, *, seed: int | None = None,
              options: dict[str, Any] | None = None) -> tuple[str, dict[str, Any]]:
        super().reset(seed=seed)
        pid = (options or {}).get("problem_id") or f"q{int(self.np_random.integers(100))}"
        return f"Q:{pid[1:]}+1 S:", {"problem_id": pid}

    def step(self, action: str) -> tuple[str, float, bool, bool, dict[str, Any]]:
        reward = float(len(action) % 2 == 0)
        return "", reward, True, False, {"verdict": {"correct": reward == 1.0}}


gym.register("test/EvenLength-v0", entry_point=EvenLength)


@pytest.fixture(autouse=True)
def _private_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Keep the tiny preset's cache out of the user's cache directory."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))


def test_help_documents_every_option() -> None:
    out = subprocess.run([sys.executable, "-m", "agents.guide_ppo", "--help"],
                         capture_output=True, text=True, timeout=120, check=True).stdout
    docs = field_docs(Args)
    for field in dataclasses.fields(Args):
        assert "--" + field.name.replace("_", "-") in out, field.name
        assert docs[field.name].split()[0] in out, field.name
    assert "embedded default" in out and "{head,separate}" in out and "{guide,ppo}" in out


@pytest.mark.parametrize(("argv", "message"), [
    (["--env", "guide/Nope-v0"], "cannot make env 'guide/Nope-v0'"),
    (["--model", "/no/such/model"], "/no/such/model"),
    (["--group-size", "0"], "--group-size must be at least 1"),
    (["--guidance-mix", "2"], "--guidance-mix must be in [0, group size)"),
    (["--gamma", "1.5"], "gamma must be in [0, 1], got 1.5"),
    (["--lam", "-1"], "lam must be in [0, 1], got -1.0"),
    (["--ppo-epochs", "0"], "epochs must be >= 1, got 0"),
    (["--minibatches", "0"], "minibatches must be >= 1, got 0"),
    (["--temperature", "0"], "--temperature must be positive"),
])
def test_bad_input_is_a_clear_error(argv: list[str], message: str,
                                    capsys: pytest.CaptureFixture[str]) -> None:
    assert main([*SMALL, *argv]) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err


def test_an_unknown_critic_is_refused_by_the_parser(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main([*SMALL, "--critic", "twin"])
    assert exit_info.value.code == 2
    assert "invalid choice: 'twin'" in capsys.readouterr().err


def _run(out: Path, *argv: str) -> dict[int, dict[str, float]]:
    assert main([*SMALL, "--output-dir", str(out), *argv]) == 0
    rows = [json.loads(line) for line in (out / "metrics.jsonl").open()]
    return {r["step"]: r for r in rows if "charts/reward" in r}


def test_a_short_guide_ppo_run_trains_logs_and_saves_the_critic(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    steps = _run(tmp_path / "run", "--steps", "2", "--critic", "separate")
    assert sorted(steps) == [1, 2]
    assert steps[1]["charts/guided_fraction"] == 1.0  # level 3 defeats a 10-step warm-up
    assert steps[1]["losses/guided_token_frac"] == 1.0 and "losses/gamma" in steps[1]
    assert "losses/value_loss" in steps[1] and "charts/value_mean" in steps[1]
    summary = json.loads((tmp_path / "run" / "summary.json").read_text())
    assert summary["steps"] == 2 and 0.0 <= summary["pass@1_after"] <= 1.0
    assert (tmp_path / "run" / "final_model" / "config.json").exists()
    weights = read_weights(Path(summary["checkpoint"]))
    assert "critic.head.weight" in weights and "critic.backbone.embed_tokens.weight" in weights
    assert any(k.startswith("policy.") for k in weights)
    out = capsys.readouterr().out
    assert "held-out pass@1 before training" in out and "before ->" in out


def test_vanilla_ppo_never_uses_hints_and_allows_one_rollout(tmp_path: Path) -> None:
    steps = _run(tmp_path / "ppo", "--steps", "1", "--algo", "ppo", "--group-size", "1")
    assert steps[1]["charts/hints_requested"] == 0 and steps[1]["charts/guided_fraction"] == 0
    assert steps[1]["losses/guided_token_frac"] == 0


def test_a_resumed_run_takes_the_same_next_steps(tmp_path: Path) -> None:
    # A third-party env has no hints (HintOnFailure needs a Problem), hence vanilla PPO here.
    common = ["--env", "test/EvenLength-v0", "--algo", "ppo", "--checkpoint-interval", "2",
              "--minibatches", "2"]
    straight = _run(tmp_path / "a", "--steps", "3", *common)
    _run(tmp_path / "b", "--steps", "2", *common)
    resumed = _run(tmp_path / "b", "--steps", "3", "--resume", *common)
    assert straight[1]["losses/grad_norm"] > 0  # rewards vary, so the update moves
    for key in ("charts/reward", "losses/policy_loss", "losses/value_loss", "losses/grad_norm",
                "charts/value_mean", "charts/completion_tokens"):
        a, b = straight[3].get(key), resumed[3].get(key)
        assert a == b or (a is None and b is None), (key, a, b)
    weights_a = read_weights(tmp_path / "a" / "checkpoints" / "step_00000003")
    weights_b = read_weights(tmp_path / "b" / "checkpoints" / "step_00000003")
    assert "critic.head.weight" in weights_a
    for key in weights_a:
        assert torch.equal(weights_a[key], weights_b[key]), key
