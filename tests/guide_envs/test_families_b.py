"""Gold answers of quadratics, number_theory, counting, polynomials and inequalities, re-derived
independently (sympy, brute force) and compared through the math verifier."""

from __future__ import annotations

import itertools
import math
import re

import pytest
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


def test_quadratic_roots_match_sympy() -> None:
    for p in problems("quadratics"):
        v = sympy.Symbol(p.metadata["variable"])
        roots = sympy.solve(sympy.sympify(p.metadata["equation"], locals={str(v): v}), v)
        assert roots and all(r.is_real for r in roots), p.id
        assert accepts(", ".join(sympy.latex(r) for r in roots), p), (p.id, roots, p.answer)


def test_expansions_match_sympy() -> None:
    for p in problems("polynomials"):
        expanded = sympy.expand(sympy.sympify(p.metadata["product"]))
        assert accepts(sympy.latex(expanded), p), (p.id, expanded, p.answer)
        assert sympy.expand(parse_latex(p.answer) - expanded) == 0, p.id


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


def test_number_theory_matches_sympy() -> None:
    for p in problems("number_theory"):
        args = p.metadata["args"]
        expected = {
            "gcd": lambda a: math.gcd(*a),
            "lcm": lambda a: math.lcm(*a),
            "remainder": lambda a: a[0] % a[1],
            "product_remainder": lambda a: a[0] * a[1] % a[2],
            "divisors": lambda a: sympy.divisor_count(a[0] ** a[1]),
            "power": lambda a: pow(a[0], a[1], a[2]),
        }[p.metadata["kind"]](args)
        assert p.answer == str(expected), (p.id, args, p.answer)


def brute_force(p: Problem) -> int | None:
    """Count by enumeration where the instance is small enough; None otherwise."""
    kind, text = p.metadata["kind"], p.prompt
    numbers = [int(n) for n in re.findall(r"\d+", text)]
    if kind == "letters" and len(re.search(r"letters of (\w+)", text)[1]) <= 8:
        return len(set(itertools.permutations(re.search(r"letters of (\w+)", text)[1])))
    if kind == "adjacent" and numbers[0] <= 8:
        together = sum(abs(order.index(0) - order.index(1)) == 1
                       for order in itertools.permutations(range(numbers[0])))
        return math.factorial(numbers[0]) - together if "not" in text else together
    if kind in ("grid", "grid_point"):
        return lattice_paths(p)
    if kind == "stars_and_bars":
        items = numbers[0]
        kids = len(re.findall(r"[A-Z][a-z]+", text.split(" among ")[1]))
        return sum(1 for cut in itertools.combinations(range(1, items), kids - 1))
    return None


def lattice_paths(p: Problem) -> int:
    coords = [tuple(map(int, c)) for c in re.findall(r"\((\d+), (\d+)\)", p.prompt)]
    (width, height), point = coords[1], coords[2] if len(coords) > 2 else None
    ways = [[0] * (height + 1) for _ in range(width + 1)]
    for x in range(width + 1):
        for y in range(height + 1):
            through = point is None or (x <= point[0] and y <= point[1]) or (
                x >= point[0] and y >= point[1])
            if "do not pass" in p.prompt:
                through = (x, y) != point
            ways[x][y] = 1 if (x, y) == (0, 0) else (
                (ways[x - 1][y] if x else 0) + (ways[x][y - 1] if y else 0)) * through
    return ways[width][height]


def test_counting_matches_brute_force() -> None:
    checked = 0
    for p in problems("counting"):
        expected = brute_force(p)
        if expected is not None:
            checked += 1
            assert p.answer == str(expected), (p.id, p.prompt, p.answer, expected)
    assert checked > 50
