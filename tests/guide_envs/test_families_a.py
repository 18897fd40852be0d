"""Gold answers of fractions, percentages, word_problems, linear_equations and linear_systems,
re-derived independently (sympy, or the numbers read back out of the prompt)."""

from __future__ import annotations

import re
from collections.abc import Callable
from fractions import Fraction

import pytest
import sympy
from latex2sympy2_extended import latex2sympy

from guide_envs.problem import Problem
from guide_envs.sources.generators import DIFFICULTIES
from guide_envs.sources.procedural import ProceduralSource

N = 60


def problems(family: str) -> list[Problem]:
    return [ProceduralSource.generate(family, d, 5, i) for d in DIFFICULTIES for i in range(N)]


def value(latex: str) -> sympy.Rational:
    """An exact number written the way the generators write answers and prompts."""
    latex = re.sub(r"(\d+)\\frac\{(\d+)\}\{(\d+)\}", r"(\1+\\frac{\2}{\3})", latex)
    return sympy.nsimplify(sympy.simplify(latex2sympy(latex)), rational=True)


def numbers(prompt: str) -> list[Fraction]:
    """The numbers in the math spans of ``prompt``, in order."""
    spans = re.findall(r"\$([^$]*)\$", prompt)
    return [Fraction(n) for span in spans for n in re.findall(r"\d+(?:\.\d+)?", span)]


def percents(prompt: str) -> list[Fraction]:
    return [Fraction(n) for n in re.findall(r"\$(\d+(?:\.\d+)?)\\%\$", prompt)]


def plain(prompt: str) -> list[Fraction]:
    return [Fraction(n) for n in re.findall(r"\$(\d+(?:\.\d+)?)\$", prompt)]


@pytest.mark.parametrize("problem", problems("fractions"), ids=lambda p: p.id)
def test_fractions_match_sympy(problem: Problem) -> None:
    assert value(problem.metadata["expression"]) == value(problem.answer)


@pytest.mark.parametrize("problem", problems("linear_equations"), ids=lambda p: p.id)
def test_linear_equations_match_sympy(problem: Problem) -> None:
    lhs, rhs = problem.metadata["equation"].split(" = ")
    var = sympy.Symbol(problem.metadata["variable"])
    roots = sympy.solve(sympy.Eq(latex2sympy(lhs), latex2sympy(rhs)), var)
    assert roots == [value(problem.answer)]


@pytest.mark.parametrize("problem", problems("linear_systems"), ids=lambda p: p.id)
def test_linear_systems_match_sympy(problem: Problem) -> None:
    x, y = sympy.symbols("x y")
    equations = [sympy.Eq(*map(latex2sympy, eq.split(" = "))) for eq in
                 problem.metadata["equations"]]
    solution = sympy.solve(equations, [x, y], dict=True)
    gold_x, gold_y = problem.answer.strip("()").split(", ")
    assert solution == [{x: value(gold_x), y: value(gold_y)}]
    assert "ordered pair (x, y)" in problem.prompt


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
