"""What an answer means, read from its text: :func:`read_value` and the value types.

An answer is read into one of: :class:`Scalar` (a number or expression, exact or a decimal
approximation), :class:`Collection` (a set, a tuple, or an interval/union), :class:`Equation`,
:class:`MatrixValue` or :class:`Text`. Some texts mean more than one thing (``25\\%`` is 25 and
0.25; ``30^\\circ`` is 30 and pi/6; ``(1, 2)`` is a pair and an open interval), so
:func:`readings` lists every reading and the comparison accepts a match of any of them.

Symbolic parsing goes through ``latex2sympy2_extended`` (math-verify's LaTeX backend) for LaTeX
and ``sympy.parse_expr`` for plain text, after our own normalisation: that backend alone fails on
``\\log_e``, ``1.5e3``, ``\\varnothing``, units and degrees.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from fractions import Fraction
from functools import lru_cache
from typing import Any

import sympy

from verifiers.math.fastlatex import Unsupported, parse_latex
from verifiers.math.normalize import (
    normalize,
    split_top_level,
    strip_outer,
    text_form,
    unwrap_text,
)
from verifiers.math.numbers import Number, parse_number

__all__ = [
    "Collection",
    "Equation",
    "MatrixValue",
    "Quantity",
    "Scalar",
    "Text",
    "Value",
    "read_value",
    "readings",
]


@dataclass(frozen=True)
class Scalar:
    """A number or expression; ``number`` keeps how a plain number was written.

    ``approx``: the text said the value is approximate (``\\approx 17.10``).
    """

    expr: sympy.Expr
    number: Number | None = None
    approx: bool = False


@dataclass(frozen=True)
class Collection:
    """Several values: ``kind`` is ``"set"``, ``"tuple"`` or ``"interval"`` (a sympy set).

    ``bare``: a set written as a plain list, without braces (``221, 8``; ``\\pm 2``); it
    also matches a tuple with the same items in the same order.
    """

    kind: str
    items: tuple[Any, ...] = ()
    interval: sympy.Set | None = None
    bare: bool = False


@dataclass(frozen=True)
class Equation:
    """``lhs = rhs``."""

    lhs: sympy.Expr
    rhs: sympy.Expr
    rhs_value: Any = None


@dataclass(frozen=True)
class MatrixValue:
    """A matrix or vector, as rows of scalars."""

    rows: tuple[tuple[Any, ...], ...]


@dataclass(frozen=True)
class Quantity:
    """A number with a physical unit (a ``pint`` quantity), e.g. ``10 cm``."""

    quantity: Any


@dataclass(frozen=True)
class Text:
    """Words: compared case- and space-insensitively."""

    text: str


Value = Scalar | Collection | Equation | MatrixValue | Quantity | Text

_EMPTY = re.compile(r"^(?:\\varnothing|\\emptyset|\\oslash|⊘|∅|\\o|\\O|\\\{\s*\\\}|\{\s*\}|"
                    r"\\set\{\s*\}|\\text\{\s*\}|(?:the\s+)?empty\s*set|no\s+(?:real\s+)?solutions?|none|"
                    r"there\s+is\s+no\s+solution)$", re.IGNORECASE)
_INFINITY = re.compile(r"^([+-]?)\s*(?:\\infty|\\inf|oo|inf|infinity|∞)$", re.IGNORECASE)
_DEGREE = re.compile(r"^(.*?)\s*(?:\^\s*\{?\\circ\}?|°|\\degree|\s+degrees?)$")
_PERCENT = re.compile(r"^(.*?)\s*(?:\\%|%|\s+percent)$")
_OR_AND = re.compile(r"\s*(?:\\text\{\s*(?:or|and)\s*\}|\\(?:lor|vee)|\bor\b|\band\b)\s*")
# "x = ...", "x_1 = ...", "f(x) = ...", "B^{-1} = ...", "A^{T} = ...", "f'(x) = ..."
_VAR_EQ = re.compile(r"^([a-zA-Z](?:_\{?\w+\}?)?(?:\^\{?(?:-1|T|\\prime)\}?|')?(?:\([a-zA-Z]\))?)"
                     r"\s*=\s*(.+)$")
_SET_BUILDER = re.compile(r"^([a-zA-Z])\s*(?:\\mid|\||:|\\colon)\s*(.+)$")
_REALS = re.compile(r"^[a-zA-Z]\s*\\in\s*(?:\\mathbb\s*\{?\s*R\s*\}?|\\R|ℝ)$")
_NOT_EQUAL = re.compile(r"^[a-zA-Z]\s*(?:\\neq|\\ne|≠)\s*(.+)$")
_PREFIXED_INTERVAL = re.compile(r"^[a-zA-Z]\s*(?=[(\[])")
_RELATIONS = re.compile(r"\\leqslant|\\geqslant|\\leq?|\\geq?|<=|>=|<|>|≤|≥")
# One matrix, perhaps in brackets ("[\begin{array}{cc} ... \end{array}]"); a vmatrix is a
# determinant, a number, read by the LaTeX parser.
_MATRIX = re.compile(r"^(?:\\left)?[\[(]?\s*\\begin\{([pbB]?matrix|array)\}(?:\{[^{}]*\})?(.*)"
                     r"\\end\{\1\}\s*(?:\\right)?[\])]?$", re.S)
_PM = re.compile(r"\\pm|±")
_PLAIN_TEXT_MATH = re.compile(r"^[0-9a-zA-Z_+\-*/^().,\s]*$")
_PLAIN_FUNCTIONS = frozenset({"sqrt", "exp", "log", "ln", "sin", "cos", "tan", "pi", "e", "E",
                              "I", "oo", "factorial", "binomial", "abs", "asin", "acos",
                              "atan", "sinh", "cosh", "tanh", "arcsin", "arccos", "arctan"})
_LIBRARY_PREFIX = re.compile(r"\b(?:np|numpy|math|sympy|sp)\.(?=[a-z])")  # "np.arcsin(x)"
_LETTER = re.compile(r"^\(?([A-Ja-j])\)?(?:$|[\s:.]|\\text)")
_VARIABLES = re.compile(r"^\(\s*[a-zA-Z](?:\s*,\s*[a-zA-Z])*\s*\)$")
_MEMBER = re.compile(r"^[a-zA-Z]\s*(?:\\in|∈)\s*(.+)$")
_PLAIN_NAMES = re.compile(r"\b(?:pi|sqrt|exp|log|ln|sin|cos|tan|oo|arc(?:sin|cos|tan))\b|\*\*")
_WORDS = re.compile(r"^[A-Za-z][A-Za-z\s'-]*$")


def readings(answer: str, *, gold: bool = False) -> list[Value]:
    r"""Every plausible reading of ``answer`` (the first is the primary one).

    ``gold``: the text is a gold answer, read more leniently: a bare number also reads a gold
    with a unit (the question fixes the unit) and a sentence is read for its one piece of math.

    >>> [type(v).__name__ for v in readings("81 + c")]
    ['Scalar']
    >>> [type(v).__name__ for v in readings("576\\pi\\;m^{2}", gold=True)]
    ['Quantity', 'Scalar', 'Scalar']
    """
    approx = bool(_APPROX_MARK.match(answer))
    text = normalize(answer)
    if gold:
        text = _math_of_sentence(text)
    if not text:
        return []
    rounded = _APPROX_SPLIT.split(text, maxsplit=1)
    if len(rounded) == 2 and rounded[0].strip() and len(_APPROX_SPLIT.findall(text)) == 1:
        # "t = 10\ln 2 \approx 6.93"
        return _approximated(rounded[0], rounded[1], gold)
    clock = _CLOCK.match(unwrap_text(text).strip())
    if clock:  # "5am", "5\text{ a.m.}", "5:00 AM"
        return [Text(f"{int(clock.group(1))}:{clock.group(2) or '00'}{clock.group(3).lower()}m")]
    found: list[Value] = []
    plain = unwrap_text(text).strip()
    money = _MONEY.search(plain)
    if money and re.search(r"\d", plain[:money.start()]):
        text = plain[:money.start()]  # "12.5 dollars": a currency pint does not know
    unit = _strip_unit(text)
    if unit is not None and unit[1] is not None:
        found.append(unit[1])
    for variant in _variants(text):
        value = read_value(variant)
        if value is not None:
            found.append(value)
    if unit is not None and (unit[2] or (gold and unit[3])):  # "10 cm": the bare number too
        value = read_value(unit[0])
        if value is not None:
            found.append(value)
    tail = _SENTENCE_TAIL.match(text) if gold and len(text) <= _MAX_SENTENCE else None
    if tail:  # "The function is increasing on (0, \infty)": the math at the end
        found[:0] = readings(tail.group(1), gold=True)
    found.extend(_text_readings(text))
    return [_approximate(v) for v in found] if approx else found


_SENTENCE_TAIL = re.compile(
    r"^[A-Za-z]{2,}\s[A-Za-z ,']*?\b(?:is|are|on|equals|be|at)\s+(?![a-z]+(?:\s|$))(.+)$")
_MAX_SENTENCE = 300


_APPROX_MARK = re.compile(r"^\s*\$*\s*(?:\\approx|≈)")
_CLOCK = re.compile(r"^(\d{1,2})(?::(\d{2}))?\s*([apAP])\.?\s*[mM]\.?$")
_INLINE_MATH = re.compile(r"\$([^$]{1,500})\$")
_SENTENCE_WORDS = re.compile(r"^[A-Za-z][A-Za-z\s,.:;'-]*$")


_MONEY = re.compile(r"\s*\b(?:dollars?|yuan|euros?|rmb|usd)$", re.IGNORECASE)
_APPROX_SPLIT = re.compile(r"\\approx|≈")


def _approximated(exact: str, rounded: str, gold: bool) -> list[Value]:
    r"""Readings of ``exact \approx rounded``: the exact side, and for a gold the rounded one.

    An answer is its exact side (or, after a bare name, ``x \approx 6.93``, its rounded side):
    a wrong exact value followed by "≈ the right number" must not pass.

    >>> [str(v.expr) for v in _approximated("t = 10\\ln 2", "6.93", gold=True)]
    ['10*log(2)', '693/100']
    """
    exact = split_top_level(exact, ("=",))[-1] if "=" in exact else exact
    found = [] if _NAME.match(exact.strip()) else readings(exact, gold=gold)
    if gold or not found:
        found += [_approximate(v) for v in readings(rounded, gold=gold)]
    return found


_NAME = re.compile(r"^[a-zA-Z](?:_\{?\w+\}?)?$")


def _approximate(value: Value) -> Value:
    """A scalar marked as approximate (the text said "≈")."""
    return Scalar(value.expr, value.number, True) if isinstance(value, Scalar) else value


def _math_of_sentence(text: str) -> str:
    r"""The one piece of math in a sentence-style gold, else the text itself.

    >>> _math_of_sentence("The function is increasing on $(0, \\infty)$")
    '(0, \\infty)'
    """
    pieces = _INLINE_MATH.findall(text)
    if len(pieces) != 1:
        return text
    words = _INLINE_MATH.sub(" ", text).strip()
    return normalize(pieces[0]) if _SENTENCE_WORDS.match(words or "x") else text


_QUADRANTS = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "1": 1, "2": 2, "3": 3, "4": 4, "first": 1,
              "second": 2, "third": 3, "fourth": 4, "1st": 1, "2nd": 2, "3rd": 3, "4th": 4}
_QUADRANT = re.compile(r"^(?:the\s+)?(?:quadrant\s+(\w+)|(\w+)\s+quadrant)$")


def _quadrant(words: str) -> Text | None:
    """``Quadrant I``, ``first quadrant``, ``the 1st quadrant``: one spelling, ``quadrant 1``.

    >>> _quadrant("first quadrant") == _quadrant("quadrant i")
    True
    """
    m = _QUADRANT.match(words)
    number = _QUADRANTS.get((m.group(1) or m.group(2)) if m else "")
    return Text(f"quadrant {number}") if number else None


def _order(text: str) -> Text | None:
    """A chain of one-way inequalities in one spelling: ``b > a > c`` is ``c < a < b``.

    >>> _order("b > a > c") == _order("c<a<b"), _order("a < b > c")
    (True, None)
    """
    pieces = _RELATIONS.split(text)
    ops = _RELATIONS.findall(text)
    if len(ops) < 2 or any(not p.strip() for p in pieces):
        return None
    strict = {op in ("<", ">") for op in ops}
    down = {op.lstrip("\\")[:1] in (">", "g", "≥") for op in ops}
    if len(strict) != 1 or len(down) != 1:
        return None  # mixed directions or strictness: no simple order
    terms = [re.sub(r"\s+", "", p) for p in pieces]
    if down.pop():
        terms.reverse()
    return Text(("<" if strict.pop() else "<=").join(terms))


def _text_readings(text: str) -> list[Value]:
    """Readings as words: a choice letter, a quadrant, an order, or the words themselves."""
    order = _order(text)
    quadrant = _quadrant(" ".join(unwrap_text(text).lower().split()))
    if order or quadrant:
        return [order or quadrant]
    letter = _LETTER.match(unwrap_text(text).strip())
    if letter:
        return [Text(letter.group(1).lower())]
    if _WORDS.match(text_form(text) or "0"):
        return [Text(text_form(text))]
    return []


# Units written bare that read as units, not as products of variables ("am" is no attometre).
_BARE_UNITS = frozenset({"cm", "mm", "km", "kg", "mg", "ml", "mL", "ft", "yd", "mi", "hr",
                         "hrs", "lb", "lbs", "oz", "kN", "kJ", "kW", "Hz", "eV", "Pa", "kPa",
                         "mph", "min", "sec", "cm^2", "cm^3", "m^2", "m^3", "km/h", "m/s"})
_UNIT_MACRO = re.compile(r"\\(?:text|mathrm|mbox|textrm|rm|unit)\b")
_SLASH_NUMBER = re.compile(r"^([+-]?)\s*(\d+)\s*/\s*(\d+)(?=\s*\\?[a-zA-Z~])")
_MAX_UNIT_SPLITS = 8
_MAX_UNIT_TEXT = 120  # a number with a unit is short: longer text is not split


def _strip_unit(text: str) -> tuple[str, Quantity | None, bool, bool] | None:
    r"""``(value text, quantity, explicit, gold_unit)`` when ``text`` ends in a unit, else None.

    ``explicit``: the unit is unmistakably one (``\text{cm}``, ``km``), not letters that may
    be variables (``5 am``, ``\frac12 ab``), so a bare number answers it. ``gold_unit``: in a
    gold answer, a bare number answers it: explicit, or one letter (``\frac{37}{4} m``), but
    not ``\frac{2}{3} \frac{C}{S}`` (a ratio of variables).

    >>> _strip_unit("-6/25 \\mathrm{ m}/\\mathrm{s}")[::2]
    ('-\\frac{6}{25}', True)
    >>> _strip_unit("81 + c") is None
    True
    """
    from verifiers.units import split_unit

    number, unit = split_unit(_SLASH_NUMBER.sub(r"\1\\frac{\2}{\3}", text))
    if unit is not None and _unit_like(unit):
        quantity = _quantity(f"{number} {unit}")
        if quantity is not None:
            return number, quantity, _explicit(unit), _gold_unit(unit)
    return _trailing_unit(text)


def _gold_unit(unit: str) -> bool:
    """Whether a gold's ``unit`` is one a bare number may answer (see :func:`_strip_unit`)."""
    return _explicit(unit) or len(unit.strip()) == 1


def _unit_like(unit: str) -> bool:
    """Whether the text after a number can be a unit: no operators or relations in it."""
    return not re.search(r"[+=<>,]|^-|\\(?:pm|cdot\s*\d)", unit)


def _explicit(unit: str) -> bool:
    """Whether ``unit`` is unmistakably a unit (see :func:`_strip_unit`)."""
    plain = unit.replace(" ", "").replace("{", "").replace("}", "")
    return bool(_UNIT_MACRO.search(unit)) or plain in _BARE_UNITS or (
        plain.isalpha() and len(plain) >= 3)


def _trailing_unit(text: str) -> tuple[str, Quantity | None, bool, bool] | None:
    r"""A constant expression followed by a unit: ``576\pi m^{2}``, ``3\sqrt2\text{ cm}``."""
    from verifiers.units import _parse_unit, unit_registry

    if len(text) > _MAX_UNIT_TEXT:
        return None
    cuts = [m.start() for m in re.finditer(r" |\\(?:text|mathrm|mbox)\b", text)]
    for cut in cuts[:_MAX_UNIT_SPLITS]:
        prefix, suffix = text[:cut].strip(), text[cut:].strip()
        if not prefix or not _unit_like(suffix) or not re.search(r"\d|\\pi", prefix):
            continue
        unit = _parse_unit(suffix)
        if unit is None or unit.dimensionless:
            continue
        value = read_value(prefix)
        if not isinstance(value, Scalar) or value.expr.free_symbols:
            continue
        try:
            magnitude = float(value.expr)
        except (TypeError, ValueError):
            continue
        return (prefix, Quantity(unit_registry().Quantity(magnitude, unit)), _explicit(suffix),
                _gold_unit(suffix))
    return None


def _quantity(text: str) -> Quantity | None:
    """The quantity ``text`` states when its unit is not an angle or a percentage."""
    from verifiers.units import parse_quantity

    quantity = parse_quantity(text)
    if quantity is None or quantity.dimensionless:
        return None  # angles are dimensionless for pint: degrees are read in _variants
    return Quantity(quantity)


def _variants(text: str) -> list[str]:
    """Alternative spellings: percent as itself and as a fraction, degrees as radians."""
    m = _PERCENT.match(text)
    if m and m.group(1):
        return [m.group(1), f"({m.group(1)})/100"]
    m = _DEGREE.match(text)
    if m and m.group(1):
        return [m.group(1), f"({m.group(1)})*\\pi/180"]
    return [text]


def read_value(text: str) -> Value | None:
    """The primary meaning of a normalised answer, or None when it cannot be read."""
    return _read(text, depth=0)


def _read(text: str, depth: int) -> Value | None:
    text = text.strip()
    if not text or depth > 20:
        return None
    number = parse_number(text)
    if number is not None:
        return Scalar(sympy.Rational(number.value.numerator, number.value.denominator), number)
    for reader in (_read_special, _read_list, _read_bracketed, _read_matrix, _read_relation):
        value = reader(text, depth)
        if value is not None:
            return value
    expr = to_sympy(text)
    if expr is None:
        return None
    return _from_sympy(expr)


def _read_special(text: str, depth: int) -> Value | None:
    if _EMPTY.match(text):
        return Collection("set", ())
    m = _INFINITY.match(text)
    if m:
        return Scalar(-sympy.oo if m.group(1) == "-" else sympy.oo)
    if _PM.search(text) and depth < 20 and len(split_top_level(text)) == 1:
        plus, minus = _PM.sub("+", text, count=1), _PM.sub("-", text, count=1)
        items = tuple(v for v in (_read(plus, depth + 1), _read(minus, depth + 1)) if v)
        return Collection("set", items, bare=True) if len(items) == 2 else None
    return None


def _read_list(text: str, depth: int) -> Value | None:
    parts = split_top_level(_OR_AND.sub(" , ", text)) if _OR_AND.search(text) else (
        split_top_level(text))
    if len(parts) < 2:
        return None
    assignments = [_VAR_EQ.match(p) for p in parts]
    items = tuple(_read(_VAR_EQ.sub(r"\2", p), depth + 1) for p in parts)
    if any(item is None for item in items):
        return None
    if all(isinstance(i, Collection) and i.interval is not None for i in items):
        # "x < -2 or x > 2": a union of the pieces
        return Collection("interval", (), sympy.Union(*(i.interval for i in items)))
    names = [m.group(1) for m in assignments if m]
    bases = {re.split(r"[_^(']", name)[0] for name in names}
    if len(names) == len(parts) and len(bases) == len(names):
        # (x_1 = 1, x_2 = -1 are two roots, a set: only distinct letters make a tuple)
        # "x = -1, y = -2": one value per variable, ordered by name, is the pair (-1, -2)
        return Collection("tuple", tuple(v for _, v in sorted(zip(names, items, strict=True),
                                                              key=lambda p: p[0])))
    flat = tuple(x for i in items for x in (i.items if isinstance(i, Collection) and i.bare
                                            and i.kind == "set" else (i,)))
    return Collection("set", flat, bare=True)  # "\pm 1, \pm 7" is the list 1, -1, 7, -7


def _read_bracketed(text: str, depth: int) -> Value | None:
    outer = strip_outer(text)
    if outer is None:
        if "\\cup" in text or "∪" in text:
            return _read_union(text)
        return None
    left, inside, right = outer
    builder = _SET_BUILDER.match(inside) if left == "{" else None
    if builder:  # "\{x \mid -2 \le x < 1\}"
        return _read_condition(builder.group(2), depth)
    parts = split_top_level(inside)
    if left == "{":
        items = tuple(_read(p, depth + 1) for p in parts)
        return None if any(i is None for i in items) else Collection("set", items)
    if len(parts) == 1:
        return _read(inside, depth + 1) if (left, right) == ("(", ")") else None
    items = tuple(_read(p, depth + 1) for p in parts)
    if any(i is None for i in items):
        return None
    interval = _interval(left, items, right) if len(items) == 2 else None
    if (left, right) == ("(", ")"):
        return Collection("tuple", items, interval)
    if interval is not None:
        return Collection("interval", items, interval)
    return Collection("tuple", items)


def _interval(left: str, items: tuple[Any, ...], right: str) -> sympy.Set | None:
    a, b = items
    if not (isinstance(a, Scalar) and isinstance(b, Scalar)):
        return None
    try:
        if not (a.expr.is_real or a.expr.is_infinite) or not (b.expr.is_real or b.expr.is_infinite):
            return None
        if bool(a.expr > b.expr):
            return None
        return sympy.Interval(a.expr, b.expr, left_open=left == "(", right_open=right == ")")
    except TypeError:
        return None


def _read_union(text: str) -> Value | None:
    pieces = re.split(r"\\cup|∪", text)
    sets = []
    for piece in pieces:
        value = _read(piece.strip(), 1)
        if isinstance(value, Collection) and value.interval is not None:
            sets.append(value.interval)
        elif isinstance(value, Collection) and value.kind == "set":
            sets.append(sympy.FiniteSet(*(v.expr for v in value.items if isinstance(v, Scalar))))
        else:
            return None
    return Collection("interval", (), sympy.Union(*sets))


def _read_matrix(text: str, depth: int) -> Value | None:
    m = _MATRIX.match(text)
    if m is None:
        return None
    rows = []
    for row in re.split(r"\\\\", m.group(2)):
        if not row.strip():
            continue
        cells = tuple(_read(cell, depth + 1) for cell in row.split("&"))
        if any(c is None for c in cells):
            return None
        rows.append(cells)
    if not rows or len({len(row) for row in rows}) != 1:
        return None  # a ragged "matrix" has no value
    return MatrixValue(tuple(rows))


def _read_condition(condition: str, depth: int) -> Value | None:
    r"""The set a set-builder condition describes (``x \in \mathbb{R}`` parts dropped).

    >>> _read_condition("x \\in \\mathbb{R}, x > 3", 0).interval
    Interval.open(3, oo)
    """
    parts = [p for p in split_top_level(_OR_AND.sub(" , ", condition)) if not _REALS.match(p)]
    if len(parts) > 1:  # "x < -1 or x > 2": a union; "x > 1, x < 3": an intersection
        values = [_read_condition(p, depth + 1) for p in parts[:8]]
        if len(parts) > 8 or not all(v is not None and v.interval is not None for v in values):
            return None
        sets = [v.interval for v in values if v is not None]
        either = re.search(r"\bor\b|\\lor|\\vee", condition)
        return Collection("interval", (), sympy.Union(*sets) if either else
                          sympy.Intersection(*sets))
    if not parts:
        return None
    excluded = _NOT_EQUAL.match(parts[0])
    if excluded:  # "x \neq 0": the reals without one point
        point = _read(excluded.group(1), depth + 1)
        if isinstance(point, Scalar) and point.expr.is_real:
            return Collection("interval", (), sympy.Interval.open(-sympy.oo, point.expr)
                              | sympy.Interval.open(point.expr, sympy.oo))
        return None
    value = _read(parts[0], depth + 1)
    return value if isinstance(value, Collection) else None


_MAX_CHAIN = 6  # sides of a chained equality worth reading


def _read_chain(sides: list[str], depth: int) -> Value | None:
    r"""The last side of ``t = \frac{\ln 2}{0.1} = 10\ln 2``, if the sides after the first agree.

    The check keeps "2 = 3 = 81" from answering 81.

    >>> _read_chain(["t", "\\frac{\\ln 2}{0.1}", "10\\ln 2"], 0).expr
    10*log(2)
    >>> _read_chain(["2", "3", "81"], 0) is None
    True
    """
    if not 3 <= len(sides) <= _MAX_CHAIN:
        return None
    values = [_read(side, depth + 1) for side in sides[1:]]
    if not all(isinstance(v, Scalar) for v in values):
        return None
    first = values[0]
    for other in values[1:]:
        if not _agree(first.expr, other.expr):
            return None
    return values[-1]


def _agree(x: Any, y: Any) -> bool:
    """Whether two sides of a chained equality are equal (numerically, to 1e-9 relative)."""
    try:
        difference = sympy.expand(x - y)
        if difference == 0:
            return True
        if difference.free_symbols:
            return False
        scale = max(abs(complex(sympy.N(x, 30))), 1.0)
        return abs(complex(sympy.N(difference, 30))) <= 1e-9 * scale
    except Exception:  # noqa: BLE001 - sympy raises many kinds of errors here
        return False


def _worked_out(lhs: Any, rhs: Any) -> bool:
    """Whether ``lhs = rhs`` is a true equation between numbers (``14 \\times 2 = 28``).

    Its value is then the right side; a false one ("7 = 8") stays an equation, so that it can
    never pass for either number.

    >>> _worked_out(sympy.Integer(14) * 2, sympy.Integer(28)), _worked_out(sympy.Integer(7), 8)
    (True, False)
    """
    try:
        if not (isinstance(lhs, sympy.Expr) and isinstance(rhs, sympy.Expr)):
            return False
        if lhs.free_symbols or rhs.free_symbols:
            return False
    except Exception:  # noqa: BLE001 - sympy raises many kinds of errors here
        return False
    return _agree(lhs, rhs)


def _read_relation(text: str, depth: int) -> Value | None:
    member = _MEMBER.match(text)
    if member:  # "x \in [0, 1]"
        return _read(member.group(1), depth + 1)
    prefixed = _PREFIXED_INTERVAL.match(text)
    if prefixed and strip_outer(text[prefixed.end():]):  # "t(0, 4]": a stray name before it
        value = _read_bracketed(text[prefixed.end():], depth + 1)
        if isinstance(value, Collection) and value.interval is not None and (
                value.kind == "interval" or "\\infty" in text):
            return value
    if text.count("=") >= 2 and not _RELATIONS.search(text) and "\\neq" not in text:
        return _read_chain(split_top_level(text, ("=",)), depth)
    assignment = _VAR_EQ.match(text)
    if assignment and text.count("=") == 1 and "\\begin" in assignment.group(2):
        return _read(assignment.group(2), depth + 1)  # "B^{-1} = \begin{pmatrix}...\end{pmatrix}"
    if text.count("=") == 1 and _VARIABLES.match(text.split("=")[0].strip()):
        return _read(text.split("=")[1], depth + 1)  # "(x, y) = (1, 2)"
    if text.count("=") == 1 and not re.search(r"[<>]=|\\[lg]eq?|\\neq", text):
        lhs_text, rhs_text = (s.strip() for s in text.split("="))
        lhs, rhs = to_sympy(lhs_text), to_sympy(rhs_text)
        if lhs is None or rhs is None:
            return None
        if _worked_out(lhs, rhs):  # "14*2 = 28": a computation ending in its result
            return _read(rhs_text, depth + 1)
        rhs_value = _read(rhs_text, depth + 1) if _VAR_EQ.match(text) else None
        return Equation(lhs, rhs, rhs_value)
    if re.search(r"<|>|\\le|\\ge|\\leq|\\geq|≤|≥", text):
        expr = to_sympy(text)
        if expr is None:
            return None
        try:
            symbols = list(expr.free_symbols)
            if len(symbols) != 1:
                return None
            return Collection("interval", (), _solution_set(expr))
        except Exception:  # noqa: BLE001 - sympy raises many kinds of errors here
            return None
    return None


_ORDERS = frozenset(("<", "<=", ">", ">="))


def _solution_set(relation: Any) -> sympy.Set:
    """The real solutions of an inequality (or a conjunction of them) in one variable.

    Linear inequalities, which are nearly all that answers hold ("-1 \\le x < 4"), are solved
    directly: sympy's general ``as_set`` takes tens of milliseconds on each (it looks for
    periodicity first), a third of the time of the whole labelled corpus. Anything else goes to
    ``as_set``.

    >>> x = sympy.Symbol("x")
    >>> _solution_set(sympy.And(-1 <= x, x < 4)), _solution_set(3 - 2 * x > 1)
    (Interval.Ropen(-1, 4), Interval.open(-oo, 1))
    """
    if isinstance(relation, sympy.And):
        pieces = [_linear_solution_set(arg) for arg in relation.args]
        if all(piece is not None for piece in pieces):
            return sympy.Intersection(*pieces)
    return _linear_solution_set(relation) or relation.as_set()


def _linear_solution_set(relation: Any) -> sympy.Set | None:
    """``a x + b < 0`` (or <=, >, >=) solved as an interval; None if not of that form."""
    if not isinstance(relation, sympy.core.relational.Relational) or \
            relation.rel_op not in _ORDERS or len(relation.free_symbols) != 1:
        return None
    (x,) = relation.free_symbols
    difference = sympy.expand(relation.lhs - relation.rhs)
    a, b = difference.coeff(x, 1), difference.coeff(x, 0)
    if sympy.expand(difference - a * x - b) != 0 or a.free_symbols or b.free_symbols:
        return None
    if not (a.is_extended_real and b.is_extended_real and a.is_nonzero):
        return None
    root, strict = sympy.radsimp(-b / a), relation.rel_op in ("<", ">")
    below = (relation.rel_op in ("<", "<=")) == bool(a.is_positive)  # x below the root
    if below:
        return sympy.Interval(-sympy.oo, root, right_open=strict)
    return sympy.Interval(root, sympy.oo, left_open=strict)


def _from_sympy(expr: Any) -> Value | None:
    if isinstance(expr, sympy.Set):
        if isinstance(expr, sympy.FiniteSet):
            return Collection("set", tuple(Scalar(e) for e in expr.args))
        return Collection("interval", (), expr)
    if isinstance(expr, sympy.MatrixExpr):
        expr = expr.doit()  # "2\begin{pmatrix}...": a scalar times a matrix
    if isinstance(expr, sympy.MatrixBase):
        return MatrixValue(tuple(tuple(Scalar(expr[i, j]) for j in range(expr.cols))
                                 for i in range(expr.rows)))
    if isinstance(expr, sympy.Eq):
        return Equation(expr.lhs, expr.rhs)
    if isinstance(expr, sympy.Expr):
        return Scalar(_complex_i(expr))
    return None


def _complex_i(expr: sympy.Expr) -> sympy.Expr:
    i = sympy.Symbol("i")
    return expr.subs(i, sympy.I) if i in expr.free_symbols else expr


_LATEX_FIXES = (
    (re.compile(r"\\log_\{?e\}?"), r"\\ln "),
    (re.compile(r"\\exp\s*\{([^{}]*)\}"), r"e^{\1}"),
)


@lru_cache(maxsize=8192)
def to_sympy(text: str) -> Any:
    r"""A sympy object for a LaTeX or plain-text expression, or None.

    >>> to_sympy("\\frac{\\sqrt{2}}{2}")
    sqrt(2)/2
    >>> to_sympy("sqrt(2)/2")
    sqrt(2)/2
    """
    text = _LIBRARY_PREFIX.sub("", text)
    if _PLAIN_TEXT_MATH.match(text) and _PLAIN_NAMES.search(text):
        plain = _plain_to_sympy(text)
        if plain is not None:
            return plain
    try:
        return _complex_i(parse_latex(text))
    except Unsupported:
        return _latex_to_sympy(text)
    except (ValueError, TypeError, ZeroDivisionError, RecursionError):
        return None


# A word of two or more letters that is not a command (\\sin) and not a function name: prose.
_WORD = re.compile(r"(?<![\\A-Za-z])[A-Za-z]{2,}(?![A-Za-z])")
_FUNCTION_NAMES = frozenset(
    "sin cos tan sec csc cot arcsin arccos arctan sinh cosh tanh log ln lg exp sqrt lim max "
    "min gcd lcm det mod deg".split())
#: This many words make a sentence, not an expression.
_PROSE_WORDS = 4


def is_prose(text: str) -> bool:
    r"""Whether ``text`` reads as a sentence (several plain words), which no parser should read.

    latex2sympy reads "so we multiply this by 4" as a product of letters, slowly (tens of ms:
    most of the time spent on the rambling answers of a small model); nothing is lost by not
    asking it.

    >>> is_prose("so we multiply this by 4 to find the total"), is_prose(r"\sin x + \cos x")
    (True, False)
    >>> is_prose("arcsin(x) + arccos(x) + arctan(x) + log(x)"), is_prose("5 km per hour")
    (False, False)
    """
    words = [w for w in _WORD.findall(text) if w.lower() not in _FUNCTION_NAMES]
    return len(words) >= _PROSE_WORDS


def _latex_to_sympy(text: str) -> Any:
    from latex2sympy2_extended import latex2sympy

    if is_prose(text):
        return None
    for pattern, replacement in _LATEX_FIXES:
        text = pattern.sub(replacement, text)
    text = _exact_decimals(text)
    try:
        result = latex2sympy(text)
    except Exception:  # noqa: BLE001 - the parser raises anything on bad LaTeX
        return None
    return result if isinstance(result, (sympy.Basic, sympy.MatrixBase)) else None


def _exact_decimals(text: str) -> str:
    """Write decimals as exact fractions so sympy never rounds them."""
    def exact(m: re.Match[str]) -> str:
        value = Fraction(m.group())
        return f"\\frac{{{value.numerator}}}{{{value.denominator}}}" if value.denominator > 1 \
            else str(value.numerator)

    return re.sub(r"(?<![\d.])\d+\.\d+(?![\d.])", lambda m: "{" + exact(m) + "}", text)


def _plain_to_sympy(text: str) -> Any:
    from sympy.parsing.sympy_parser import (
        convert_xor,
        implicit_multiplication_application,
        parse_expr,
        standard_transformations,
    )

    # parse_expr evaluates Python: only identifiers that are known functions or single letters
    names = set(re.findall(r"[A-Za-z_]\w*", text))
    if any(n not in _PLAIN_FUNCTIONS and len(n) > 1 for n in names) or "__" in text:
        return None
    local = {"ln": sympy.log, "e": sympy.E, "arcsin": sympy.asin, "arccos": sympy.acos,
             "arctan": sympy.atan}
    transformations = (*standard_transformations, implicit_multiplication_application,
                       convert_xor)
    try:
        return parse_expr(text, local_dict=local, transformations=transformations)
    except Exception:  # noqa: BLE001 - a parse failure is just "not plain text"
        return None
