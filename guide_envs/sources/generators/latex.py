"""Small LaTeX formatting helpers shared by the generator families."""

from __future__ import annotations

from fractions import Fraction

import sympy

__all__ = ["frac", "number", "sym"]


def frac(value: Fraction | int) -> str:
    """An exact rational in LaTeX: an integer, or ``\\frac{p}{q}`` with the sign in front.

    >>> frac(Fraction(-3, 4)), frac(Fraction(6, 3))
    ('-\\\\frac{3}{4}', '2')
    """
    value = Fraction(value)
    if value.denominator == 1:
        return str(value.numerator)
    sign = "-" if value < 0 else ""
    return f"{sign}\\frac{{{abs(value.numerator)}}}{{{value.denominator}}}"


def number(value: Fraction | int | float) -> str:
    """A number as it would appear in text: integers plainly, other rationals as fractions.

    >>> number(Fraction(5, 2)), number(7)
    ('\\\\frac{5}{2}', '7')
    """
    return frac(Fraction(value))


def sym(expr: sympy.Basic) -> str:
    """A sympy expression in LaTeX, with descending powers for polynomials.

    >>> import sympy as sp
    >>> x = sp.Symbol("x")
    >>> sym(x**2 - 3*x + 2)
    'x^{2} - 3 x + 2'
    """
    return str(sympy.latex(expr, order="lex"))
