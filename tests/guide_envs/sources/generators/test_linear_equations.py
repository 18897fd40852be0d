"""Gold answers of the linear_equations family, re-derived independently (sympy)."""

from __future__ import annotations

import pytest
import sympy
from latex2sympy2_extended import latex2sympy

from guide_envs.problem import Problem

from ._sympy_values import problems, value


@pytest.mark.parametrize("problem", problems("linear_equations"), ids=lambda p: p.id)
def test_linear_equations_match_sympy(problem: Problem) -> None:
    lhs, rhs = problem.metadata["equation"].split(" = ")
    var = sympy.Symbol(problem.metadata["variable"])
    roots = sympy.solve(sympy.Eq(latex2sympy(lhs), latex2sympy(rhs)), var)
    assert roots == [value(problem.answer)]
