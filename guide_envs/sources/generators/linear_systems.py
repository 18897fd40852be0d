"""Systems of two linear equations in ``x`` and ``y``, answered as an exact ordered pair.

Difficulty 1: ``x + y = s`` with a second equation whose coefficients are small, positive
integer solution. 2: one coefficient of 1, negative numbers. 3: general integer coefficients
(integer solution). 4: one equation in slope-intercept form ``y = m x + b`` and a rational
solution. 5: equations with fractions and parentheses to rewrite first, rational solution.
"""

from __future__ import annotations

import random
from fractions import Fraction
from math import lcm

from guide_envs.sources.generators.base import Draft, Family
from guide_envs.sources.generators.latex import frac

__all__ = ["FAMILY"]

_TEMPLATES = (
    "Solve the system of equations\n$$\\begin{{cases}} {0} \\\\ {1} \\end{{cases}}$$",
    "Find the solution of the system ${0}$ and ${1}$.",
    "Solve for $x$ and $y$: ${0}$, ${1}$.",
    "Which pair $(x, y)$ satisfies both ${0}$ and ${1}$?",
)
_FORMAT = "Give your answer as an ordered pair (x, y)."

#: An equation ``a x + b y = c``.
_Equation = tuple[Fraction, Fraction, Fraction]
#: An equation as shown in the prompt, with the step that rewrites it (or ``""``).
_Shown = tuple[str, str, _Equation]


def _sum(terms: list[tuple[Fraction | int, str]]) -> str:
    r"""Write a signed sum like ``3x - y + \frac{1}{2}`` (``""`` marks the constant term)."""
    text = ""
    for coef, var in terms:
        if coef == 0:
            continue
        size = abs(Fraction(coef))
        body = (frac(size) if var == "" or size != 1 else "") + var
        text += (f" {'-' if coef < 0 else '+'} {body}" if text
                 else f"{'-' if coef < 0 else ''}{body}")
    return text or "0"


def _standard(eq: _Equation) -> str:
    a, b, c = eq
    return f"{_sum([(a, 'x'), (b, 'y')])} = {frac(c)}"


def _nonzero(rng: random.Random, low: int, high: int) -> int:
    return rng.choice((-1, 1)) * rng.randint(low, high)


def _through(a: int, b: int, point: tuple[int, int]) -> _Shown:
    """Make the equation ``a x + b y = c`` through ``point``, shown as it is."""
    eq = (Fraction(a), Fraction(b), Fraction(a * point[0] + b * point[1]))
    return _standard(eq), "", eq


def _integer_system(rng: random.Random, difficulty: int) -> tuple[_Shown, _Shown]:
    """Draw two equations with an integer solution (levels 1-3)."""
    if difficulty == 1:
        point = (rng.randint(1, 99), rng.randint(1, 99))
        second = rng.choice(((rng.randint(1, 5), -1), (1, -rng.randint(1, 5)),
                             (rng.randint(2, 5), 1)))
        return _through(1, 1, point), _through(*second, point)
    point = (_nonzero(rng, 1, 15), _nonzero(rng, 1, 15))
    if difficulty == 2:
        first = rng.choice(((1, _nonzero(rng, 2, 6)), (_nonzero(rng, 2, 6), 1)))
        return _through(*first, point), _through(_nonzero(rng, 1, 6), _nonzero(rng, 1, 6), point)
    return (_through(_nonzero(rng, 2, 12), _nonzero(rng, 2, 12), point),
            _through(_nonzero(rng, 2, 12), _nonzero(rng, 2, 12), point))


def _random_standard(rng: random.Random) -> _Shown:
    eq = (Fraction(_nonzero(rng, 1, 9)), Fraction(_nonzero(rng, 1, 9)),
          Fraction(_nonzero(rng, 1, 30)))
    return _standard(eq), "", eq


def _slope_form(rng: random.Random) -> _Shown:
    """Draw ``y = m x + k``, rewritten as ``-m x + y = k``."""
    m, k = _nonzero(rng, 1, 8), _nonzero(rng, 1, 20)
    eq = (Fraction(-m), Fraction(1), Fraction(k))
    text = f"y = {_sum([(m, 'x'), (k, '')])}"
    return text, f"Rewrite ${text}$ as ${_standard(eq)}$.", eq


def _fraction_form(rng: random.Random) -> _Shown:
    r"""Draw ``\frac{x + u}{p} \pm \frac{y + w}{q} = r``, cleared by ``lcm(p, q)``."""
    p, q = rng.randint(2, 7), rng.randint(2, 7)
    u, w, r, s = _nonzero(rng, 1, 9), _nonzero(rng, 1, 9), _nonzero(rng, 1, 12), rng.choice((-1, 1))
    text = (f"\\frac{{{_sum([(1, 'x'), (u, '')])}}}{{{p}}} {'+' if s > 0 else '-'} "
            f"\\frac{{{_sum([(1, 'y'), (w, '')])}}}{{{q}}} = {r}")
    big = lcm(p, q)
    a, b = Fraction(big, p), Fraction(s * big, q)
    eq = (a, b, big * r - a * u - b * w)
    return text, f"Multiply ${text}$ by {big} and simplify: ${_standard(eq)}$.", eq


def _paren_form(rng: random.Random) -> _Shown:
    """Draw ``k(x + u) = m(y + w) + r``, expanded and collected."""
    k, m = _nonzero(rng, 2, 7), rng.randint(2, 7)
    u, w, r = _nonzero(rng, 1, 9), _nonzero(rng, 1, 9), _nonzero(rng, 1, 15)
    text = (f"{k}({_sum([(1, 'x'), (u, '')])}) = {m}({_sum([(1, 'y'), (w, '')])}) "
            f"{'+' if r > 0 else '-'} {abs(r)}")
    eq = (Fraction(k), Fraction(-m), Fraction(m * w + r - k * u))
    return text, f"Expand ${text}$ and collect the terms: ${_standard(eq)}$.", eq


def _system(rng: random.Random, difficulty: int) -> tuple[_Shown, _Shown]:
    if difficulty <= 3:
        return _integer_system(rng, difficulty)
    if difficulty == 4:
        return _slope_form(rng), _random_standard(rng)
    return _fraction_form(rng), _paren_form(rng)


def _eliminate(e1: _Equation, e2: _Equation) -> tuple[list[str], Fraction, Fraction]:
    """Eliminate ``y``, then substitute back; return the steps and the solution."""
    (a1, b1, c1), (a2, b2, c2) = e1, e2
    target = lcm(b1.numerator, b2.numerator)
    m1, m2 = target / b1, target / b2
    ax, cx = m1 * a1 - m2 * a2, m1 * c1 - m2 * c2
    x = cx / ax
    y = (c1 - a1 * x) / b1
    scale = " and ".join(f"the {which} equation by ${frac(m)}$"
                         for which, m in (("first", m1), ("second", m2)) if m != 1)
    first = f"Multiply {scale} so both $y$ coefficients equal ${target}$" if scale else (
        "Both equations have the same $y$ coefficient")
    eliminated = _solved(_sum([(ax, "x")]), frac(cx), "x", x)
    substituted = _solved(_sum([(b1, "y")]), f"{frac(c1)} - {_paren(a1 * x)}", "y", y)
    return [
        f"{first}, then subtract the second from the first: {eliminated}.",
        f"Substitute into ${_standard(e1)}$: {substituted}.",
    ], x, y


def _solved(lhs: str, rhs: str, var: str, value: Fraction) -> str:
    """Write ``$lhs = rhs$, so $var = value$``, shorter when ``lhs`` is the variable."""
    if lhs != var:
        return f"${lhs} = {rhs}$, so ${var} = {frac(value)}$"
    return f"${var} = {rhs}$" if rhs == frac(value) else f"${var} = {rhs} = {frac(value)}$"


def _paren(value: Fraction) -> str:
    return f"\\left({frac(value)}\\right)" if value < 0 else frac(value)


def _hint(shown: tuple[_Shown, _Shown]) -> str:
    """Name a strategy and the first move, without any of the answer."""
    if any(text.startswith("y = ") for text, _, _ in shown):
        return ("Substitute the expression for $y$ from the slope-intercept equation into the "
                "other equation, solve for $x$, then find $y$.")
    if any(rewrite for _, rewrite, _ in shown):
        return ("First rewrite each equation in the form $ax + by = c$ (clear the fractions, "
                "expand the parentheses); then eliminate one variable.")
    return ("Eliminate $y$: scale the equations so their $y$ coefficients match, subtract one "
            "from the other and solve for $x$; then substitute back to find $y$.")


def generate(rng: random.Random, difficulty: int) -> Draft:
    """Generate one system at ``difficulty`` (1-5) with a unique solution."""
    while True:
        shown = _system(rng, difficulty)
        (a1, b1, _), (a2, b2, _) = shown[0][2], shown[1][2]
        if a1 * b2 != a2 * b1:
            break
    if rng.random() < 0.5:
        shown = shown[1], shown[0]
    (t1, r1, e1), (t2, r2, e2) = shown
    steps, x, y = _eliminate(e1, e2)
    answer = f"({frac(x)}, {frac(y)})"
    return Draft(
        prompt=f"{rng.choice(_TEMPLATES).format(t1, t2)} {_FORMAT}",
        answer=answer,
        steps=(*(r for r in (r1, r2) if r), *steps, f"The solution is $(x, y) = {answer}$."),
        hint=_hint(shown),
        metadata={"equations": [t1, t2]},
    )


FAMILY = Family("linear_systems", generate, "systems of two linear equations in two unknowns")
