"""For the sympy re-derivations of the fractions, linear_equations, linear_systems, percentages and
word_problems gold answers (their test_<family>.py): the problems checked, N of each difficulty
(seed 5), and the exact value of a number as the generators write it."""

from __future__ import annotations

import re

import sympy
from latex2sympy2_extended import latex2sympy

from guide_envs.problem import Problem
from guide_envs.sources.generators import DIFFICULTIES
from guide_envs.sources.procedural import ProceduralSource

N = 60


def problems(family: str) -> list[Problem]:
    return [ProceduralSource.generate(family, d, 5, i) for d in DIFFICULTIES for i in range(N)]


def value(latex: str) -> sympy.Rational:
    """An exact number written the way the generators write answers and prompts."""
    latex = re.sub(r"(\d+)\\frac\{(\d+)\}\{(\d+)\}", r"(\1+\\frac{\2}{\3})", latex)
    return sympy.nsimplify(sympy.simplify(latex2sympy(latex)), rational=True)
