"""Held-out accuracy: :func:`solve_counts`, :func:`graded_samples`, :func:`pass_at_1`.

The ``agents.evaluate`` command builds pass@k and the before/after analysis on the same pieces.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from agents.env_client import EnvClient, Grade, Prompt
from agents.prompting import decode_completion, encode_prompt
from agents.rollout import RolloutEngine

__all__ = ["graded_samples", "pass_at_1", "solve_counts"]


def solve_counts(client: EnvClient, engine: RolloutEngine, tokenizer: Any,
                 prompts: Sequence[Prompt], *, n: int = 1, temperature: float = 0.0,
                 max_new_tokens: int = 64, max_prompt_tokens: int | None = None,
                 seed: int = 0) -> list[int]:
    """For each prompt, how many of ``n`` samples the env grades correct.

    ``temperature=0`` decodes greedily (then ``n`` should be 1).
    """
    _, grades = graded_samples(client, engine, tokenizer, prompts, n=n, temperature=temperature,
                               max_new_tokens=max_new_tokens, max_prompt_tokens=max_prompt_tokens,
                               seed=seed)
    return [sum(g.correct for g in grades[i * n:(i + 1) * n]) for i in range(len(prompts))]


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


def pass_at_1(counts: Sequence[int], n: int = 1) -> float:
    """The mean share of correct samples (pass@1 estimated from ``n`` samples per problem).

    >>> pass_at_1([1, 0, 1, 1])
    0.75
    """
    return sum(counts) / (n * len(counts)) if counts else 0.0
