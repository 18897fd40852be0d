"""Linear equations in one variable with exact answers: ``Solve $3(x - 2) + 5 = 2x + 9$``.

Difficulty 1: ``a x + b = c`` with an integer solution. 2: the variable on both sides,
negative coefficients. 3: parentheses on one or both sides (integer solution). 4: fractions on
one side, a rational solution. 5: parentheses inside fractions on both sides.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, replace
from fractions import Fraction
from math import gcd, lcm

from guide_envs.sources.generators.base import Draft, Family
from guide_envs.sources.generators.latex import frac

__all__ = ["FAMILY"]

_VARIABLES = ("x", "y", "z", "n", "t", "k", "m", "p", "u", "w")
_TEMPLATES = (
    "Solve for ${v}$: ${eq}$.",
    "Find ${v}$ if ${eq}$.",
    "Solve the equation ${eq}$ for ${v}$.",
    "What value of ${v}$ satisfies ${eq}$?",
)


@dataclass(frozen=True)
class _Term:
    """The term ``k (p v + q) / m`` of one side of an equation."""

    k: int
    p: int
    q: int
    m: int = 1

    @property
    def coef(self) -> Fraction:
        return Fraction(self.k * self.p, self.m)

    @property
    def const(self) -> Fraction:
        return Fraction(self.k * self.q, self.m)


_Side = tuple[_Term, ...]


def _linear(a: Fraction | int, b: Fraction | int, v: str) -> str:
    """Write ``a v + b`` in LaTeX, leaving out zero parts and unit coefficients."""
    parts = []
    if a:
        coef = "" if a == 1 else "-" if a == -1 else frac(Fraction(a))
        parts.append(f"{coef}{v}")
    if b or not parts:
        parts.append(frac(Fraction(b)) if not parts else f"{'+' if b > 0 else '-'} {frac(abs(b))}")
    return " ".join(parts)


def _body(t: _Term, v: str, first: bool) -> str:
    """Write ``t`` without its sign (:func:`_side` writes the sign)."""
    k = abs(t.k)
    if t.p == 0 or t.q == 0:
        inner = _linear(k * abs(t.p), k * abs(t.q), v)
        return inner if t.m == 1 else f"\\frac{{{inner}}}{{{t.m}}}"
    inner = _linear(t.p, t.q, v)
    if t.m > 1:
        return f"\\frac{{{inner if k == 1 else f'{k}({inner})'}}}{{{t.m}}}"
    if k == 1:
        return inner if first and t.k > 0 else f"({inner})"
    return f"{k}({inner})"


def _negative(t: _Term) -> bool:
    return t.k * (t.p or t.q) < 0 if (t.p == 0 or t.q == 0) else t.k < 0


def _side(side: _Side, v: str) -> str:
    """Write one side of the equation in LaTeX."""
    text = ""
    for i, t in enumerate(side):
        sign = "-" if _negative(t) else "+"
        body = _body(t, v, i == 0)
        text += (f"-{body}" if sign == "-" else body) if i == 0 else f" {sign} {body}"
    return text


def _total(side: _Side) -> tuple[Fraction, Fraction]:
    """Combine a side into the coefficient of the variable and the constant."""
    return sum((t.coef for t in side), Fraction(0)), sum((t.const for t in side), Fraction(0))


def _term(rng: random.Random, k: int, fraction: bool = False) -> _Term:
    """Draw ``k (p v + q) / den``: inner parts nonzero, a fraction (if any) not reducible."""
    while True:
        p = rng.choice((1, 1, 2, 3, 4, 5)) * rng.choice((1, 1, -1))
        q = _nonzero(rng, 1, 12)
        den = rng.randint(2, 9) if fraction else 1
        if gcd(k * gcd(p, q), den) == 1:
            return _Term(k, p, q, den)


def _nonzero(rng: random.Random, low: int, high: int) -> int:
    return rng.choice((-1, 1)) * rng.randint(low, high)


def _sides(rng: random.Random, difficulty: int) -> tuple[_Side, _Side]:
    """Draw both sides of an equation; levels 1-3 are built around an integer solution."""
    x0 = rng.randint(1, 30) if difficulty == 1 else _nonzero(rng, 1, 15)
    if difficulty == 1:
        lhs: _Side = (_Term(1, rng.randint(2, 15), _nonzero(rng, 1, 60)),)
        rhs: _Side = ()
    elif difficulty == 2:
        lhs = (_Term(1, _nonzero(rng, 1, 12), _nonzero(rng, 1, 40)),)
        rhs = (_Term(1, _nonzero(rng, 1, 12), 0),)
    elif difficulty == 3:
        lhs = (_term(rng, _nonzero(rng, 2, 9)), _Term(1, 0, _nonzero(rng, 1, 20)))
        rhs = rng.choice(((_Term(1, _nonzero(rng, 1, 9), 0),), (_term(rng, _nonzero(rng, 2, 7)),)))
    elif difficulty == 4:
        lhs = (_term(rng, 1, True), _Term(1, 0, _nonzero(rng, 1, 12)))
        rhs = rng.choice(((_Term(1, _nonzero(rng, 1, 6), 0),), (_term(rng, 1, True),)))
        return lhs, (*rhs, _Term(1, 0, _nonzero(rng, 1, 12)))
    else:
        lhs = (_term(rng, rng.randint(2, 5), True),
               _term(rng, _nonzero(rng, 1, 1), True))
        rhs = (_term(rng, _nonzero(rng, 1, 4), True),
               _Term(1, 0, _nonzero(rng, 1, 9)))
        return lhs, rhs
    a, b = _total(lhs)
    c, d = _total(rhs)
    return lhs, (*rhs, _Term(1, 0, int((a - c) * x0 + b - d)))


def _clear(side: _Side, factor: int) -> _Side:
    """Multiply ``side`` by ``factor`` (a multiple of every denominator on it)."""
    return tuple(replace(t, k=t.k * factor // t.m, m=1) for t in side)


def _steps(lhs: _Side, rhs: _Side, v: str, equation: str) -> tuple[list[str], Fraction]:
    """Work the solution out step by step; return the steps and the root."""
    steps = [f"Solve ${equation}$ for ${v}$."]
    dens = sorted({t.m for t in (*lhs, *rhs) if t.m > 1})
    if dens:
        factor = lcm(*dens)
        lhs, rhs = _clear(lhs, factor), _clear(rhs, factor)
        steps.append(f"Multiply both sides by {factor} to clear the fractions: "
                     f"${_side(lhs, v)} = {_side(rhs, v)}$.")
    (a, b), (c, d) = _total(lhs), _total(rhs)
    simple = f"{_linear(a, b, v)} = {_linear(c, d, v)}"
    if simple != f"{_side(lhs, v)} = {_side(rhs, v)}":
        steps.append(f"Expand and combine like terms: ${simple}$.")
    if (c, b) != (0, 0):
        steps.append(f"Move the ${v}$ terms to the left and the constants to the right: "
                     f"${_linear(a - c, 0, v)} = {frac(d - b)}$.")
    root = (d - b) / (a - c)
    if a - c != 1:
        steps.append(f"Divide both sides by ${frac(a - c)}$: ${v} = {frac(root)}$.")
    return steps, root


def _hint(lhs: _Side, rhs: _Side, v: str) -> str:
    """Name a strategy and the first move, quoting numbers only from the equation itself."""
    dens = sorted({t.m for t in (*lhs, *rhs) if t.m > 1})
    if dens:
        listed = ", ".join(map(str, dens[:-1])) + " and " * (len(dens) > 1) + str(dens[-1])
        return (f"Multiply both sides by the least common multiple of the denominators "
                f"({listed}) to clear the fractions; then expand, collect the ${v}$ terms on one "
                f"side and divide by their coefficient.")
    if any(t.p and t.q and abs(t.k) > 1 for t in (*lhs, *rhs)):
        return (f"Distribute to remove the parentheses, then collect the ${v}$ terms on one "
                f"side and the constants on the other.")
    if len(rhs) == 1:
        b = lhs[0].q
        move = f"subtract {b} from" if b > 0 else f"add {-b} to"
        return f"Isolate the ${v}$ term: {move} both sides, then divide by its coefficient."
    return (f"Move every ${v}$ term to one side and every constant to the other, then divide "
            f"by the coefficient of ${v}$.")


def generate(rng: random.Random, difficulty: int) -> Draft:
    """Generate one linear equation at ``difficulty`` (1-5) with a unique nonzero solution."""
    v = rng.choice(_VARIABLES)
    while True:
        lhs, rhs = _sides(rng, difficulty)
        (a, b), (c, d) = _total(lhs), _total(rhs)
        if a != c and d != b:
            break
    hint = _hint(lhs, rhs, v)
    if rng.random() < 0.25:
        lhs, rhs = rhs, lhs
    equation = f"{_side(lhs, v)} = {_side(rhs, v)}"
    steps, root = _steps(lhs, rhs, v, equation)
    return Draft(
        prompt=rng.choice(_TEMPLATES).format(v=v, eq=equation),
        answer=frac(root),
        steps=tuple(steps),
        hint=hint,
        metadata={"equation": equation, "variable": v},
    )


FAMILY = Family("linear_equations", generate, "solve a linear equation in one variable")
