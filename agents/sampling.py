"""Sampling and grading: :func:`sample_groups` for training, :func:`graded_samples` to evaluate.

``sample_groups`` draws G rollouts per prompt, grades them through the env, and for every group
whose success rate is at or below the guidance threshold samples G more from the prompt with a
hint (:mod:`agents.guidance` decides which and how they combine). Both learners sample this way;
they differ only in their update.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from agents.batch import Group, Trajectory
from agents.distributed import Dist
from agents.env_client import EnvClient, Grade, Prompt
from agents.guidance import GuidanceConfig, combine_group, keep_group, needs_guidance
from agents.prompting import decode_completion, encode_prompt
from agents.rollout import Rollout, RolloutEngine

__all__ = ["SamplingConfig", "graded_samples", "group_stats", "kept_groups", "sample_groups"]


@dataclass(frozen=True)
class SamplingConfig:
    """How rollouts are sampled.

    Example:
        >>> SamplingConfig(group_size=4).validate().group_size
        4
    """

    group_size: int = 8
    """Rollouts per prompt (G)."""
    max_new_tokens: int = 64
    max_prompt_tokens: int = 512
    temperature: float = 1.0
    """0 decodes greedily."""
    top_p: float = 1.0

    def validate(self) -> SamplingConfig:
        """Raise ValueError naming the first bad field; return self so calls can chain."""
        checks = [(self.group_size >= 1, "group_size", ">= 1"),
                  (self.max_new_tokens >= 1, "max_new_tokens", ">= 1"),
                  (self.max_prompt_tokens >= 1, "max_prompt_tokens", ">= 1"),
                  (self.temperature >= 0, "temperature", ">= 0"),
                  (0 < self.top_p <= 1, "top_p", "in (0, 1]")]
        for ok, name, rule in checks:
            if not ok:
                raise ValueError(f"{name} must be {rule}, got {getattr(self, name)!r}")
        return self


def sample_groups(client: EnvClient, engine: RolloutEngine, tokenizer: Any,
                  prompts: Sequence[Prompt], sampling: SamplingConfig,
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


def _generate(engine: RolloutEngine, contexts: list[list[int]], sampling: SamplingConfig,
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


def graded_samples(client: EnvClient, engine: RolloutEngine, tokenizer: Any,
                   prompts: Sequence[Prompt], *, n: int = 1, temperature: float = 0.0,
                   max_new_tokens: int = 64, max_prompt_tokens: int | None = None,
                   seed: int = 0) -> tuple[list[str], list[Grade]]:
    """``n`` completions of each prompt (consecutive) and their grades."""
    contexts = [encode_prompt(tokenizer, p, max_prompt_tokens) for p in prompts]
    rollouts = engine.generate(contexts, n=n, max_new_tokens=max_new_tokens,
                               temperature=temperature, seed=seed)
    ids = [p.problem_id for p in prompts for _ in range(n)]
    texts = [decode_completion(tokenizer, r.completion_ids) for group in rollouts for r in group]
    return texts, client.grade(ids, texts)
