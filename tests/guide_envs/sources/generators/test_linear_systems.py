"""Gold answers of the linear_systems family, re-derived independently (sympy)."""

from __future__ import annotations

import pytest
import sympy
from latex2sympy2_extended import latex2sympy

from guide_envs.problem import Problem

from ._sympy_values import problems, value


@pytest.mark.parametrize("problem", problems("linear_systems"), ids=lambda p: p.id)
def test_linear_systems_match_sympy(problem: Problem) -> None:
    x, y = sympy.symbols("x y")
    equations = [sympy.Eq(*map(latex2sympy, eq.split(" = "))) for eq in
                 problem.metadata["equations"]]
    solution = sympy.solve(equations, [x, y], dict=True)
    gold_x, gold_y = problem.answer.strip("()").split(", ")
    assert solution == [{x: value(gold_x), y: value(gold_y)}]
    assert "ordered pair (x, y)" in problem.prompt
