"""Exact numbers read straight from text: :func:`parse_number` and :class:`Number`.

Most gold answers are plain numbers. Reading them with regular expressions and
:class:`fractions.Fraction` takes microseconds, against milliseconds for a LaTeX parser, and is
exact: no rounding lets 1/3^40 equal 1/3^41 (math-verify rounds to six decimals).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from fractions import Fraction

__all__ = ["MAX_EXPONENT", "Number", "parse_number"]

#: Larger powers of ten are not expanded (they would cost memory and time, not precision).
MAX_EXPONENT = 400

_DECIMAL = r"\d+(?:\.\d*)?|\.\d+"
_SIGNED = re.compile(rf"^([+-]?)\s*({_DECIMAL})$")
_SCIENTIFIC = re.compile(
    rf"^([+-]?)\s*({_DECIMAL})\s*(?:[eE]\s*([+-]?\d+)|"
    r"(?:\\times|\\cdot|\*|x|×)\s*10\s*\^\s*\{?\s*([+-]?\d+)\s*\}?)$")
_FRACTION = re.compile(r"^([+-]?)\s*\\frac\s*\{\s*([+-]?\d+)\s*\}\s*\{\s*([+-]?\d+)\s*\}$")
_FRACTION_SHORT = re.compile(r"^([+-]?)\s*\\frac\s*(\d)\s*(\d)$")
_SLASH = re.compile(r"^([+-]?)\s*(\d+)\s*/\s*(\d+)$")
# A mixed number is an integer directly followed by a fraction: 2\frac{5}{8}, 2\frac58
_MIXED = re.compile(
    r"^([+-]?)\s*(\d+)\s*\\frac\s*(?:\{\s*(\d+)\s*\}\s*\{\s*(\d+)\s*\}|(\d)\s*(\d))$")
_REPEATING = re.compile(
    r"^([+-]?)\s*(\d*)\.(\d*)(?:\\overline\s*\{\s*(\d+)\s*\}|\\dot\s*\{?\s*(\d)\s*\}?|\((\d+)\))$")


@dataclass(frozen=True)
class Number:
    """An exact rational, and whether it was written as a (possibly rounded) decimal.

    Attributes:
        value: The exact value of what was written.
        decimals: Digits after the decimal point when written as a decimal, else None.
        significant: Significant digits when written as a decimal, else None.
    """

    value: Fraction
    decimals: int | None = None
    significant: int | None = None

    @property
    def approximate(self) -> bool:
        """Whether the text was a decimal with a fractional part (perhaps a rounded value)."""
        return bool(self.decimals)


def _significant(digits: str) -> int:
    stripped = digits.replace(".", "").lstrip("0")
    return max(len(stripped), 1)


def _decimal(sign: str, digits: str) -> Number:
    value = Fraction(digits if not digits.startswith(".") else "0" + digits)
    decimals = len(digits.partition(".")[2])
    return Number(-value if sign == "-" else value, decimals or None, _significant(digits))


def _scientific(m: re.Match[str]) -> Number | None:
    sign, digits, e1, e2 = m.groups()
    exponent = int(e1 if e1 is not None else e2)
    if abs(exponent) > MAX_EXPONENT:
        return None
    base = _decimal(sign, digits)
    value = base.value * Fraction(10) ** exponent
    decimals = max((base.decimals or 0) - exponent, 0)
    return Number(value, decimals or None, base.significant)


def _repeating(m: re.Match[str]) -> Number:
    sign, whole, fixed, *cycle_options = m.groups()
    cycle = next(c for c in cycle_options if c)
    value = Fraction(int(whole or "0")) + (Fraction(int(fixed), 10 ** len(fixed)) if fixed else 0)
    value += Fraction(int(cycle), (10 ** len(cycle) - 1) * 10 ** len(fixed))
    return Number(-value if sign == "-" else value)


def _ratio(sign: str, numerator: str, denominator: str) -> Number | None:
    if int(denominator) == 0:
        return None
    value = Fraction(int(numerator), int(denominator))
    return Number(-value if sign == "-" else value)


def parse_number(text: str) -> Number | None:
    r"""The exact number ``text`` spells, or None if it is anything more than a number.

    >>> parse_number("1.5\\times10^{3}").value
    Fraction(1500, 1)
    >>> parse_number("-\\frac{3}{4}").value
    Fraction(-3, 4)
    >>> parse_number("0.\\overline{3}").value
    Fraction(1, 3)
    >>> parse_number("2\\frac58").value, parse_number("2\\cdot\\frac58") is None
    (Fraction(21, 8), True)
    >>> parse_number("0.250").decimals, parse_number("x") is None
    (3, True)
    """
    text = text.strip()
    if len(text) > 200:
        return None
    m = _SIGNED.match(text)
    if m:
        return _decimal(*m.groups())
    m = _SCIENTIFIC.match(text)
    if m:
        return _scientific(m)
    for pattern in (_FRACTION, _FRACTION_SHORT, _SLASH):
        m = pattern.match(text)
        if m:
            return _ratio(*m.groups())
    m = _MIXED.match(text)
    if m:
        sign, whole, *digits = m.groups()
        numerator, denominator = digits[:2] if digits[0] is not None else digits[2:]
        part = _ratio("", numerator, denominator)
        if part is None:
            return None
        value = int(whole) + part.value
        return Number(-value if sign == "-" else value)
    m = _REPEATING.match(text)
    if m:
        return _repeating(m)
    return None
