"""Deciding whether two final answers are the same mathematical object: :func:`equivalent`.

Both answers are read into values (:mod:`verifiers.math.values`) and compared by kind:
numbers exactly (a relative tolerance only when one side is a decimal approximation), sets
without order, tuples in order, intervals as sets, equations up to a non-zero factor, matrices
entry by entry, expressions by sympy and then by evaluation at random points, words without
case or spacing. An answer with several distinct values where the gold has one is a hedge.

This runs inside a :class:`~verifiers.deadline.DeadlineWorker`, which enforces the deadline, so
nothing here needs a timeout of its own (math-verify's ``signal.alarm`` fails off the main thread).
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from fractions import Fraction
from functools import lru_cache
from itertools import permutations
from typing import Any

import sympy

from verifiers.math.normalize import normalize, text_form
from verifiers.math.values import (
    Collection,
    Equation,
    MatrixValue,
    Quantity,
    Scalar,
    Text,
    Value,
    readings,
)

__all__ = ["DEFAULT_REL_TOL", "Tolerance", "equivalent"]

#: Relative tolerance for decimal approximations of exact answers.
DEFAULT_REL_TOL = 1e-4
_NUMERIC_POINTS = 5


@dataclass(frozen=True)
class Tolerance:
    """How close a decimal approximation must be.

    Attributes:
        rel_tol: Accept a decimal within this relative distance of an irrational value.
        rounding_digits: Also accept a decimal with at least this many significant digits that
            equals the other value rounded to the same number of decimal places
            (``3.1416`` for pi). 0 turns the rule off.
    """

    rel_tol: float = DEFAULT_REL_TOL
    rounding_digits: int = 3


def equivalent(answer: str, gold: str, tolerance: Tolerance = Tolerance()) -> tuple[bool, str]:
    r"""Whether ``answer`` equals ``gold``, and a one-line reason.

    >>> equivalent("0.5", "\\frac{1}{2}")
    (True, 'equal to the gold answer')
    >>> equivalent("7, 8", "7")
    (False, 'hedged: 2 different answers where the gold answer has one')
    """
    if text_form(answer) == text_form(gold) and text_form(gold):
        return True, "same as the gold answer"
    gold_values = _readings(gold)
    if not gold_values:
        return False, f"the gold answer {gold!r} could not be read"
    answer_values = _readings(answer)
    if not answer_values:
        return False, f"could not parse the answer {answer!r}"
    hedge = _hedge(answer_values[0], gold_values[0])
    if hedge:
        return False, hedge
    if isinstance(answer_values[0], Quantity) and isinstance(gold_values[0], Quantity):
        if _same_quantity(answer_values[0], gold_values[0], tolerance):
            return True, "equal to the gold answer after unit conversion"
        return False, f"{normalize(answer)!r} is not the gold quantity"
    for g in gold_values:
        for a in answer_values:
            if _same(a, g, tolerance):
                return True, "equal to the gold answer"
    return False, f"{normalize(answer)!r} is not equal to the gold answer"


@lru_cache(maxsize=16384)
def _readings(text: str) -> tuple[Value, ...]:
    return tuple(readings(text))


def _hedge(answer: Value, gold: Value) -> str | None:
    """A reason when the answer lists several values but the gold answer is one."""
    if not (isinstance(answer, Collection) and answer.kind == "set" and len(answer.items) > 1):
        return None
    if isinstance(gold, (Collection, Text)):
        return None
    distinct = _distinct(answer.items)
    if len(distinct) > 1:
        return f"hedged: {len(distinct)} different answers where the gold answer has one"
    return None


def _distinct(items: tuple[Any, ...]) -> list[Any]:
    out: list[Any] = []
    for item in items:
        if not any(_same(item, seen, Tolerance(0.0, 0)) for seen in out):
            out.append(item)
    return out


def _same_quantity(a: Quantity, g: Quantity, tol: Tolerance) -> bool:
    from verifiers.units import same_quantity

    # pint converts in floating point: exact conversions agree to ~1e-15, so 1e-9 is "equal"
    return same_quantity(a.quantity, g.quantity, rel_tol=max(tol.rel_tol, 1e-9))


def _same(a: Value, g: Value, tol: Tolerance) -> bool:
    """Whether answer value ``a`` equals gold value ``g``."""
    if isinstance(a, Quantity) or isinstance(g, Quantity):
        return isinstance(a, Quantity) and isinstance(g, Quantity) and _same_quantity(a, g, tol)
    if isinstance(a, Text) or isinstance(g, Text):
        return isinstance(a, Text) and isinstance(g, Text) and a.text == g.text
    if isinstance(g, Equation) or isinstance(a, Equation):
        return _same_equation(a, g, tol)
    if isinstance(a, Scalar) and isinstance(g, Scalar):
        return _same_scalar(a, g, tol)
    if isinstance(a, MatrixValue) or isinstance(g, MatrixValue):
        return _same_matrix(a, g, tol)
    if isinstance(a, Collection) and isinstance(g, Collection):
        return _same_collection(a, g, tol)
    if isinstance(g, Collection) and g.kind == "set" and len(g.items) == 1:
        return _same(a, g.items[0], tol)
    if isinstance(a, Collection) and a.kind == "set" and len(_distinct(a.items)) == 1:
        return _same(a.items[0], g, tol)
    return False


def _same_collection(a: Collection, g: Collection, tol: Tolerance) -> bool:
    if g.kind == "interval" or a.kind == "interval":
        if a.interval is not None and g.interval is not None:
            return bool(a.interval == g.interval) or _same_sets(a.interval, g.interval)
        if g.kind == "interval" and a.kind == "set" and g.interval is not None:
            return _same_sets(sympy.FiniteSet(*_exprs(a.items)), g.interval)
        return False
    if g.kind == "tuple" and a.kind == "tuple":
        return len(a.items) == len(g.items) and all(
            _same(x, y, tol) for x, y in zip(a.items, g.items, strict=True))
    if g.kind == "set" and a.kind == "set":
        return _same_unordered(_distinct(a.items), _distinct(g.items), tol)
    return False  # a bare list is not a tuple: the brackets carry the meaning


def _exprs(items: tuple[Any, ...]) -> list[Any]:
    return [i.expr for i in items if isinstance(i, Scalar)]


def _same_sets(a: sympy.Set, g: sympy.Set) -> bool:
    try:
        return bool(sympy.simplify(a.symmetric_difference(g)) == sympy.EmptySet)
    except Exception:  # noqa: BLE001 - sympy set algebra can fail on exotic sets
        return False


def _same_unordered(a: list[Any], g: list[Any], tol: Tolerance) -> bool:
    if len(a) != len(g):
        return False
    if len(a) > 8:  # too many orders to try: match greedily
        remaining = list(g)
        for item in a:
            match = next((x for x in remaining if _same(item, x, tol)), None)
            if match is None:
                return False
            remaining.remove(match)
        return True
    return any(all(_same(x, y, tol) for x, y in zip(a, order, strict=True))
               for order in permutations(g))


def _same_matrix(a: Value, g: Value, tol: Tolerance) -> bool:
    def cells(v: Value) -> tuple[tuple[int, int], list[Any]] | None:
        if isinstance(v, MatrixValue):
            flat = [c for row in v.rows for c in row]
            shape = (len(v.rows), len(v.rows[0]))
            return (sorted(shape), flat) if 1 in shape else (shape, flat)
        if isinstance(v, Collection) and v.kind == "tuple":
            return ([1, len(v.items)], list(v.items))
        return None

    ca, cg = cells(a), cells(g)
    if ca is None or cg is None or ca[0] != cg[0]:
        return False
    return all(_same(x, y, tol) for x, y in zip(ca[1], cg[1], strict=True))


def _same_equation(a: Value, g: Value, tol: Tolerance) -> bool:
    if isinstance(a, Equation) and isinstance(g, Equation):
        return _proportional(a.lhs - a.rhs, g.lhs - g.rhs)
    equation, other = (a, g) if isinstance(a, Equation) else (g, a)
    assert isinstance(equation, Equation)
    if equation.rhs_value is None:
        return False
    return _same(equation.rhs_value, other, tol) if equation is a else _same(
        other, equation.rhs_value, tol)


def _proportional(x: sympy.Expr, y: sympy.Expr) -> bool:
    """Whether ``x = 0`` and ``y = 0`` are the same equation (``x = c * y``, ``c != 0``)."""
    if _zero(x - y) or _zero(x + y):
        return True
    try:
        ratio = sympy.simplify(x / y)
    except Exception:  # noqa: BLE001
        return False
    return bool(ratio.is_number and ratio != 0 and ratio.is_finite)


def _same_scalar(a: Scalar, g: Scalar, tol: Tolerance) -> bool:
    if a.number is not None and g.number is not None:
        if a.number.value == g.number.value:
            return True
        if not (a.number.approximate or g.number.approximate):
            return False
    if a.expr == g.expr:
        return True
    approx = (a.number is not None and a.number.approximate) or (
        g.number is not None and g.number.approximate)
    if approx:
        return _close(a, g, tol)
    return _zero(a.expr - g.expr)


def _close(a: Scalar, g: Scalar, tol: Tolerance) -> bool:
    """A decimal approximation against the other value.

    Against a rational (``822.14`` vs ``822.15``, ``0.3333`` vs ``1/3``) only the rounding rule
    applies, so distinct exact decimals never match; against an irrational value (pi, sqrt 2)
    the relative tolerance applies too.
    """
    for approx, other in ((a, g), (g, a)):
        n = approx.number
        if n is not None and n.decimals and tol.rounding_digits and (
                n.significant or 0) >= tol.rounding_digits:
            target = _round(other.expr, n.decimals)
            if target is not None and target == n.value:
                return True
    if a.expr.is_rational and g.expr.is_rational:
        return False
    try:
        va, vg = complex(sympy.N(a.expr, 30)), complex(sympy.N(g.expr, 30))
    except (TypeError, ValueError):
        return False
    return abs(va - vg) <= tol.rel_tol * abs(vg)


def _round(value: sympy.Expr, decimals: int) -> Fraction | None:
    """``value`` rounded to ``decimals`` places (exactly for rationals), or None."""
    try:
        if value.is_Rational:
            exact = Fraction(int(value.p), int(value.q))
        else:
            exact = Fraction(str(sympy.Float(sympy.N(value, 40), 40)))
    except (TypeError, ValueError, AttributeError):
        return None
    return Fraction(round(exact * 10**decimals), 10**decimals)


def _zero(expr: sympy.Expr) -> bool:
    """Whether ``expr`` is identically zero.

    Expressions with symbols are evaluated at random points (cheap, and one non-zero value
    settles it); constants are evaluated to 50 digits, then simplified.
    """
    try:
        if expr == 0:
            return True
        if expr.free_symbols:
            return _zero_at_random_points(expr)
        value = sympy.N(expr, 50)
        if value.is_number and value != 0 and abs(value) > 1e-40:
            return False
        return bool(sympy.simplify(expr) == 0)
    except Exception:  # noqa: BLE001 - undecidable for sympy means "not shown equal"
        return False


def _zero_at_random_points(expr: sympy.Expr) -> bool:
    """Zero (to 1e-9) at several random points where it is defined."""
    symbols = sorted(expr.free_symbols, key=str)
    rng = random.Random(0)
    checked = 0
    for _ in range(_NUMERIC_POINTS * 3):
        point = {s: sympy.Float(rng.uniform(0.5, 2.5), 30) for s in symbols}
        try:
            value = complex(expr.xreplace(point).evalf(30))
        except (ZeroDivisionError, ValueError, TypeError, OverflowError):
            continue
        if value != value:  # nan: undefined at this point
            continue
        if abs(value) > 1e-9:
            return False
        checked += 1
        if checked == _NUMERIC_POINTS:
            return True
    return False
