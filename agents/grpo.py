"""GRPO's update with Guide's correction: :func:`with_advantages`, :func:`policy_update`.

``with_advantages`` gives every trajectory its group-normalised advantage;
``policy_update`` recomputes log-probs on the hint-free context and takes one optimizer step on
:func:`agents.losses.policy_loss`: PPO-clipped ratios for unguided tokens,
pi_theta(o|q) / pi_old(o|q+h) shaped for guided ones. The loss of each micro-batch and rank is
weighted by its share of the global normaliser (samples or tokens), and gradients are summed over
ranks, so micro-batching and data parallelism never change the update.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import torch

from agents.batch import (
    Group,
    Trajectory,
    aligned_chunks,
    global_gamma,
    global_normaliser,
    mean_over_ranks,
    normaliser,
    ref_logprobs,
    sequence_tensors,
)
from agents.distributed import Dist
from agents.logprobs import token_logprobs
from agents.losses import LossConfig, group_advantages, policy_loss
from agents.sharding import clip_grad_norm

__all__ = ["UpdateConfig", "policy_update", "with_advantages"]

#: The loss metrics an update reports (as ``losses/<key>``), NaN when undefined in a step.
_METRIC_KEYS = ("loss", "clip_frac", "ratio_mean", "guided_ratio_mean", "guided_token_frac",
               "kl", "entropy")


@dataclass(frozen=True)
class UpdateConfig:
    """How one policy update is computed.

    Example:
        >>> UpdateConfig(micro_batch=8).validate().loss.length_norm
        'sample'
    """

    loss: LossConfig = field(default_factory=LossConfig)
    micro_batch: int = 64
    """Sequences per forward pass (memory, not maths)."""
    temperature: float = 1.0
    """The sampling temperature, which the recomputed log-probs use too."""
    max_grad_norm: float = 1.0
    """Gradients are clipped to this global norm."""

    def validate(self) -> UpdateConfig:
        """Raise ValueError naming the first bad field; return self so calls can chain."""
        checks = [(self.micro_batch >= 1, "micro_batch", ">= 1"),
                  (self.temperature > 0, "temperature", "> 0"),
                  (self.max_grad_norm > 0, "max_grad_norm", "> 0")]
        for ok, name, rule in checks:
            if not ok:
                raise ValueError(f"{name} must be {rule}, got {getattr(self, name)!r}")
        self.loss.validate()
        return self


def with_advantages(groups: Sequence[Group], *, scale_by_std: bool = True) -> list[Trajectory]:
    """Every trajectory with its group-normalised advantage."""
    out = []
    for group in groups:
        rewards = torch.tensor([[t.reward for t in group.trajectories]], dtype=torch.float32)
        advantages = group_advantages(rewards, scale_by_std=scale_by_std)[0].tolist()
        out.extend(replace(t, advantage=a)
                   for t, a in zip(group.trajectories, advantages, strict=True))
    return out


def policy_update(model: torch.nn.Module, optimizer: torch.optim.Optimizer, scheduler: Any,
                  trajectories: Sequence[Trajectory], settings: UpdateConfig, *,
                  pad_id: int, dist: Dist, ref_model: torch.nn.Module | None = None
                  ) -> dict[str, float]:
    """One optimizer step on this rank's ``trajectories`` (gradients summed over ranks).

    ``model`` is plain or prepared by :func:`agents.sharding.prepare` (then every rank must
    call this together).
    """
    device = next(model.parameters()).device
    cfg = settings.loss
    total = global_normaliser(trajectories, cfg, dist)
    gamma = global_gamma(model, trajectories, cfg, micro_batch=settings.micro_batch,
                         temperature=settings.temperature, pad_id=pad_id, dist=dist,
                         device=device)
    optimizer.zero_grad(set_to_none=True)
    sums: dict[str, float] = {}
    weights: dict[str, float] = {}
    model.train()
    for chunk in aligned_chunks(trajectories, settings.micro_batch, dist):
        tensors = sequence_tensors(chunk, pad_id, device)
        logp, entropy = token_logprobs(model, tensors["input_ids"], tensors["attention_mask"],
                                       tensors["mask"], temperature=settings.temperature,
                                       with_entropy=cfg.entropy_coef > 0)
        ref = ref_logprobs(ref_model, tensors, settings.temperature) if cfg.kl_coef > 0 else None
        loss, metrics = policy_loss(logp, tensors["old_logp"], tensors["advantages"],
                                    tensors["mask"], tensors["guided"], cfg, ref_logp=ref,
                                    entropy=entropy, gamma=gamma)
        weight = normaliser(chunk, cfg) / total if total else 0.0
        (loss * weight * dist.world).backward()  # ranks' gradients are averaged: make it a sum
        for key, value in metrics.items():  # weighted means, skipping undefined (NaN) values
            if chunk and math.isfinite(value):
                sums[key] = sums.get(key, 0.0) + value * weight
                weights[key] = weights.get(key, 0.0) + weight
    grad_norm = clip_grad_norm([p for p in model.parameters() if p.requires_grad],
                               settings.max_grad_norm)
    optimizer.step()
    scheduler.step()
    out = {f"losses/{k}": mean_over_ranks(dist, sums.get(k, 0.0), weights.get(k, 0.0))
           for k in _METRIC_KEYS}
    out["losses/gamma"] = float("nan") if gamma is None else gamma
    out["losses/grad_norm"] = grad_norm
    out["charts/learning_rate"] = float(scheduler.get_last_lr()[0])
    return out
