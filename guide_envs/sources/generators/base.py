"""What a procedural problem family produces: :class:`Draft`, and the :class:`Family` record.

A family is a function ``generate(rng, difficulty) -> Draft``: everything random comes from
``rng`` (a ``random.Random`` seeded from ``(family, difficulty, seed, index)``), so the same
arguments always give the same problem, as in reasoning-gym.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

__all__ = ["DIFFICULTIES", "Draft", "Family", "item_rng"]

DIFFICULTIES = (1, 2, 3, 4, 5)


@dataclass(frozen=True)
class Draft:
    """A generated problem before it becomes a :class:`~guide_envs.Problem`.

    Attributes:
        prompt: The question.
        answer: The gold final answer in LaTeX (what belongs inside ``\\boxed{}``).
        steps: The worked solution, one step per entry, without the final-answer line.
        hint: Guidance that helps (a strategy, a first step) without stating the final answer.
        metadata: Extra facts worth keeping (for example the equation solved).
    """

    prompt: str
    answer: str
    steps: tuple[str, ...]
    hint: str
    metadata: dict[str, Any] = field(default_factory=dict)

    def solution(self) -> str:
        """The worked solution ending with the boxed final answer."""
        return "\n".join((*self.steps, f"The answer is $\\boxed{{{self.answer}}}$."))


@dataclass(frozen=True)
class Family:
    """A named problem family and its generator."""

    name: str
    generate: Callable[[random.Random, int], Draft]
    description: str


def item_rng(family: str, difficulty: int, seed: int, index: int) -> random.Random:
    """The deterministic generator for one item (string seeds are stable across processes).

    >>> item_rng("arithmetic", 1, 0, 5).random() == item_rng("arithmetic", 1, 0, 5).random()
    True
    """
    return random.Random(f"{family}:{difficulty}:{seed}:{index}")
