"""The built-in procedural families of every domain, found by name: :func:`get_family`.

Each family lives in its own module exposing ``FAMILY``, a
:class:`~guide_envs.sources.generators.base.Family`: math families in
``guide_envs.sources.generators.<name>``, science ones in ``...generators.science.<name>``, code
ones in ``...generators.code.<name>``. Names are unique across domains.

:data:`EXTRA_FAMILIES` lists families that :func:`get_family` finds but no source serves unless
asked for by name (``rewrite_chain``, the compact format of the ``tiny`` preset).
"""

from __future__ import annotations

import importlib

from guide_envs.sources.generators.base import DIFFICULTIES, Draft, Family, item_rng

__all__ = [
    "DIFFICULTIES",
    "DOMAIN_FAMILIES",
    "EXTRA_FAMILIES",
    "FAMILY_NAMES",
    "Draft",
    "Family",
    "family_domain",
    "get_family",
    "item_rng",
]

#: The math families (the default of ``guide/Math-v0``).
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

#: Every domain's families, in the order a source cycles through them.
DOMAIN_FAMILIES: dict[str, tuple[str, ...]] = {
    "math": FAMILY_NAMES,
    "science": (
        "kinematics",
        "forces_energy",
        "circuits",
        "gas_laws",
        "stoichiometry",
        "unit_conversion",
        "half_life",
    ),
    "code": (
        "string_functions",
        "list_functions",
        "math_functions",
        "dp_functions",
    ),
}

#: Families served only when named (``families=["rewrite_chain"]``), never by default.
EXTRA_FAMILIES: dict[str, tuple[str, ...]] = {
    "math": ("rewrite_chain",),
}

_PACKAGES = {"math": __name__, "science": f"{__name__}.science", "code": f"{__name__}.code"}


def family_domain(name: str) -> str:
    """The domain a family belongs to.

    >>> family_domain("arithmetic"), family_domain("kinematics"), family_domain("rewrite_chain")
    ('math', 'science', 'math')
    """
    for table in (DOMAIN_FAMILIES, EXTRA_FAMILIES):
        for domain, names in table.items():
            if name in names:
                return domain
    known = ", ".join(n for table in (DOMAIN_FAMILIES, EXTRA_FAMILIES)
                      for names in table.values() for n in names)
    raise KeyError(f"unknown family {name!r}; choose from {known}")


def get_family(name: str) -> Family:
    """The family called ``name``, of any domain.

    >>> get_family("arithmetic").name
    'arithmetic'
    """
    module = importlib.import_module(f"{_PACKAGES[family_domain(name)]}.{name}")
    family: Family = module.FAMILY
    return family
