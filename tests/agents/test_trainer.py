"""A new learner is one short module on :mod:`agents.trainer`: this file adds one and runs it.

The toy learner is REINFORCE with the batch's mean reward as baseline and no guidance: its own
options (``Args(CommonArgs)``), its own update, and nothing else. Set-up, held-out evaluation,
logging, checkpoints and the summary are the trainer's.
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import pytest
import torch

from agents.batch import sequence_tensors
from agents.cli import field_docs, parse_args, run_command
from agents.logprobs import token_logprobs
from agents.trainer import CommonArgs, Run, finish_step, fit, sample_step, setup

# --- the toy learner: everything a learner has to write ----------------------------------------


@dataclass
class Args(CommonArgs):
    """REINFORCE with a mean-reward baseline (a toy learner)."""

    algo: Literal["reinforce"] = "reinforce"
    """Plain REINFORCE: no hints, no clipping."""
    group_size: int = 4
    """Rollouts per prompt."""
    output_dir: str = "runs/reinforce"
    """Where metrics, checkpoints and the summary go."""


def train_step(run: Run) -> dict[str, float]:
    """Sample, grade, and take one policy-gradient step on -(r - mean r) log pi(o|q)."""
    sampling, guidance = run.args.configs()  # the common ones; --algo reinforce: no guidance
    sample = sample_step(run, sampling, guidance)
    trajectories = [t for g in sample.groups for t in g.trajectories]
    batch = sequence_tensors(trajectories, run.tokenizer.pad_token_id, run.dist.device)
    logp, _ = token_logprobs(run.model, batch["input_ids"], batch["attention_mask"],
                             batch["mask"], temperature=run.args.temperature)
    rewards = torch.tensor([t.reward for t in trajectories])
    advantages = (rewards - rewards.mean()).to(logp.device)
    loss = -(advantages[:, None] * logp).sum() / batch["mask"].sum()
    run.optimizer.zero_grad()
    loss.backward()
    run.optimizer.step()
    run.scheduler.step()
    return finish_step(run, sample, {"losses/loss": loss.item()})


# --- the tests ---------------------------------------------------------------------------------

SMALL = ["--tiny-warmup-steps", "10", "--prompts-per-step", "4", "--steps", "2",
         "--max-new-tokens", "16", "--eval-problems", "4", "--no-progress", "--no-tensorboard"]


@pytest.fixture(autouse=True)
def _private_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Keep the tiny preset's cache out of the user's cache directory."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))


def test_the_toy_learner_trains_logs_and_saves_through_the_trainer(tmp_path: Path) -> None:
    args = parse_args(Args, [*SMALL, "--output-dir", str(tmp_path / "run")])
    run = setup(args)
    summary = fit(run, train_step)

    assert summary["steps"] == 2
    # The learner's two updates went through the trainer's optimizer and schedule (the weights
    # move only where rewards differ, which a barely warmed-up model may not give).
    adam_steps = {float(state["step"]) for state in run.optimizer.state.values()}
    assert adam_steps == {2.0} and run.scheduler.last_epoch == 2
    rows = [json.loads(line) for line in (tmp_path / "run" / "metrics.jsonl").open()]
    steps = {r["step"]: r for r in rows if "losses/loss" in r}
    assert sorted(steps) == [1, 2]
    assert all(0.0 <= steps[s]["charts/reward"] <= 1.0 for s in steps)
    assert steps[1]["charts/guided_fraction"] == 0.0
    assert (tmp_path / "run" / "final_model" / "config.json").is_file()
    assert json.loads((tmp_path / "run" / "summary.json").read_text())["steps"] == 2


def test_the_toy_learner_inherits_every_common_option_with_its_doc() -> None:
    docs = field_docs(Args)
    names = {f.name for f in dataclasses.fields(Args)}
    assert {f.name for f in dataclasses.fields(CommonArgs)} <= names
    assert docs["group_size"] == "Rollouts per prompt."  # declared again: its own doc
    assert docs["eval_split"].startswith("Share of a dataset's problems held out")
    assert parse_args(Args, ["--group-size", "2"]).group_size == 2


def test_a_bad_option_of_the_toy_learner_is_one_error_line(
        capsys: pytest.CaptureFixture[str]) -> None:
    def job(args: Args) -> None:
        fit(setup(args), train_step)

    assert run_command(Args, job, [*SMALL, "--top-p", "0"], prog="reinforce") == 2
    assert capsys.readouterr().err == "error: --top-p must be in (0, 1], got 0.0\n"


def test_a_bug_in_a_step_keeps_its_traceback(tmp_path: Path) -> None:
    def broken_step(run: Run) -> dict[str, float]:
        raise ValueError("a bug deep in the loss")

    def job(args: Args) -> None:
        fit(setup(args), broken_step)

    argv = [*SMALL, "--eval-problems", "0", "--output-dir", str(tmp_path / "run")]
    with pytest.raises(ValueError, match="a bug deep in the loss"):
        run_command(Args, job, argv, prog="reinforce")
