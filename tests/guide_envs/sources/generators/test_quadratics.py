"""Gold answers of the quadratics family, re-derived independently (sympy) and compared through
the math verifier."""

from __future__ import annotations

import sympy

from ._verifier_checks import accepts, problems


def test_quadratic_roots_match_sympy() -> None:
    for p in problems("quadratics"):
        v = sympy.Symbol(p.metadata["variable"])
        roots = sympy.solve(sympy.sympify(p.metadata["equation"], locals={str(v): v}), v)
        assert roots and all(r.is_real for r in roots), p.id
        assert accepts(", ".join(sympy.latex(r) for r in roots), p), (p.id, roots, p.answer)
