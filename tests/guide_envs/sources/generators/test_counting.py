"""Gold answers of the counting family, re-derived independently (brute force)."""

from __future__ import annotations

import itertools
import math
import re

from guide_envs.problem import Problem

from ._verifier_checks import problems


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
