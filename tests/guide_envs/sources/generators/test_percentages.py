"""Gold answers of the percentages family, re-derived independently from the numbers read back
out of the prompt."""

from __future__ import annotations

import re
from collections.abc import Callable
from fractions import Fraction

import pytest
import sympy

from guide_envs.problem import Problem

from ._sympy_values import problems, value


def percents(prompt: str) -> list[Fraction]:
    return [Fraction(n) for n in re.findall(r"\$(\d+(?:\.\d+)?)\\%\$", prompt)]


def plain(prompt: str) -> list[Fraction]:
    return [Fraction(n) for n in re.findall(r"\$(\d+(?:\.\d+)?)\$", prompt)]


def _successive(p: str) -> Fraction:
    factor = Fraction(1)
    for word, c in re.findall(r"(increases|decreases) by \$(\d+)\\%\$", p):
        factor *= 1 + (1 if word == "increases" else -1) * Fraction(c) / 100
    return factor


def _percent_change(p: str) -> Fraction:
    old, new = plain(p)
    return abs(new - old) / old * 100


def _what_percent(p: str) -> Fraction:
    first, second = plain(p)[:2]
    part, whole = (second, first) if p.startswith("What") else (first, second)
    return part / whole * 100


PERCENTAGES: dict[str, Callable[[str], Fraction]] = {
    "percent_of": lambda p: percents(p)[0] * plain(p)[0] / 100,
    "what_percent": _what_percent,
    "percent_change": _percent_change,
    "discount_tax": lambda p: (plain(p)[0] * (100 - percents(p)[0]) * (100 + percents(p)[1])
                               / 10_000),
    "simple_interest": lambda p: plain(p)[0] * percents(p)[0] * plain(p)[1] / 100,
    "successive": lambda p: plain(p)[0] * _successive(p),
    "reverse": lambda p: plain(p)[0] / _successive(p),
    "compound": lambda p: plain(p)[0] * (1 + percents(p)[0] / 100) ** int(plain(p)[1]),
    "undo": lambda p: 100 * percents(p)[0] / (100 - percents(p)[0]),
}


@pytest.mark.parametrize("problem", problems("percentages"), ids=lambda p: p.id)
def test_percentages_recomputed_from_prompt(problem: Problem) -> None:
    expected = PERCENTAGES[problem.metadata["kind"]](problem.prompt)
    assert value(problem.answer) == sympy.Rational(expected.numerator, expected.denominator)
