"""Guide-GRPO's two halves, shared with Guide-PPO: :func:`sample_groups` and :func:`policy_update`.

``sample_groups`` draws G rollouts per prompt, grades them through the env, and for every group
whose success rate is at or below the guidance threshold samples G more from the prompt with a
hint (:mod:`agents.guidance` decides which and how they combine). Each :class:`Trajectory` keeps
both contexts: the one it was sampled in (with the hint) and the hint-free one that training
uses.

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

from agents.distributed import Dist
from agents.env_client import EnvClient, Prompt
from agents.guidance import GuidanceConfig, combine_group, keep_group, needs_guidance
from agents.logprobs import build_batch, token_logprobs
from agents.losses import LossConfig, group_advantages, policy_loss, ratio_quantile
from agents.prompting import decode_completion, encode_prompt
from agents.rollout import Rollout, RolloutEngine

__all__ = [
    "Group",
    "chunks",
    "global_gamma",
    "global_normaliser",
    "mean_over_ranks",
    "normaliser",
    "ref_logprobs",
    "sequence_tensors",
    "SamplingSettings",
    "Trajectory",
    "UpdateSettings",
    "group_stats",
    "kept_groups",
    "policy_update",
    "sample_groups",
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


@dataclass(frozen=True)
class SamplingSettings:
    """How rollouts are sampled."""

    group_size: int = 8
    max_new_tokens: int = 64
    max_prompt_tokens: int = 512
    temperature: float = 1.0
    top_p: float = 1.0


@dataclass(frozen=True)
class UpdateSettings:
    """How one policy update is computed."""

    loss: LossConfig = field(default_factory=LossConfig)
    micro_batch: int = 64
    temperature: float = 1.0
    max_grad_norm: float = 1.0


def sample_groups(client: EnvClient, engine: RolloutEngine, tokenizer: Any,
                  prompts: Sequence[Prompt], sampling: SamplingSettings,
                  guidance: GuidanceConfig, seed: int) -> list[Group]:
    """G graded rollouts per prompt, with guided rollouts where the group failed.

    Returns every group; those the guidance config filters out have ``kept=False`` (train on
    :func:`kept_groups`, report statistics over all with :func:`group_stats`).
    """
    prompt_ids = [encode_prompt(tokenizer, p, sampling.max_prompt_tokens) for p in prompts]
    rollouts = _generate(engine, prompt_ids, sampling, seed)
    groups = [Group(p.problem_id, trajs, [t.reward for t in trajs])
              for p, trajs in zip(prompts, _graded(client, tokenizer, prompts, prompt_ids,
                                                    prompt_ids, rollouts, guided=False),
                                  strict=True)]
    wanting = [i for i, g in enumerate(groups) if needs_guidance(g.unguided_rewards, guidance)]
    for i in wanting:
        groups[i].hint_requested = True
    hinted = [(i, client.guided(groups[i].problem_id)) for i in wanting]
    hinted = [(i, h) for i, h in hinted if h is not None]
    if hinted:
        contexts = [encode_prompt(tokenizer, h, sampling.max_prompt_tokens) for _, h in hinted]
        guided_rollouts = _generate(engine, contexts, sampling, seed + 1)
        guided = _graded(client, tokenizer, [prompts[i] for i, _ in hinted],
                         [prompt_ids[i] for i, _ in hinted], contexts, guided_rollouts,
                         guided=True)
        for (i, h), trajs in zip(hinted, guided, strict=True):
            groups[i].hint_found = True
            groups[i].hint = h.hint
            groups[i].trajectories = combine_group(groups[i].trajectories, trajs, guidance)
    for group in groups:
        group.kept = keep_group([t.reward for t in group.trajectories], guidance)
    return groups


def kept_groups(groups: Sequence[Group]) -> list[Group]:
    """The groups to train on: those the guidance config did not filter out."""
    return [g for g in groups if g.kept]


def _generate(engine: RolloutEngine, contexts: list[list[int]], sampling: SamplingSettings,
              seed: int) -> list[list[Rollout]]:
    return engine.generate(contexts, n=sampling.group_size,
                           max_new_tokens=sampling.max_new_tokens,
                           temperature=sampling.temperature, top_p=sampling.top_p, seed=seed)


def _graded(client: EnvClient, tokenizer: Any, prompts: Sequence[Prompt],
            prompt_ids: Sequence[list[int]], contexts: Sequence[list[int]],
            rollouts: Sequence[list[Rollout]], *, guided: bool) -> list[list[Trajectory]]:
    """Decode and grade every rollout; one batch through the env for all of them."""
    texts = [[decode_completion(tokenizer, r.completion_ids) for r in group] for group in rollouts]
    ids = [p.problem_id for p, group in zip(prompts, rollouts, strict=True) for _ in group]
    grades = iter(client.grade(ids, [t for group in texts for t in group]))
    return [[Trajectory(p.problem_id, tuple(q), tuple(c), tuple(r.completion_ids),
                        tuple(r.logprobs), g.reward, g.correct, guided, r.finished, text,
                        status=g.status, reason=g.reason)
             for r, text, g in zip(group, group_texts, grades, strict=False)]
            for p, q, c, group, group_texts in zip(prompts, prompt_ids, contexts, rollouts,
                                                   texts, strict=True)]


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
                  trajectories: Sequence[Trajectory], settings: UpdateSettings, *,
                  pad_id: int, dist: Dist, ref_model: torch.nn.Module | None = None
                  ) -> dict[str, float]:
    """One optimizer step on this rank's ``trajectories`` (gradients summed over ranks)."""
    device = next(model.parameters()).device
    cfg = settings.loss
    total = global_normaliser(trajectories, cfg, dist)
    gamma = global_gamma(model, trajectories, settings, pad_id, dist, device)
    optimizer.zero_grad(set_to_none=True)
    sums: dict[str, float] = {}
    weights: dict[str, float] = {}
    model.train()
    for chunk in chunks(trajectories, settings.micro_batch):
        tensors = sequence_tensors(chunk, pad_id, device)
        logp, entropy = token_logprobs(model, tensors["input_ids"], tensors["attention_mask"],
                                       tensors["mask"], temperature=settings.temperature,
                                       with_entropy=cfg.entropy_coef > 0)
        ref = ref_logprobs(ref_model, tensors, settings) if cfg.kl_coef > 0 else None
        loss, metrics = policy_loss(logp, tensors["old_logp"], tensors["advantages"],
                                    tensors["mask"], tensors["guided"], cfg, ref_logp=ref,
                                    entropy=entropy, gamma=gamma)
        weight = normaliser(chunk, cfg) / total if total else 0.0
        (loss * weight).backward()
        for key, value in metrics.items():  # weighted means, skipping undefined (NaN) values
            if math.isfinite(value):
                sums[key] = sums.get(key, 0.0) + value * weight
                weights[key] = weights.get(key, 0.0) + weight
    dist.sum_gradients(model)
    grad_norm = torch.nn.utils.clip_grad_norm_(
        [p for p in model.parameters() if p.requires_grad], settings.max_grad_norm)
    optimizer.step()
    scheduler.step()
    out = {f"losses/{k}": mean_over_ranks(dist, sums.get(k, 0.0), weights.get(k, 0.0))
           for k in _METRIC_KEYS}
    out["losses/gamma"] = float("nan") if gamma is None else gamma
    out["losses/grad_norm"] = float(grad_norm)
    out["charts/learning_rate"] = float(scheduler.get_last_lr()[0])
    return out


def group_stats(groups: Sequence[Group], dist: Dist) -> dict[str, float]:
    """Rewards, solve rates and guidance counts of a step, over all ranks.

    Every sampled group counts, kept or not; ``charts/groups_kept`` counts the kept ones.
    """
    trajs = [t for g in groups for t in g.trajectories]
    unguided = [r for g in groups for r in g.unguided_rewards]
    guided = [t for t in trajs if t.guided]
    n, n_unguided, n_groups = (dist.sum(float(x)) for x in (len(trajs), len(unguided),
                                                             len(groups)))
    return {
        "charts/reward": dist.sum(sum(t.reward for t in trajs)) / max(n, 1),
        "charts/solve_rate": dist.sum(sum(r >= 1.0 for r in unguided)) / max(n_unguided, 1),
        "charts/guided_fraction": dist.sum(float(len(guided))) / max(n, 1),
        "charts/guided_solve_rate": dist.sum(float(sum(t.correct for t in guided)))
        / max(dist.sum(float(len(guided))), 1),
        "charts/hints_requested": dist.sum(float(sum(g.hint_requested for g in groups))),
        "charts/hints_found": dist.sum(float(sum(g.hint_found for g in groups))),
        "charts/groups_kept": dist.sum(float(len(kept_groups(groups)))),
        "charts/groups_sampled": n_groups,
        "charts/completion_tokens": dist.sum(float(sum(len(t.completion_ids) for t in trajs)))
        / max(n, 1),
    }


# -- pieces shared with agents.ppo ------------------------------------------------------------

_METRIC_KEYS = ("loss", "clip_frac", "ratio_mean", "guided_ratio_mean", "guided_token_frac",
                "kl", "entropy")


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


def sequence_tensors(chunk: Sequence[Trajectory], pad_id: int,
             device: torch.device) -> dict[str, torch.Tensor]:
    """The hint-free sequences, their completion mask and the aligned behaviour log-probs."""
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
                 settings: UpdateSettings) -> torch.Tensor:
    """Log-probs of the reference model (for the KL term) on the hint-free sequences."""
    if ref_model is None:
        raise ValueError("kl_coef > 0 needs a reference model")
    logp, _ = token_logprobs(ref_model, tensors["input_ids"], tensors["attention_mask"],
                             tensors["mask"], temperature=settings.temperature)
    return logp


@torch.no_grad()
def global_gamma(model: torch.nn.Module, trajectories: Sequence[Trajectory],
                  settings: UpdateSettings, pad_id: int, dist: Dist,
                  device: torch.device) -> float | None:
    """The stop-gradient quantile of guided ratios over every real guided token of the step.

    Computed once, before the gradient passes, over all micro-batches and ranks, so that it
    is the quantile of the whole batch whatever the micro-batch size or number of processes.
    """
    if settings.loss.shaping != "ratio_gamma":
        return None
    guided = [t for t in trajectories if t.guided]
    ratios = [torch.zeros(0)]
    was_training = model.training
    model.train()  # the same mode as the gradient passes (dropout, if any, is off in eval)
    for chunk in chunks(guided, settings.micro_batch):
        tensors = sequence_tensors(chunk, pad_id, device)
        logp, _ = token_logprobs(model, tensors["input_ids"], tensors["attention_mask"],
                                 tensors["mask"], temperature=settings.temperature)
        ratios.append(torch.exp(logp - tensors["old_logp"])[tensors["mask"]].float().cpu())
    model.train(was_training)
    everything = dist.gather(torch.cat(ratios))
    if everything.numel() == 0:
        return None
    return float(ratio_quantile(everything, settings.loss.gamma_quantile))
