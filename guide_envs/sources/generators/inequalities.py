r"""Inequalities with interval answers: ``Solve $3x - 5 \le 7$`` gives ``(-\infty, 4]``.

Difficulty 1: ``ax + b < c`` with a positive coefficient and an integer endpoint. 2: a negative
coefficient (the sign flips), sometimes written with the constant on the left. 3: the variable
on both sides or in brackets, with fractional endpoints, or a compound inequality giving a
bounded interval. 4: monic quadratic inequalities with integer roots, giving a bounded interval
or a union of two rays. 5: quadratic inequalities with rational roots, any leading sign, terms
on both sides.
"""

from __future__ import annotations

import random
from fractions import Fraction
from typing import NamedTuple

import sympy

from guide_envs.sources.generators.base import Draft, Family
from guide_envs.sources.generators.latex import frac, sym

__all__ = ["FAMILY"]

_VARIABLES = ("x", "y", "t", "z", "u", "w", "a", "b", "m", "n", "p", "q", "k", "s")
_LATEX = {"<": "<", "<=": "\\le", ">": ">", ">=": "\\ge"}
_FLIP = {"<": ">", "<=": ">=", ">": "<", ">=": "<="}
_ASK = (
    "Solve ${ineq}$.",
    "Solve the inequality ${ineq}$ for ${v}$.",
    "Find all real ${v}$ such that ${ineq}$.",
    "For which real numbers ${v}$ is ${ineq}$ true?",
    "Determine the solution set of ${ineq}$.",
)
_INSTRUCTION = " Give your answer in interval notation."

_Bound = Fraction | None


class _Solved(NamedTuple):
    """Hold an inequality in LaTeX with its answer, worked steps and hint."""

    text: str
    answer: str
    steps: list[str]
    hint: str


def _interval(low: _Bound, high: _Bound, low_closed: bool, high_closed: bool) -> str:
    """Write one interval in LaTeX; ``None`` is an infinite (always open) end."""
    left = "(-\\infty" if low is None else ("[" if low_closed else "(") + frac(low)
    right = "\\infty)" if high is None else frac(high) + ("]" if high_closed else ")")
    return f"{left}, {right}"


def _ray(root: Fraction, op: str) -> str:
    """Write the solution of ``v op root`` as an interval."""
    closed = op.endswith("=")
    return (_interval(None, root, False, closed) if op[0] == "<"
            else _interval(root, None, closed, False))


def _nonzero(rng: random.Random, bound: int) -> int:
    """Pick a nonzero integer in ``[-bound, bound]``."""
    return rng.choice([n for n in range(-bound, bound + 1) if n])


def _divide(v: sympy.Symbol, k: int, op: str, root: Fraction) -> tuple[str, str]:
    """Divide ``k v op k root`` by ``k``: the step and the resulting operator."""
    final = op if k > 0 else _FLIP[op]
    word = "reversing the inequality" if k < 0 else "which keeps the inequality"
    return f"Divide by ${k}$, {word}: ${v} {_LATEX[final]} {frac(root)}$.", final


def _linear(rng: random.Random, difficulty: int, v: sympy.Symbol) -> _Solved:
    """Build levels 1-3: ``A v + B op C v + D`` with ``k = A - C`` nonzero."""
    op = rng.choice(list(_LATEX))
    k = rng.randint(1, 9) if difficulty == 1 else -rng.randint(2, 9)
    if difficulty == 3:
        k = _nonzero(rng, 9)
    c = _nonzero(rng, 9) if difficulty == 3 else 0
    a, b = k + c, rng.randint(-25, 25)
    bracket = difficulty == 3 and a not in (0, 1) and rng.random() < 0.5
    if bracket:
        b = a * _nonzero(rng, 9)
    d = k * rng.randint(-20, 20) + b if difficulty < 3 else rng.randint(-40, 40)
    root = Fraction(d - b, k)
    left = f"{a}({sym(v + b // a)})" if bracket else sym(a * v + b)
    text = f"{left} {_LATEX[op]} {sym(c * v + d)}"
    if difficulty == 2 and rng.random() < 0.5:
        text = f"{sym(c * v + d)} {_LATEX[_FLIP[op]]} {left}"
    steps = []
    if bracket:
        steps.append(f"Expand the bracket: ${sym(a * v + b)} {_LATEX[op]} {sym(c * v + d)}$.")
    steps.append(f"Collect ${v}$ on the left and the constants on the right: "
                 f"${sym(k * v)} {_LATEX[op]} {d - b}$.")
    step, final = _divide(v, k, op, root)
    hint = (f"Collect the ${v}$ terms on one side and the constants on the other. Dividing or "
            "multiplying by a negative number reverses the inequality.")
    return _Solved(text, _ray(root, final), [*steps, step], hint)


def _compound(rng: random.Random, v: sympy.Symbol) -> _Solved:
    """Build a level-3 compound inequality ``lo op k v + b op hi``: a bounded interval."""
    k, b = _nonzero(rng, 7), rng.randint(-15, 15)
    low, high = sorted(rng.sample(range(-30, 31), 2))
    ops = [rng.choice(("<", "<=")) for _ in range(2)]
    ends = [Fraction(low - b, k), Fraction(high - b, k)]
    closed = [op == "<=" for op in ops]
    if k < 0:
        ends, closed = ends[::-1], closed[::-1]
    text = f"{low} {_LATEX[ops[0]]} {sym(k * v + b)} {_LATEX[ops[1]]} {high}"
    word = ", reversing both inequalities" if k < 0 else ""
    steps = [f"Subtract ${b}$ from all three parts: ${low - b} {_LATEX[ops[0]]} {sym(k * v)} "
             f"{_LATEX[ops[1]]} {high - b}$.",
             f"Divide all three parts by ${k}${word}: ${v}$ lies between ${frac(ends[0])}$ "
             f"and ${frac(ends[1])}$."]
    hint = ("Apply the same operation to all three parts at once, and reverse both "
            "inequalities if you divide by a negative number.")
    return _Solved(text, _interval(ends[0], ends[1], *closed), steps, hint)


def _quadratic_roots(rng: random.Random, difficulty: int,
                     v: sympy.Symbol) -> tuple[sympy.Expr, list[sympy.Expr], list[Fraction]]:
    """Draw a quadratic with two distinct rational roots: the polynomial, factors and roots."""
    while True:
        if difficulty == 4:
            pairs = [(1, rng.randint(-15, 15)), (1, rng.randint(-15, 15))]
        else:
            pairs = [(rng.randint(1, 5), _nonzero(rng, 9)) for _ in range(2)]
        roots = sorted(Fraction(q, p) for p, q in pairs)
        if roots[0] != roots[1] and all(sympy.gcd(p, q) == 1 for p, q in pairs):
            break
    sign = -1 if difficulty == 5 and rng.random() < 0.4 else 1
    factors = [p * v - q for p, q in pairs]
    return sympy.expand(sign * factors[0] * factors[1]), factors, roots


def _quadratic(rng: random.Random, difficulty: int, v: sympy.Symbol) -> _Solved:
    """Build levels 4-5: ``f(v) op 0`` for a factorable quadratic, maybe rearranged."""
    op = rng.choice(list(_LATEX))
    poly, factors, (r1, r2) = _quadratic_roots(rng, difficulty, v)
    lead = sympy.Poly(poly, v).LC()
    moved = rng.randint(-9, 9) * v + _nonzero(rng, 20) if difficulty == 5 else 0
    if difficulty == 4:
        moved = rng.choice((0, -poly.coeff(v, 0), -poly.coeff(v, 1) * v))
    text = f"{sym(poly + moved)} {_LATEX[op]} {sym(moved)}"
    inside = (op[0] == "<") == (lead > 0)
    closed = op.endswith("=")
    answer = (_interval(r1, r2, closed, closed) if inside else
              f"{_interval(None, r1, False, closed)} \\cup {_interval(r2, None, closed, False)}")
    factored = ("-" if lead < 0 else "") + "".join(f"({sym(f)})" for f in factors)
    sign = "positive" if lead > 0 else "negative"
    steps = [f"Move every term to the left: ${sym(poly)} {_LATEX[op]} 0$.",
             f"Factor: ${factored} {_LATEX[op]} 0$, with roots ${frac(r1)}$ and ${frac(r2)}$.",
             f"The leading coefficient is {sign}, so the quadratic is {sign} outside the roots "
             "and has the opposite sign between them.",
             "So the solution is " + ("between" if inside else "outside") + " the roots"
             + (", roots included." if closed else ", roots excluded.")]
    hint = (f"Move every term to one side, factor the quadratic in ${v}$ to find where it is "
            "zero, then check its sign on each interval those roots create.")
    return _Solved(text, answer, steps, hint)


def generate(rng: random.Random, difficulty: int) -> Draft:
    """Generate one inequality at ``difficulty`` (1-5)."""
    v = sympy.Symbol(rng.choice(_VARIABLES))
    if difficulty >= 4:
        solved = _quadratic(rng, difficulty, v)
    elif difficulty == 3 and rng.random() < 0.3:
        solved = _compound(rng, v)
    else:
        solved = _linear(rng, difficulty, v)
    prompt = rng.choice(_ASK).format(ineq=solved.text, v=v) + _INSTRUCTION
    steps = (*solved.steps, f"In interval notation: ${solved.answer}$.")
    return Draft(prompt, solved.answer, steps, solved.hint,
                 metadata={"inequality": solved.text})


FAMILY = Family("inequalities", generate, "linear and quadratic inequalities in interval notation")
