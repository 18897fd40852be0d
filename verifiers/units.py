"""Quantities with units read from text: parse_quantity, same_quantity, split_unit, unit_registry.

pint does the units (names, prefixes, plurals, conversion, offset temperatures); this module adds
only what pint lacks: LaTeX unit syntax (``\\text{cm}``, ``\\,``, ``^{2}``, ``^\\circ C``,
``\\mu``, ``\\Omega``), scientific notation written ``3.0 \\times 10^{8}``, and limits that keep
hostile input cheap (bounded length, bounded exponents, never raising).
"""

from __future__ import annotations

import math
import re
import threading
from functools import lru_cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pint

__all__ = ["MAX_QUANTITY_CHARS", "parse_quantity", "same_quantity", "split_unit",
           "unit_registry"]

#: Longer text is not read as a quantity (a final answer with a unit is short).
MAX_QUANTITY_CHARS = 200
#: Powers of ten and unit exponents beyond these are rejected rather than computed.
_MAX_POWER = 400
_MAX_UNIT_EXPONENT = 12

Quantity = Any  # pint.Quantity of the shared registry; pint's own alias is not a usable type


_registry: list[pint.UnitRegistry] = []
_registry_lock = threading.Lock()


def unit_registry() -> pint.UnitRegistry:
    """The one pint registry of this process, built on first use (construction is slow).

    Built under a lock: quantities from two registries cannot be compared, so a second
    registry built by a racing thread would break every comparison.

    >>> unit_registry() is unit_registry()
    True
    """
    with _registry_lock:
        if not _registry:
            import pint

            _registry.append(pint.UnitRegistry(cache_folder=None))
        return _registry[0]


# --- numbers ---------------------------------------------------------------------------------

_EXP = r"[-+]?\d{1,4}(?!\d)"  # more digits than this is no exponent worth computing
_NUMBER = re.compile(rf"""
    (?P<sign>[-+]?)\s*
    (?:
        \\d?frac\s*\{{\s*(?P<num>\d+(?:\.\d+)?)\s*\}}\s*\{{\s*(?P<den>\d+(?:\.\d+)?)\s*\}}
      | 10\s*\^\s*(?:\{{\s*(?P<p>{_EXP})\s*\}}|(?P<p2>{_EXP}))
      | (?P<mant>(?:\d{{1,3}}(?:,\d{{3}})+(?!\d)|\d+)(?:\.\d*)?|\.\d+)
        (?:[eE](?P<e>{_EXP}))?
        (?:\s*(?:\\times|\\cdot|×|\*|x)\s*10\s*\^\s*(?:\{{\s*(?P<t>{_EXP})\s*\}}|(?P<t2>{_EXP})))?
    )
""", re.VERBOSE)


def _clean(text: str) -> str:
    """Drop math delimiters and normalise minus signs and LaTeX thousands separators."""
    text = text.replace("$", " ").replace("\\(", " ").replace("\\)", " ")
    return text.replace("−", "-").replace("{,}", ",").replace("\\!", "").strip()


def _number_value(m: re.Match[str]) -> float | None:
    """The value of a :data:`_NUMBER` match, or None when it over- or underflows."""
    g = m.groupdict()
    if g["num"] is not None:
        den = float(g["den"])
        value = float(g["num"]) / den if den else math.inf
    else:  # as decimal text, so that "1.6e-19" is exactly the float Python reads
        mantissa = g["mant"].replace(",", "") if g["mant"] is not None else "1"
        power = int(g["e"] or 0) + int(g["t"] or g["t2"] or g["p"] or g["p2"] or 0)
        if abs(power) > _MAX_POWER:
            return None
        value = float(f"{mantissa}e{power}")
    value = -value if g["sign"] == "-" else value
    return value if math.isfinite(value) else None


# --- units -----------------------------------------------------------------------------------

# LaTeX unit syntax pint cannot read, rewritten in order into pint's plain syntax.
# One level of braces may nest inside (\mathrm{s^{-1}}); the alternatives start with different
# characters, so the pattern cannot backtrack exponentially.
_TEXT_MACRO = re.compile(
    r"\\(?:text|mathrm|textrm|mathit|rm|operatorname|mbox|textnormal|mathsf|unit)\s*"
    r"\{((?:[^{}]|\{[^{}]*\})*)\}")
_FRAC = re.compile(r"\\[dt]?frac\s*\{([^{}]*)\}\s*\{([^{}]*)\}")
_DEGREE = r"(?:\^\s*\{?\s*\\circ\s*\}?|\\circ|\\degree|°|º)"
_REWRITES: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), repl) for pattern, repl in (
        (r"\\left|\\right", ""),
        (r"℃", "degC"), (r"℉", "degF"),
        (rf"{_DEGREE}\s*(?:C\b|Celsius\b)", "degC"),
        (rf"{_DEGREE}\s*(?:F\b|Fahrenheit\b)", "degF"),
        (r"\bdeg(?:rees?)?\s+(?:C|Celsius)\b", "degC"),
        (r"\bdeg(?:rees?)?\s+(?:F|Fahrenheit)\b", "degF"),
        (_DEGREE, " degree "),
        (r"\\mu\s*|μ|µ", "u"),
        (r"\\Omega|Ω|Ω", "ohm"),
        (r"\\AA\b|\\mathring\s*\{\s*A\s*\}|Å", "angstrom"),
        (r"\\%|%", " percent "),
        (r"\\(?:cdot|times)|·|⋅|×", "*"),
        (r"\\(?:[,;:> ]|quad|qquad|enspace|thinspace)|~", " "),
        (r"\^\s*\{\s*([-+]?\d+(?:\.\d+)?)\s*\}", r"**\1"),
        (r"\^\s*([-+]?\d+)", r"**\1"),
        (r"²", "**2"), (r"³", "**3"), (r"⁻¹", "**-1"), (r"⁻²", "**-2"), (r"⁻³", "**-3"),
        (r"\{", "("), (r"\}", ")"),
    ))
_UNIT_EXPONENT = re.compile(r"\*\*\s*\(?\s*[-+]?(\d+(?:\.\d+)?)")
# Bare names that pint knows but that, after a number, are far more often math symbols
# (e = Euler's number, not the elementary charge; k a constant, not Boltzmann's).
_MATH_SYMBOLS = frozenset({"e", "a", "b", "d", "k", "t", "u", "R", "pi"})
_DIMENSIONLESS_UNITS = frozenset({"percent", "degree", "radian", "ppm", "permille"})


def _latex_to_pint(unit: str) -> str | None:
    """``unit`` in pint's syntax, or None when LaTeX this module does not know remains."""
    for _ in range(4):  # nested \text{\mathrm{...}} unwrap one level per pass
        unit = _FRAC.sub(r"(\1)/(\2)", _TEXT_MACRO.sub(r"\1", unit))
    for pattern, repl in _REWRITES:
        unit = pattern.sub(repl, unit)
    unit = " ".join(unit.split()).rstrip(".").strip()
    if not unit or "\\" in unit or "^" in unit or unit in _MATH_SYMBOLS:
        return None
    if any(float(e) > _MAX_UNIT_EXPONENT for e in _UNIT_EXPONENT.findall(unit)):
        return None
    return unit


@lru_cache(maxsize=4096)
def _parse_unit(unit: str) -> pint.Unit | None:
    """The pint unit that ``unit`` (LaTeX or plain) names, or None."""
    plain = _latex_to_pint(unit)
    if plain is None:
        return None
    try:
        parsed = unit_registry().parse_units(plain)
    except Exception:  # noqa: BLE001 - pint raises many kinds of errors on unknown names
        return None
    if parsed.dimensionless and str(parsed) not in _DIMENSIONLESS_UNITS:
        return None  # "B" (byte), "pi", "AU" (absorbance): not what a number's unit means
    return parsed


# --- public API ------------------------------------------------------------------------------

_UNIT_SEPARATOR = re.compile(r"(?:\s|\\[,;: !]|~|\\quad)+")


def _split(text: str) -> tuple[re.Match[str], str] | None:
    """The leading number match and the (stripped) rest of ``_clean(text)``."""
    if len(text) > MAX_QUANTITY_CHARS:
        return None
    cleaned = _clean(text)
    m = _NUMBER.match(cleaned)
    if m is None:
        return None
    rest = cleaned[m.end():]
    sep = _UNIT_SEPARATOR.match(rest)
    return m, (rest[sep.end():] if sep else rest).strip()


def split_unit(text: str) -> tuple[str, str | None]:
    """``(number, unit)`` for a number followed by a unit pint knows, else ``(text, None)``.

    ``text`` comes back stripped; the number part drops math delimiters (``$``).

    >>> split_unit("9.8\\\\ \\\\text{m}/\\\\text{s}^{2}")
    ('9.8', '\\\\text{m}/\\\\text{s}^{2}')
    >>> split_unit("$3.0 \\\\times 10^{8}$ m/s")
    ('3.0 \\\\times 10^{8}', 'm/s')
    >>> split_unit("2x + 3")
    ('2x + 3', None)
    """
    parts = _split(text)
    if parts is None or not parts[1] or _parse_unit(parts[1]) is None:
        return text.strip(), None
    m, unit = parts
    return m.group().strip(), unit


def parse_quantity(text: str) -> Quantity | None:
    """The quantity ``text`` states (a bare number is dimensionless), or None; never raises.

    >>> parse_quantity("10\\\\,\\\\text{cm}").to("m")
    <Quantity(0.1, 'meter')>
    >>> parse_quantity("25^\\\\circ C").to("K")
    <Quantity(298.15, 'kelvin')>
    >>> parse_quantity("1e999999999 m") is None
    True
    """
    try:
        return _parse_quantity(text)
    except Exception:  # noqa: BLE001 - model output must never crash a grader
        return None


def _parse_quantity(text: str) -> Quantity | None:
    parts = _split(text) if isinstance(text, str) else None
    if parts is None:
        return None
    m, unit_text = parts
    value = _number_value(m)
    if value is None:
        return None
    unit = _parse_unit(unit_text) if unit_text else unit_registry().dimensionless
    return None if unit is None else unit_registry().Quantity(value, unit)


def _as_quantity(value: Quantity | str) -> Quantity | None:
    return parse_quantity(value) if isinstance(value, str) else value


def same_quantity(a: Quantity | str, b: Quantity | str, rel_tol: float = 0.01) -> bool:
    """Whether ``b`` equals ``a`` within ``rel_tol``, compared in ``a``'s unit.

    ``a`` is the reference: its unit sets the scale, which matters only for offset units
    (25 °C against 27 °C differ by 8 %, not by 0.7 % of 298 K). Unparsable input or a
    dimension mismatch is simply False.

    >>> same_quantity("1.5 km", "1500 m"), same_quantity("1 km", "1 s")
    (True, False)
    >>> same_quantity("100 cm", "1.02 m"), same_quantity("100 cm", "1.02 m", rel_tol=0.05)
    (False, True)
    """
    qa, qb = _as_quantity(a), _as_quantity(b)
    if qa is None or qb is None:
        return False
    try:
        ma, mb = float(qa.magnitude), float(qb.to(qa.units).magnitude)
    except Exception:  # noqa: BLE001 - DimensionalityError and offset-unit arithmetic errors
        return False
    # Offset units (°C, °F) have an arbitrary zero: allow float noise of the conversion there.
    abs_tol = 0.0 if qa._is_multiplicative else 1e-9  # pint has no public spelling of this
    return math.isclose(ma, mb, rel_tol=rel_tol, abs_tol=abs_tol)
