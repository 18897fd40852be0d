"""Gold answers of the number_theory family, re-derived independently (sympy)."""

from __future__ import annotations

import math

import sympy

from ._verifier_checks import problems


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
