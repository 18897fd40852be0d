r"""Motion in a straight line and projectiles, answers in SI units: ``How far does it go?``.

Difficulty 1: constant speed (distance, or average speed). 2: uniform acceleration over a time
(final speed, or distance from rest). 3: ``v^2 = u^2 + 2as`` (final speed, or a braking distance
from a speed in km/h). 4: free fall (time to fall, impact speed of a thrown object) and a
horizontal launch from a height. 5: a launch at an angle with the speed in km/h (range or
maximum height), and accelerate-then-brake journeys.
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
_MOVERS = ("A cyclist", "A car", "A train", "A runner", "A drone", "A bus", "A boat", "A skater")


def _uniform(rng: random.Random) -> Draft:
    """Distance at constant speed, or the average speed over a distance."""
    v, t = round(rng.uniform(1.5, 40), 1), rng.randint(5, 600)
    who = rng.choice(_MOVERS)
    if rng.random() < 0.5:
        prompt = (f"{who} moves at a constant {given(v, 'm/s')} for {given(t, 's')}. "
                  "How far does it travel?")
        return make_draft("distance", prompt, v * t, "m", [f"$d = vt = {v:g} \\times {t:g}$."],
                          "At constant speed the distance is the speed times the time.",
                          {"v": v, "t": t})
    d = round(v * t * rng.uniform(0.8, 1.2))
    prompt = f"{who} covers {given(d, 'm')} in {given(t, 's')}. What is its average speed?"
    return make_draft("average_speed", prompt, d / t, "m/s", [f"$v = d/t = {d:g}/{t:g}$."],
                      "Average speed is the distance divided by the time taken.",
                      {"d": d, "t": t})


def _accelerate(rng: random.Random) -> Draft:
    """Final speed after accelerating for a time, or distance covered from rest."""
    a, t = round(rng.uniform(0.5, 6), 2), round(rng.uniform(2, 30), 1)
    who = rng.choice(_MOVERS)
    if rng.random() < 0.5:
        u = round(rng.uniform(0, 20), 1)
        prompt = (f"{who} moving at {given(u, 'm/s')} accelerates uniformly at "
                  f"{given(a, 'm/s^2')} for {given(t, 's')}. What is its final speed?")
        return make_draft("final_speed", prompt, u + a * t, "m/s",
                          [f"$v = u + at = {u:g} + {a:g} \\times {t:g}$."],
                          "The speed grows by the acceleration times the time.",
                          {"u": u, "a": a, "t": t})
    prompt = (f"{who} starts from rest and accelerates uniformly at {given(a, 'm/s^2')} for "
              f"{given(t, 's')}. How far does it travel in that time?")
    return make_draft("distance_from_rest", prompt, a * t * t / 2, "m",
                      [f"$s = \\tfrac12 a t^2 = \\tfrac12 \\times {a:g} \\times {t:g}^2$."],
                      "From rest, the distance is half the acceleration times the time squared.",
                      {"a": a, "t": t})


def _timeless(rng: random.Random) -> Draft:
    """``v^2 = u^2 + 2as``: a final speed, or a braking distance from a speed in km/h."""
    who = rng.choice(_MOVERS)
    if rng.random() < 0.5:
        u, a, s = round(rng.uniform(0, 15), 1), round(rng.uniform(0.5, 5), 2), rng.randint(10, 400)
        v = math.sqrt(u * u + 2 * a * s)
        prompt = (f"{who} moving at {given(u, 'm/s')} accelerates uniformly at "
                  f"{given(a, 'm/s^2')} over {given(s, 'm')}. What is its speed at the end?")
        return make_draft("final_speed_over_distance", prompt, v, "m/s",
                          [f"$v^2 = u^2 + 2as = {u:g}^2 + 2 \\times {a:g} \\times {s:g} = "
                           f"{sig(v * v, 5)}$.", f"$v = {sig(v, 5)}\\ \\mathrm{{m/s}}$."],
                          "No time is given: use the equation linking the speeds, the "
                          "acceleration and the distance.", {"u": u, "a": a, "s": s})
    kmh, b = rng.randint(20, 130), round(rng.uniform(2, 9), 1)
    u = kmh / 3.6
    prompt = (f"{who} travelling at {given(kmh, 'km/h')} brakes with a constant deceleration of "
              f"{given(b, 'm/s^2')}. How far does it travel before it stops?")
    return make_draft("braking_distance", prompt, u * u / (2 * b), "m",
                      [f"${kmh:g}\\ \\mathrm{{km/h}} = {sig(u, 5)}\\ \\mathrm{{m/s}}$.",
                       f"$s = u^2 / (2b) = {sig(u, 5)}^2 / (2 \\times {b:g})$."],
                      "Convert the speed to m/s first (divide km/h by 3.6), then set the final "
                      "speed to zero in the equation without time.", {"u_kmh": kmh, "b": b})


def _free_fall(rng: random.Random) -> Draft:
    """Time to fall from rest, impact speed when thrown down, or a horizontal launch's range."""
    h = round(rng.uniform(2, 150), 1)
    kind = rng.choice(("fall_time", "impact_speed", "horizontal_range"))
    if kind == "fall_time":
        prompt = f"A stone is dropped from rest from a height of {given(h, 'm')}. How long does " \
                 f"it take to reach the ground? {_GRAVITY}"
        return make_draft(kind, prompt, math.sqrt(2 * h / G), "s",
                          [f"$h = \\tfrac12 g t^2$, so $t = \\sqrt{{2h/g}} = "
                           f"\\sqrt{{2 \\times {h:g}/9.8}}$."],
                          "Starting from rest, the height fallen is half of g times the time "
                          "squared; solve for the time.", {"h": h})
    u = round(rng.uniform(1, 20), 1)
    if kind == "impact_speed":
        prompt = (f"A ball is thrown straight down at {given(u, 'm/s')} from a height of "
                  f"{given(h, 'm')}. How fast is it moving when it hits the ground? {_GRAVITY}")
        return make_draft(kind, prompt, math.sqrt(u * u + 2 * G * h), "m/s",
                          [f"$v = \\sqrt{{u^2 + 2gh}} = \\sqrt{{{u:g}^2 + 2 \\times 9.8 \\times "
                           f"{h:g}}}$."],
                          "Use the equation without time, with the acceleration g over the "
                          "height fallen.", {"u": u, "h": h})
    t = math.sqrt(2 * h / G)
    prompt = (f"A ball rolls off the flat top of a cliff {given(h, 'm')} high at "
              f"{given(u, 'm/s')}. How far from the foot of the cliff does it land? {_GRAVITY}")
    return make_draft(kind, prompt, u * t, "m",
                      [f"Falling time: $t = \\sqrt{{2h/g}} = {sig(t, 5)}\\ \\mathrm{{s:g}}$.",
                       f"Horizontal distance: $x = ut = {u:g} \\times {sig(t, 5)}$."],
                      "The horizontal and vertical motions are independent: the fall sets the "
                      "time, and the horizontal speed stays constant during it.",
                      {"u": u, "h": h})


def _projectile(rng: random.Random) -> Draft:
    """A launch at an angle from level ground with the speed in km/h: range or maximum height."""
    kmh, angle = rng.randint(20, 150), rng.randint(15, 75)
    v, rad = kmh / 3.6, math.radians(angle)
    base = (f"A ball is launched from level ground at {given(kmh, 'km/h')}, ${angle:g}^\\circ$ "
            "above the horizontal.")
    convert = f"${kmh:g}\\ \\mathrm{{km/h}} = {sig(v, 5)}\\ \\mathrm{{m/s}}$."
    if rng.random() < 0.5:
        prompt = f"{base} How far away does it land (ignore air resistance)? {_GRAVITY}"
        return make_draft("range", prompt, v * v * math.sin(2 * rad) / G, "m",
                          [convert, f"$R = v^2 \\sin(2\\theta)/g = {sig(v, 5)}^2 \\sin "
                                    f"{2 * angle}^\\circ / 9.8$."],
                          "Convert the speed to m/s, split it into components, and multiply the "
                          "time of flight by the horizontal component.",
                          {"v_kmh": kmh, "angle_deg": angle})
    prompt = f"{base} What maximum height does it reach (ignore air resistance)? {_GRAVITY}"
    return make_draft("max_height", prompt, (v * math.sin(rad)) ** 2 / (2 * G), "m",
                      [convert, f"$H = (v \\sin\\theta)^2/(2g) = ({sig(v, 5)} \\sin "
                                f"{angle:g}^\\circ)^2 / 19.6$."],
                      "Convert the speed to m/s; only the vertical component matters, and it "
                      "is zero at the top.", {"v_kmh": kmh, "angle_deg": angle})


def _two_phase(rng: random.Random) -> Draft:
    """Accelerate from rest for a time, then brake to a stop: the whole distance."""
    a, t1, b = round(rng.uniform(0.5, 4), 2), rng.randint(5, 40), round(rng.uniform(1, 8), 1)
    vmax = a * t1
    d1, d2 = a * t1 * t1 / 2, vmax * vmax / (2 * b)
    prompt = (f"{rng.choice(_MOVERS)} starts from rest, accelerates at {given(a, 'm/s^2')} for "
              f"{given(t1, 's')}, then brakes at {given(b, 'm/s^2')} until it stops. What "
              "total distance does it cover?")
    return make_draft("accelerate_then_brake", prompt, d1 + d2, "m",
                      [f"Top speed: ${a:g} \\times {t1:g} = {sig(vmax, 5)}\\ \\mathrm{{m/s}}$.",
                       f"Speeding up: $\\tfrac12 a t^2 = {sig(d1, 5)}\\ \\mathrm{{m}}$.",
                       f"Braking: $v^2/(2b) = {sig(d2, 5)}\\ \\mathrm{{m}}$; add the two."],
                      "Split the journey in two: find the top speed, then the distance of each "
                      "phase, and add them.", {"a": a, "t1": t1, "b": b})


_LEVELS: dict[int, tuple[Callable[[random.Random], Draft], ...]] = {
    1: (_uniform,),
    2: (_accelerate,),
    3: (_timeless,),
    4: (_free_fall,),
    5: (_projectile, _two_phase),
}


def generate(rng: random.Random, difficulty: int) -> Draft:
    """Generate one kinematics problem at ``difficulty`` (1-5)."""
    return rng.choice(_LEVELS[difficulty])(rng)


FAMILY = Family("kinematics", generate, "constant speed and acceleration, free fall, projectiles",
                domain="science")
