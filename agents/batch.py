"""What one training step holds: :class:`Trajectory`, :class:`Group`, and their tensors.

A :class:`Trajectory` is one graded rollout with both its contexts: the one it was sampled in
(with the hint when guided) and the hint-free one training uses. A :class:`Group` is the G
trajectories of one prompt. The helpers turn trajectories into padded tensors in micro-batches
and compute what every update needs once per step, over all micro-batches and ranks: the loss
normaliser, the reference model's log-probs and Guide's shaping gamma.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import torch

from agents.distributed import Dist
from agents.logprobs import build_batch, token_logprobs
from agents.losses import LossConfig, ratio_quantile

__all__ = [
    "Group",
    "Trajectory",
    "aligned_chunks",
    "chunks",
    "global_gamma",
    "global_normaliser",
    "mean_over_ranks",
    "normaliser",
    "ref_logprobs",
    "sequence_tensors",
]


@dataclass(frozen=True)
class Trajectory:
    """One graded rollout and the two contexts it belongs to."""

    problem_id: str
    prompt_ids: tuple[int, ...]
    """The hint-free context: where training computes pi_theta(o|q)."""
    context_ids: tuple[int, ...]
    """The context it was sampled in (the prompt with the hint when guided)."""
    completion_ids: tuple[int, ...]
    logprobs: tuple[float, ...]
    """Behaviour log-probs pi_old(o_t | context, o_<t), recorded at sampling."""
    reward: float
    correct: bool
    guided: bool
    finished: bool
    text: str = ""
    advantage: float = 0.0
    status: str = ""
    """The verdict's status (``correct``, ``incorrect``, ``no_answer``...)."""
    reason: str = ""
    """The verdict's one-line reason."""


@dataclass
class Group:
    """The G trajectories of one prompt that share a baseline."""

    problem_id: str
    trajectories: list[Trajectory]
    unguided_rewards: list[float] = field(default_factory=list)
    """The rewards of the first, unguided rollouts (what decided on guidance)."""
    hint_requested: bool = False
    hint_found: bool = False
    hint: str | None = None
    """The hint its guided rollouts were sampled with."""
    kept: bool = True
    """False when Filter-GRPO drops the group (every reward equal): it is not trained on, but it
    still counts in the step's statistics, so solve rates describe every problem drawn."""


def mean_over_ranks(dist: Dist, weighted_sum: float, weight: float) -> float:
    """A weighted mean whose parts are spread over ranks (NaN when nothing was weighted)."""
    total = dist.sum(weight)
    return dist.sum(weighted_sum) / total if total > 0 else float("nan")


def normaliser(trajs: Sequence[Trajectory], cfg: LossConfig) -> float:
    """What the loss is averaged over: samples, or completion tokens (``length_norm``)."""
    if cfg.length_norm == "token":
        return float(sum(len(t.completion_ids) for t in trajs))
    return float(len(trajs))


def global_normaliser(trajs: Sequence[Trajectory], cfg: LossConfig, dist: Dist) -> float:
    """:func:`normaliser` summed over ranks."""
    return dist.sum(normaliser(trajs, cfg))


def chunks(items: Sequence[Trajectory], size: int) -> list[Sequence[Trajectory]]:
    """``items`` in micro-batches of ``size``."""
    return [items[i:i + size] for i in range(0, len(items), max(1, size))]


def aligned_chunks(items: Sequence[Trajectory], size: int,
                   dist: Dist) -> list[Sequence[Trajectory]]:
    """``items`` in micro-batches of ``size``, then empty ones until every rank has as many.

    A sharded model gathers its parameters in every forward pass, so every rank must run as
    many passes as the others; an empty micro-batch runs on :func:`sequence_tensors`'
    placeholder with weight 0.

    >>> aligned_chunks([1, 2, 3], 2, Dist())
    [[1, 2], [3]]
    """
    mine = chunks(items, size)
    return mine + [[] for _ in range(dist.max(len(mine)) - len(mine))]


def sequence_tensors(chunk: Sequence[Trajectory], pad_id: int,
                     device: torch.device) -> dict[str, torch.Tensor]:
    """The hint-free sequences, their completion mask and the aligned behaviour log-probs.

    An empty ``chunk`` gives a placeholder: one sequence of a pad token completed by one pad
    token (for a pass that only keeps the ranks of a sharded model in step).
    """
    if not chunk:
        chunk = [Trajectory("", (pad_id,), (pad_id,), (pad_id,), (0.0,), 0.0, False, False,
                            True)]
    batch = build_batch([list(t.prompt_ids) for t in chunk],
                        [list(t.completion_ids) for t in chunk], pad_id)
    mask = batch.completion_mask
    old = batch.pad_completions([t.logprobs for t in chunk]).float()
    return {"input_ids": batch.input_ids.to(device),
            "attention_mask": batch.attention_mask.to(device), "mask": mask.to(device),
            "old_logp": old.to(device),
            "advantages": torch.tensor([t.advantage for t in chunk], device=device),
            "guided": torch.tensor([t.guided for t in chunk], device=device)}


@torch.no_grad()
def ref_logprobs(ref_model: torch.nn.Module | None, tensors: dict[str, torch.Tensor],
                 temperature: float) -> torch.Tensor:
    """Log-probs of the reference model (for the KL term) on the hint-free sequences."""
    if ref_model is None:
        raise ValueError("kl_coef > 0 needs a reference model")
    logp, _ = token_logprobs(ref_model, tensors["input_ids"], tensors["attention_mask"],
                             tensors["mask"], temperature=temperature)
    return logp


@torch.no_grad()
def global_gamma(model: torch.nn.Module, trajectories: Sequence[Trajectory], loss: LossConfig, *,
                 micro_batch: int, temperature: float, pad_id: int, dist: Dist,
                 device: torch.device) -> float | None:
    """The stop-gradient quantile of guided ratios over every real guided token of the step.

    Computed once, before the gradient passes, over all micro-batches and ranks, so that it
    is the quantile of the whole batch whatever the micro-batch size or number of processes.
    """
    if loss.shaping != "ratio_gamma":
        return None
    guided = [t for t in trajectories if t.guided]
    ratios = [torch.zeros(0)]
    was_training = model.training
    model.train()  # the same mode as the gradient passes (dropout, if any, is off in eval)
    for chunk in aligned_chunks(guided, micro_batch, dist):
        tensors = sequence_tensors(chunk, pad_id, device)
        logp, _ = token_logprobs(model, tensors["input_ids"], tensors["attention_mask"],
                                 tensors["mask"], temperature=temperature)
        if chunk:
            ratios.append(torch.exp(logp - tensors["old_logp"])[tensors["mask"]].float().cpu())
    model.train(was_training)
    everything = dist.gather(torch.cat(ratios))
    if everything.numel() == 0:
        return None
    return float(ratio_quantile(everything, loss.gamma_quantile))
