"""``python -m agents.guide_ppo``: Guide-PPO, and vanilla PPO by flag.

Reads top to bottom like :mod:`agents.guide_grpo`: the options, the configs, one training step,
the job; the loop around the step is :mod:`agents.trainer`'s. Per step: sample G rollouts per
prompt (Guide decides on hints per prompt from its group, so the group stays even though PPO
needs no group baseline), score values on the hint-free context, GAE, and ``--ppo-epochs`` x
``--minibatches`` updates of policy and critic (:mod:`agents.ppo`). With no arguments it runs
the embedded default offline on a CPU: the ``tiny`` preset on the ``rewrite_chain`` level where
hints make the difference.

Several processes: ``torchrun --nproc_per_node 2 -m agents.guide_ppo [--shard fsdp] ...``.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal, cast

from agents import trainer
from agents.cli import run_command
from agents.guidance import GuidanceConfig
from agents.ppo import Critic, PPOConfig, make_critic, ppo_update
from agents.sampling import SamplingConfig, kept_groups
from agents.trainer import CommonArgs, Run, finish_step, sample_step

__all__ = ["Args", "main", "train", "train_step"]


@dataclass
class Args(CommonArgs):
    """Guide-PPO: PPO with a learned critic and adaptive guidance (vanilla PPO by flag).

    With no arguments: the embedded default, offline on a CPU in minutes.
    """

    algo: Literal["guide", "ppo"] = "guide"
    """Guide-PPO or vanilla PPO (no hints)."""
    steps: int = 200
    """Training steps (one rollout phase and --ppo-epochs x --minibatches updates each)."""
    group_size: int = 4
    """Rollouts per prompt (G); at least 1. PPO needs no group, but Guide decides on hints per
    prompt from its G rollouts (1: guide whenever the single rollout fails)."""
    learning_rate: float = 2e-4
    """AdamW learning rate (policy and critic)."""
    length_norm: Literal["sample", "token"] = "token"
    """Average the policy loss over all real tokens, or over each sample's tokens then samples."""
    kl_coef: float = 0.0
    """Per-token reward penalty beta*(log pi_old - log pi_init), as in RLHF PPO (0: off, no
    reference model is kept)."""
    output_dir: str = "runs/guide_ppo"
    """Where metrics, checkpoints (policy and critic) and the summary go."""
    critic: Literal["head", "separate"] = "head"
    """Value function: a value head on the policy's backbone, or a separate copy of the model
    with its own head. Values are always computed on the hint-free context."""
    gamma: float = 1.0
    """GAE discount (not Guide's shaping gamma, which --gamma-quantile sets)."""
    lam: float = 0.95
    """GAE lambda."""
    whiten_advantages: bool = True
    """Normalise advantages to mean 0 and std 1 over the batch's real tokens."""
    vf_coef: float = 0.5
    """Weight of the value loss."""
    vf_clip: float = 0.2
    """Clip range eps_v of the value loss around the rollout values (0: unclipped)."""
    ppo_epochs: int = 1
    """Passes over each step's rollouts (2 drifted and collapsed on the tiny default; see
    docs/guide_vs_grpo.md)."""
    minibatches: int = 1
    """Optimizer steps per pass (the step's rollouts split this many ways)."""

    def configs(self) -> tuple[SamplingConfig, GuidanceConfig, PPOConfig]:
        """The sampling, guidance and update configs the options describe (validated).

        The KL penalty is in PPO's reward (``PPOConfig.kl_coef``), not in its policy loss.
        """
        update = PPOConfig(self.loss_config(kl_coef=0.0), gamma=self.gamma, lam=self.lam,
                           whiten=self.whiten_advantages, vf_coef=self.vf_coef,
                           vf_clip=self.vf_clip, kl_coef=self.kl_coef, epochs=self.ppo_epochs,
                           minibatches=self.minibatches, micro_batch=self.micro_batch,
                           temperature=self.temperature)
        return (self.sampling_config().validate(), self.guidance_config().validate(),
                update.validate())


def train_step(run: Run, sampling: SamplingConfig, guidance: GuidanceConfig,
               update: PPOConfig) -> dict[str, float]:
    """Sample (with guidance), grade, estimate advantages, and update; the step's metrics."""
    sample = sample_step(run, sampling, guidance)
    trajectories = [t for g in kept_groups(sample.groups) for t in g.trajectories]
    critic = cast(Critic, (run.modules or {})["critic"])  # train() asks setup for it
    metrics = ppo_update(run.model, critic, run.optimizer, run.scheduler, trajectories, update,
                         pad_id=run.tokenizer.pad_token_id, dist=run.dist,
                         ref_model=run.ref_model, seed=sample.seed)
    return finish_step(run, sample, metrics)


def train(args: Args) -> dict[str, Any]:
    """Run the whole job; returns the summary (also written to ``summary.json``)."""
    return trainer.train(args, train_step,
                         modules=lambda policy: {"critic": make_critic(policy, args.critic)})


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command; returns the exit status (2 for bad options or input)."""
    return run_command(Args, train, argv, prog="python -m agents.guide_ppo")


if __name__ == "__main__":
    sys.exit(main())
