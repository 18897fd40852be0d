"""For the re-derivations of the quadratics, polynomials, inequalities, number_theory and counting
gold answers (their test_<family>.py): the problems checked, N of each difficulty (seed 3),
whether the math verifier accepts an answer, and the generators' LaTeX read back into sympy."""

from __future__ import annotations

import re

import sympy
from sympy.parsing.sympy_parser import (
    implicit_multiplication_application,
    parse_expr,
    standard_transformations,
)

from guide_envs.problem import Problem
from guide_envs.sources.generators import DIFFICULTIES
from guide_envs.sources.procedural import ProceduralSource
from verifiers.math import verify_answer

N = 60


def problems(family: str) -> list[Problem]:
    return [ProceduralSource.generate(family, d, 3, i) for d in DIFFICULTIES for i in range(N)]


def accepts(expected_latex: str, problem: Problem) -> bool:
    return verify_answer(f"\\boxed{{{expected_latex}}}", problem.answer).correct


def parse_latex(text: str) -> sympy.Expr:
    """Parse the small LaTeX subset the generators emit for expressions."""
    text = re.sub(r"\^\{(\d+)\}", r"**\1", text).replace("{", "(").replace("}", ")")
    transformations = (*standard_transformations, implicit_multiplication_application)
    return parse_expr(text, transformations=transformations)
