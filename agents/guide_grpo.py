"""``python -m agents.guide_grpo``: Guide-GRPO, and vanilla GRPO and Filter-GRPO by flag.

Reads top to bottom like CleanRL: the options, the configs they describe, one training step
(sample groups with guidance, group-normalised advantages, one policy update), and the job. The
loop around the step (set-up, held-out evaluation, logging, checkpoints, the summary) is
:mod:`agents.trainer`'s, shared with every learner. With no arguments it runs the embedded
default offline on a CPU: the ``tiny`` preset (a 1M-parameter Qwen2-style model with a
character tokenizer, warm-started once by supervised training on easy chain-of-rewrites problems
and cached) trained on the harder ``rewrite_chain`` level where hints make the difference.

Data parallel: ``torchrun --nproc_per_node 2 -m agents.guide_grpo ...`` (gloo on CPU, NCCL on
GPU); see :mod:`agents.distributed`.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal, cast

from agents.cli import run_command
from agents.errors import UsageError
from agents.grpo import UpdateConfig, policy_update, with_advantages
from agents.guidance import GuidanceConfig
from agents.losses import LossConfig
from agents.sampling import SamplingConfig, group_stats, kept_groups, sample_groups
from agents.trainer import CommonArgs, Run, fit, record_samples, setup, step_seed

__all__ = ["Args", "configs", "main", "train", "train_step"]


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
        super().validate()
        if self.group_size < 2:
            raise UsageError(f"--group-size must be at least 2 (GRPO compares rollouts within a "
                             f"group), got {self.group_size}")
        try:
            configs(self)
        except ValueError as exc:  # name the option, not the config field
            raise UsageError(f"bad option: {exc} (see --help)") from None
        return self


def configs(args: Args) -> tuple[SamplingConfig, GuidanceConfig, UpdateConfig]:
    """The sampling, guidance and update configs the options describe (validated)."""
    sampling = SamplingConfig(args.group_size, args.max_new_tokens, args.max_prompt_tokens,
                              args.temperature, args.top_p)
    guidance = GuidanceConfig(enabled=args.algo == "guide", threshold=args.guidance_threshold,
                              mix=args.guidance_mix,
                              filter_equal=args.filter_groups or args.algo == "filter-grpo")
    loss = LossConfig(clip_eps=args.clip_eps, shaping=args.shaping,
                      gamma_quantile=args.gamma_quantile, power=args.power,
                      length_norm=args.length_norm, kl_coef=args.kl_coef,
                      entropy_coef=args.entropy_coef)
    update = UpdateConfig(loss, args.micro_batch, args.temperature)
    return sampling.validate(), guidance.validate(), update.validate()


def train_step(run: Run, sampling: SamplingConfig, guidance: GuidanceConfig,
               update: UpdateConfig) -> dict[str, float]:
    """Sample (with guidance), grade, and update once; returns the step's metrics."""
    args, dist = cast(Args, run.args), run.dist
    started = time.perf_counter()
    prompts = dist.shard(run.client.draw(args.prompts_per_step))
    seed = step_seed(args.seed, run.step, dist.rank)
    groups = sample_groups(run.client, run.engine, run.tokenizer, prompts, sampling, guidance,
                           seed)
    sampled = time.perf_counter()
    record_samples(run, prompts, groups)
    trajectories = with_advantages(kept_groups(groups), scale_by_std=args.scale_by_std)
    metrics = group_stats(groups, dist)
    metrics.update(policy_update(run.model, run.optimizer, run.scheduler, trajectories, update,
                                 pad_id=run.tokenizer.pad_token_id, dist=dist,
                                 ref_model=run.ref_model))
    run.engine.load_weights(run.model)
    run.step += 1
    metrics["time/sample_s"] = sampled - started
    metrics["time/step_s"] = time.perf_counter() - started
    return metrics


def train(args: Args) -> dict[str, Any]:
    """Run the whole job; returns the summary (also written to ``summary.json``)."""
    run = setup(args)
    sampling, guidance, update = configs(args)
    return fit(run, lambda r: train_step(r, sampling, guidance, update))


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command; returns the exit status (2 for bad options or input)."""
    return run_command(Args, train, argv, prog="python -m agents.guide_grpo")


if __name__ == "__main__":
    sys.exit(main())
