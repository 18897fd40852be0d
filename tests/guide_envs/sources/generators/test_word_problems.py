"""Gold answers of the word_problems family, re-derived independently from the numbers read back
out of the prompt."""

from __future__ import annotations

import re
from collections.abc import Callable
from fractions import Fraction

import pytest
import sympy

from guide_envs.problem import Problem

from ._sympy_values import problems, value


def numbers(prompt: str) -> list[Fraction]:
    """The numbers in the math spans of ``prompt``, in order."""
    spans = re.findall(r"\$([^$]*)\$", prompt)
    return [Fraction(n) for span in spans for n in re.findall(r"\d+(?:\.\d+)?", span)]


def _ratio_ages(p: Fraction, q: Fraction, years: Fraction, c: Fraction, d: Fraction) -> Fraction:
    return p * years * (c - d) / (d * p - c * q)


WORD_PROBLEMS: dict[str, Callable[..., Fraction]] = {
    "distance": lambda v, t: v * t,
    "total_cost": lambda n, price: n * price,
    "sharing": lambda total, k: total / k,
    "travel_time": lambda d, v: d / v,
    "unit_price": lambda m, cost, n: cost / m * n,
    "change": lambda n, price, note: note - n * price,
    "sum_difference_ages": lambda gap, total: (total + gap) / 2,
    "future_ages": lambda now, years, later: years * (later - 1) / (now - later),
    "together": lambda a, b: 1 / (1 / a + 1 / b),
    "meeting": lambda d, v1, v2: d / (v1 + v2),
    "mixture": lambda vol, weak, strong, target: vol * (target - weak) / (strong - target),
    "catch_up": lambda slow, head, fast: slow * head / (fast - slow),
    "tickets": lambda adult, child, sold, takings: (takings - child * sold) / (adult - child),
    "round_trip": lambda d, there, back: 2 * d / (d / there + d / back),
    "pipe_and_drain": lambda fill, drain: 1 / (1 / fill - 1 / drain),
    "leaves_early": lambda a, b, together: (1 - together * (1 / a + 1 / b)) * b,
    "ratio_ages": _ratio_ages,
}


@pytest.mark.parametrize("problem", problems("word_problems"), ids=lambda p: p.id)
def test_word_problems_recomputed_from_prompt(problem: Problem) -> None:
    expected = WORD_PROBLEMS[problem.metadata["kind"]](*numbers(problem.prompt))
    assert value(problem.answer) == sympy.Rational(expected.numerator, expected.denominator)
    assert expected > 0
