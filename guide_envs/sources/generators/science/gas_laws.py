r"""Ideal gases: Boyle's, Charles's, Gay-Lussac's and the combined and ideal gas laws.

Difficulty 1: Boyle's law with the same units on both sides. 2: Charles's or Gay-Lussac's law
with temperatures in kelvin. 3: temperatures in degrees Celsius, the combined gas law, and
``PV = nRT`` for the amount of gas. 4: ``PV = nRT`` with a mass of gas, volumes in millilitres
and pressures in kilopascals. 5: the density or molar mass of a gas from ``PV = nRT``, and the
combined law with pressures in mmHg against kilopascals.
"""

from __future__ import annotations

import random
from collections.abc import Callable

from guide_envs.sources.generators.base import Draft, Family
from guide_envs.sources.generators.science import given, make_draft, sig

__all__ = ["FAMILY"]

R = 8.314  # J/(mol K), stated in every prompt that uses it
_R_TEXT = "Use $R = 8.314\\ \\mathrm{J/(mol\\cdot K)}$."
_GASES = (("helium", "He", 4.003), ("neon", "Ne", 20.18), ("argon", "Ar", 39.95),
          ("nitrogen", "N_2", 28.02), ("oxygen", "O_2", 32.00), ("carbon dioxide", "CO_2", 44.01),
          ("methane", "CH_4", 16.04), ("hydrogen", "H_2", 2.016))
_CELSIUS = 273.15


def _apart(rng: random.Random, low: int, high: int, other: float, offset: float = 0) -> int:
    """A whole number in ``[low, high]`` at least 5 % from ``other`` (both plus ``offset``).

    So a gas law's answer differs from the quantity it starts from.
    """
    while True:
        value = rng.randint(low, high)
        if abs((value + offset) / (other + offset) - 1) >= 0.05:
            return value


def _boyle(rng: random.Random) -> Draft:
    """``P_1 V_1 = P_2 V_2`` with the same units throughout."""
    p1, v1 = round(rng.uniform(0.5, 5), 2), round(rng.uniform(0.5, 40), 1)
    p2 = round(p1 * rng.choice((rng.uniform(0.2, 0.8), rng.uniform(1.25, 4))), 2)
    prompt = (f"A gas occupies {given(v1, 'L')} at {given(p1, 'atm')}. At constant temperature "
              f"the pressure changes to {given(p2, 'atm')}. What is the new volume?")
    return make_draft("boyle", prompt, p1 * v1 / p2, "L",
                      [f"$V_2 = P_1 V_1 / P_2 = {p1:g} \\times {v1:g} / {p2:g}$."],
                      "At constant temperature pressure times volume stays the same.",
                      {"P1_atm": p1, "V1_L": v1, "P2_atm": p2})


def _kelvin_law(rng: random.Random) -> Draft:
    """Charles's law (volume) or Gay-Lussac's law (pressure), temperatures in kelvin."""
    t1 = rng.randint(200, 500)
    t2 = _apart(rng, 200, 600, t1)
    if rng.random() < 0.5:
        v1 = round(rng.uniform(0.5, 30), 1)
        prompt = (f"A gas occupies {given(v1, 'L')} at {given(t1, 'K')}. At constant pressure "
                  f"it is brought to {given(t2, 'K')}. What is its new volume?")
        return make_draft("charles", prompt, v1 * t2 / t1, "L",
                          [f"$V_2 = V_1 T_2 / T_1 = {v1:g} \\times {t2} / {t1}$."],
                          "At constant pressure the volume is proportional to the absolute "
                          "temperature.", {"V1_L": v1, "T1_K": t1, "T2_K": t2})
    p1 = rng.randint(80, 400)
    prompt = (f"A sealed rigid tank holds gas at {given(p1, 'kPa')} and {given(t1, 'K')}. What "
              f"is the pressure at {given(t2, 'K')}?")
    return make_draft("gay_lussac", prompt, p1 * t2 / t1, "kPa",
                      [f"$P_2 = P_1 T_2 / T_1 = {p1} \\times {t2} / {t1}$."],
                      "In a rigid container the pressure is proportional to the absolute "
                      "temperature.", {"P1_kPa": p1, "T1_K": t1, "T2_K": t2})


def _combined(rng: random.Random) -> Draft:
    """Charles's law in Celsius, the combined gas law, or the amount from ``PV = nRT``."""
    c1 = rng.randint(-40, 150)
    c2 = _apart(rng, -40, 250, c1, _CELSIUS)
    t1, t2 = c1 + _CELSIUS, c2 + _CELSIUS
    kind = rng.choice(("charles_celsius", "combined", "moles"))
    if kind == "charles_celsius":
        v1 = round(rng.uniform(0.5, 30), 1)
        prompt = (f"A balloon holds {given(v1, 'L')} of gas at ${c1}^\\circ\\mathrm{{C}}$. At "
                  f"constant pressure, what is its volume at ${c2}^\\circ\\mathrm{{C}}$?")
        return make_draft(kind, prompt, v1 * t2 / t1, "L",
                          [f"In kelvin: $T_1 = {t1:g}$, $T_2 = {t2:g}$.",
                           f"$V_2 = V_1 T_2/T_1 = {v1:g} \\times {t2:g}/{t1:g}$."],
                          "Gas laws need absolute temperatures: add 273.15 to the Celsius values "
                          "first.", {"V1_L": v1, "T1_C": c1, "T2_C": c2})
    if kind == "combined":
        p1, v1 = round(rng.uniform(0.5, 3), 2), round(rng.uniform(1, 50), 1)
        p2 = _apart(rng, 50, 300, 100 * p1 * t2 / t1) / 100
        prompt = (f"A gas sample occupies {given(v1, 'L')} at {given(p1, 'atm')} and "
                  f"${c1}^\\circ\\mathrm{{C}}$. What volume does it occupy at {given(p2, 'atm')} "
                  f"and ${c2}^\\circ\\mathrm{{C}}$?")
        return make_draft(kind, prompt, p1 * v1 * t2 / (t1 * p2), "L",
                          [f"In kelvin: $T_1 = {t1:g}$, $T_2 = {t2:g}$.",
                           f"$V_2 = \\frac{{P_1 V_1 T_2}}{{T_1 P_2}} = \\frac{{{p1:g} \\times "
                           f"{v1:g} \\times {t2:g}}}{{{t1:g} \\times {p2:g}}}$."],
                          "Use the combined gas law, PV/T constant, with temperatures in kelvin.",
                          {"V1_L": v1, "P1_atm": p1, "T1_C": c1, "P2_atm": p2, "T2_C": c2})
    p, v = rng.randint(50, 500), round(rng.uniform(0.5, 50), 1)
    prompt = (f"How many moles of gas fill a {given(v, 'L')} container at {given(p, 'kPa')} and "
              f"${c1}^\\circ\\mathrm{{C}}$? {_R_TEXT}")
    return make_draft(kind, prompt, p * 1000 * v / 1000 / (R * t1), "mol",
                      [f"SI units: $P = {p * 1000}\\ \\mathrm{{Pa}}$, $V = {v / 1000:g}\\ "
                       f"\\mathrm{{m^3}}$, $T = {t1:g}\\ \\mathrm{{K}}$.",
                       f"$n = PV/(RT) = {p * 1000} \\times {v / 1000:g} / (8.314 \\times "
                       f"{t1:g})$."],
                      "Rearrange the ideal gas law for n, with the pressure in pascals, the "
                      "volume in cubic metres and the temperature in kelvin.",
                      {"P_kPa": p, "V_L": v, "T_C": c1})


def _ideal_mass(rng: random.Random) -> Draft:
    """``PV = nRT`` with a mass of a named gas: the pressure, or the volume in millilitres."""
    name, formula, molar = rng.choice(_GASES)
    grams, c = round(rng.uniform(0.05, 20), 2), rng.randint(-20, 200)
    t, n = c + _CELSIUS, grams / molar
    base = (f"A sample of {given(grams, 'g')} of {name} ($\\mathrm{{{formula}}}$, molar mass "
            f"${molar:g}\\ \\mathrm{{g/mol}}$) is at ${c}^\\circ\\mathrm{{C}}$.")
    amount = (f"$n = {grams:g}/{molar:g} = {sig(n, 5)}\\ \\mathrm{{mol}}$; "
              f"$T = {t:g}\\ \\mathrm{{K}}$.")
    if rng.random() < 0.5:
        ml = rng.randint(100, 20000)
        prompt = (f"{base} It fills a {given(ml, 'mL')} flask. What is its pressure, in kPa? "
                  f"{_R_TEXT}")
        return make_draft("pressure_from_mass", prompt, n * R * t / (ml * 1e-6) / 1000, "kPa",
                          [amount, f"$P = nRT/V = {sig(n, 5)} \\times 8.314 \\times {t:g} / "
                                   f"{ml * 1e-6:g}\\ \\mathrm{{Pa}}$."],
                          "Turn the mass into moles with the molar mass, the volume into cubic "
                          "metres and the temperature into kelvin, then use the ideal gas law.",
                          {"gas": formula, "m_g": grams, "V_mL": ml, "T_C": c})
    kpa = rng.randint(20, 600)
    prompt = f"{base} Its pressure is {given(kpa, 'kPa')}. What volume, in mL, does it occupy? " \
             f"{_R_TEXT}"
    return make_draft("volume_from_mass", prompt, n * R * t / (kpa * 1000) * 1e6, "mL",
                      [amount, f"$V = nRT/P = {sig(n, 5)} \\times 8.314 \\times {t:g} / "
                               f"{kpa * 1000}\\ \\mathrm{{m^3}}$; times $10^6$ for mL."],
                      "Turn the mass into moles, use the ideal gas law in SI units, then "
                      "convert cubic metres to millilitres.",
                      {"gas": formula, "m_g": grams, "P_kPa": kpa, "T_C": c})


def _density(rng: random.Random) -> Draft:
    """Gas density or molar mass from ``PV = nRT``, or the combined law in mmHg and kPa."""
    kind = rng.choice(("gas_density", "gas_molar_mass", "combined_mmhg"))
    c = rng.randint(-30, 300)
    t = c + _CELSIUS
    if kind == "gas_density":
        name, formula, molar = rng.choice(_GASES)
        kpa = rng.randint(30, 500)
        prompt = (f"What is the density, in g/L, of {name} ($\\mathrm{{{formula}}}$, molar mass "
                  f"${molar:g}\\ \\mathrm{{g/mol}}$) at {given(kpa, 'kPa')} and "
                  f"${c}^\\circ\\mathrm{{C}}$? {_R_TEXT}")
        return make_draft(kind, prompt, kpa * 1000 * molar / (R * t) / 1000, "g/L",
                          [f"$\\rho = PM/(RT) = {kpa * 1000} \\times {molar:g} / (8.314 \\times "
                           f"{t:g})\\ \\mathrm{{g/m^3}}$; divide by 1000 for g/L."],
                          "Write n as mass over molar mass in PV = nRT and solve for mass over "
                          "volume; watch the units.", {"gas": formula, "P_kPa": kpa, "T_C": c})
    if kind == "gas_molar_mass":
        grams, ml, kpa = round(rng.uniform(0.2, 5), 3), rng.randint(200, 5000), rng.randint(50, 300)
        n = kpa * 1000 * ml * 1e-6 / (R * t)
        prompt = (f"A {given(grams, 'g')} sample of an unknown gas fills {given(ml, 'mL')} at "
                  f"{given(kpa, 'kPa')} and ${c}^\\circ\\mathrm{{C}}$. What is its molar mass? "
                  f"{_R_TEXT}")
        return make_draft(kind, prompt, grams / n, "g/mol",
                          [f"$n = PV/(RT) = {sig(n, 5)}\\ \\mathrm{{mol}}$.",
                           f"$M = m/n = {grams:g}/{sig(n, 5)}$."],
                          "Find the amount in moles from the ideal gas law (SI units), then "
                          "divide the mass by it.", {"m_g": grams, "V_mL": ml, "P_kPa": kpa,
                                                     "T_C": c})
    mmhg, v1, c2 = rng.randint(500, 900), round(rng.uniform(1, 40), 1), rng.randint(-30, 300)
    t2 = c2 + _CELSIUS
    p1 = mmhg * 101.325 / 760
    kpa2 = _apart(rng, 50, 300, p1 * t2 / t)
    prompt = (f"A gas occupies {given(v1, 'L')} at {given(mmhg, 'mmHg')} and "
              f"${c}^\\circ\\mathrm{{C}}$. What volume does it occupy at {given(kpa2, 'kPa')} "
              f"and ${c2}^\\circ\\mathrm{{C}}$? ($760\\ \\mathrm{{mmHg}} = 101.325\\ "
              "\\mathrm{kPa}$.)")
    return make_draft(kind, prompt, p1 * v1 * t2 / (t * kpa2), "L",
                      [f"$P_1 = {mmhg} \\times 101.325/760 = {sig(p1, 5)}\\ \\mathrm{{kPa}}$.",
                       f"$V_2 = P_1 V_1 T_2/(T_1 P_2) = {sig(p1, 5)} \\times {v1:g} \\times "
                       f"{t2:g}/({t:g} \\times {kpa2})$."],
                      "Put both pressures in the same unit and both temperatures in kelvin, "
                      "then use the combined gas law.",
                      {"V1_L": v1, "P1_mmHg": mmhg, "T1_C": c, "P2_kPa": kpa2, "T2_C": c2})


_LEVELS: dict[int, Callable[[random.Random], Draft]] = {
    1: _boyle, 2: _kelvin_law, 3: _combined, 4: _ideal_mass, 5: _density,
}


def generate(rng: random.Random, difficulty: int) -> Draft:
    """Generate one gas-law problem at ``difficulty`` (1-5)."""
    return _LEVELS[difficulty](rng)


FAMILY = Family("gas_laws", generate, "Boyle's, Charles's, combined and ideal gas laws",
                domain="science")
