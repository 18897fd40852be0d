"""Deciding whether two final answers are the same mathematical object: :func:`equivalent`.

Both answers are read into values (:mod:`verifiers.math.values`) and compared by kind:
numbers exactly (decimals by the policy below), sets without order, tuples in order (a bare
list such as ``221, 8`` also matches the pair ``(221, 8)``, in order), intervals as sets,
equations up to a non-zero factor, matrices entry by entry, expressions by sympy and then by
evaluation at random points (so a free symbol the gold lacks, ``81 + c`` against ``81``, never
passes; one arbitrary constant may be renamed, ``+K`` for ``+C``), quantities by pint after unit
conversion, words without case or spacing. An answer with several distinct values where the
gold has one is a hedge.

Units: a bare number answers a gold with a unit (the question fixes the unit: ``-0.24`` for
``-6/25 m/s``); a number with an explicit unit (``\\text{cm}``, ``km``) answers a bare gold; a
number followed by letters that may be variables (``81 c``, ``\\frac12 ab``) is read as the
product, never as the bare number.

Decimal policy (one rule, both for numbers and for expressions that evaluate to numbers):

* Two exact values must be equal; a terminating-decimal gold (``0.375``, or ``3/8``, whose
  decimal expansion ends) needs exactly that value: ``0.38`` and ``0.37`` fail.
* A decimal answer to an exact gold that does not terminate (``\\sqrt{3}/2``, ``1/3``,
  ``10\\ln 2``) passes only if it equals the gold rounded to the number of decimal places the
  answer gives, and shows at least N significant figures, N = ``Tolerance.rounding_digits``
  = 3: ``0.866`` and ``0.8660`` pass, ``0.8661`` (wrong last digit) and ``0.87`` (2 figures)
  fail. N = 3 is the usual "three significant figures" convention of textbooks and
  olympiad/Gaokao answer keys; with fewer, one guess in ten or a hundred would pass.
* A decimal gold is taken as exact (``0.3`` is not answered by ``0.(3)`` or ``1/3``), unless
  it is marked approximate (``\\approx 17.10``): then an exact answer or a decimal with at
  least as many places that rounds to it also passes (``17.098``).
* No relative tolerance beyond that: ``Tolerance.rel_tol`` (``MathVerifier(rel_tol=...)``) is an
  explicit opt-in loosening, 0 by default. Quantities with units are compared by pint after
  conversion, equal to 1e-9 (float noise), unless ``rel_tol`` is set higher.

This runs inside a :class:`~verifiers.deadline.DeadlineWorker`, which enforces the deadline, so
nothing here needs a timeout of its own (math-verify's ``signal.alarm`` fails off the main thread).
"""

from __future__ import annotations

import random
from collections.abc import Iterator
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

#: Extra relative tolerance for decimals; 0 = off: only the rounding rule applies (see above).
DEFAULT_REL_TOL = 0.0
_NUMERIC_POINTS = 5


@dataclass(frozen=True)
class Tolerance:
    """How close a decimal approximation must be.

    Attributes:
        rel_tol: Opt-in loosening: also accept a decimal within this relative distance of
            the other value. 0 (the default) turns it off, leaving only the rounding rule.
        rounding_digits: The N of the rounding rule: a decimal answer to a non-terminating
            gold must show at least this many significant digits and equal the gold rounded
            to its decimal places (``3.14`` for pi, not ``3.1``).
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
    gold_values = _readings(gold, True)
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
        if answer_values[0].quantity.units != gold_values[0].quantity.units:
            return False, f"{normalize(answer)!r} is not the gold quantity"
        # the same unit: the numbers decide, under the decimal policy (0.866 m for sqrt(3)/2 m)
    for g in gold_values:
        for a in answer_values:
            if _same(a, g, tolerance):
                return True, "equal to the gold answer"
    return False, f"{normalize(answer)!r} is not equal to the gold answer"


@lru_cache(maxsize=16384)
def _readings(text: str, gold: bool = False) -> tuple[Value, ...]:
    return tuple(readings(text, gold=gold))


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
    if "tuple" in (a.kind, g.kind) and (a.kind == g.kind or (a.bare or g.bare)):
        # tuples in order; a bare list "221, 8" also answers or states the pair (221, 8)
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
        ratio = x / y
        if not ratio.free_symbols:
            return bool(ratio.is_number and ratio != 0 and ratio.is_finite)
        # The ratio is constant where it is defined; like _zero, random points settle it
        # (sympy.simplify took tens of milliseconds per equation, mostly on different ones).
        value = _constant_at_random_points(ratio)
        return value is not None and abs(value) > 1e-12
    except Exception:  # noqa: BLE001 - undecidable for sympy means "not shown equal"
        return False


def _same_scalar(a: Scalar, g: Scalar, tol: Tolerance) -> bool:
    """Answer scalar ``a`` against gold scalar ``g`` under the decimal policy (module doc)."""
    if a.number is not None and g.number is not None and a.number.value == g.number.value:
        return True
    if a.expr == g.expr:
        return True
    if _decimal(a) or _decimal(g):
        return _close(a, g, tol)
    if a.number is not None and g.number is not None:
        return False  # two exact numbers that differ
    # a symbol the gold lacks ("81 + c" against 81) leaves a non-zero difference, unless it
    # cancels (sin^2 x + cos^2 x = 1)
    return _zero(_rename_constant(a, g).expr - g.expr)


def _decimal(value: Scalar) -> bool:
    """Whether ``value`` was written as a decimal with a fractional part (maybe rounded)."""
    return value.number is not None and value.number.approximate


# Arbitrary constants: "+K" answers an antiderivative whose gold says "+C". The gold's must be
# a C (k is often a given parameter: a gold "kx" is not answered by "cx").
_GOLD_CONSTANTS = frozenset({"c", "c_0", "c_1", "c_2"})
_CONSTANTS = frozenset({*_GOLD_CONSTANTS, "k", "k_0", "k_1", "k_2"})


def _rename_constant(a: Scalar, g: Scalar) -> Scalar:
    """``a`` with its one arbitrary constant renamed to the gold's one, when each has one.

    >>> x, c, k = sympy.symbols("x c k")
    >>> _rename_constant(Scalar(x + k), Scalar(x + c)).expr
    c + x
    """
    extra = a.expr.free_symbols - g.expr.free_symbols
    missing = g.expr.free_symbols - a.expr.free_symbols
    if len(extra) != 1 or len(missing) != 1:
        return a
    (old,), (new,) = extra, missing
    if str(old) not in _CONSTANTS or str(new) not in _GOLD_CONSTANTS:
        return a
    return Scalar(a.expr.xreplace({old: new}), a.number)


def _close(a: Scalar, g: Scalar, tol: Tolerance) -> bool:
    """A decimal against the other value, by the rounding rule of the module docstring.

    >>> third, root = Scalar(sympy.Rational(1, 3)), Scalar(sympy.sqrt(3) / 2)
    >>> from verifiers.math.numbers import parse_number
    >>> def dec(text): return Scalar(sympy.Rational(str(parse_number(text).value)),
    ...                              parse_number(text))
    >>> [_close(dec(t), root, Tolerance()) for t in ("0.866", "0.8660", "0.8661", "0.87")]
    [True, True, False, False]
    >>> _close(dec("0.333"), third, Tolerance()), _close(dec("0.38"), dec("0.375"), Tolerance())
    (True, False)
    """
    if _decimal(a) and tol.rounding_digits and _rounds_to(
            g, a, tol.rounding_digits, exact_only=not g.approx):
        return True  # the answer is the gold rounded to the answer's precision
    if g.approx and _decimal(g) and (not _decimal(a) or a.number and g.number and (
            (a.number.decimals or 0) >= (g.number.decimals or 0))) and _rounds_to(a, g, 0, False):
        return True  # "≈ 17.10" gold: a more precise or exact answer that rounds to it
    if tol.rel_tol > 0:  # opt-in loosening (MathVerifier(rel_tol=...)), off by default
        try:
            va, vg = complex(sympy.N(a.expr, 30)), complex(sympy.N(g.expr, 30))
        except (TypeError, ValueError):
            return False
        return abs(va - vg) <= tol.rel_tol * abs(vg)
    return False


def _rounds_to(exact: Scalar, decimal: Scalar, min_digits: int, exact_only: bool) -> bool:
    """Whether ``exact`` rounded to ``decimal``'s decimal places is ``decimal``.

    ``exact_only``: only when ``exact`` is not itself a terminating decimal (a terminating
    value must be given exactly). ``min_digits``: significant digits ``decimal`` must show.
    """
    n = decimal.number
    if n is None or not n.decimals or (n.significant or 0) < max(min_digits, 1):
        return False
    if exact.expr.free_symbols:
        return False
    if exact_only and (_decimal(exact) or _terminates(exact.expr)):
        return False
    target = _round(exact.expr, n.decimals)
    return target is not None and target == n.value


def _terminates(expr: sympy.Expr) -> bool:
    """Whether ``expr`` is a rational whose decimal expansion ends (3/8 = 0.375)."""
    if not expr.is_Rational:
        return False
    q = int(expr.q)
    for p in (2, 5):
        while q % p == 0:
            q //= p
    return q == 1


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


def _constant_at_random_points(expr: sympy.Expr) -> complex | None:
    """The value ``expr`` takes at every one of several random points (to 1e-9), or None."""
    values = list(_values_at_random_points(expr))
    if len(values) < _NUMERIC_POINTS:
        return None
    first = values[0]
    scale = max(abs(first), 1.0)
    return first if all(abs(v - first) <= 1e-9 * scale for v in values) else None


def _values_at_random_points(expr: sympy.Expr) -> Iterator[complex]:
    """``expr`` at up to ``_NUMERIC_POINTS`` random points where it is defined."""
    symbols = sorted(expr.free_symbols, key=str)
    rng = random.Random(0)
    found = 0
    for _ in range(_NUMERIC_POINTS * 3):
        point = {s: sympy.Float(rng.uniform(0.5, 2.5), 30) for s in symbols}
        try:
            value = complex(expr.xreplace(point).evalf(30))
        except (ZeroDivisionError, ValueError, TypeError, OverflowError):
            continue
        if value != value:  # nan: undefined at this point
            continue
        yield value
        found += 1
        if found == _NUMERIC_POINTS:
            return


def _zero_at_random_points(expr: sympy.Expr) -> bool:
    """Zero (to 1e-9) at several random points where it is defined.

    Stops at the first non-zero value, which settles it.
    """
    checked = 0
    for value in _values_at_random_points(expr):
        if abs(value) > 1e-9:
            return False
        checked += 1
    return checked == _NUMERIC_POINTS
