r"""All real roots of a quadratic equation: ``Solve $x^{2} - x - 6 = 0$`` gives ``-2, 3``.

Difficulty 1: monic, two integer roots. 2: integer roots (double roots included) behind a
common factor, sometimes with terms on both sides. 3: rational roots,
``(px - q)(rx - s)`` expanded. 4: monic with irrational roots ``h \pm \sqrt{d}``, solved by
completing the square. 5: general ``ax^{2} + bx + c`` with irrational roots from the quadratic
formula, the radical simplified. The answer is the set of roots, comma-separated; a double root
is written once.
"""

from __future__ import annotations

import math
import random
from fractions import Fraction
from typing import NamedTuple

import sympy

from guide_envs.sources.generators.base import Draft, Family
from guide_envs.sources.generators.latex import frac, sym

__all__ = ["FAMILY"]

_VARIABLES = ("x", "y", "t", "z", "u", "w", "p", "s")
_ASK = (
    "Solve ${eq}$ for ${v}$.",
    "Find all real solutions of ${eq}$.",
    "Find every real value of ${v}$ that satisfies ${eq}$.",
    "Determine the real roots of the equation ${eq}$.",
    "Which real numbers ${v}$ satisfy ${eq}$?",
    "For which real ${v}$ does ${eq}$ hold?",
    "Find the solution set of ${eq}$ over the real numbers.",
    "Solve the quadratic equation ${eq}$.",
)
_INSTRUCTION = " List all real solutions separated by commas."


class _Solved(NamedTuple):
    """Hold a quadratic (the side equal to zero) with its answer, worked steps and hint."""

    poly: sympy.Expr
    answer: str
    steps: list[str]
    hint: str


def _coprime(rng: random.Random, p: int) -> int:
    """Pick a nonzero integer in [-12, 12] sharing no factor with ``p``."""
    return rng.choice([n for n in range(-12, 13) if n and math.gcd(n, p) == 1])


def _equation(rng: random.Random, poly: sympy.Expr, v: sympy.Symbol, rearrange: bool) -> str:
    """Write ``poly = 0`` in LaTeX, when ``rearrange`` with a term moved to the right side."""
    if not rearrange:
        return f"{sym(poly)} = 0" if rng.random() < 0.7 else f"0 = {sym(poly)}"
    coeffs = sympy.Poly(poly, v).all_coeffs()
    moved = rng.choice([i for i in (1, 2) if coeffs[i]] or [2])
    right = -coeffs[moved] * v ** (2 - moved)
    return f"{sym(poly + right)} = {sym(right)}"


def _set(roots: list[Fraction]) -> str:
    """Write the distinct roots in increasing order, comma-separated."""
    return ", ".join(frac(r) for r in sorted(set(roots)))


def _solutions_line(v: str, roots: list[str]) -> str:
    """State the one or two solutions in words."""
    return f"So ${v} = {roots[0]}$." if len(roots) == 1 else (
        f"So ${v} = {roots[0]}$ or ${v} = {roots[1]}$.")


def _factored(rng: random.Random, difficulty: int, v: sympy.Symbol) -> _Solved:
    """Build levels 1-3: a quadratic with rational roots, solved by factoring."""
    if difficulty == 3:
        p, r = rng.randint(2, 9), rng.randint(1, 6)
        factors = [(p, _coprime(rng, p)), (r, _coprime(rng, r))]
    else:
        bound = 18 if difficulty == 1 else 20
        a, b = rng.randint(-bound, bound), rng.randint(-bound, bound)
        if difficulty == 2 and rng.random() < 0.2:
            b = a
        factors = [(1, a), (1, b)]
    scale = rng.randint(2, 9) if difficulty == 2 else 1
    product = sympy.Mul(*[p * v - q for p, q in factors])
    poly = sympy.expand(scale * product)
    roots = [Fraction(q, p) for p, q in factors]
    steps = []
    if scale > 1:
        steps.append(f"Divide both sides by ${scale}$: ${sym(sympy.expand(product))} = 0$.")
    factored = "".join(f"({sym(p * v - q)})" for p, q in factors)
    if factors[0] == factors[1]:
        factored = f"({sym(factors[0][0] * v - factors[0][1])})^{{2}}"
    steps.append(f"Factor: ${factored} = 0$.")
    steps.append(_solutions_line(str(v), [frac(r) for r in sorted(set(roots))]))
    return _Solved(poly, _set(roots), steps, _factoring_hint(difficulty, poly, v))


def _factoring_hint(difficulty: int, poly: sympy.Expr, v: sympy.Symbol) -> str:
    """Give a first step towards factoring ``poly = 0``; never the roots themselves."""
    a, b, c = sympy.Poly(poly, v).all_coeffs()
    if difficulty == 1:
        return (f"Look for two integers whose product is ${c}$ and whose sum is ${b}$, "
                "then factor.")
    if difficulty == 2:
        return (f"Bring every term to one side to get ${sym(poly)} = 0$, divide out any common "
                "factor, then factor and set each factor equal to zero.")
    return (f"Use the ac method: find two integers whose product is $ac = {a * c}$ and whose sum "
            f"is ${b}$, split the middle term with them and factor by grouping.")


def _surd(coeff: int, radicand: int) -> str:
    """Write ``coeff * sqrt(radicand)`` in LaTeX."""
    return f"\\sqrt{{{radicand}}}" if coeff == 1 else f"{coeff} \\sqrt{{{radicand}}}"


def _irrational_root(center: int, coeff: int, radicand: int, den: int, sign: str) -> str:
    """Write ``(center sign coeff sqrt(radicand)) / den`` in LaTeX."""
    surd = _surd(coeff, radicand)
    if center == 0:
        body = f"\\frac{{{surd}}}{{{den}}}" if den > 1 else surd
        return f"-{body}" if sign == "-" else body
    numerator = f"{center} {sign} {surd}"
    return f"\\frac{{{numerator}}}{{{den}}}" if den > 1 else numerator


def _split_square(n: int) -> tuple[int, int]:
    """Split ``n = s^2 * d`` with ``d`` square-free, returning ``(s, d)``."""
    s = max(k for k in range(1, math.isqrt(n) + 1) if n % (k * k) == 0)
    return s, n // (s * s)


def _irrational_coefficients(rng: random.Random, difficulty: int) -> tuple[int, int, int]:
    """Pick ``(a, b, c)`` with a positive non-square discriminant (``a = 1``, even ``b`` at 4)."""
    while True:
        a = 1 if difficulty == 4 else rng.randint(2, 9)
        b = 2 * rng.randint(-12, 12) if difficulty == 4 else rng.randint(-15, 15)
        c = rng.randint(-40, 40)
        disc = b * b - 4 * a * c
        if disc > 0 and math.isqrt(disc) ** 2 != disc:
            return a, b, c


def _completing_square(v: sympy.Symbol, b: int, c: int) -> list[str]:
    """Solve ``v^2 + b v + c = 0`` (``b`` even) by completing the square, step by step."""
    half = b // 2
    rest = half * half - c
    shifted = sym(v + half)
    return [f"Move the constant: ${sym(v**2 + b * v)} = {-c}$.",
            f"Add ${half * half}$ to both sides: $({shifted})^{{2}} = {rest}$.",
            f"Take square roots: ${shifted} = \\pm \\sqrt{{{rest}}}$."]


def _quadratic_formula(v: sympy.Symbol, a: int, b: int, c: int) -> list[str]:
    """Compute the discriminant and apply the quadratic formula, step by step."""
    disc = b * b - 4 * a * c
    return [f"Here $a = {a}$, $b = {b}$, $c = {c}$; the discriminant is "
            f"$b^{{2}} - 4ac = {b * b} - ({4 * a * c}) = {disc}$.",
            f"By the quadratic formula, ${v} = \\frac{{{-b} \\pm \\sqrt{{{disc}}}}}{{{2 * a}}}$."]


def _irrational(rng: random.Random, difficulty: int, v: sympy.Symbol) -> _Solved:
    """Build levels 4-5: irrational roots by completing the square or the quadratic formula."""
    a, b, c = _irrational_coefficients(rng, difficulty)
    disc = b * b - 4 * a * c
    radicand = disc // 4 if difficulty == 4 else disc
    s, d = _split_square(radicand)
    g = math.gcd(math.gcd(b, s), 2 * a) if difficulty == 5 else 1
    center, coeff, den = (-b // g, s // g, 2 * a // g) if difficulty == 5 else (-b // 2, s, 1)
    roots = [_irrational_root(center, coeff, d, den, sign) for sign in "-+"]
    if difficulty == 4:
        steps = _completing_square(v, b, c)
        hint = ("The quadratic does not factor over the integers. Complete the square: move the "
                f"constant to the right, then add the square of half of ${b}$ to both sides.")
    else:
        steps = _quadratic_formula(v, a, b, c)
        hint = ("Move everything to one side. The quadratic does not factor over the integers, "
                "so use the quadratic formula $\\frac{-b \\pm \\sqrt{b^{2} - 4ac}}{2a}$ and "
                "simplify the square root.")
    if s > 1:
        steps.append(f"Simplify $\\sqrt{{{radicand}}} = {_surd(s, d)}$.")
    if g > 1:
        steps.append(f"Divide the numerator and the denominator by ${g}$.")
    steps.append(_solutions_line(str(v), roots))
    return _Solved(a * v**2 + b * v + c, ", ".join(roots), steps, hint)


def generate(rng: random.Random, difficulty: int) -> Draft:
    """Generate one quadratic equation at ``difficulty`` (1-5)."""
    v = sympy.Symbol(rng.choice(_VARIABLES))
    make = _factored if difficulty <= 3 else _irrational
    solved = make(rng, difficulty, v)
    equation = _equation(rng, solved.poly, v, difficulty > 1 and rng.random() < 0.5)
    prompt = rng.choice(_ASK).format(eq=equation, v=v) + _INSTRUCTION
    first = f"Write the equation as ${sym(solved.poly)} = 0$."
    return Draft(prompt, solved.answer, (first, *solved.steps), solved.hint,
                 metadata={"equation": str(solved.poly), "variable": str(v)})


FAMILY = Family("quadratics", generate, "all real roots of a quadratic equation")
