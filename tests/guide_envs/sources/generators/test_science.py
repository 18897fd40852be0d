"""The procedural science families, graded by the real science verifier: deterministic and varied,
reference solutions verify, perturbed answers and hints do not, gold answers match an independent
computation."""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from functools import cache
from typing import Any

import pytest

import verifiers
from guide_envs.hints.leak import LeakGuard
from guide_envs.problem import Problem
from guide_envs.sources.generators import DIFFICULTIES, DOMAIN_FAMILIES
from guide_envs.sources.procedural import ProceduralSource
from verifiers.units import parse_quantity, same_quantity, split_unit, unit_registry

SCIENCE = DOMAIN_FAMILIES["science"]
N = 200
VERIFIER = verifiers.get("science")
GUARD = LeakGuard()


@cache
def problems(family: str, difficulty: int) -> tuple[Problem, ...]:
    source = ProceduralSource(domain="science", families=family, difficulty=difficulty, seed=0)
    return tuple(source[i] for i in range(N))


def perturbed(answer: str) -> str:
    """The gold answer's value times 1.5, in the same unit."""
    number, unit = split_unit(answer)
    assert unit is not None, answer
    value = float(parse_quantity(number).magnitude)
    return f"{value * 1.5:.6g} {unit}"


def states(text: str, number: str) -> bool:
    """Whether ``number`` appears in ``text`` as a whole number (not inside a longer one)."""
    return re.search(rf"(?<![\d.]){re.escape(number)}(?![\d])", text) is not None


@pytest.mark.parametrize("difficulty", DIFFICULTIES)
@pytest.mark.parametrize("family", SCIENCE)
def test_family_is_deterministic_and_varied(family: str, difficulty: int) -> None:
    first = problems(family, difficulty)
    again = [ProceduralSource.generate(family, difficulty, 0, i) for i in range(N)]
    assert list(first) == again
    assert all(p.domain == "science" and p.metadata["family"] == family for p in first)
    assert len({p.prompt for p in first}) >= 0.85 * N


@pytest.mark.parametrize("difficulty", DIFFICULTIES)
@pytest.mark.parametrize("family", SCIENCE)
def test_family_solutions_verify_and_perturbations_fail(family: str, difficulty: int) -> None:
    for p in problems(family, difficulty):
        assert p.solution.endswith(f"\\boxed{{{p.answer}}}$."), p.id
        verdict = VERIFIER.verify(p.solution, p)
        assert verdict.correct, (p.id, p.answer, verdict.reason)
        wrong = VERIFIER.verify(f"\\boxed{{{perturbed(p.answer)}}}", p)
        assert not wrong.correct, (p.id, p.answer, wrong.reason)


@pytest.mark.parametrize("difficulty", DIFFICULTIES)
@pytest.mark.parametrize("family", SCIENCE)
def test_family_hints_do_not_give_the_answer(family: str, difficulty: int) -> None:
    graded: dict[str, int] = {}
    for p in problems(family, difficulty):
        assert p.hint and p.answer not in p.hint, p.id
        number, _ = split_unit(p.answer)
        assert not states(p.hint, number), (p.id, p.answer, p.hint)
        # Grading prose is slow (tens of ms), and hints repeat: check each hint text twice,
        # boxed whole, and span by span with the project's own leak guard.
        graded[p.hint] = graded.get(p.hint, 0) + 1
        if graded[p.hint] <= 2:
            assert not VERIFIER.verify(f"\\boxed{{{p.hint}}}", p).correct, (p.id, p.hint)
            assert not GUARD.leaks(p.hint, p), (p.id, p.hint)


GIVEN = re.compile(r"\$(-?\d+(?:\.\d+)?\\ \\mathrm\{[^$]*\})\$")


@pytest.mark.parametrize("family", SCIENCE)
def test_restating_a_given_quantity_is_not_the_answer(family: str) -> None:
    echoes = []
    for difficulty in DIFFICULTIES:
        for p in problems(family, difficulty)[:60]:
            for quantity in GIVEN.findall(p.prompt):
                if VERIFIER.verify(f"\\boxed{{{quantity}}}", p).correct:
                    echoes.append((p.id, quantity, p.answer))
    assert not echoes


# --- gold answers recomputed independently (pint for the units, textbook molar masses) -------

Q = unit_registry().Quantity
G = Q(9.8, "m/s^2")
R = Q(8.314, "J/(mol*K)")
LN2 = math.log(2)
#: Molar masses (g/mol) from a chemistry data book, not from the generator's element table.
MOLAR = {"H2O": 18.02, "CO2": 44.01, "NaCl": 58.44, "CaCO3": 100.09, "C6H12O6": 180.16,
         "NH3": 17.03, "H2SO4": 98.08, "NaOH": 40.00, "Ca(OH)2": 74.09, "Al2(SO4)3": 342.15,
         "MgCl2": 95.21, "Fe2O3": 159.69, "KNO3": 101.10, "C2H5OH": 46.07, "CuSO4": 159.61,
         "ZnCl2": 136.29, "NaHCO3": 84.01, "K2SO4": 174.26, "CH4": 16.04, "C3H8": 44.10,
         "Mg(OH)2": 58.32, "HNO3": 63.01, "Na2CO3": 105.99, "KCl": 74.55, "CaCl2": 110.98,
         "Cu(NO3)2": 187.56}


def kelvin(celsius: float) -> Any:
    return Q(celsius, "degC").to("K")


RECOMPUTE: dict[str, Callable[[dict[str, Any]], Any]] = {
    # circuits
    "heater_energy": lambda g: Q(g["P"], "W") * Q(g["t_min"], "min"),
    "series_current": lambda g: Q(g["V"], "V") / Q(sum(g["R"]), "ohm"),
    "resistor_power": lambda g: Q(g["I"], "A") ** 2 * Q(g["R"], "ohm"),
    # kinematics
    "distance": lambda g: Q(g["v"], "m/s") * Q(g["t"], "s"),
    "average_speed": lambda g: Q(g["d"], "m") / Q(g["t"], "s"),
    "final_speed": lambda g: Q(g["u"], "m/s") + Q(g["a"], "m/s^2") * Q(g["t"], "s"),
    "braking_distance": lambda g: Q(g["u_kmh"], "km/h") ** 2 / (2 * Q(g["b"], "m/s^2")),
    "range": lambda g: (Q(g["v_kmh"], "km/h") ** 2 * math.sin(math.radians(2 * g["angle_deg"]))
                        / G),
    "fall_time": lambda g: (2 * Q(g["h"], "m") / G) ** 0.5,
    # forces and energy
    "friction_stopping_distance": lambda g: Q(g["v_kmh"], "km/h") ** 2 / (2 * g["mu"] * G),
    "spring_launch": lambda g: (Q(g["k"], "N/m") * Q(g["x_cm"], "cm") ** 2 / 2
                                / (Q(g["m_g"], "g") * G)),
    "lifting_power": lambda g: Q(g["m"], "kg") * G * Q(g["h"], "m") / Q(g["t"], "s"),
    "motor_power": lambda g: (Q(g["m"], "kg") * G * Q(g["v_cm_s"], "cm/s")
                              / (g["efficiency_pct"] / 100)),
    # gas laws
    "moles": lambda g: Q(g["P_kPa"], "kPa") * Q(g["V_L"], "L") / (R * kelvin(g["T_C"])),
    "combined_mmhg": lambda g: (Q(g["P1_mmHg"], "mmHg") * Q(g["V1_L"], "L") * kelvin(g["T2_C"])
                                / (kelvin(g["T1_C"]) * Q(g["P2_kPa"], "kPa"))),
    "gas_molar_mass": lambda g: (Q(g["m_g"], "g") * R * kelvin(g["T_C"])
                                 / (Q(g["P_kPa"], "kPa") * Q(g["V_mL"], "mL"))),
    # stoichiometry
    "molar_mass": lambda g: Q(MOLAR[g["formula"]], "g/mol"),
    "mass_from_moles": lambda g: Q(g["n_mol"], "mol") * Q(MOLAR[g["formula"]], "g/mol"),
    "moles_from_mass": lambda g: Q(g["m_g"], "g") / Q(MOLAR[g["formula"]], "g/mol"),
    # unit conversion
    "sum": lambda g: Q(g["a"]) + Q(g["b"]),
    "speed_m_s": lambda g: Q(g["d_km"], "km") / Q(g["t_min"], "min"),
    "speed_km_h": lambda g: Q(g["d_mi"], "mi") / Q(g["t_h"], "h"),
    "fuel_economy": lambda g: Q(g["d_mi"], "mi") / Q(g["fuel_gal"], "gal"),
    "density": lambda g: Q(g["m_g"], "g") / Q(g["V_mL"], "mL"),
    "pressure": lambda g: Q(g["F_kN"], "kN") / Q(g["A_cm2"], "cm^2"),
    "energy": lambda g: Q(g["P_W"], "W") * Q(g["t_min"], "min"),
    "acceleration": lambda g: Q(g["v_kmh"], "km/h") / Q(g["t"], "s"),
    "box_volume": lambda g: math.prod(Q(side, "cm") for side in g["sides_cm"]),
    "area": lambda g: Q(g["length_m"], "m") * Q(g["width_cm"], "cm"),
    # half-life
    "decay_constant": lambda g: LN2 / Q(g["half_life"], g["unit"]),
    "activity_from_mass": lambda g: (Q(g["m_ug"], "ug") / Q(g["molar_mass"], "g/mol")
                                     * Q(6.022e23, "1/mol") * LN2
                                     / Q(*HALF_LIVES[g["isotope"]])),
    "whole_half_lives": lambda g: Q(g["m0_g"], "g") / 2 ** g["half_lives"],
}
HALF_LIVES = {"iodine-131": (8.02, "day"), "cobalt-60": (5.27, "year"),
              "technetium-99m": (6.01, "h"), "phosphorus-32": (14.3, "day"),
              "strontium-90": (28.8, "year"), "caesium-137": (30.2, "year"),
              "radium-226": (1600, "year"), "carbon-14": (5730, "year"),
              "radon-222": (3.82, "day"), "fluorine-18": (110, "min")}


@pytest.mark.parametrize("family", SCIENCE)
def test_gold_answers_match_an_independent_computation(family: str) -> None:
    checked = 0
    for difficulty in DIFFICULTIES:
        for p in problems(family, difficulty):
            recompute = RECOMPUTE.get(p.metadata["kind"])
            if recompute is None:
                continue
            expected = recompute(dict(p.metadata["givens"])).to(parse_quantity(p.answer).units)
            assert same_quantity(p.answer, expected, rel_tol=0.006), (p.id, p.answer, expected)
            checked += 1
    assert checked >= 100
