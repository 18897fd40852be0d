r"""Moles, molar masses and reacting masses, with the atomic masses stated in each prompt.

Difficulty 1: the molar mass of a compound, or the mass of some moles. 2: moles from a mass,
or the mass percent of an element. 3: the
mass of a product made from a mass of one reactant (a balanced equation given). 4: the limiting
reactant: the mass of product from two reactant masses. 5: an actual yield from the limiting
reactant and a percent yield, or the volume of acid solution (its molarity given) that reacts
with a mass of solid, in millilitres.
"""

from __future__ import annotations

import random
import re
from collections import Counter
from collections.abc import Callable

from guide_envs.sources.generators.base import Draft, Family
from guide_envs.sources.generators.science import given, make_draft, sig

__all__ = ["ATOMIC_MASS", "FAMILY", "atoms", "molar_mass"]

#: Standard atomic masses (g/mol), rounded as in school data tables.
ATOMIC_MASS: dict[str, float] = {
    "H": 1.008, "C": 12.01, "N": 14.01, "O": 16.00, "Na": 22.99, "Mg": 24.31, "Al": 26.98,
    "S": 32.07, "Cl": 35.45, "K": 39.10, "Ca": 40.08, "Fe": 55.85, "Cu": 63.55, "Zn": 65.38,
}
_COMPOUNDS = ("H2O", "CO2", "NaCl", "CaCO3", "C6H12O6", "NH3", "H2SO4", "NaOH", "Ca(OH)2",
              "Al2(SO4)3", "MgCl2", "Fe2O3", "KNO3", "C2H5OH", "CuSO4", "ZnCl2", "NaHCO3",
              "K2SO4", "CH4", "C3H8", "Mg(OH)2", "HNO3", "Na2CO3", "KCl", "CaCl2", "Cu(NO3)2")
Side = tuple[tuple[int, str], ...]
#: Balanced equations: (reactants, products), each a tuple of (coefficient, formula).
_REACTIONS: tuple[tuple[Side, Side], ...] = (
    (((2, "H2"), (1, "O2")), ((2, "H2O"),)),
    (((1, "CH4"), (2, "O2")), ((1, "CO2"), (2, "H2O"))),
    (((1, "N2"), (3, "H2")), ((2, "NH3"),)),
    (((2, "Mg"), (1, "O2")), ((2, "MgO"),)),
    (((4, "Fe"), (3, "O2")), ((2, "Fe2O3"),)),
    (((1, "C3H8"), (5, "O2")), ((3, "CO2"), (4, "H2O"))),
    (((2, "Al"), (3, "Cl2")), ((2, "AlCl3"),)),
    (((2, "Na"), (1, "Cl2")), ((2, "NaCl"),)),
    (((1, "C6H12O6"), (6, "O2")), ((6, "CO2"), (6, "H2O"))),
    (((2, "C2H6"), (7, "O2")), ((4, "CO2"), (6, "H2O"))),
    (((1, "CaO"), (1, "H2O")), ((1, "Ca(OH)2"),)),
)
#: Solids that react with hydrochloric acid: (coefficient of the solid, solid, of HCl, equation).
_ACID_REACTIONS = (
    (1, "Zn", 2, "Zn + 2HCl -> ZnCl2 + H2"),
    (1, "Mg", 2, "Mg + 2HCl -> MgCl2 + H2"),
    (1, "CaCO3", 2, "CaCO3 + 2HCl -> CaCl2 + H2O + CO2"),
    (1, "NaHCO3", 1, "NaHCO3 + HCl -> NaCl + H2O + CO2"),
    (1, "Na2CO3", 2, "Na2CO3 + 2HCl -> 2NaCl + H2O + CO2"),
    (2, "Al", 6, "2Al + 6HCl -> 2AlCl3 + 3H2"),
    (1, "Mg(OH)2", 2, "Mg(OH)2 + 2HCl -> MgCl2 + 2H2O"),
)
_TOKEN = re.compile(r"([A-Z][a-z]?)(\d*)|(\()|\)(\d*)")


def atoms(formula: str) -> Counter[str]:
    """The atoms in ``formula``; a count after parentheses multiplies the group.

    >>> dict(atoms("Al2(SO4)3"))
    {'Al': 2, 'S': 3, 'O': 12}
    """
    stack: list[Counter[str]] = [Counter()]
    for element, count, opening, group in _TOKEN.findall(formula):
        if opening:
            stack.append(Counter())
        elif element:
            stack[-1][element] += int(count or 1)
        else:
            inner = stack.pop()
            for name, n in inner.items():
                stack[-1][name] += n * int(group or 1)
    return stack[0]


def molar_mass(formula: str) -> float:
    """The molar mass of ``formula`` in g/mol from :data:`ATOMIC_MASS`.

    >>> round(molar_mass("Ca(OH)2"), 3)
    74.096
    """
    return sum(ATOMIC_MASS[name] * n for name, n in atoms(formula).items())


def _tex(formula: str) -> str:
    """``formula`` in LaTeX, digits as subscripts."""
    return "\\mathrm{" + re.sub(r"(\d+)", r"_{\1}", formula) + "}"


def _equation(text: str) -> str:
    """A plain ``A + 2B -> C`` equation in LaTeX."""
    def term(t: str) -> str:
        m = re.fullmatch(r"(\d*)(.+)", t.strip())
        assert m is not None
        return f"{m.group(1)}{_tex(m.group(2))}"
    def side(terms: str) -> str:
        return " + ".join(term(t) for t in terms.split(" + "))
    left, right = text.split("->")
    return f"${side(left)} \\rightarrow {side(right)}$"


def _masses_used(*formulas: str) -> str:
    """The sentence stating the atomic masses the formulas need."""
    names = sorted({n for f in formulas for n in atoms(f)}, key=list(ATOMIC_MASS).index)
    listed = ", ".join(f"{n} = {ATOMIC_MASS[n]:g}" for n in names)
    return f"Use the atomic mass{'es' if len(names) > 1 else ''} {listed}."


def _mass_breakdown(formula: str) -> str:
    parts = " + ".join(f"{n} \\times {ATOMIC_MASS[e]:g}" for e, n in atoms(formula).items())
    return f"$M({_tex(formula)}) = {parts} = {sig(molar_mass(formula), 5)}\\ \\mathrm{{g/mol}}$."


def _molar(rng: random.Random) -> Draft:
    """The molar mass of a compound, or the mass of a whole number of moles of it."""
    formula = rng.choice(_COMPOUNDS)
    m = molar_mass(formula)
    if rng.random() < 0.2:
        prompt = f"What is the molar mass of ${_tex(formula)}$? {_masses_used(formula)}"
        return make_draft("molar_mass", prompt, m, "g/mol", [_mass_breakdown(formula)],
                          "Count the atoms of each element (a subscript after parentheses "
                          "multiplies everything inside), weight each by its atomic mass, and "
                          "add.", {"formula": formula})
    n = rng.randint(2, 60) / rng.choice((1, 2, 10))
    prompt = f"What is the mass of {given(n, 'mol')} of ${_tex(formula)}$? " \
             f"{_masses_used(formula)}"
    return make_draft("mass_from_moles", prompt, n * m, "g",
                      [_mass_breakdown(formula), f"$m = nM = {n:g} \\times {sig(m, 5)}$."],
                      "Find the molar mass, then multiply it by the amount in moles.",
                      {"formula": formula, "n_mol": n})


def _moles(rng: random.Random) -> Draft:
    """Moles in a mass of a compound, or the mass percent of one element in it."""
    formula = rng.choice(_COMPOUNDS)
    m = molar_mass(formula)
    if rng.random() < 0.7:
        grams = round(rng.uniform(0.5, 500), 1)
        prompt = f"How many moles are in {given(grams, 'g')} of ${_tex(formula)}$? " \
                 f"{_masses_used(formula)}"
        return make_draft("moles_from_mass", prompt, grams / m, "mol",
                          [_mass_breakdown(formula), f"$n = m/M = {grams:g}/{sig(m, 5)}$."],
                          "Find the molar mass, then divide the mass by it.",
                          {"formula": formula, "m_g": grams})
    element, count = rng.choice(sorted(atoms(formula).items()))
    part = count * ATOMIC_MASS[element]
    prompt = (f"What percentage of the mass of ${_tex(formula)}$ is {element}? "
              f"{_masses_used(formula)}")
    return make_draft("mass_percent", prompt, 100 * part / m, "\\%",
                      [_mass_breakdown(formula),
                       f"{element}: ${count} \\times {ATOMIC_MASS[element]:g} = {sig(part, 5)}$, "
                       f"and ${sig(part, 5)}/{sig(m, 5)} \\times 100$."],
                      "Divide the mass of that element in one mole of the compound by the "
                      "molar mass, and multiply by 100.", {"formula": formula,
                                                           "element": element})


def _equation_text(reaction: tuple[Side, Side]) -> str:
    def side(terms: Side) -> str:
        return " + ".join(f"{c if c > 1 else ''}{f}" for c, f in terms)
    return f"{side(reaction[0])} -> {side(reaction[1])}"


def _product_mass(rng: random.Random) -> Draft:
    """The mass of a product made from a mass of one reactant (the other in excess)."""
    reaction = rng.choice(_REACTIONS)
    (cr, reactant), (cp, product) = rng.choice(reaction[0]), rng.choice(reaction[1])
    grams = round(rng.uniform(1, 300), 1)
    n_r = grams / molar_mass(reactant)
    n_p = n_r * cp / cr
    prompt = (f"In the reaction {_equation(_equation_text(reaction))}, what mass of "
              f"${_tex(product)}$ forms from {given(grams, 'g')} of ${_tex(reactant)}$ with the "
              f"other reactant in excess? {_masses_used(reactant, product)}")
    return make_draft("product_mass", prompt, n_p * molar_mass(product), "g",
                      [f"$n({_tex(reactant)}) = {grams:g}/{sig(molar_mass(reactant), 5)} = "
                       f"{sig(n_r, 5)}\\ \\mathrm{{mol}}$.",
                       f"Mole ratio {cp}:{cr}: $n({_tex(product)}) = {sig(n_p, 5)}\\ "
                       "\\mathrm{mol}$.",
                       f"$m = n M = {sig(n_p, 5)} \\times {sig(molar_mass(product), 5)}$."],
                      "Convert grams of the reactant to moles, use the coefficients of the "
                      "balanced equation for the mole ratio, then convert back to grams.",
                      {"equation": _equation_text(reaction), "reactant": reactant,
                       "product": product, "m_g": grams})


def _limiting(rng: random.Random) -> tuple[str, float, list[str], dict[str, object]]:
    """A two-reactant reaction with masses: prompt stem, product mass, steps, givens."""
    reaction = rng.choice([r for r in _REACTIONS if len(r[0]) == 2])
    (ca, a), (cb, b) = reaction[0]
    cp, product = rng.choice(reaction[1])
    ga, gb = round(rng.uniform(2, 200), 1), round(rng.uniform(2, 200), 1)
    na, nb = ga / molar_mass(a), gb / molar_mass(b)
    limit, n_lim, c_lim = (a, na, ca) if na / ca <= nb / cb else (b, nb, cb)
    n_p = n_lim * cp / c_lim
    stem = (f"In the reaction {_equation(_equation_text(reaction))}, {given(ga, 'g')} of "
            f"${_tex(a)}$ reacts with {given(gb, 'g')} of ${_tex(b)}$.")
    steps = [f"$n({_tex(a)}) = {sig(na, 5)}\\ \\mathrm{{mol}}$, $n({_tex(b)}) = {sig(nb, 5)}\\ "
             "\\mathrm{mol}$.",
             f"Dividing by the coefficients, ${_tex(limit)}$ runs out first.",
             f"$n({_tex(product)}) = {sig(n_lim, 5)} \\times {cp}/{c_lim} = {sig(n_p, 5)}\\ "
             f"\\mathrm{{mol}}$, or ${sig(n_p * molar_mass(product), 5)}\\ \\mathrm{{g}}$."]
    givens = {"equation": _equation_text(reaction), "product": product, "limiting": limit,
              a: ga, b: gb}
    return stem, n_p * molar_mass(product), steps, givens


def _reactants(givens: dict[str, object]) -> list[str]:
    """The reactant formulas among ``givens``' keys (those with masses)."""
    return [k for k, v in givens.items() if isinstance(v, float)]


def _limiting_draft(rng: random.Random) -> Draft:
    """The limiting reactant decides the mass of product."""
    stem, mass, steps, givens = _limiting(rng)
    product = str(givens["product"])
    prompt = (f"{stem} What mass of ${_tex(product)}$ can form? "
              f"{_masses_used(*_reactants(givens), product)}")
    return make_draft("limiting_reactant", prompt, mass, "g", steps,
                      "Convert both masses to moles and divide each by its coefficient: the "
                      "smaller result is the limiting reactant, and it alone sets the yield.",
                      givens)


def _yield_or_titration(rng: random.Random) -> Draft:
    """An actual yield from the limiting reactant, or the volume of acid that reacts."""
    if rng.random() < 0.5:
        stem, mass, steps, givens = _limiting(rng)
        product, pct = str(givens["product"]), rng.randint(40, 98)
        prompt = (f"{stem} The percent yield is ${pct}\\%$. What mass of ${_tex(product)}$ is "
                  f"actually obtained? {_masses_used(*_reactants(givens), product)}")
        steps = [*steps, f"Actual yield: ${pct}\\%$ of that, ${sig(mass, 5)} \\times "
                         f"{pct / 100:g}$."]
        return make_draft("actual_yield", prompt, mass * pct / 100, "g", steps,
                          "Find the limiting reactant and the theoretical yield first; the "
                          "percent yield is the fraction of it actually obtained.",
                          {**givens, "yield_pct": pct})
    c_solid, solid, c_acid, text = rng.choice(_ACID_REACTIONS)
    grams, molarity = round(rng.uniform(0.2, 25), 2), round(rng.uniform(0.1, 6), 2)
    n_solid = grams / molar_mass(solid)
    n_acid = n_solid * c_acid / c_solid
    prompt = (f"In the reaction {_equation(text)}, what volume of "
              f"${molarity:g}\\ \\mathrm{{mol/L}}$ hydrochloric acid reacts exactly with "
              f"{given(grams, 'g')} of ${_tex(solid)}$? Give the volume in mL. "
              f"{_masses_used(solid)}")
    return make_draft("acid_volume", prompt, n_acid / molarity * 1000, "mL",
                      [f"$n({_tex(solid)}) = {grams:g}/{sig(molar_mass(solid), 5)} = "
                       f"{sig(n_solid, 5)}\\ \\mathrm{{mol}}$.",
                       f"$n(\\mathrm{{HCl}}) = {sig(n_solid, 5)} \\times {c_acid}/{c_solid} = "
                       f"{sig(n_acid, 5)}\\ \\mathrm{{mol}}$.",
                       f"$V = n/c = {sig(n_acid, 5)}/{molarity:g}\\ \\mathrm{{L}}$; times 1000 "
                       "for mL."],
                      "Moles of solid, then moles of acid from the equation's coefficients, "
                      "then volume = moles / concentration (in litres, then millilitres).",
                      {"equation": text, "m_g": grams, "c_mol_L": molarity})


_LEVELS: dict[int, Callable[[random.Random], Draft]] = {
    1: _molar, 2: _moles, 3: _product_mass, 4: _limiting_draft, 5: _yield_or_titration,
}


def generate(rng: random.Random, difficulty: int) -> Draft:
    """Generate one stoichiometry problem at ``difficulty`` (1-5)."""
    return _LEVELS[difficulty](rng)


FAMILY = Family("stoichiometry", generate, "molar masses, moles, reacting masses, limiting "
                "reactants and yields", domain="science")
