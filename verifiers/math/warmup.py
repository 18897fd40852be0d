"""Imported by judging workers at start: builds the unit registry and warms the LaTeX parser.

ANTLR's parser learns its prediction tables on first use (hundreds of milliseconds per new
construct) and pint's registry takes about half a second to build. Both happen in a background
thread, so the worker reports ready after its imports (about 0.3 s) and a replacement worker
is serving again quickly after a killed one.
"""

from __future__ import annotations

import threading

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



def _warm() -> None:
    unit_registry()
    for answer, gold in _SAMPLES:
        equivalent(answer, gold)


threading.Thread(target=_warm, name="warm-up", daemon=True).start()
