"""Imported by judging workers at start: builds the unit registry and warms the LaTeX parser.

ANTLR's parser learns its prediction tables on first use (hundreds of milliseconds per new
construct) and pint's registry takes about half a second to build; doing both when the worker
starts keeps that cost out of the first verifications' deadlines.
"""

from __future__ import annotations

from verifiers.math.compare import equivalent
from verifiers.units import unit_registry

__all__: list[str] = []

_SAMPLES = (
    ("\\frac{\\sqrt{2}}{2}", "\\frac{1}{\\sqrt{2}}"),
    ("2 \\cdot \\left(\\frac{\\cos (2 t)}{15}+C_{1} e^{t}\\right)", "\\sin(x)^{2} + x_{0}"),
    ("(1, 2) \\cup [3, \\infty)", "x \\le 3"),
    ("\\begin{pmatrix} 1 & 2 \\\\ 3 & 4 \\end{pmatrix}", "y = 2x + 1"),
    ("10 cm", "0.1 m"),
    ("\\log_2 8 + 3i", "\\binom{5}{2}!"),
)

unit_registry()
for _answer, _gold in _SAMPLES:
    equivalent(_answer, _gold)
