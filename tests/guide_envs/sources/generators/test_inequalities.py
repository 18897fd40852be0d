"""Gold answers of the inequalities family, re-derived independently (sympy) and compared through
the math verifier."""

from __future__ import annotations

import re

import pytest
import sympy

from guide_envs.sources.generators import DIFFICULTIES
from guide_envs.sources.procedural import ProceduralSource

from ._verifier_checks import N, accepts, parse_latex


def interval_latex(solution: sympy.Set) -> str:
    parts = solution.args if isinstance(solution, sympy.Union) else (solution,)
    texts = []
    for part in parts:
        low = "-\\infty" if part.start == -sympy.oo else sympy.latex(part.start)
        high = "\\infty" if part.end == sympy.oo else sympy.latex(part.end)
        left = "(" if part.left_open else "["
        right = ")" if part.right_open else "]"
        texts.append(f"{left}{low}, {high}{right}")
    return " \\cup ".join(texts)


@pytest.mark.parametrize("difficulty", DIFFICULTIES)
def test_inequality_solutions_match_sympy(difficulty: int) -> None:
    for i in range(N):
        p = ProceduralSource.generate("inequalities", difficulty, 3, i)
        text = p.metadata["inequality"].replace("\\le", "<=").replace("\\ge", ">=")
        pieces = re.split(r"(<=|>=|<|>)", text)
        sides = [parse_latex(s) for s in pieces[::2]]
        relations = [sympy.core.relational.Relational(a, b, op)
                     for a, op, b in zip(sides, pieces[1::2], sides[1:], strict=False)]
        v = next(iter(set().union(*(s.free_symbols for s in sides))))
        solution = sympy.Intersection(*(
            sympy.solve_univariate_inequality(r, v, relational=False) for r in relations))
        assert accepts(interval_latex(solution), p), (p.id, solution, p.answer)
