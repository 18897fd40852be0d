"""Gold answers of the fractions family, re-derived independently (sympy)."""

from __future__ import annotations

import pytest

from guide_envs.problem import Problem

from ._sympy_values import problems, value


@pytest.mark.parametrize("problem", problems("fractions"), ids=lambda p: p.id)
def test_fractions_match_sympy(problem: Problem) -> None:
    assert value(problem.metadata["expression"]) == value(problem.answer)
