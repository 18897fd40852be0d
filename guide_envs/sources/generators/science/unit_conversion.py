r"""Quantities computed from measurements in mixed units, answered in a unit the prompt names.

Every answer is a new quantity (a sum, a rate, an area...), never one of the given measurements
restated, so copying a given value in its own unit does not grade as correct.

Difficulty 1: the sum of two lengths, masses, volumes or times with different metric prefixes.
2: an average speed from a distance and a time in other units (km and minutes, miles and hours).
3: squared and cubed units: an area from sides in cm and m, a box's volume in litres. 4: derived
units: a density in kg/m^3 from grams and millilitres, fuel economy in km/L from miles per
gallon. 5: chains: an acceleration from 0 to a speed in km/h, a pressure in kPa from kilonewtons
on square centimetres, the energy of an appliance in megajoules from watts and minutes.
"""

from __future__ import annotations

import random
from collections.abc import Callable

from guide_envs.sources.generators.base import Draft, Family
from guide_envs.sources.generators.science import given, make_draft, sig

__all__ = ["FAMILY"]

#: (dimension noun, (small unit, factor to big), big unit, object)
_PAIRS = (
    ("length", ("m", 1000), "km", "Two stretches of road measure"),
    ("length", ("cm", 100), "m", "Two pieces of rope measure"),
    ("length", ("mm", 10), "cm", "Two screws measure"),
    ("mass", ("g", 1000), "kg", "Two parcels weigh"),
    ("mass", ("mg", 1000), "g", "Two tablets contain"),
    ("volume", ("mL", 1000), "L", "Two bottles hold"),
    ("time", ("ms", 1000), "s", "Two signals last"),
    ("time", ("s", 60), "min", "Two songs last"),
)
_MILE_KM = 1.609344
_GALLON_L = 3.785411784


def _sum(rng: random.Random) -> Draft:
    """Add two measurements given with different prefixes."""
    noun, (small, factor), big, what = rng.choice(_PAIRS)
    a = round(rng.uniform(0.1, 20), 2)
    b = max(1, round(a * factor * rng.uniform(0.1, 2)))  # large enough to change the sum
    in_big = rng.random() < 0.5
    unit = big if in_big else small
    total = a + b / factor if in_big else a * factor + b
    prompt = f"{what} {given(a, big)} and {given(b, small)}. What is the total, in {unit}?"
    step = (f"${b}\\ \\mathrm{{{small}}} = {b / factor:g}\\ \\mathrm{{{big}}}$, so the total is "
            f"${a:g} + {b / factor:g}$." if in_big else
            f"${a:g}\\ \\mathrm{{{big}}} = {a * factor:g}\\ \\mathrm{{{small}}}$, so the total "
            f"is ${a * factor:g} + {b}$.")
    return make_draft("sum", prompt, total, unit, [step],
                      f"Put both {noun}s in the same unit before adding "
                      f"(1 {big} = {factor} {small}).",
                      {"a": f"{a} {big}", "b": f"{b} {small}", "unit": unit})


def _speed(rng: random.Random) -> Draft:
    """An average speed from a distance and a time in other units."""
    if rng.random() < 0.5:
        km, minutes = round(rng.uniform(0.5, 60), 2), rng.randint(3, 240)
        prompt = f"A cyclist covers {given(km, 'km')} in {given(minutes, 'min')}. What is the " \
                 "average speed in m/s?"
        return make_draft("speed_m_s", prompt, km * 1000 / (minutes * 60), "m/s",
                          [f"${km:g}\\ \\mathrm{{km}} = {km * 1000:g}\\ \\mathrm{{m}}$ and "
                           f"${minutes}\\ \\mathrm{{min}} = {minutes * 60}\\ \\mathrm{{s}}$.",
                           f"$v = {km * 1000:g}/{minutes * 60}$."],
                          "Convert the distance to metres and the time to seconds, then divide.",
                          {"d_km": km, "t_min": minutes})
    miles, hours = round(rng.uniform(5, 400), 1), round(rng.uniform(0.25, 8), 2)
    prompt = (f"A car travels {given(miles, 'mi')} in {given(hours, 'h')}. What is its average "
              f"speed in km/h? ($1\\ \\mathrm{{mi}} = {_MILE_KM}\\ \\mathrm{{km}}$.)")
    return make_draft("speed_km_h", prompt, miles * _MILE_KM / hours, "km/h",
                      [f"${miles:g}\\ \\mathrm{{mi}} = {sig(miles * _MILE_KM, 6)}\\ "
                       "\\mathrm{km}$.", f"$v = {sig(miles * _MILE_KM, 6)}/{hours:g}$."],
                      "Convert miles to kilometres first, then divide by the time in hours.",
                      {"d_mi": miles, "t_h": hours})


def _squared(rng: random.Random) -> Draft:
    """An area from sides in cm and m, or a box's volume in litres."""
    if rng.random() < 0.5:
        m, cm = round(rng.uniform(0.5, 12), 2), rng.randint(5, 300)
        unit = rng.choice(("m^2", "cm^2"))
        area = m * cm / 100 if unit == "m^2" else m * 100 * cm
        prompt = (f"A rectangular sheet is {given(m, 'm')} long and {given(cm, 'cm')} wide. "
                  f"What is its area in $\\mathrm{{{unit}}}$?")
        return make_draft("area", prompt, area, unit,
                          [f"${cm}\\ \\mathrm{{cm}} = {cm / 100:g}\\ \\mathrm{{m}}$.",
                           f"Area: ${m:g} \\times {cm / 100:g}\\ \\mathrm{{m^2}}$, and "
                           "$1\\ \\mathrm{m^2} = 10^4\\ \\mathrm{cm^2}$."],
                          "Express both sides in the same unit before multiplying; a square "
                          "metre is ten thousand square centimetres.",
                          {"length_m": m, "width_cm": cm, "unit": unit})
    sides = [rng.randint(5, 120) for _ in range(3)]
    cm3 = sides[0] * sides[1] * sides[2]
    prompt = (f"A box measures {given(sides[0], 'cm')} by {given(sides[1], 'cm')} by "
              f"{given(sides[2], 'cm')}. What is its volume in litres?")
    return make_draft("box_volume", prompt, cm3 / 1000, "L",
                      [f"$V = {sides[0]} \\times {sides[1]} \\times {sides[2]} = {cm3}\\ "
                       "\\mathrm{cm^3}$.", "$1\\ \\mathrm{L} = 1000\\ \\mathrm{cm^3}$."],
                      "Multiply the sides in centimetres, then use that a litre is a thousand "
                      "cubic centimetres.", {"sides_cm": sides})


def _derived(rng: random.Random) -> Draft:
    """A density in kg/m^3 from grams and millilitres, or fuel economy in km/L."""
    if rng.random() < 0.5:
        grams, ml = round(rng.uniform(1, 900), 1), round(rng.uniform(1, 500), 1)
        prompt = (f"A sample of mass {given(grams, 'g')} has a volume of {given(ml, 'mL')}. "
                  "What is its density in $\\mathrm{kg/m^3}$?")
        return make_draft("density", prompt, grams / ml * 1000, "kg/m^3",
                          [f"$\\rho = {grams:g}/{ml:g}\\ \\mathrm{{g/mL}}$.",
                           "$1\\ \\mathrm{g/mL} = 1000\\ \\mathrm{kg/m^3}$."],
                          "Divide mass by volume in g/mL, then convert: a millilitre is a "
                          "cubic centimetre, and a cubic metre holds a million of them.",
                          {"m_g": grams, "V_mL": ml})
    miles, gallons = round(rng.uniform(50, 600), 1), round(rng.uniform(2, 20), 2)
    prompt = (f"A car uses {given(gallons, 'gal')} of fuel to drive {given(miles, 'mi')}. What "
              f"is its fuel economy in km/L? ($1\\ \\mathrm{{mi}} = {_MILE_KM}\\ \\mathrm{{km}}$, "
              f"$1\\ \\mathrm{{gal}} = {_GALLON_L}\\ \\mathrm{{L}}$.)")
    return make_draft("fuel_economy", prompt, miles * _MILE_KM / (gallons * _GALLON_L), "km/L",
                      [f"Distance: ${sig(miles * _MILE_KM, 6)}\\ \\mathrm{{km}}$; fuel: "
                       f"${sig(gallons * _GALLON_L, 6)}\\ \\mathrm{{L}}$.",
                       "Divide the distance by the fuel."],
                      "Convert the distance to kilometres and the fuel to litres, then divide.",
                      {"d_mi": miles, "fuel_gal": gallons})


def _chain(rng: random.Random) -> Draft:
    """An acceleration from km/h, a pressure from kN on cm^2, or an energy in MJ."""
    kind = rng.choice(("acceleration", "pressure", "energy"))
    if kind == "acceleration":
        kmh, t = rng.randint(20, 300), round(rng.uniform(1.5, 20), 1)
        prompt = (f"A car goes from rest to {given(kmh, 'km/h')} in {given(t, 's')}. What is its "
                  "average acceleration in $\\mathrm{m/s^2}$?")
        return make_draft(kind, prompt, kmh / 3.6 / t, "m/s^2",
                          [f"${kmh}\\ \\mathrm{{km/h}} = {sig(kmh / 3.6, 5)}\\ \\mathrm{{m/s}}$.",
                           f"$a = {sig(kmh / 3.6, 5)}/{t:g}$."],
                          "Turn km/h into m/s (1000 m per 3600 s), then divide the change in "
                          "speed by the time.", {"v_kmh": kmh, "t": t})
    if kind == "pressure":
        kn, cm2 = round(rng.uniform(0.5, 80), 2), round(rng.uniform(2, 900), 1)
        prompt = (f"A force of {given(kn, 'kN')} presses on an area of {given(cm2, 'cm^2')}. "
                  "What pressure does it exert, in kPa?")
        return make_draft(kind, prompt, kn * 1000 / (cm2 * 1e-4) / 1000, "kPa",
                          [f"${cm2:g}\\ \\mathrm{{cm^2}} = {cm2 * 1e-4:g}\\ \\mathrm{{m^2}}$.",
                           f"$p = {kn * 1000:g}\\ \\mathrm{{N}} / {cm2 * 1e-4:g}\\ "
                           "\\mathrm{m^2}$ in pascals; divide by 1000."],
                          "Pressure is force over area in newtons and square metres; a square "
                          "centimetre is a ten-thousandth of a square metre.",
                          {"F_kN": kn, "A_cm2": cm2})
    watts, minutes = rng.randint(5, 3000), rng.randint(2, 600)
    prompt = f"A {given(watts, 'W')} appliance runs for {given(minutes, 'min')}. How much " \
             "energy does it use, in MJ?"
    return make_draft(kind, prompt, watts * minutes * 60 / 1e6, "MJ",
                      [f"$E = Pt = {watts} \\times {minutes * 60}\\ \\mathrm{{J}}$.",
                       "Divide by $10^6$ for megajoules."],
                      "Energy is power times time in seconds, in joules; a megajoule is a "
                      "million joules.", {"P_W": watts, "t_min": minutes})


_LEVELS: dict[int, Callable[[random.Random], Draft]] = {
    1: _sum, 2: _speed, 3: _squared, 4: _derived, 5: _chain,
}


def generate(rng: random.Random, difficulty: int) -> Draft:
    """Generate one unit-conversion problem at ``difficulty`` (1-5)."""
    return _LEVELS[difficulty](rng)


FAMILY = Family("unit_conversion", generate, "quantities from measurements in mixed units",
                domain="science")
