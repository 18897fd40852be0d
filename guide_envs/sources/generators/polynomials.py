r"""Expanding products of polynomials: ``Expand $(x + 2)(x - 3)$`` gives ``x^{2} - x - 6``.

Difficulty 1: two monic binomials ``(x + a)(x + b)``. 2: two binomials with leading
coefficients, or a binomial times a constant and a binomial. 3: a trinomial times a binomial, or
the square of a binomial. 4: three binomials, the cube of a binomial like ``(2x - 1)^{3}``, or
two variables ``(ax + by)(cx + dy)``. 5: two variables with a trinomial or a cube, or the fourth
power of a binomial. The answer is the expanded polynomial in descending powers.
"""

from __future__ import annotations

import math
import random

import sympy

from guide_envs.sources.generators.base import Draft, Family
from guide_envs.sources.generators.latex import sym

__all__ = ["FAMILY"]

_VARIABLES = tuple("abcdfghkmnpqrstuvwxyz")
_ASK = (
    "Expand ${e}$.",
    "Expand and simplify ${e}$.",
    "Write ${e}$ as a polynomial in standard form.",
    "Multiply out ${e}$ and collect like terms.",
    "Simplify ${e}$ into a sum of monomials.",
    "Rewrite ${e}$ in expanded form.",
)

_Factors = list[tuple[sympy.Expr, int]]


def _coef(rng: random.Random, bound: int) -> int:
    """Pick a nonzero integer in ``[-bound, bound]``."""
    return rng.choice([n for n in range(-bound, bound + 1) if n])


def _binomial(rng: random.Random, v: sympy.Symbol, lead: int, bound: int,
              w: sympy.Symbol | int = 1) -> sympy.Expr:
    """Draw ``a v + b w`` with ``1 <= a <= lead``, ``0 < |b| <= bound`` and no common factor."""
    while True:
        a, b = rng.randint(1, lead), _coef(rng, bound)
        if math.gcd(a, b) == 1:
            return a * v + b * w


def _variables(rng: random.Random, count: int) -> list[sympy.Symbol]:
    """Pick ``count`` distinct variables in alphabetical order."""
    return [sympy.Symbol(name) for name in sorted(rng.sample(_VARIABLES, count))]


def _power(rng: random.Random, power: int, lead: int, bound: int) -> _Factors:
    """Draw a power of a binomial in one or two variables."""
    v, w = _variables(rng, 2)
    return [(_binomial(rng, v, lead, bound, rng.choice((1, w))), power)]


def _level_4(rng: random.Random) -> _Factors:
    """Draw three binomials, a cube, or two binomials in two variables."""
    v, w = _variables(rng, 2)
    shape = rng.randrange(3)
    if shape == 0:
        return [(_binomial(rng, v, 3, 7), 1) for _ in range(3)]
    if shape == 1:
        return _power(rng, 3, 5, 7)
    return [(_binomial(rng, v, 6, 9, w), 1), (_binomial(rng, v, 6, 9, w), 1)]


def _level_5(rng: random.Random) -> _Factors:
    """Draw a two-variable trinomial times a binomial, or a cube or fourth power."""
    v, w = _variables(rng, 2)
    shape = rng.randrange(3)
    if shape == 0:
        trinomial = rng.randint(1, 3) * v**2 + _coef(rng, 7) * v * w + _coef(rng, 7) * w**2
        return [(trinomial, 1), (_binomial(rng, v, 4, 7, w), 1)]
    return _power(rng, 3, 6, 9) if shape == 1 else _power(rng, 4, 4, 6)


def _factors(rng: random.Random, difficulty: int) -> _Factors:
    """Draw the factors of the product, each with its power."""
    v = _variables(rng, 1)[0]
    shape = rng.randrange(2)
    if difficulty == 1:
        return [(v + _coef(rng, 12), 1), (v + _coef(rng, 12), 1)]
    if difficulty == 2:
        first = [(_binomial(rng, v, 6, 9), 1)] if shape else [(sympy.Integer(_coef(rng, 6)), 1),
                                                              (v + _coef(rng, 9), 1)]
        return [*first, (_binomial(rng, v, 6, 9), 1)]
    if difficulty == 3:
        if shape:
            trinomial = rng.randint(1, 3) * v**2 + _coef(rng, 9) * v + _coef(rng, 9)
            return [(trinomial, 1), (_binomial(rng, v, 4, 9), 1)]
        return _power(rng, 2, 9, 12)
    return _level_4(rng) if difficulty == 4 else _level_5(rng)


def _show(factors: _Factors) -> str:
    """Write the product in LaTeX, constants in front and without brackets."""
    parts = []
    for expr, power in factors:
        text = sym(expr)
        if expr.is_Number:
            parts.append(text)
        else:
            parts.append(f"({text})" + (f"^{{{power}}}" if power > 1 else ""))
    return "".join(parts)


def _hint(factors: _Factors) -> str:
    """Name the method for this shape of product; never the expansion itself."""
    (first, power), *rest = factors
    if power == 2:
        return "Use $(p + q)^{2} = p^{2} + 2pq + q^{2}$ with the two terms of the binomial."
    if power == 3:
        return ("Use the binomial theorem, $(p + q)^{3} = p^{3} + 3p^{2}q + 3pq^{2} + q^{3}$, "
                "with $p$ and $q$ the two terms of the binomial, signs included.")
    if power == 4:
        return ("Use the binomial theorem with coefficients from Pascal's triangle (row four), "
                "or square the binomial and then square the result.")
    if len(factors) == 3:
        return (f"Multiply two of the factors first, for instance ${_show(factors[:2])}$, then "
                "multiply that result by the remaining factor.")
    return (f"Distribute: multiply each term of ${sym(first)}$ by every term of "
            f"${sym(rest[0][0])}$, then combine like terms.")


def _terms(expr: sympy.Expr) -> list[sympy.Expr]:
    """Split a polynomial into its terms, highest degree first."""
    gens = sorted(expr.free_symbols, key=str)
    return [coeff * sympy.Mul(*[g**e for g, e in zip(gens, exps, strict=True)])
            for exps, coeff in sympy.Poly(expr, *gens).terms()]


def _sum(terms: list[str]) -> str:
    """Join LaTeX terms with plus signs, folding in leading minus signs."""
    return " ".join([terms[0]] + [f"- {t[1:].lstrip()}" if t.startswith("-") else f"+ {t}"
                                  for t in terms[1:]])


def _raised(base: sympy.Expr, power: int) -> str:
    """Write ``(base)^{power}``, leaving out powers 0 and 1."""
    return "" if power == 0 else f"({sym(base)})" + (f"^{{{power}}}" if power > 1 else "")


def _binomial_theorem(expr: sympy.Expr, power: int) -> str:
    """Show the binomial theorem applied to ``expr^power``."""
    p, q = _terms(expr)
    terms = [f"{math.comb(power, k) if 0 < k < power else ''}{_raised(p, power - k)}"
             f"{_raised(q, k)}" for k in range(power + 1)]
    return f"By the binomial theorem, $({sym(expr)})^{{{power}}} = {_sum(terms)}$."


def _distribute(left: sympy.Expr, right: sympy.Expr) -> str:
    """Show every term of ``left`` times every term of ``right``, before collecting."""
    products = [sym(a * b) for a in _terms(left) for b in _terms(right)]
    return f"Multiply every term by every term: ${_sum(products)}$."


def _steps(factors: _Factors, expanded: sympy.Expr) -> list[str]:
    """Work out the expansion one multiplication at a time."""
    (first, power), *rest = factors
    if power > 1:
        steps = [_binomial_theorem(first, power)]
    elif len(factors) == 3:
        partial = sympy.expand(first * rest[0][0])
        steps = [f"First ${_show(factors[:2])} = {sym(partial)}$.",
                 _distribute(partial, rest[1][0])]
    else:
        steps = [_distribute(first, rest[0][0])]
    return [*steps, f"Collecting like terms gives ${sym(expanded)}$."]


def generate(rng: random.Random, difficulty: int) -> Draft:
    """Generate one polynomial product to expand at ``difficulty`` (1-5)."""
    factors = _factors(rng, difficulty)
    product = sympy.Mul(*[expr**power for expr, power in factors])
    expanded = sympy.expand(product)
    return Draft(rng.choice(_ASK).format(e=_show(factors)), sym(expanded),
                 tuple(_steps(factors, expanded)), _hint(factors),
                 metadata={"product": str(product)})


FAMILY = Family("polynomials", generate, "expanding products of polynomials")
