"""The built-in procedural math families, found by name: :func:`get_family`, :data:`FAMILY_NAMES`.

Each family lives in its own module (``guide_envs.sources.generators.<name>``) exposing
``FAMILY``, a :class:`~guide_envs.sources.generators.base.Family`.
"""

from __future__ import annotations

import importlib

from guide_envs.sources.generators.base import DIFFICULTIES, Draft, Family, item_rng

__all__ = ["DIFFICULTIES", "FAMILY_NAMES", "Draft", "Family", "get_family", "item_rng"]

FAMILY_NAMES: tuple[str, ...] = (
    "arithmetic",
    "fractions",
    "percentages",
    "word_problems",
    "linear_equations",
    "linear_systems",
    "quadratics",
    "number_theory",
    "counting",
    "polynomials",
    "inequalities",
)


def get_family(name: str) -> Family:
    """The family called ``name``.

    >>> get_family("arithmetic").name
    'arithmetic'
    """
    if name not in FAMILY_NAMES:
        raise KeyError(f"unknown problem family {name!r}; choose from {', '.join(FAMILY_NAMES)}")
    family: Family = importlib.import_module(f"{__name__}.{name}").FAMILY
    return family
