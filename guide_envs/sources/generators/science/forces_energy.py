r"""Newton's laws, work, energy and power, answers in SI units: ``What is the net force?``.

Difficulty 1: one formula (``F = ma``, weight, kinetic energy, work by a force). 2: potential
energy, power, and acceleration under two opposing forces. 3: friction on level ground, speed
after a frictionless drop, energy stored in a spring. 4: inputs in grams, centimetres or km/h:
sliding down a rough incline, stopping distance against friction. 5: several steps: speed at the
foot of a rough incline, a motor lifting a load with an efficiency, a spring launching a block
upward.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable

from guide_envs.sources.generators.base import Draft, Family
from guide_envs.sources.generators.science import given, make_draft, sig

__all__ = ["FAMILY"]

G = 9.8  # m/s^2, stated in every prompt that uses it
_GRAVITY = "Take $g = 9.8\\ \\mathrm{m/s^2}$."
_OBJECTS = ("crate", "sled", "cart", "box", "trolley", "block", "suitcase", "wagon")


def _one_formula(rng: random.Random) -> Draft:
    """Force from mass and acceleration, weight, kinetic energy, or work done."""
    m = round(rng.uniform(0.5, 120), 1)
    thing = rng.choice(_OBJECTS)
    kind = rng.choice(("force", "weight", "kinetic_energy", "work"))
    if kind == "force":
        a = round(rng.uniform(0.2, 9), 2)
        prompt = f"What net force gives a {given(m, 'kg')} {thing} an acceleration of " \
                 f"{given(a, 'm/s^2')}?"
        return make_draft(kind, prompt, m * a, "N", [f"$F = ma = {m:g} \\times {a:g}$."],
                          "Newton's second law: force equals mass times acceleration.",
                          {"m": m, "a": a})
    if kind == "weight":
        prompt = f"What is the weight of a {given(m, 'kg')} {thing} on Earth? {_GRAVITY}"
        return make_draft(kind, prompt, m * G, "N", [f"$W = mg = {m:g} \\times 9.8$."],
                          "Weight is the gravitational force: mass times g.", {"m": m})
    if kind == "kinetic_energy":
        v = round(rng.uniform(0.5, 30), 1)
        prompt = f"A {given(m, 'kg')} {thing} moves at {given(v, 'm/s')}. What is its kinetic " \
                 "energy?"
        return make_draft(kind, prompt, m * v * v / 2, "J",
                          [f"$E_k = \\tfrac12 m v^2 = \\tfrac12 \\times {m:g} \\times {v:g}^2$."],
                          "Kinetic energy is half the mass times the speed squared.",
                          {"m": m, "v": v})
    f, d = round(rng.uniform(5, 500), 1), round(rng.uniform(0.5, 50), 1)
    prompt = f"A force of {given(f, 'N')} pushes a {thing} {given(d, 'm')} along the direction " \
             "of the force. How much work does it do?"
    return make_draft(kind, prompt, f * d, "J", [f"$W = Fd = {f:g} \\times {d:g}$."],
                      "Work is force times the distance moved along the force.",
                      {"F": f, "d": d})


def _two_step(rng: random.Random) -> Draft:
    """Potential energy, average power, or the acceleration under two opposing forces."""
    m = round(rng.uniform(1, 90), 1)
    kind = rng.choice(("potential_energy", "lifting_power", "net_acceleration"))
    if kind == "potential_energy":
        h = round(rng.uniform(0.5, 60), 1)
        prompt = (f"How much gravitational potential energy does a {given(m, 'kg')} load gain "
                  f"when it is lifted {given(h, 'm')}? {_GRAVITY}")
        return make_draft(kind, prompt, m * G * h, "J",
                          [f"$E_p = mgh = {m:g} \\times 9.8 \\times {h:g}$."],
                          "The energy gained is the weight times the height.", {"m": m, "h": h})
    if kind == "lifting_power":
        h, t = round(rng.uniform(2, 40), 1), round(rng.uniform(2, 60), 1)
        prompt = (f"A crane lifts a {given(m, 'kg')} load {given(h, 'm')} at a steady speed in "
                  f"{given(t, 's')}. What is its average power output? {_GRAVITY}")
        return make_draft(kind, prompt, m * G * h / t, "W",
                          [f"Work: $mgh = {sig(m * G * h, 5)}\\ \\mathrm{{J}}$.",
                           f"Power: $W/t = {sig(m * G * h, 5)}/{t:g}$."],
                          "Power is work per unit time; the work is the potential energy gained.",
                          {"m": m, "h": h, "t": t})
    push, drag = round(rng.uniform(50, 400), 1), round(rng.uniform(5, 45), 1)
    prompt = (f"A {given(m, 'kg')} {rng.choice(_OBJECTS)} is pushed with {given(push, 'N')} "
              f"while a resistive force of {given(drag, 'N')} opposes its motion. What is its "
              "acceleration?")
    return make_draft(kind, prompt, (push - drag) / m, "m/s^2",
                      [f"Net force: ${push:g} - {drag:g} = {sig(push - drag, 5)}\\ \\mathrm{{N}}$.",
                       f"$a = F/m = {sig(push - drag, 5)}/{m:g}$."],
                      "Subtract the opposing force first, then divide the net force by the mass.",
                      {"m": m, "push": push, "drag": drag})


def _energy(rng: random.Random) -> Draft:
    """Friction on level ground, speed after a frictionless drop, or a spring's stored energy."""
    kind = rng.choice(("friction_acceleration", "drop_speed", "spring_energy"))
    if kind == "friction_acceleration":
        m, mu = round(rng.uniform(2, 60), 1), round(rng.uniform(0.1, 0.5), 2)
        push = round(m * G * mu * rng.uniform(1.3, 3), 1)
        a = (push - mu * m * G) / m
        prompt = (f"A {given(m, 'kg')} {rng.choice(_OBJECTS)} is pulled across level ground by "
                  f"a horizontal force of {given(push, 'N')}. The coefficient of kinetic friction "
                  f"is ${mu:g}$. What is its acceleration? {_GRAVITY}")
        return make_draft(kind, prompt, a, "m/s^2",
                          [f"Friction: $\\mu m g = {sig(mu * m * G, 5)}\\ \\mathrm{{N}}$.",
                           f"$a = (F - \\mu m g)/m = ({push:g} - {sig(mu * m * G, 5)})/{m:g}$."],
                          "Friction on level ground is the coefficient times the weight; subtract "
                          "it from the pull before dividing by the mass.",
                          {"m": m, "mu": mu, "F": push})
    if kind == "drop_speed":
        h = round(rng.uniform(0.5, 80), 1)
        prompt = (f"A sled slides from rest down a frictionless slope, dropping a height of "
                  f"{given(h, 'm')}. How fast is it moving at the bottom? {_GRAVITY}")
        return make_draft(kind, prompt, math.sqrt(2 * G * h), "m/s",
                          [f"$mgh = \\tfrac12 m v^2$, so $v = \\sqrt{{2gh}} = "
                           f"\\sqrt{{2 \\times 9.8 \\times {h:g}}}$."],
                          "Set the potential energy lost equal to the kinetic energy gained; the "
                          "mass cancels.", {"h": h})
    k, x = rng.randint(50, 3000), round(rng.uniform(0.02, 0.5), 3)
    prompt = (f"A spring of stiffness {given(k, 'N/m')} is compressed by {given(x, 'm')}. How "
              "much elastic potential energy does it store?")
    return make_draft(kind, prompt, k * x * x / 2, "J",
                      [f"$E = \\tfrac12 k x^2 = \\tfrac12 \\times {k} \\times {x:g}^2$."],
                      "Elastic energy is half the stiffness times the compression squared.",
                      {"k": k, "x": x})


def _incline(rng: random.Random) -> Draft:
    """Acceleration down a rough incline (mass in grams), or a stopping distance (km/h)."""
    mu = round(rng.uniform(0.05, 0.3), 2)
    if rng.random() < 0.5:
        grams, angle = rng.randint(200, 5000), rng.randint(25, 60)
        rad = math.radians(angle)
        a = G * (math.sin(rad) - mu * math.cos(rad))
        prompt = (f"A {given(grams, 'g')} block slides down a ramp inclined at ${angle}^\\circ$ "
                  f"to the horizontal. The coefficient of kinetic friction is ${mu:g}$. What is "
                  f"its acceleration? {_GRAVITY}")
        return make_draft("incline_acceleration", prompt, a, "m/s^2",
                          [f"Along the slope: $a = g(\\sin\\theta - \\mu\\cos\\theta) = 9.8"
                           f"(\\sin {angle}^\\circ - {mu:g}\\cos {angle}^\\circ)$ (the mass "
                           "cancels)."],
                          "Resolve the weight along and across the slope; friction is the "
                          "coefficient times the normal force, and the mass cancels.",
                          {"m_g": grams, "angle_deg": angle, "mu": mu})
    kmh = rng.randint(10, 90)
    v = kmh / 3.6
    prompt = (f"A hockey puck leaves a stick at {given(kmh, 'km/h')} and slides on level ice "
              f"with a coefficient of kinetic friction of ${mu:g}$. How far does it slide before "
              f"stopping? {_GRAVITY}")
    return make_draft("friction_stopping_distance", prompt, v * v / (2 * mu * G), "m",
                      [f"${kmh}\\ \\mathrm{{km/h}} = {sig(v, 5)}\\ \\mathrm{{m/s}}$.",
                       f"Friction removes the kinetic energy: $\\mu m g d = \\tfrac12 m v^2$, "
                       f"so $d = v^2/(2\\mu g) = {sig(v, 5)}^2/(2 \\times {mu:g} \\times 9.8)$."],
                      "Convert the speed to m/s, then equate the work done by friction to the "
                      "kinetic energy lost; the mass cancels.", {"v_kmh": kmh, "mu": mu})


def _multi_step(rng: random.Random) -> Draft:
    """Speed at the foot of a rough incline, a motor with an efficiency, or a spring launch."""
    kind = rng.choice(("incline_speed", "motor_power", "spring_launch"))
    if kind == "incline_speed":
        length, angle = round(rng.uniform(2, 30), 1), rng.randint(30, 60)
        mu, rad = round(rng.uniform(0.05, 0.3), 2), math.radians(angle)
        a = G * (math.sin(rad) - mu * math.cos(rad))
        prompt = (f"A skier starts from rest and slides {given(length, 'm')} down a slope "
                  f"inclined at ${angle}^\\circ$ with a coefficient of kinetic friction of "
                  f"${mu:g}$. How fast is the skier moving at the bottom? {_GRAVITY}")
        return make_draft(kind, prompt, math.sqrt(2 * a * length), "m/s",
                          [f"$a = g(\\sin\\theta - \\mu\\cos\\theta) = {sig(a, 5)}\\ "
                           "\\mathrm{m/s^2}$.",
                           f"$v = \\sqrt{{2 a L}} = \\sqrt{{2 \\times {sig(a, 5)} \\times "
                           f"{length:g}}}$."],
                          "Find the acceleration along the slope (gravity's component minus "
                          "friction), then use the equation without time.",
                          {"L": length, "angle_deg": angle, "mu": mu})
    if kind == "motor_power":
        m, speed = rng.randint(50, 2000), round(rng.uniform(5, 90), 1)
        eff = rng.randint(40, 95)
        useful = m * G * speed / 100
        prompt = (f"A motor lifts a {given(m, 'kg')} load at a steady {given(speed, 'cm/s')}. "
                  f"It is ${eff}\\%$ efficient. What electrical power does it draw? {_GRAVITY}")
        return make_draft(kind, prompt, useful / (eff / 100), "W",
                          [f"Useful power: $mgv = {m} \\times 9.8 \\times {speed / 100:g} = "
                           f"{sig(useful, 5)}\\ \\mathrm{{W}}$.",
                           f"Input power: ${sig(useful, 5)} / {eff / 100:g}$."],
                          "The useful power is the weight times the lifting speed in m/s; the "
                          "input is larger, by the efficiency.",
                          {"m": m, "v_cm_s": speed, "efficiency_pct": eff})
    k, cm, grams = rng.randint(100, 2000), rng.randint(2, 30), rng.randint(20, 900)
    energy = k * (cm / 100) ** 2 / 2
    prompt = (f"A spring of stiffness {given(k, 'N/m')} is compressed {given(cm, 'cm')} and "
              f"launches a {given(grams, 'g')} ball straight up. Ignoring air resistance and the "
              f"spring's own motion, how high above its launch point does the ball rise? "
              f"{_GRAVITY}")
    return make_draft(kind, prompt, energy / (grams / 1000 * G), "m",
                      [f"Stored energy: $\\tfrac12 k x^2 = {sig(energy, 5)}\\ \\mathrm{{J}}$.",
                       f"$h = E/(mg) = {sig(energy, 5)}/({grams / 1000:g} \\times 9.8)$."],
                      "Convert to metres and kilograms; all the spring energy becomes "
                      "gravitational potential energy at the top.",
                      {"k": k, "x_cm": cm, "m_g": grams})


_LEVELS: dict[int, Callable[[random.Random], Draft]] = {
    1: _one_formula, 2: _two_step, 3: _energy, 4: _incline, 5: _multi_step,
}


def generate(rng: random.Random, difficulty: int) -> Draft:
    """Generate one forces-and-energy problem at ``difficulty`` (1-5)."""
    return _LEVELS[difficulty](rng)


FAMILY = Family("forces_energy", generate, "Newton's laws, friction, work, energy and power",
                domain="science")
