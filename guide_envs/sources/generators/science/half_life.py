r"""Radioactive decay: remaining amounts, ages, decay constants and activities.

Difficulty 1: a whole number of half-lives (the mass left). 2: any elapsed time,
``m = m_0 (1/2)^{t/T}``. 3: solving for a time (how long until a fraction is left) or for the
half-life. 4: mixed time units (half-life in days, time in hours or years), and the decay
constant in ``s^{-1}``. 5: the activity of a mass of a real isotope in becquerels, and how long
an activity in MBq takes to fall to kBq, in days.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable

from guide_envs.sources.generators.base import Draft, Family
from guide_envs.sources.generators.science import given, make_draft, sig

__all__ = ["FAMILY"]

AVOGADRO = 6.022e23  # per mol, stated in every prompt that uses it
_SECONDS = {"s": 1, "min": 60, "h": 3600, "day": 86400, "year": 365.25 * 86400}
#: (name, half-life, unit, molar mass in g/mol)
_ISOTOPES = (("iodine-131", 8.02, "day", 131), ("cobalt-60", 5.27, "year", 60),
             ("technetium-99m", 6.01, "h", 99), ("phosphorus-32", 14.3, "day", 32),
             ("strontium-90", 28.8, "year", 90), ("caesium-137", 30.2, "year", 137),
             ("radium-226", 1600, "year", 226), ("carbon-14", 5730, "year", 14),
             ("radon-222", 3.82, "day", 222), ("fluorine-18", 110, "min", 18))
_MICROGRAM = "\\mu g"
_UNITS = ("s", "min", "h", "day", "year")
_PLURAL = {"s": "s", "min": "min", "h": "h", "day": "days", "year": "years"}


def _sample(rng: random.Random, real: float = 0.5) -> tuple[str, float, str]:
    """An isotope (real with probability ``real``, else lettered), its half-life and unit."""
    if rng.random() < real:
        name, half, unit, _ = rng.choice(_ISOTOPES)
        return name, half, unit
    unit = rng.choice(_UNITS)
    return f"isotope {rng.choice('QRXYZ')}-{rng.randint(20, 250)}", round(
        rng.uniform(1.5, 60), 1), unit


def _span(value: float, unit: str) -> str:
    return f"${value:g}$ {_PLURAL[unit]}"


def _whole(rng: random.Random) -> Draft:
    """The mass left after a whole number of half-lives."""
    name, half, unit = _sample(rng)
    n, m0 = rng.randint(1, 6), round(rng.uniform(1, 500), 1)
    prompt = (f"A sample contains {given(m0, 'g')} of {name}, whose half-life is "
              f"{_span(half, unit)}. How much of it is left after {_span(n * half, unit)}?")
    return make_draft("whole_half_lives", prompt, m0 / 2 ** n, "g",
                      [f"${n * half:g}/{half:g} = {n}$ half-lives.",
                       f"$m = {m0:g} / 2^{{{n}}}$."],
                      "Count how many half-lives fit in the time, and halve the mass once for "
                      "each.", {"isotope": name, "half_life": half, "unit": unit, "m0_g": m0,
                                "half_lives": n})


def _any_time(rng: random.Random) -> Draft:
    """The mass left after any time: ``m = m_0 (1/2)^{t/T}``."""
    name, half, unit = _sample(rng)
    m0 = round(rng.uniform(1, 500), 1)
    t = round(half * rng.uniform(0.3, 5.5), 1)
    prompt = (f"A sample contains {given(m0, 'mg')} of {name} (half-life {_span(half, unit)}). "
              f"How much remains after {_span(t, unit)}?")
    return make_draft("remaining_mass", prompt, m0 * 0.5 ** (t / half), "mg",
                      [f"$t/T = {t:g}/{half:g} = {sig(t / half, 5)}$.",
                       f"$m = {m0:g} \\times (1/2)^{{{sig(t / half, 5)}}}$."],
                      "The fraction left is one half raised to the number of half-lives, "
                      "which need not be a whole number.",
                      {"isotope": name, "half_life": half, "unit": unit, "m0_mg": m0, "t": t})


def _solve_time(rng: random.Random) -> Draft:
    """How long until a fraction is left, or the half-life from two masses and a time."""
    name, half, unit = _sample(rng)
    m0 = round(rng.uniform(10, 500), 1)
    m = round(m0 * rng.uniform(0.02, 0.8), 1)
    if rng.random() < 0.5:
        t = half * math.log2(m0 / m)
        prompt = (f"How long does it take {given(m0, 'g')} of {name} (half-life "
                  f"{_span(half, unit)}) to decay until {given(m, 'g')} remains? Answer in "
                  f"{_PLURAL[unit]}.")
        return make_draft("decay_time", prompt, t, unit,
                          [f"$(1/2)^{{t/T}} = {m:g}/{m0:g}$, so $t = T \\log_2({m0:g}/{m:g})$.",
                           f"$t = {half:g} \\times {sig(math.log2(m0 / m), 5)}$."],
                          "Write the fraction left as one half to the power t/T and solve with "
                          "a logarithm.", {"isotope": name, "half_life": half, "unit": unit,
                                           "m0_g": m0, "m_g": m})
    t = round(rng.uniform(1, 100), 1)
    prompt = (f"A sample of a radioactive isotope decays from {given(m0, 'g')} to "
              f"{given(m, 'g')} in {_span(t, unit)}. What is its half-life, in "
              f"{_PLURAL[unit]}?")
    return make_draft("half_life", prompt, t / math.log2(m0 / m), unit,
                      [f"Half-lives elapsed: $\\log_2({m0:g}/{m:g}) = "
                       f"{sig(math.log2(m0 / m), 5)}$.",
                       f"$T = {t:g}/{sig(math.log2(m0 / m), 5)}$."],
                      "Find how many half-lives passed from the ratio of the masses (a base-2 "
                      "logarithm), then divide the time by it.",
                      {"unit": unit, "m0_g": m0, "m_g": m, "t": t})


def _mixed_units(rng: random.Random) -> Draft:
    """Remaining activity with the time in another unit, or the decay constant in s^-1."""
    if rng.random() < 0.5:
        name, half, unit = _sample(rng, real=0.1)
        lam = math.log(2) / (half * _SECONDS[unit])
        prompt = (f"The half-life of {name} is {_span(half, unit)}. What is its decay "
                  "constant, in $\\mathrm{s}^{-1}$?")
        return make_draft("decay_constant", prompt, lam, "1/s",
                          [f"$T = {half:g} \\times {_SECONDS[unit]:g}\\ \\mathrm{{s}} = "
                           f"{sig(half * _SECONDS[unit], 5)}\\ \\mathrm{{s}}$.",
                           f"$\\lambda = \\ln 2 / T = 0.69315/{sig(half * _SECONDS[unit], 5)}$."],
                          "The decay constant is ln 2 divided by the half-life, and the "
                          "half-life must be in seconds first.",
                          {"isotope": name, "half_life": half, "unit": unit})
    name, half, unit, other = rng.choice([  # the time unit differs from the half-life's
        (name, half, unit, u) for name, half, unit, _ in _ISOTOPES for u in _UNITS
        if u != unit and 0.05 < _SECONDS[unit] * half / _SECONDS[u] < 1e4])
    t_half_other = half * _SECONDS[unit] / _SECONDS[other]
    t = float(f"{t_half_other * rng.uniform(0.3, 4):.3g}")
    a0 = rng.randint(10, 990)
    prompt = (f"A source of {name} (half-life {_span(half, unit)}) has an activity of "
              f"{given(a0, 'kBq')}. What is its activity after {_span(t, other)}?")
    return make_draft("activity_other_units", prompt, a0 * 0.5 ** (t / t_half_other), "kBq",
                      [f"Half-life in {_PLURAL[other]}: ${sig(t_half_other, 5)}$.",
                       f"$A = {a0} \\times (1/2)^{{{t:g}/{sig(t_half_other, 5)}}}$."],
                      "Put the half-life and the elapsed time in the same unit, then apply "
                      "the half-life rule to the activity.",
                      {"isotope": name, "half_life": half, "unit": unit, "A0_kBq": a0,
                       "t": t, "t_unit": other})


def _activity(rng: random.Random) -> Draft:
    """The activity of a mass of isotope (Bq), or the days for MBq to fall to kBq."""
    name, half, unit, molar = rng.choice(_ISOTOPES)
    seconds = half * _SECONDS[unit]
    if rng.random() < 0.5:
        ug = round(rng.uniform(0.01, 100), 2)
        atoms = ug * 1e-6 / molar * AVOGADRO
        prompt = (f"What is the activity, in becquerels, of {given(ug, _MICROGRAM)} of {name} "
                  f"(half-life {_span(half, unit)}, molar mass ${molar}\\ \\mathrm{{g/mol}}$)? "
                  "Use $N_A = 6.022 \\times 10^{23}\\ \\mathrm{mol}^{-1}$ and a year of "
                  "$365.25$ days.")
        return make_draft("activity_from_mass", prompt, atoms * math.log(2) / seconds, "Bq",
                          [f"$N = {ug:g} \\times 10^{{-6}}/{molar} \\times N_A = {sig(atoms, 5)}$.",
                           f"$\\lambda = \\ln 2/({sig(seconds, 5)}\\ \\mathrm{{s}})$.",
                           "$A = \\lambda N$."],
                          "Count the nuclei (mass over molar mass, times Avogadro's number), "
                          "find the decay constant with the half-life in seconds, and multiply.",
                          {"isotope": name, "m_ug": ug, "molar_mass": molar})
    mbq, kbq = rng.randint(5, 900), rng.randint(5, 900)
    days = half * _SECONDS[unit] / 86400 * math.log2(mbq * 1000 / kbq)
    prompt = (f"A source of {name} (half-life {_span(half, unit)}) has an activity of "
              f"{given(mbq, 'MBq')}. How many days until its activity falls to "
              f"{given(kbq, 'kBq')}? Take a year as $365.25$ days.")
    return make_draft("decay_time_days", prompt, days, "day",
                      [f"Ratio: ${mbq * 1000}/{kbq}$, so $\\log_2$ of it is "
                       f"${sig(math.log2(mbq * 1000 / kbq), 5)}$ half-lives.",
                       f"In days: ${sig(half * _SECONDS[unit] / 86400, 5)} \\times "
                       f"{sig(math.log2(mbq * 1000 / kbq), 5)}$."],
                      "Put both activities in the same unit, count the half-lives with a "
                      "base-2 logarithm of their ratio, and convert the half-life to days.",
                      {"isotope": name, "A0_MBq": mbq, "A_kBq": kbq})


_LEVELS: dict[int, Callable[[random.Random], Draft]] = {
    1: _whole, 2: _any_time, 3: _solve_time, 4: _mixed_units, 5: _activity,
}


def generate(rng: random.Random, difficulty: int) -> Draft:
    """Generate one radioactive-decay problem at ``difficulty`` (1-5)."""
    return _LEVELS[difficulty](rng)


FAMILY = Family("half_life", generate, "radioactive decay, half-lives and activity",
                domain="science")
