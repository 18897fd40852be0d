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
        answer: The gold final answer in LaTeX (what belongs inside ``\\boxed{}``); None for
            code, which is graded by ``tests``.
        steps: The worked solution, one step per entry, without the final-answer line (for code:
            the explanation, then the reference program in a fenced block).
        hint: Guidance that helps (a strategy, a first step) without stating the final answer.
        metadata: Extra facts worth keeping (for example the equation solved).
        tests: Code only: the tests in the code verifier's format (see :mod:`verifiers.code`).
        solution_text: The reference solution exactly as the model should write it, for families
            with their own answer format (``rewrite_chain``); when set, :meth:`solution`
            returns it verbatim instead of joining ``steps`` and a boxed answer.
    """

    prompt: str
    answer: str | None
    steps: tuple[str, ...]
    hint: str
    metadata: dict[str, Any] = field(default_factory=dict)
    tests: tuple[Any, ...] = ()
    solution_text: str | None = None

    def solution(self) -> str:
        """The worked solution, ending with the boxed final answer when there is one.

        ``solution_text``, when set, is returned as it is.
        """
        if self.solution_text is not None:
            return self.solution_text
        if self.answer is None:
            return "\n".join(self.steps)
        return "\n".join((*self.steps, f"The answer is $\\boxed{{{self.answer}}}$."))


@dataclass(frozen=True)
class Family:
    """A named problem family, its generator, and the domain its problems belong to."""

    name: str
    generate: Callable[[random.Random, int], Draft]
    description: str
    domain: str = "math"


def item_rng(family: str, difficulty: int, seed: int, index: int) -> random.Random:
    """The deterministic generator for one item (string seeds are stable across processes).

    >>> item_rng("arithmetic", 1, 0, 5).random() == item_rng("arithmetic", 1, 0, 5).random()
    True
    """
    return random.Random(f"{family}:{difficulty}:{seed}:{index}")
