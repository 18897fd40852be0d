"""``python -m agents.guide_grpo``: Guide-GRPO, and vanilla GRPO and Filter-GRPO by flag.

Reads top to bottom like CleanRL: the options, the configs they describe, one training step
(sample groups with guidance, group-normalised advantages, one policy update), and the job. The
loop around the step (set-up, held-out evaluation, logging, checkpoints, the summary) is
:mod:`agents.trainer`'s, shared with every learner. With no arguments it runs the embedded
default offline on a CPU: the ``tiny`` preset (a 1M-parameter Qwen2-style model with a
character tokenizer, warm-started once by supervised training on easy chain-of-rewrites problems
and cached) trained on the harder ``rewrite_chain`` level where hints make the difference.

Several processes: ``torchrun --nproc_per_node 2 -m agents.guide_grpo [--shard fsdp] ...``
(gloo on CPU, NCCL on GPU); see :mod:`agents.sharding`.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal, cast

from agents import trainer
from agents.cli import run_command
from agents.errors import UsageError
from agents.grpo import UpdateConfig, policy_update, with_advantages
from agents.guidance import GuidanceConfig
from agents.sampling import SamplingConfig, kept_groups
from agents.trainer import CommonArgs, Run, finish_step, sample_step

__all__ = ["Args", "main", "train", "train_step"]


@dataclass
class Args(CommonArgs):
    """Guide-GRPO: RL with verifiable rewards and adaptive guidance (GRPO and Filter-GRPO by flag).

    With no arguments: the embedded default, offline on a CPU in about ten minutes.
    """

    algo: Literal["guide", "grpo", "filter-grpo"] = "guide"
    """Guide-GRPO, vanilla GRPO (no hints) or Filter-GRPO (no hints, equal-reward groups
    dropped)."""
    group_size: int = 8
    """Rollouts per prompt (G); at least 2."""
    filter_groups: bool = False
    """Drop groups whose rewards are all equal (Filter-GRPO's rule, also with guidance)."""
    scale_by_std: bool = True
    """Divide advantages by the group's standard deviation."""
    output_dir: str = "runs/guide_grpo"
    """Where metrics, checkpoints and the summary go."""

    def validate(self) -> Args:
        """Raise :class:`~agents.errors.UsageError` naming the first bad option; return self."""
        if self.group_size < 2:
            raise UsageError(f"--group-size must be at least 2 (GRPO compares rollouts within a "
                             f"group), got {self.group_size}")
        super().validate()
        return self

    def configs(self) -> tuple[SamplingConfig, GuidanceConfig, UpdateConfig]:
        """The sampling, guidance and update configs the options describe (validated)."""
        filter_equal = self.filter_groups or self.algo == "filter-grpo"
        update = UpdateConfig(self.loss_config(), self.micro_batch, self.temperature)
        return (self.sampling_config().validate(),
                self.guidance_config(filter_equal=filter_equal).validate(), update.validate())


def train_step(run: Run, sampling: SamplingConfig, guidance: GuidanceConfig,
               update: UpdateConfig) -> dict[str, float]:
    """Sample (with guidance), grade, and update once; returns the step's metrics."""
    args = cast(Args, run.args)
    sample = sample_step(run, sampling, guidance)
    trajectories = with_advantages(kept_groups(sample.groups), scale_by_std=args.scale_by_std)
    metrics = policy_update(run.model, run.optimizer, run.scheduler, trajectories, update,
                            pad_id=run.tokenizer.pad_token_id, dist=run.dist,
                            ref_model=run.ref_model)
    return finish_step(run, sample, metrics)


def train(args: Args) -> dict[str, Any]:
    """Run the whole job; returns the summary (also written to ``summary.json``)."""
    return trainer.train(args, train_step)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command; returns the exit status (2 for bad options or input)."""
    return run_command(Args, train, argv, prog="python -m agents.guide_grpo")


if __name__ == "__main__":
    sys.exit(main())
