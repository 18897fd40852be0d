"""Guide-PPO's learner: Critic, gae, value_loss, PPOConfig, estimate_advantages, ppo_update.

PPO for language models with a learned critic (Ouyang et al. 2022; CleanRL's ``ppo.py``), plus
Guide's guidance: a trajectory sampled from q + h trains the hint-free policy through the ratio
pi_theta(o_t | q, o_<t) / pi_old(o_t | q+h, o_<t), shaped as :func:`agents.losses.policy_loss`
does. The critic always sees the hint-free context: V(s_t) = V(q, o_<t), so the values, and the
GAE advantages built from them, describe the policy that will run without hints.

Rewards: the verifier's r at each completion's last token (and, with ``kl_coef``, a per-token
penalty -beta (log pi_theta_old - log pi_ref) on every token). GAE with discount ``gamma`` and
``lam``: delta_t = r_t + gamma V(s_{t+1}) - V(s_t), V after the last token = 0,
A_t = sum_k (gamma lam)^k delta_{t+k}, returns R_t = A_t + V(s_t).
"""

from __future__ import annotations

import copy
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import torch
from torch import Tensor, nn

from agents.batch import (
    Trajectory,
    aligned_chunks,
    global_gamma,
    mean_over_ranks,
    normaliser,
    ref_logprobs,
    sequence_tensors,
)
from agents.distributed import Dist
from agents.logprobs import token_logprobs
from agents.losses import LossConfig, policy_loss
from agents.sharding import clip_grad_norm

__all__ = [
    "CRITICS",
    "Critic",
    "PPOConfig",
    "Targets",
    "estimate_advantages",
    "gae",
    "make_critic",
    "ppo_update",
    "terminal_rewards",
    "value_loss",
]

CriticKind = Literal["head", "separate"]
#: The critic architectures :func:`make_critic` builds.
CRITICS = ("head", "separate")


class Critic(nn.Module):
    """V(s_t) for every completion token t, from a backbone's last hidden state.

    ``backbone=None`` shares the policy's backbone (a value head on the policy, passed to
    :meth:`forward`); otherwise the critic owns its backbone. The head starts at zero, so the
    first advantages are the plain returns whatever the initialisation. With a shared backbone
    the update runs it twice per micro-batch (log-probs, then values): simpler, not cheaper.
    """

    def __init__(self, hidden_size: int, backbone: nn.Module | None = None) -> None:
        super().__init__()
        self.backbone = backbone
        self.head = nn.Linear(hidden_size, 1)
        nn.init.zeros_(self.head.weight)
        nn.init.zeros_(self.head.bias)

    def forward(self, policy: nn.Module, input_ids: Tensor, attention_mask: Tensor,
                completion_mask: Tensor) -> Tensor:
        """Float32 ``[N, L]`` values aligned like :func:`agents.logprobs.token_logprobs`.

        The value at token t's position is read from the hidden state of the position before
        it, i.e. of the state (context, o_<t) in which o_t is chosen; 0 off the completion.
        """
        backbone = policy if self.backbone is None else self.backbone
        position_ids = (attention_mask.long().cumsum(dim=1) - 1).clamp(min=0)
        hidden = backbone(input_ids=input_ids, attention_mask=attention_mask,
                          position_ids=position_ids, output_hidden_states=True).hidden_states[-1]
        values = self.head(hidden.float()).squeeze(-1)
        values = nn.functional.pad(values[:, :-1], (1, 0))
        return values.masked_fill(~completion_mask.bool(), 0.0)


def make_critic(policy: nn.Module, kind: CriticKind = "head") -> Critic:
    """A zero-initialised critic for ``policy``, on its device.

    "head": a value head on the policy's backbone (shared weights, one optimizer).
    "separate": a trainable copy of the policy's backbone (the same weights and config, without
    the language-model head; under LoRA, every weight of the copy trains) with its own head.

    Example:
        >>> from agents.tiny import tiny_config, tiny_tokenizer
        >>> from transformers import Qwen2ForCausalLM
        >>> critic = make_critic(Qwen2ForCausalLM(tiny_config(tiny_tokenizer())), "separate")
        >>> type(critic.backbone).__name__
        'Qwen2Model'
    """
    if kind not in CRITICS:
        raise ValueError(f"critic must be one of {CRITICS}, got {kind!r}")
    device = next(policy.parameters()).device
    hidden_size = int(policy.config.hidden_size)
    if kind == "head":
        return Critic(hidden_size).to(device)
    base = policy.get_base_model() if hasattr(policy, "get_base_model") else policy
    backbone = copy.deepcopy(base.base_model).train()
    for p in backbone.parameters():
        p.requires_grad_(True)
    return Critic(hidden_size, backbone).to(device)


def terminal_rewards(rewards: Tensor, mask: Tensor) -> Tensor:
    """Per-token rewards ``[N, T]``: each row's reward ``rewards [N]`` at its last real token.

    >>> terminal_rewards(torch.tensor([1.0, 0.5]),
    ...                  torch.tensor([[True, True, False], [False, True, True]]))
    tensor([[0.0000, 1.0000, 0.0000],
            [0.0000, 0.0000, 0.5000]])
    """
    mask = mask.bool()
    last = mask.shape[1] - 1 - mask.flip(1).int().argmax(dim=1)
    out = torch.zeros(mask.shape, dtype=torch.float32, device=mask.device)
    rows = torch.arange(len(mask), device=mask.device)
    out[rows, last] = rewards.float().to(mask.device)
    return out.masked_fill(~mask, 0.0)


def gae(rewards: Tensor, values: Tensor, mask: Tensor, *, gamma: float = 1.0,
        lam: float = 0.95) -> tuple[Tensor, Tensor]:
    """Generalised advantage estimates and returns, ``[N, T]`` each, 0 off ``mask``.

    Each row's real tokens (``mask``) are one contiguous episode; the value after its last
    token is 0. delta_t = r_t + gamma V_{t+1} - V_t, A_t = delta_t + gamma lam A_{t+1},
    R_t = A_t + V_t.

    Example (one episode of two tokens, reward 1 at the end):
        >>> A, R = gae(torch.tensor([[0.0, 1.0]]), torch.tensor([[0.5, 0.5]]),
        ...            torch.ones(1, 2, dtype=torch.bool), gamma=1.0, lam=1.0)
        >>> A, R
        (tensor([[0.5000, 0.5000]]), tensor([[1., 1.]]))
    """
    mask = mask.bool()
    rewards = rewards.float().masked_fill(~mask, 0.0)
    values = values.detach().float().masked_fill(~mask, 0.0)
    advantages = torch.zeros_like(values)
    next_value = torch.zeros(len(values), device=values.device)
    next_advantage = torch.zeros_like(next_value)
    for t in reversed(range(values.shape[1])):
        real = mask[:, t]
        delta = rewards[:, t] + gamma * next_value - values[:, t]
        advantage = delta + gamma * lam * next_advantage
        advantages[:, t] = torch.where(real, advantage, 0.0)
        next_value = torch.where(real, values[:, t], 0.0)
        next_advantage = advantages[:, t]
    return advantages, (advantages + values).masked_fill(~mask, 0.0)


def value_loss(values: Tensor, old_values: Tensor, returns: Tensor, mask: Tensor,
               clip_eps: float | None = 0.2) -> Tensor:
    """0.5 max((V - R)^2, (clip(V, V_old - eps, V_old + eps) - R)^2), mean over real tokens.

    ``clip_eps=None`` (or 0) gives the unclipped 0.5 (V - R)^2.

    >>> mask = torch.tensor([[True, True, False]])
    >>> value_loss(torch.tensor([[0.9, 0.0, 7.0]]), torch.tensor([[0.5, 0.5, 0.0]]),
    ...            torch.tensor([[1.0, 1.0, 0.0]]), mask, 0.2)
    tensor(0.2725)
    """
    mask = mask.bool()
    per_token = (values.float() - returns) ** 2
    if clip_eps:
        clipped = old_values + (values.float() - old_values).clamp(-clip_eps, clip_eps)
        per_token = torch.maximum(per_token, (clipped - returns) ** 2)
    per_token = 0.5 * per_token.masked_fill(~mask, 0.0)
    return per_token.sum() / mask.sum().clamp(min=1)


@dataclass(frozen=True)
class PPOConfig:
    """How one PPO update (``epochs`` passes over the batch in ``minibatches``) is computed."""

    loss: LossConfig = field(default_factory=lambda: LossConfig(length_norm="token"))
    gamma: float = 1.0
    """Discount of GAE (not Guide's shaping gamma, which ``loss.gamma_quantile`` sets)."""
    lam: float = 0.95
    """GAE's lambda."""
    whiten: bool = True
    """Normalise advantages to mean 0, std 1 over the batch's real tokens (all ranks)."""
    vf_coef: float = 0.5
    """Weight of the value loss."""
    vf_clip: float = 0.2
    """eps_v of the clipped value loss (0: unclipped)."""
    kl_coef: float = 0.0
    """beta of the per-token reward penalty -beta (log pi_old - log pi_ref) (0: off)."""
    epochs: int = 1
    """Passes over the batch (2 drifted and collapsed on the tiny default task)."""
    minibatches: int = 1
    micro_batch: int = 64
    temperature: float = 1.0
    max_grad_norm: float = 1.0

    def validate(self) -> PPOConfig:
        """Raise ValueError naming the first bad field; return self."""
        checks = [(0.0 <= self.gamma <= 1.0, "gamma", "in [0, 1]"),
                  (0.0 <= self.lam <= 1.0, "lam", "in [0, 1]"),
                  (self.vf_coef >= 0, "vf_coef", ">= 0"), (self.vf_clip >= 0, "vf_clip", ">= 0"),
                  (self.kl_coef >= 0, "kl_coef", ">= 0"), (self.epochs >= 1, "epochs", ">= 1"),
                  (self.minibatches >= 1, "minibatches", ">= 1"),
                  (self.micro_batch >= 1, "micro_batch", ">= 1")]
        for ok, name, rule in checks:
            if not ok:
                raise ValueError(f"{name} must be {rule}, got {getattr(self, name)!r}")
        self.loss.validate()
        if self.loss.kl_coef > 0:
            raise ValueError("PPO puts the KL penalty in the reward: set PPOConfig.kl_coef, "
                             "not loss.kl_coef")
        return self


@dataclass(frozen=True)
class Targets:
    """What the rollout phase fixes for the epochs that follow, per trajectory and token."""

    advantages: list[list[float]]
    returns: list[list[float]]
    old_values: list[list[float]]


@torch.no_grad()
def estimate_advantages(model: nn.Module, critic: Critic, trajectories: Sequence[Trajectory],
                        settings: PPOConfig, *, pad_id: int, dist: Dist,
                        ref_model: nn.Module | None = None) -> Targets:
    """Values on the hint-free context, rewards, GAE, and (optionally) whitened advantages."""
    device = next(model.parameters()).device
    advantages, returns, old_values = [], [], []
    for chunk in aligned_chunks(trajectories, settings.micro_batch, dist):
        tensors = sequence_tensors(chunk, pad_id, device)
        mask = tensors["mask"]
        values = critic(model, tensors["input_ids"], tensors["attention_mask"], mask)
        rewards = terminal_rewards(torch.tensor([t.reward for t in chunk]), mask)
        if settings.kl_coef > 0:
            logp, _ = token_logprobs(model, tensors["input_ids"], tensors["attention_mask"],
                                     mask, temperature=settings.temperature)
            ref = ref_logprobs(ref_model, tensors, settings.temperature)
            rewards = rewards - settings.kl_coef * (logp - ref)
        A, R = gae(rewards, values, mask, gamma=settings.gamma, lam=settings.lam)
        for rows, out in ((A, advantages), (R, returns), (values, old_values)):
            out.extend(_unplace(rows, mask) if chunk else [])
    if settings.whiten:
        advantages = _whiten(advantages, dist)
    return Targets(advantages, returns, old_values)


def ppo_update(model: nn.Module, critic: Critic, optimizer: torch.optim.Optimizer,
               scheduler: Any, trajectories: Sequence[Trajectory], settings: PPOConfig, *,
               pad_id: int, dist: Dist, ref_model: nn.Module | None = None,
               seed: int = 0) -> dict[str, float]:
    """``epochs`` x ``minibatches`` optimizer steps on this rank's trajectories.

    Each optimizer step sums gradients over ranks; the policy loss of a micro-batch is weighted
    by its share of the minibatch's global normaliser (samples or tokens) and the value loss by
    its share of the minibatch's real tokens, so micro-batching never changes a step. Guide's
    gamma is the quantile over the whole minibatch (every rank), as in GRPO's update.
    """
    targets = estimate_advantages(model, critic, trajectories, settings, pad_id=pad_id,
                                  dist=dist, ref_model=ref_model)
    order = torch.randperm(len(trajectories), generator=torch.Generator().manual_seed(seed))
    sums: dict[str, float] = {}
    weights: dict[str, float] = {}
    grad_norms = []
    for _ in range(settings.epochs):
        for part in order.tensor_split(settings.minibatches):
            picked = [int(i) for i in part]
            metrics, grad_norm = _minibatch_step(model, critic, optimizer, settings,
                                                 [trajectories[i] for i in picked],
                                                 _subset(targets, picked), pad_id, dist)
            grad_norms.append(grad_norm)
            for key, (value, weight) in metrics.items():
                sums[key] = sums.get(key, 0.0) + value
                weights[key] = weights.get(key, 0.0) + weight
    scheduler.step()
    out = {f"losses/{k}": mean_over_ranks(dist, sums.get(k, 0.0), weights.get(k, 0.0))
           for k in _METRIC_KEYS}
    out["losses/grad_norm"] = sum(grad_norms) / len(grad_norms)
    out["charts/learning_rate"] = float(scheduler.get_last_lr()[0])
    out.update(_value_stats(targets, dist))
    return out


# -- internals -------------------------------------------------------------------------------

_METRIC_KEYS = ("policy_loss", "value_loss", "clip_frac", "ratio_mean", "guided_ratio_mean",
                "guided_token_frac", "entropy", "gamma")


def _minibatch_step(model: nn.Module, critic: Critic, optimizer: torch.optim.Optimizer,
                    settings: PPOConfig, trajs: list[Trajectory], targets: Targets,
                    pad_id: int, dist: Dist) -> tuple[dict[str, tuple[float, float]], float]:
    """One optimizer step; returns metric (weighted sum, weight) pairs and the gradient norm."""
    device = next(model.parameters()).device
    cfg = settings.loss
    gamma = global_gamma(model, trajs, settings.loss, micro_batch=settings.micro_batch,
                         temperature=settings.temperature, pad_id=pad_id, dist=dist,
                         device=device)
    total = dist.sum(normaliser(trajs, cfg))
    total_tokens = dist.sum(float(sum(len(t.completion_ids) for t in trajs)))
    optimizer.zero_grad(set_to_none=True)
    model.train()
    critic.train()
    metrics: dict[str, tuple[float, float]] = {}
    for i, chunk in enumerate(aligned_chunks(trajs, settings.micro_batch, dist)):
        start = i * settings.micro_batch
        tensors = sequence_tensors(chunk, pad_id, device)
        mask = tensors["mask"]
        picked = _subset(targets, list(range(start, start + len(chunk))))
        advantages, returns, old_values = (_place(rows, mask) if chunk else torch.zeros_like(
            mask, dtype=torch.float32) for rows in (picked.advantages, picked.returns,
                                                    picked.old_values))
        logp, entropy = token_logprobs(model, tensors["input_ids"], tensors["attention_mask"],
                                       mask, temperature=settings.temperature,
                                       with_entropy=cfg.entropy_coef > 0)
        pg_loss, pg_metrics = policy_loss(logp, tensors["old_logp"], advantages, mask,
                                          tensors["guided"], cfg, entropy=entropy, gamma=gamma)
        values = critic(model, tensors["input_ids"], tensors["attention_mask"], mask)
        v_loss = value_loss(values, old_values, returns, mask, settings.vf_clip)
        pg_weight = normaliser(chunk, cfg) / total if total else 0.0
        v_weight = float(mask.sum()) / total_tokens if total_tokens and chunk else 0.0
        # Ranks' gradients are averaged: scaled by the world size, they add up.
        ((pg_loss * pg_weight + settings.vf_coef * v_loss * v_weight) * dist.world).backward()
        pg_metrics["policy_loss"] = pg_metrics.pop("loss")
        pg_metrics["gamma"] = float("nan") if gamma is None else gamma
        for key, value in (*pg_metrics.items(), ("value_loss", v_loss.item())):
            weight = v_weight if key == "value_loss" else pg_weight
            if chunk and key in _METRIC_KEYS and math.isfinite(value):
                old_sum, old_weight = metrics.get(key, (0.0, 0.0))
                metrics[key] = (old_sum + value * weight, old_weight + weight)
    params = [p for m in (model, critic) for p in m.parameters() if p.requires_grad]
    grad_norm = clip_grad_norm(params, settings.max_grad_norm)
    optimizer.step()
    return metrics, grad_norm


def _place(rows: Sequence[Sequence[float]], mask: Tensor) -> Tensor:
    """Per-token values (one list per row) at the row's real positions of ``mask``."""
    out = torch.zeros(mask.shape, dtype=torch.float32, device=mask.device)
    flat = [v for row in rows for v in row]
    out[mask] = torch.tensor(flat, dtype=torch.float32, device=mask.device)
    return out


def _unplace(values: Tensor, mask: Tensor) -> list[list[float]]:
    return [values[row][mask[row]].tolist() for row in range(len(values))]


def _subset(targets: Targets, picked: Sequence[int]) -> Targets:
    return Targets(*([rows[i] for i in picked] for rows in
                     (targets.advantages, targets.returns, targets.old_values)))


def _whiten(rows: list[list[float]], dist: Dist) -> list[list[float]]:
    """(A - mean) / (std + 1e-8) over every real token of every rank."""
    flat = [a for row in rows for a in row]
    n = dist.sum(float(len(flat)))
    if n < 2:
        return rows
    mean = dist.sum(sum(flat)) / n
    std = math.sqrt(dist.sum(sum((a - mean) ** 2 for a in flat)) / (n - 1))
    return [[(a - mean) / (std + 1e-8) for a in row] for row in rows]


def _value_stats(targets: Targets, dist: Dist) -> dict[str, float]:
    """Mean value and the explained variance 1 - Var(R - V) / Var(R) of the rollout values."""
    pairs = [(r, v) for rs, vs in zip(targets.returns, targets.old_values, strict=True)
             for r, v in zip(rs, vs, strict=True)]
    n = dist.sum(float(len(pairs)))
    if n == 0:
        return {"charts/value_mean": float("nan"), "losses/explained_variance": float("nan")}

    def variance(xs: list[float]) -> float:
        mean = dist.sum(sum(xs)) / n
        return dist.sum(sum((x - mean) ** 2 for x in xs)) / n

    var_r = variance([r for r, _ in pairs])
    var_gap = variance([r - v for r, v in pairs])
    return {"charts/value_mean": dist.sum(sum(v for _, v in pairs)) / n,
            "losses/explained_variance": 1.0 - var_gap / var_r if var_r > 0 else float("nan")}
