r"""The science families (one module each) and the number formatting their answers share.

Families: ``kinematics``, ``forces_energy``, ``circuits``, ``gas_laws``, ``stoichiometry``,
``unit_conversion`` and ``half_life``; each module exposes ``FAMILY``. Answers are quantities
with units, rounded to :data:`FIGURES` significant figures, written the way
:mod:`verifiers.science` reads them: :func:`quantity` gives ``12.5\ \mathrm{m/s}``.
"""

from __future__ import annotations

import math
from typing import Any

from guide_envs.sources.generators.base import Draft

__all__ = ["FIGURES", "ROUNDING", "given", "make_draft", "quantity", "sig"]

#: Significant figures of every gold answer (the verifier allows 1 % relative error).
FIGURES = 3
#: What every prompt says about rounding, so that the gold is exactly what was asked for.
ROUNDING = f"Give your answer to {FIGURES} significant figures, with its unit."


def sig(value: float, figures: int = FIGURES) -> str:
    r"""``value`` rounded to ``figures`` significant figures, in LaTeX.

    Plain decimals from 0.001 to 99999, otherwise ``m \times 10^{e}``.

    >>> sig(12.3456), sig(0.0034049), sig(452311.0), sig(-9.999), sig(1200.4)
    ('12.3', '0.00340', '4.52 \\times 10^{5}', '-10.0', '1200')
    """
    if value == 0 or not math.isfinite(value):
        raise ValueError(f"cannot round {value!r} to significant figures")
    mantissa, _, exp_text = f"{value:.{figures - 1}e}".partition("e")
    exponent = int(exp_text)
    if -3 <= exponent <= 4:
        return f"{float(f'{mantissa}e{exponent}'):.{max(0, figures - 1 - exponent)}f}"
    return f"{mantissa} \\times 10^{{{exponent}}}"


def quantity(value: float, unit: str, figures: int = FIGURES) -> str:
    r"""``value`` to ``figures`` significant figures followed by ``unit`` (pint spelling).

    >>> quantity(3.14159, "m/s^2")
    '3.14\\ \\mathrm{m/s^2}'
    >>> quantity(2.5e-5, "s", 2)
    '2.5 \\times 10^{-5}\\ \\mathrm{s}'
    """
    return f"{sig(value, figures)}\\ \\mathrm{{{unit}}}"


def given(value: float, unit: str) -> str:
    r"""A quantity stated in a prompt: as written (up to 6 significant figures), in ``$...$``.

    >>> given(2.50, "kg")
    '$2.5\\ \\mathrm{kg}$'
    """
    return f"${value:.6g}\\ \\mathrm{{{unit}}}$"


def make_draft(kind: str, prompt: str, value: float, unit: str, steps: list[str], hint: str,
               givens: dict[str, Any]) -> Draft:
    r"""The draft of a numeric problem: the rounding rule appended, the gold :func:`quantity`.

    >>> d = make_draft("speed", "How fast?", 12.345, "m/s", ["v = d / t."], "Divide.", {})
    >>> d.answer, d.metadata["value"], d.prompt.endswith(ROUNDING)
    ('12.3\\ \\mathrm{m/s}', 12.345, True)
    """
    metadata = {"kind": kind, "value": value, "unit": unit, "givens": givens}
    return Draft(prompt=f"{prompt} {ROUNDING}", answer=quantity(value, unit), steps=tuple(steps),
                 hint=hint, metadata=metadata)
