"""Gold answers of the polynomials family, re-derived independently (sympy) and compared through
the math verifier."""

from __future__ import annotations

import sympy

from ._verifier_checks import accepts, parse_latex, problems


def test_expansions_match_sympy() -> None:
    for p in problems("polynomials"):
        expanded = sympy.expand(sympy.sympify(p.metadata["product"]))
        assert accepts(sympy.latex(expanded), p), (p.id, expanded, p.answer)
        assert sympy.expand(parse_latex(p.answer) - expanded) == 0, p.id
