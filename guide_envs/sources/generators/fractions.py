r"""Fraction arithmetic with exact, reduced answers: ``Compute $\frac{2}{3} + \frac{5}{8}$``.

Difficulty 1: adding or subtracting two fractions with the same denominator. 2: unlike
denominators, or multiplication. 3: any of the four operations. 4: mixed numbers. 5: three
operands with parentheses, mixed numbers and negative fractions.
"""

from __future__ import annotations

import random
from fractions import Fraction
from functools import cache
from math import gcd, lcm

from guide_envs.sources.generators.base import Draft, Family
from guide_envs.sources.generators.latex import frac

__all__ = ["FAMILY"]

_SYMBOL = {"+": "+", "-": "-", "*": "\\times", "/": "\\div"}
_TEMPLATES = ("Compute ${}$.", "Evaluate ${}$.", "Find the value of ${}$.", "Simplify ${}$.")
_STRATEGY = {
    "+": "rewrite both fractions over the least common denominator and add the numerators",
    "-": "rewrite both fractions over the least common denominator and subtract the numerators",
    "*": "multiply the numerators together and the denominators together, then reduce",
    "/": "multiply the first fraction by the reciprocal of the second, then reduce",
}


@cache
def _fractions_below(max_den: int) -> tuple[Fraction, ...]:
    """List the reduced proper fractions with denominators from 2 to ``max_den``."""
    return tuple(Fraction(n, d) for d in range(2, max_den + 1) for n in range(1, d)
                 if gcd(n, d) == 1)


def _proper(rng: random.Random, max_den: int) -> Fraction:
    """Draw a reduced proper fraction, uniformly over those with denominator <= ``max_den``."""
    return rng.choice(_fractions_below(max_den))


def _like(rng: random.Random, other: Fraction) -> Fraction:
    """Draw a reduced proper fraction with the same denominator as ``other``."""
    d = other.denominator
    return Fraction(rng.choice([n for n in range(1, d) if gcd(n, d) == 1]), d)


def _mixed(rng: random.Random, max_den: int) -> Fraction:
    """Draw a mixed number: a whole part from 1 to 9 plus a proper fraction."""
    return rng.randint(1, 9) + _proper(rng, max_den)


def _show(value: Fraction, as_mixed: bool) -> str:
    """Write ``value`` in LaTeX (as a mixed number when asked), parenthesized if negative."""
    if as_mixed and value.denominator > 1 and abs(value) > 1:
        whole, rest = divmod(abs(value.numerator), value.denominator)
        sign = "-" if value < 0 else ""
        text = f"{sign}{whole}\\frac{{{rest}}}{{{value.denominator}}}"
    else:
        text = frac(value)
    return f"\\left({text}\\right)" if value < 0 else text


def _apply(a: Fraction, op: str, b: Fraction) -> tuple[Fraction, str]:
    """Compute ``a op b``; return the result and one worked step explaining it."""
    if op in "+-":
        den = lcm(a.denominator, b.denominator)
        na, nb = int(a * den), int(b * den)
        result = a + b if op == "+" else a - b
        total = f"{na} {op} {_paren(nb)}"
        return result, (f"Over the common denominator {den}: $\\frac{{{total}}}{{{den}}} = "
                        f"{frac(result)}$.")
    if op == "*":
        result = a * b
        return result, (f"$\\frac{{{a.numerator} \\cdot {_paren(b.numerator)}}}"
                        f"{{{a.denominator} \\cdot {b.denominator}}} = {frac(result)}$.")
    result = a / b
    return result, (f"Multiply by the reciprocal: ${_show(a, False)} \\times "
                    f"{_show(1 / b, False)} = {frac(result)}$.")


def _paren(n: int) -> str:
    """Write ``n``, parenthesized if negative."""
    return f"({n})" if n < 0 else str(n)


def _operands(rng: random.Random, difficulty: int) -> tuple[list[Fraction], list[str]]:
    """Operands and operators for one problem at ``difficulty``."""
    if difficulty == 1:
        first = _proper(rng, 60)
        return [first, _like(rng, first)], [rng.choice("+-")]
    if difficulty == 2:
        return [_proper(rng, 30), _proper(rng, 30)], [rng.choice("+-*")]
    if difficulty == 3:
        return [_proper(rng, 36), _proper(rng, 36)], [rng.choice("+-*/")]
    if difficulty == 4:
        return [_mixed(rng, 12), _mixed(rng, 12)], [rng.choice("+-*/")]
    values = [rng.choice((_mixed, _proper))(rng, 12) for _ in range(3)]
    values = [-v if rng.random() < 0.3 else v for v in values]
    return values, [rng.choice("+-*/"), rng.choice("+-*/")]


def _draft(template: str, values: list[Fraction], ops: list[str], mixed: bool) -> Draft:
    shown = [_show(v, mixed) for v in values]
    if len(values) == 2:
        expression = f"{shown[0]} {_SYMBOL[ops[0]]} {shown[1]}"
    else:
        expression = f"({shown[0]} {_SYMBOL[ops[0]]} {shown[1]}) {_SYMBOL[ops[1]]} {shown[2]}"
    steps = [f"Compute ${expression}$ exactly."]
    if mixed:
        steps += [f"As an improper fraction, ${_show(v, True)} = {frac(v)}$."
                  for v in values if v.denominator > 1 and abs(v) > 1]
    result, step = _apply(values[0], ops[0], values[1])
    steps.append(step)
    if len(values) == 3:
        result, step = _apply(result, ops[1], values[2])
        steps.append(step)
    first = "Convert each mixed number to an improper fraction, then " if mixed else "To start, "
    return Draft(
        prompt=f"{template.format(expression)} Give your answer as a fraction in lowest terms.",
        answer=frac(result),
        steps=tuple(steps),
        hint=f"{first}{_STRATEGY[ops[0]]}." + (" Work inside the parentheses first."
                                              if len(values) == 3 else ""),
        metadata={"expression": expression},
    )


def generate(rng: random.Random, difficulty: int) -> Draft:
    """Generate one fraction arithmetic problem at ``difficulty`` (1-5) with a nonzero answer."""
    while True:
        values, ops = _operands(rng, difficulty)
        if _nonzero_throughout(values, ops):
            return _draft(rng.choice(_TEMPLATES), values, ops, mixed=difficulty >= 4)


def _nonzero_throughout(values: list[Fraction], ops: list[str]) -> bool:
    """Check that every intermediate result and the answer are nonzero (no trivial problems)."""
    result = values[0]
    for op, value in zip(ops, values[1:], strict=True):
        result = _apply(result, op, value)[0]
        if result == 0:
            return False
    return True


FAMILY = Family("fractions", generate, "fraction arithmetic with exact reduced answers")
