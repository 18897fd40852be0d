r"""Direct-current resistor circuits: ``What current flows through the battery?``.

Difficulty 1: Ohm's law for one resistor (voltage, current or resistance). 2: resistors in series
(the current), and power in one resistor. 3: resistors in parallel (equivalent resistance, or the
battery current), the energy used over a time. 4: a resistor in series with a parallel pair,
values in kilohms and milliamps (battery current, or the voltage across one part). 5: the same
series-parallel circuit asked about one branch (its current, or the power it dissipates), and
the energy an appliance uses in megajoules (its price per kWh given but not needed).
"""

from __future__ import annotations

import random
from collections.abc import Callable

from guide_envs.sources.generators.base import Draft, Family
from guide_envs.sources.generators.science import given, make_draft, sig

__all__ = ["FAMILY"]

_OHM = "\\Omega"
_KOHM = "k\\Omega"


def _ohm(rng: random.Random) -> Draft:
    """Ohm's law: find the voltage, the current or the resistance."""
    r, i = rng.randint(2, 500), round(rng.uniform(0.05, 5), 2)
    v = round(r * i * rng.uniform(0.9, 1.1), 1)
    kind = rng.choice(("voltage", "current", "resistance"))
    if kind == "voltage":
        prompt = f"A current of {given(i, 'A')} flows through a {given(r, _OHM)} resistor. " \
                 "What is the voltage across it?"
        return make_draft(kind, prompt, i * r, "V", [f"$V = IR = {i:g} \\times {r}$."],
                          "Ohm's law: voltage equals current times resistance.", {"I": i, "R": r})
    if kind == "current":
        prompt = f"A {given(v, 'V')} supply is connected across a {given(r, _OHM)} resistor. " \
                 "What current flows?"
        return make_draft(kind, prompt, v / r, "A", [f"$I = V/R = {v:g}/{r}$."],
                          "Ohm's law, rearranged for the current: divide the voltage by the "
                          "resistance.", {"V": v, "R": r})
    prompt = f"A {given(v, 'V')} supply drives {given(i, 'A')} through a resistor. What is " \
             "its resistance?"
    return make_draft(kind, prompt, v / i, _OHM, [f"$R = V/I = {v:g}/{i:g}$."],
                      "Ohm's law, rearranged for the resistance.", {"V": v, "I": i})


def _series(rng: random.Random) -> Draft:
    """The current through resistors in series, or the power in one resistor."""
    v = round(rng.uniform(1.5, 48), 1)
    rs = [rng.randint(2, 200) for _ in range(rng.randint(2, 3))]
    total = sum(rs)
    listed = ", ".join(given(r, _OHM) for r in rs)
    if rng.random() < 0.5:
        prompt = f"Resistors of {listed} are connected in series to a {given(v, 'V')} battery. " \
                 "What current flows?"
        return make_draft("series_current", prompt, v / total, "A",
                          [f"$R = {' + '.join(map(str, rs))} = {total}\\ \\Omega$.",
                           f"$I = V/R = {v:g}/{total}$."],
                          "Series resistances add; then apply Ohm's law to the whole circuit.",
                          {"V": v, "R": rs})
    i = round(rng.uniform(0.1, 3), 2)
    r = rs[0]
    prompt = f"A current of {given(i, 'A')} flows through a {given(r, _OHM)} resistor. At what " \
             "rate does it dissipate energy?"
    return make_draft("resistor_power", prompt, i * i * r, "W",
                      [f"$P = I^2 R = {i:g}^2 \\times {r}$."],
                      "Power is current times voltage; with Ohm's law that is the current "
                      "squared times the resistance.", {"I": i, "R": r})


def _parallel_sum(rs: list[float]) -> float:
    return 1 / sum(1 / r for r in rs)


def _parallel(rng: random.Random) -> Draft:
    """Resistors in parallel (equivalent resistance or battery current), or energy over time."""
    rs = [rng.randint(4, 300) for _ in range(rng.randint(2, 3))]
    listed = ", ".join(given(r, _OHM) for r in rs)
    eq = _parallel_sum(rs)
    inverse = " + ".join(f"\\tfrac{{1}}{{{r}}}" for r in rs)
    kind = rng.choice(("parallel_resistance", "parallel_current", "heater_energy"))
    if kind == "parallel_resistance":
        prompt = f"Resistors of {listed} are connected in parallel. What is their equivalent " \
                 "resistance?"
        return make_draft(kind, prompt, eq, _OHM, [f"$1/R = {inverse}$, so $R = {sig(eq, 5)}$."],
                          "In parallel the reciprocals of the resistances add.", {"R": rs})
    v = round(rng.uniform(1.5, 24), 1)
    if kind == "parallel_current":
        prompt = f"Resistors of {listed} are connected in parallel across a {given(v, 'V')} " \
                 "battery. What current does the battery supply?"
        return make_draft(kind, prompt, v / eq, "A",
                          [f"$1/R = {inverse}$, so $R = {sig(eq, 5)}\\ \\Omega$.",
                           f"$I = V/R = {v:g}/{sig(eq, 5)}$."],
                          "Find the equivalent resistance (reciprocals add in parallel), or add "
                          "the current in each branch.", {"V": v, "R": rs})
    p, minutes = rng.randint(5, 2500), rng.randint(2, 180)
    prompt = f"A {given(p, 'W')} heater runs for {given(minutes, 'min')}. How much energy " \
             "does it use, in kilojoules?"
    return make_draft(kind, prompt, p * minutes * 60 / 1000, "kJ",
                      [f"$E = Pt = {p} \\times {minutes * 60}\\ \\mathrm{{s}} = "
                       f"{p * minutes * 60}\\ \\mathrm{{J}}$."],
                      "Energy is power times time; convert the time to seconds first.",
                      {"P": p, "t_min": minutes})


def _mixed_circuit(rng: random.Random) -> tuple[float, float, float, float]:
    """A resistor (kilohms) in series with a parallel pair, and the supply voltage."""
    r1, r2, r3 = (round(rng.uniform(0.1, 50), 1) for _ in range(3))
    return r1, r2, r3, round(rng.uniform(3, 60), 1)


def _describe(r1: float, r2: float, r3: float, v: float) -> str:
    return (f"A {given(r1, _KOHM)} resistor $R_1$ is connected in series with a parallel pair "
            f"of resistors, $R_2 = {r2:g}\\ \\mathrm{{k\\Omega}}$ and "
            f"$R_3 = {r3:g}\\ \\mathrm{{k\\Omega}}$, across a {given(v, 'V')} supply.")


def _series_parallel(rng: random.Random) -> Draft:
    """The battery current (mA) or the voltage across ``R_1`` in a series-parallel circuit."""
    r1, r2, r3, v = _mixed_circuit(rng)
    pair = _parallel_sum([r2, r3])
    total = r1 + pair
    i_ma = v / total  # V / kΩ = mA
    steps = [f"Parallel pair: $R_2 R_3/(R_2 + R_3) = {sig(pair, 5)}\\ \\mathrm{{k\\Omega}}$.",
             f"Total: ${r1:g} + {sig(pair, 5)} = {sig(total, 5)}\\ \\mathrm{{k\\Omega}}$.",
             f"$I = V/R = {v:g}/{sig(total, 5)}\\ \\mathrm{{k\\Omega}} = {sig(i_ma, 5)}\\ "
             "\\mathrm{mA}$."]
    hint = ("Reduce the parallel pair to one resistance, add the series resistor, and apply "
            "Ohm's law to the whole circuit (volts over kilohms give milliamps).")
    givens = {"R1_kohm": r1, "R2_kohm": r2, "R3_kohm": r3, "V": v}
    if rng.random() < 0.5:
        return make_draft("battery_current", f"{_describe(r1, r2, r3, v)} What current, in mA, "
                          "does the supply deliver?", i_ma, "mA", steps, hint, givens)
    steps.append(f"$V_1 = I R_1 = {sig(i_ma, 5)}\\ \\mathrm{{mA}} \\times {r1:g}\\ "
                 "\\mathrm{k\\Omega}$.")
    return make_draft("voltage_r1", f"{_describe(r1, r2, r3, v)} What is the voltage across "
                      "$R_1$?", i_ma * r1, "V", steps, hint + " Then find the voltage across "
                      "the series resistor.", givens)


def _branch(rng: random.Random) -> Draft:
    """A branch of a series-parallel circuit (current or power), or an appliance's energy use."""
    if rng.random() < 0.25:
        watts, hours, price = rng.randint(40, 3000), rng.randint(2, 300), rng.randint(8, 45)
        kwh = watts * hours / 1000
        prompt = (f"An appliance rated {given(watts, 'W')} runs for {given(hours, 'h')}. At "
                  f"{price} cents per kWh, how much energy does it use, in megajoules?")
        return make_draft("energy_mj", prompt, kwh * 3.6, "MJ",
                          [f"$E = Pt = {watts / 1000:g}\\ \\mathrm{{kW}} \\times {hours}\\ "
                           f"\\mathrm{{h}} = {sig(kwh, 5)}\\ \\mathrm{{kWh}}$.",
                           "$1\\ \\mathrm{kWh} = 3.6\\ \\mathrm{MJ}$."],
                          "Energy is power times time; a kilowatt-hour is a kilowatt for an "
                          "hour, and the price is not needed.",
                          {"P": watts, "t_h": hours, "price_cents": price})
    r1, r2, r3, v = _mixed_circuit(rng)
    pair = _parallel_sum([r2, r3])
    i_ma = v / (r1 + pair)
    v_pair = i_ma * pair
    i2 = v_pair / r2
    steps = [f"Parallel pair: ${sig(pair, 5)}\\ \\mathrm{{k\\Omega}}$; total current "
             f"${sig(i_ma, 5)}\\ \\mathrm{{mA}}$.",
             f"Voltage across the pair: ${sig(i_ma, 5)} \\times {sig(pair, 5)} = "
             f"{sig(v_pair, 5)}\\ \\mathrm{{V}}$.",
             f"Current in $R_2$: ${sig(v_pair, 5)}/{r2:g} = {sig(i2, 5)}\\ \\mathrm{{mA}}$."]
    hint = ("Find the total current first, then the voltage across the parallel pair; both "
            "branch resistors share that voltage.")
    givens = {"R1_kohm": r1, "R2_kohm": r2, "R3_kohm": r3, "V": v}
    if rng.random() < 0.5:
        return make_draft("branch_current", f"{_describe(r1, r2, r3, v)} What current, in mA, "
                          "flows through $R_2$?", i2, "mA", steps, hint, givens)
    steps.append(f"Power: $V I = {sig(v_pair, 5)}\\ \\mathrm{{V}} \\times {sig(i2, 5)}\\ "
                 "\\mathrm{mA}$.")
    return make_draft("branch_power", f"{_describe(r1, r2, r3, v)} What power, in mW, does "
                      "$R_2$ dissipate?", v_pair * i2, "mW", steps, hint, givens)


_LEVELS: dict[int, Callable[[random.Random], Draft]] = {
    1: _ohm, 2: _series, 3: _parallel, 4: _series_parallel, 5: _branch,
}


def generate(rng: random.Random, difficulty: int) -> Draft:
    """Generate one circuit problem at ``difficulty`` (1-5)."""
    return _LEVELS[difficulty](rng)


FAMILY = Family("circuits", generate, "Ohm's law, series and parallel resistors, electrical power",
                domain="science")
