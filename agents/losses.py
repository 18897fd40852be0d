"""Guide's objective: group_advantages, LossConfig, shaped_guided_ratio, policy_loss.

Notation of Nath et al. (arXiv 2506.13923). A rollout o of prompt q has reward r and group
advantage A. Its token ratio is rho_t = pi_theta(o_t | q, o_<t) / pi_old(o_t | c, o_<t), where
c is the context it was sampled from: q for an unguided rollout, q + h (hint h) for a guided one.
The numerator never sees the hint, so training on guided rollouts teaches the hint-free policy.
Unguided tokens use the PPO clipped surrogate; guided tokens use a shaped, unclipped ratio
f(rho) (see :func:`shaped_guided_ratio`). All arithmetic runs in float32.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import torch
from torch import Tensor

__all__ = [
    "LengthNorm",
    "LossConfig",
    "Shaping",
    "group_advantages",
    "policy_loss",
    "ratio_quantile",
    "shaped_guided_ratio",
]

Shaping = Literal["none", "ratio_gamma", "power"]
LengthNorm = Literal["sample", "token"]
_SHAPINGS = ("none", "ratio_gamma", "power")
_LENGTH_NORMS = ("sample", "token")


def group_advantages(rewards: Tensor, *, eps: float = 1e-6, scale_by_std: bool = True) -> Tensor:
    """A_i = (r_i - mean(r)) / (std(r) + eps) within each group (row) of ``rewards [groups, G]``.

    std is the sample standard deviation (Bessel-corrected, as TRL and verl compute it; A = 0
    for G = 1). ``scale_by_std=False`` gives A_i = r_i - mean(r) (Dr. GRPO). Returns float32
    ``[groups, G]``.

    Example:
        >>> group_advantages(torch.tensor([[1.0, 0.0, 0.0, 0.0], [1.0, 1.0, 1.0, 1.0]]))
        tensor([[ 1.5000, -0.5000, -0.5000, -0.5000],
                [ 0.0000,  0.0000,  0.0000,  0.0000]])
        >>> group_advantages(torch.tensor([[1.0, 0.0]]), scale_by_std=False)
        tensor([[ 0.5000, -0.5000]])
    """
    if rewards.dim() != 2:
        raise ValueError(f"rewards must be [num_groups, G], got shape {tuple(rewards.shape)}")
    rewards = rewards.float()
    centred = rewards - rewards.mean(dim=1, keepdim=True)
    if not scale_by_std:
        return centred
    if rewards.shape[1] < 2:
        return torch.zeros_like(centred)
    return centred / (rewards.std(dim=1, keepdim=True) + eps)


@dataclass(frozen=True)
class LossConfig:
    """How per-token ratios become a loss.

    Example:
        >>> LossConfig(shaping="power", power=0.5).validate().shaping
        'power'
        >>> LossConfig(length_norm="batch").validate()
        Traceback (most recent call last):
        ...
        ValueError: length_norm must be one of ('sample', 'token'), got 'batch'
    """

    clip_eps: float = 0.2
    """PPO clip range for unguided tokens: rho is clipped to [1 - clip_eps, 1 + clip_eps]."""
    shaping: Shaping = "ratio_gamma"
    """Guided-token shaping f: "none" (rho), "ratio_gamma" (rho / (rho + gamma)), "power"."""
    gamma_quantile: float = 0.9
    """ratio_gamma: gamma is this quantile of the guided ratios (real tokens, no gradient)."""
    power: float = 0.5
    """power: f(rho) = rho ** power; 1 is "none", below 1 pulls ratios toward 1 (tempers them)."""
    length_norm: LengthNorm = "sample"
    """"sample": mean over each sample's tokens, then over samples (GRPO); "token": over all
    real tokens of the batch (DAPO)."""
    kl_coef: float = 0.0
    """beta of the k3 KL penalty to a reference model (0: off)."""
    entropy_coef: float = 0.0
    """Weight of the entropy bonus (0: off)."""

    def validate(self) -> LossConfig:
        """Raise ValueError on an invalid field; return self so calls can chain."""
        if self.clip_eps <= 0:
            raise ValueError(f"clip_eps must be > 0, got {self.clip_eps!r}")
        if self.shaping not in _SHAPINGS:
            raise ValueError(f"shaping must be one of {_SHAPINGS}, got {self.shaping!r}")
        if not 0.0 <= self.gamma_quantile <= 1.0:
            raise ValueError(f"gamma_quantile must be in [0, 1], got {self.gamma_quantile!r}")
        if self.power <= 0:
            raise ValueError(f"power must be > 0, got {self.power!r}")
        if self.length_norm not in _LENGTH_NORMS:
            raise ValueError(f"length_norm must be one of {_LENGTH_NORMS}, "
                             f"got {self.length_norm!r}")
        for name in ("kl_coef", "entropy_coef"):
            if getattr(self, name) < 0:
                raise ValueError(f"{name} must be >= 0, got {getattr(self, name)!r}")
        return self


def shaped_guided_ratio(rho: Tensor, guided_tokens: Tensor, config: LossConfig,
                        gamma: float | None = None) -> tuple[Tensor, Tensor]:
    """f(rho) for guided tokens, and gamma (a detached scalar; NaN unless ratio_gamma applies).

    ``guided_tokens`` marks the real (unpadded) tokens of guided rollouts; only they enter the
    quantile, and f is evaluated at rho = 1 elsewhere so no other position gets a gradient.
    "none": f = rho. "ratio_gamma": f = rho / (rho + gamma), gamma = ``gamma_quantile`` of the
    guided rho (linear interpolation, as ``torch.quantile``), treated as a constant. "power":
    f = rho ** ``power``. A given ``gamma`` is used as it is: the learner computes it once over
    the whole batch (:func:`ratio_quantile`) when the batch is split into micro-batches or
    across processes.

    Example:
        >>> rho = torch.tensor([[0.5, 1.0, 2.0, 99.0]])
        >>> real = torch.tensor([[True, True, True, False]])
        >>> shaped, gamma = shaped_guided_ratio(rho, real, LossConfig(gamma_quantile=0.5))
        >>> gamma, shaped
        (tensor(1.), tensor([[0.3333, 0.5000, 0.6667, 0.5000]]))
    """
    rho = torch.where(guided_tokens, rho, torch.ones_like(rho))
    nan = torch.tensor(float("nan"), device=rho.device)
    if config.shaping == "none":
        return rho, nan
    if config.shaping == "power":
        return rho.pow(config.power), nan
    if not guided_tokens.any():
        return rho / (rho + 1.0), nan  # no guided token: any finite gamma, unused
    if gamma is not None:
        fixed = torch.tensor(float(gamma), device=rho.device)
        return rho / (rho + fixed), fixed
    quantile = ratio_quantile(rho.detach()[guided_tokens], config.gamma_quantile)
    return rho / (rho + quantile), quantile


def ratio_quantile(ratios: Tensor, q: float) -> Tensor:
    """The ``q`` quantile of a flat tensor of guided ratios (linear interpolation), detached.

    >>> ratio_quantile(torch.tensor([0.5, 1.0, 2.0]), 0.5)
    tensor(1.)
    """
    return torch.quantile(ratios.detach().float(), q)


def _clipped_surrogate(rho: Tensor, advantages: Tensor, clip_eps: float) -> Tensor:
    """PPO per-token loss -min(rho * A, clip(rho, 1 - eps, 1 + eps) * A)."""
    clipped = rho.clamp(1.0 - clip_eps, 1.0 + clip_eps)
    return -torch.minimum(rho * advantages, clipped * advantages)


def _reduce(per_token: Tensor, mask: Tensor, length_norm: LengthNorm) -> Tensor:
    """Average ``per_token`` over real tokens: per sample then over samples, or over all tokens."""
    per_token = torch.where(mask, per_token, torch.zeros_like(per_token))
    if length_norm == "sample":
        return (per_token.sum(dim=1) / mask.sum(dim=1).clamp(min=1)).mean()
    return per_token.sum() / mask.sum().clamp(min=1)


def _masked_mean(values: Tensor, where: Tensor) -> float:
    """Mean of ``values`` over ``where`` as a float (NaN when ``where`` is empty)."""
    return values.detach()[where].float().mean().item() if where.any() else float("nan")


def _check_shapes(logp: Tensor, old_logp: Tensor, advantages: Tensor, mask: Tensor,
                  guided: Tensor) -> None:
    if logp.dim() != 2 or old_logp.shape != logp.shape or mask.shape != logp.shape:
        raise ValueError(f"logp, old_logp and mask must share one [N, T] shape, got "
                         f"{tuple(logp.shape)}, {tuple(old_logp.shape)}, {tuple(mask.shape)}")
    if advantages.shape not in (logp.shape[:1], logp.shape):
        raise ValueError(f"advantages must be [N] or [N, T] with [N, T]={tuple(logp.shape)}, "
                         f"got {tuple(advantages.shape)}")
    if guided.shape != logp.shape[:1]:
        raise ValueError(f"guided must be [N] with N={logp.shape[0]}, got {tuple(guided.shape)}")


def _regulariser(logp: Tensor, mask: Tensor, config: LossConfig, ref_logp: Tensor | None,
                 entropy: Tensor | None) -> tuple[Tensor, Tensor | None]:
    """Per-token kl_coef * k3 KL to the reference minus entropy_coef * entropy, and the k3 KL."""
    regulariser, kl = torch.zeros_like(logp, dtype=torch.float32), None
    if config.kl_coef > 0 or ref_logp is not None:
        if ref_logp is None:
            raise ValueError(f"kl_coef={config.kl_coef} needs ref_logp")
        ref_gap = (ref_logp.detach().float() - logp.float()).masked_fill(~mask, 0.0)
        kl = ref_gap.exp() - ref_gap - 1.0
        regulariser = regulariser + config.kl_coef * kl
    if config.entropy_coef > 0:
        if entropy is None:
            raise ValueError(f"entropy_coef={config.entropy_coef} needs entropy")
        regulariser = regulariser - config.entropy_coef * entropy.float().masked_fill(~mask, 0.0)
    return regulariser, kl


def policy_loss(
    logp: Tensor,
    old_logp: Tensor,
    advantages: Tensor,
    mask: Tensor,
    guided: Tensor,
    config: LossConfig,
    *,
    ref_logp: Tensor | None = None,
    entropy: Tensor | None = None,
    gamma: float | None = None,
) -> tuple[Tensor, dict[str, float]]:
    """Guide's loss and its metrics, for N samples of T token positions.

    ``logp [N, T]``: log pi_theta of each token in the hint-free context (with gradient).
    ``old_logp [N, T]``: the behaviour log-prob recorded at sampling, in the context sampled
    from (q + h for guided samples); no gradient. ``advantages``: ``[N]``, one per sample
    (GRPO's group advantage, broadcast over its tokens), or ``[N, T]``, one per token (PPO's
    GAE advantages). ``mask [N, T]`` (True on real completion tokens), ``guided [N]`` (True
    for samples drawn with a hint).
    Per real token, with rho = exp(logp - old_logp) and A the token's advantage:
    unguided: -min(rho A, clip(rho, 1 - eps, 1 + eps) A); guided: -f(rho) A (no clip);
    plus ``kl_coef * (exp(ref - logp) - (ref - logp) - 1)`` and ``- entropy_coef * entropy``;
    then averaged as ``config.length_norm`` says. Padding never enters the loss or gamma.
    ``gamma``, when given, replaces the quantile of this call's guided ratios (see
    :func:`shaped_guided_ratio`).

    Metrics: ``loss``, ``clip_frac`` (unguided tokens whose gradient the clip removes),
    ``ratio_mean`` and ``guided_ratio_mean`` (mean rho of unguided / guided tokens),
    ``guided_token_frac``, ``gamma``, ``kl``, ``entropy``; NaN where undefined.

    Example:
        >>> logp = torch.tensor([[-1.0, -2.0], [-1.0, -2.0]], requires_grad=True)
        >>> old_logp = torch.tensor([[-1.0, -2.0], [-1.0, -1.0]])
        >>> loss, metrics = policy_loss(logp, old_logp, torch.tensor([1.0, -1.0]),
        ...                             torch.ones(2, 2, dtype=torch.bool),
        ...                             torch.tensor([False, True]), LossConfig(shaping="none"))
        >>> round(loss.item(), 4), round(metrics["guided_ratio_mean"], 4)
        (-0.158, 0.6839)
    """
    _check_shapes(logp, old_logp, advantages, mask, guided)
    mask = mask.bool()
    guided_tokens = mask & guided.bool()[:, None]
    unguided_tokens = mask & ~guided_tokens
    log_ratio = (logp.float() - old_logp.detach().float()).masked_fill(~mask, 0.0)
    rho = log_ratio.exp()
    A = advantages.detach().float()
    A = A[:, None] if A.dim() == 1 else A
    ones = torch.ones_like(rho)

    unguided_loss = _clipped_surrogate(torch.where(unguided_tokens, rho, ones), A, config.clip_eps)
    shaped, gamma_used = shaped_guided_ratio(rho, guided_tokens, config, gamma)
    per_token = torch.where(guided_tokens, -shaped * A, unguided_loss)

    regulariser, kl = _regulariser(logp, mask, config, ref_logp, entropy)
    per_token = per_token + regulariser
    loss = _reduce(per_token, mask, config.length_norm)

    clipped = ((rho > 1 + config.clip_eps) & (A > 0)) | ((rho < 1 - config.clip_eps) & (A < 0))
    metrics = {
        "loss": loss.item(),
        "clip_frac": _masked_mean(clipped, unguided_tokens),
        "ratio_mean": _masked_mean(rho, unguided_tokens),
        "guided_ratio_mean": _masked_mean(rho, guided_tokens),
        "guided_token_frac": guided_tokens.sum().item() / max(int(mask.sum().item()), 1),
        "gamma": gamma_used.item(),
        "kl": _masked_mean(kl, mask) if kl is not None else float("nan"),
        "entropy": _masked_mean(entropy, mask) if entropy is not None else float("nan"),
    }
    return loss, metrics
