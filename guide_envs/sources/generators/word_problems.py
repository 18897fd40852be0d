"""Classic word problems (rates, work, ages, mixtures, money, unit price) with exact answers.

Difficulty 1: one step (distance from speed and time, a total cost, equal sharing).
2: two steps (travel time, unit price, change from a purchase, two ages from their sum and
difference). 3: ages in the future, two people working together, two vehicles meeting.
4: mixing two solutions, catching up, two ticket prices. 5: round-trip average speed, a pipe
against a drain, a worker who leaves early, ages given by ratios now and later.
Answers are whole numbers or exact fractions.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from fractions import Fraction
from math import gcd

from guide_envs.sources.generators.base import Draft, Family
from guide_envs.sources.generators.latex import frac

__all__ = ["FAMILY"]

_NAMES = ("Ana", "Ben", "Chloe", "Diego", "Emma", "Farid", "Grace", "Hiro", "Isla", "Jamal",
          "Kenji", "Lena", "Maya", "Noah", "Omar", "Priya", "Quinn", "Rosa", "Sam", "Tara",
          "Uma", "Victor", "Wen", "Xavier", "Yara", "Zoe")
_GOODS = (("notebook", "notebooks"), ("apple", "apples"), ("pencil", "pencils"),
          ("ticket", "tickets"), ("book", "books"), ("candle", "candles"), ("mug", "mugs"),
          ("plant", "plants"), ("scarf", "scarves"), ("battery", "batteries"),
          ("sandwich", "sandwiches"), ("poster", "posters"), ("cupcake", "cupcakes"))
_TRIPS = ("drives", "cycles", "rides a train", "rides a bus", "sails", "rides a scooter")
_VEHICLES = ("cars", "trains", "buses", "cyclists", "boats", "lorries", "runners")
_UNITS = (("kilometres", "km/h"), ("miles", "mph"))
_JOBS = ("paint a fence", "mow a lawn", "clean a warehouse", "pack an order of boxes",
         "build a wall", "sort the mail", "tile a floor", "plant a garden")

#: prompt, answer, steps, hint
_Problem = tuple[str, Fraction, list[str], str]


def _names(rng: random.Random, count: int) -> list[str]:
    """Draw ``count`` different first names."""
    return rng.sample(_NAMES, count)


def _quotient(num: int, den: int) -> str:
    """Write ``num / den`` as a fraction, followed by its reduced form when that differs."""
    text, value = f"\\frac{{{num}}}{{{den}}}", frac(Fraction(num, den))
    return text if text == value else f"{text} = {value}"


def _distance(rng: random.Random) -> _Problem:
    """Distance from speed and time."""
    (name,), verb, (unit, rate) = _names(rng, 1), rng.choice(_TRIPS), rng.choice(_UNITS)
    v, t = rng.randint(3, 120), rng.randint(2, 12)
    prompt = (f"{name} {verb} at a steady ${v}$ {rate} for ${t}$ hours. How many {unit} does "
              f"{name} travel?")
    steps = [f"Distance is speed times time: ${v} \\times {t} = {v * t}$."]
    return prompt, Fraction(v * t), steps, "Distance equals speed multiplied by time."


def _total_cost(rng: random.Random) -> _Problem:
    """The cost of several items at one price."""
    (name,), (_, many) = _names(rng, 1), rng.choice(_GOODS)
    n, price = rng.randint(2, 40), rng.randint(2, 99)
    prompt = f"{name} buys ${n}$ {many} at ${price}$ dollars each. How many dollars is the total?"
    steps = [f"The total is ${n} \\times {price} = {n * price}$."]
    return prompt, Fraction(n * price), steps, "Multiply the number of items by the price of one."


def _sharing(rng: random.Random) -> _Problem:
    """Equal sharing."""
    (name,), (_, many) = _names(rng, 1), rng.choice(_GOODS)
    k, each = rng.randint(2, 25), rng.randint(2, 40)
    prompt = (f"{name} shares ${k * each}$ {many} equally among ${k}$ friends. How many {many} "
              f"does each friend get?")
    steps = [f"Each friend gets ${k * each} \\div {k} = {each}$."]
    return prompt, Fraction(each), steps, "Sharing equally means dividing the total by the count."


def _travel_time(rng: random.Random) -> _Problem:
    """Travel time from distance and speed (possibly a fraction of an hour)."""
    (name,), verb, (unit, rate) = _names(rng, 1), rng.choice(_TRIPS), rng.choice(_UNITS)
    v, d = rng.randint(4, 90), rng.randint(10, 600)
    time = Fraction(d, v)
    prompt = (f"{name} {verb} ${d}$ {unit} at a steady ${v}$ {rate}. How many hours does the "
              f"trip take?")
    steps = [f"Time is distance divided by speed: ${_quotient(d, v)}$."]
    return prompt, time, steps, "Time equals distance divided by speed."


def _unit_price(rng: random.Random) -> _Problem:
    """Scale a price from one quantity to another."""
    (name,), (_, many) = _names(rng, 1), rng.choice(_GOODS)
    m, n = rng.sample(range(2, 30), 2)
    unit = rng.randint(2, 60)
    prompt = (f"At a shop, ${m}$ {many} cost ${m * unit}$ dollars. At the same price each, how "
              f"many dollars would {name} pay for ${n}$ {many}?")
    steps = [f"One costs ${m * unit} \\div {m} = {unit}$.",
             f"So ${n}$ cost ${n} \\times {unit} = {n * unit}$."]
    return prompt, Fraction(n * unit), steps, f"First find the price of one by dividing by ${m}$."


def _change(rng: random.Random) -> _Problem:
    """Change from a banknote after a purchase."""
    (name,), (_, many) = _names(rng, 1), rng.choice(_GOODS)
    n, price = rng.randint(2, 12), rng.randint(2, 15)
    note = rng.choice([b for b in (20, 50, 100, 200) if b > n * price])
    prompt = (f"{name} buys ${n}$ {many} costing ${price}$ dollars each and pays with a ${note}$ "
              f"dollar note. How many dollars of change should {name} get?")
    steps = [f"The cost is ${n} \\times {price} = {n * price}$.",
             f"The change is ${note} - {n * price} = {note - n * price}$."]
    return (prompt, Fraction(note - n * price), steps,
            "Find the total cost first, then subtract it from the amount paid.")


def _sum_difference_ages(rng: random.Random) -> _Problem:
    """Two ages from their sum and their difference."""
    a, b = _names(rng, 2)
    young, gap = rng.randint(3, 60), rng.randint(1, 30)
    total = 2 * young + gap
    prompt = (f"{a} is ${gap}$ years older than {b}, and the sum of their ages is ${total}$. "
              f"How old is {a}?")
    steps = [f"If {b} is $y$, then $y + (y + {gap}) = {total}$, so $2y = {total - gap}$ and "
             f"$y = {young}$.",
             f"{a} is ${young} + {gap} = {young + gap}$."]
    return (prompt, Fraction(young + gap), steps,
            f"Call the younger age $y$; the older is $y + {gap}$. Write one equation for the sum.")


def _future_ages(rng: random.Random) -> _Problem:
    """Ages now and in a few years, given as multiples."""
    a, b = _names(rng, 2)
    while True:
        later, now, child = rng.randint(2, 4), rng.randint(3, 7), rng.randint(2, 20)
        years = Fraction((now - later) * child, later - 1)
        if now > later and years.denominator == 1 and 1 <= years <= 30:
            break
    prompt = (f"{a} is ${now}$ times as old as {b}. In ${years}$ years, {a} will be ${later}$ "
              f"times as old as {b}. How old is {b} now?")
    steps = [f"Let {b} be $c$ years old, so {a} is ${now}c$.",
             f"In ${years}$ years: ${now}c + {years} = {later}(c + {years})$.",
             f"So ${now - later}c = {(later - 1) * years}$ and $c = {child}$."]
    return (prompt, Fraction(child), steps,
            f"Let {b}'s age be $c$, write {a}'s age now and both ages in ${years}$ years, then "
            f"set up one equation.")


def _together(rng: random.Random) -> _Problem:
    """Two workers sharing a job."""
    a, b = _names(rng, 2)
    ta, tb = rng.sample(range(2, 25), 2)
    time = 1 / (Fraction(1, ta) + Fraction(1, tb))
    job = rng.choice(_JOBS)
    prompt = (f"{a} can {job} alone in ${ta}$ hours, and {b} can do it alone in ${tb}$ hours. "
              f"Working together, how many hours do they take?")
    steps = [f"Together they do $\\frac{{1}}{{{ta}}} + \\frac{{1}}{{{tb}}} = "
             f"{frac(1 / time)}$ of the job per hour.",
             f"So the job takes $1 \\div {frac(1 / time)} = {frac(time)}$ hours."]
    return (prompt, time, steps,
            "Add the rates: each worker does one over their own time of the job per hour.")


def _meeting(rng: random.Random) -> _Problem:
    """Two vehicles approaching each other."""
    (unit, rate), vehicles = rng.choice(_UNITS), rng.choice(_VEHICLES)
    v1, v2, d = rng.randint(10, 90), rng.randint(10, 90), rng.randint(50, 900)
    time = Fraction(d, v1 + v2)
    prompt = (f"Two {vehicles} start ${d}$ {unit} apart and travel toward each other, one at "
              f"${v1}$ {rate} and the other at ${v2}$ {rate}. After how many hours do they meet?")
    steps = [f"The gap closes at ${v1} + {v2} = {v1 + v2}$ {rate}.",
             f"They meet after ${_quotient(d, v1 + v2)}$ hours."]
    return prompt, time, steps, "The distance between them shrinks at the sum of the two speeds."


def _mixture(rng: random.Random) -> _Problem:
    """How much of a strong solution to add to a weak one to reach a target strength."""
    name = _names(rng, 1)[0]
    weak, target, strong = sorted(rng.sample(range(5, 95, 5), 3))
    volume = rng.randint(2, 60)
    amount = Fraction(volume * (target - weak), strong - target)
    substance = rng.choice(("acid", "salt", "sugar", "alcohol", "juice concentrate"))
    prompt = (f"{name} has ${volume}$ litres of a ${weak}\\%$ {substance} solution. How many "
              f"litres of a ${strong}\\%$ {substance} solution must be added to get a "
              f"${target}\\%$ solution?")
    steps = [f"With $x$ litres added: ${weak} \\cdot {volume} + {strong}x = "
             f"{target}({volume} + x)$.",
             f"So ${strong - target}x = {volume * (target - weak)}$ and $x = {frac(amount)}$."]
    return (prompt, amount, steps,
            f"Track the amount of pure {substance}: what is in each part must add up to what "
            f"is in the mixture.")


def _catch_up(rng: random.Random) -> _Problem:
    """A faster traveller catching up with one who left earlier."""
    a, b = _names(rng, 2)
    (unit, rate), verb = rng.choice(_UNITS), rng.choice(_TRIPS)
    slow, head = rng.randint(5, 60), rng.randint(1, 5)
    fast = slow + rng.randint(2, 40)
    time = Fraction(slow * head, fast - slow)
    prompt = (f"{a} {verb} along a route at ${slow}$ {rate}. ${head}$ hours later {b} sets off "
              f"from the same place along the same route at ${fast}$ {rate}. How many hours "
              f"after setting off does {b} catch up with {a}?")
    steps = [f"{a}'s head start is ${slow} \\times {head} = {slow * head}$ {unit}.",
             f"{b} gains ${fast} - {slow} = {fast - slow}$ {rate}, so it takes "
             f"${_quotient(slow * head, fast - slow)}$ hours."]
    return (prompt, time, steps,
            "Find the head start in distance, then divide it by the difference of the speeds.")


def _tickets(rng: random.Random) -> _Problem:
    """Two kinds of tickets from the count and the takings."""
    adult, child = sorted(rng.sample(range(3, 40), 2), reverse=True)
    adults, children = rng.randint(5, 300), rng.randint(5, 300)
    sold, takings = adults + children, adult * adults + child * children
    event = rng.choice(("a school play", "a concert", "a football match", "a museum",
                        "a magic show", "a zoo"))
    prompt = (f"Tickets for {event} cost ${adult}$ dollars for adults and ${child}$ dollars for "
              f"children. ${sold}$ tickets were sold for ${takings}$ dollars in total. How many "
              f"adult tickets were sold?")
    steps = [f"With $a$ adult tickets: ${adult}a + {child}({sold} - a) = {takings}$.",
             f"So ${adult - child}a = {takings - child * sold}$ and $a = {adults}$."]
    return (prompt, Fraction(adults), steps,
            f"Suppose all ${sold}$ tickets were children's tickets; each adult ticket adds the "
            f"price difference to the total.")


def _round_trip(rng: random.Random) -> _Problem:
    """Average speed over a round trip at two speeds."""
    (name,), (unit, rate), verb = _names(rng, 1), rng.choice(_UNITS), rng.choice(_TRIPS)
    there, back = rng.sample(range(6, 90), 2)
    d = rng.randint(10, 300)
    average = Fraction(2 * there * back, there + back)
    prompt = (f"{name} {verb} ${d}$ {unit} to a town at ${there}$ {rate} and returns along the "
              f"same road at ${back}$ {rate}. What is the average speed for the whole round "
              f"trip, in {rate}?")
    steps = [f"Time out: $\\frac{{{d}}}{{{there}}}$ hours; time back: $\\frac{{{d}}}{{{back}}}$ "
             f"hours; total ${frac(Fraction(d, there) + Fraction(d, back))}$ hours.",
             f"Average speed is total distance over total time: "
             f"$\\frac{{{2 * d}}}{{{frac(Fraction(d, there) + Fraction(d, back))}}} = "
             f"{frac(average)}$."]
    return (prompt, average, steps,
            "The average speed is the total distance divided by the total time, not the average "
            "of the two speeds.")


def _pipe_and_drain(rng: random.Random) -> _Problem:
    """A tank with a filling pipe and a draining pipe."""
    fill, drain = sorted(rng.sample(range(2, 61), 2))
    time = 1 / (Fraction(1, fill) - Fraction(1, drain))
    thing = rng.choice(("tank", "pool", "cistern", "reservoir", "water trough", "pond",
                         "fish tank", "rain barrel"))
    prompt = (f"A pipe can fill a {thing} in ${fill}$ hours, and a drain can empty the full "
              f"{thing} in ${drain}$ hours. If the {thing} starts empty and both are open, how "
              f"many hours does it take to fill?")
    steps = [f"Net rate: $\\frac{{1}}{{{fill}}} - \\frac{{1}}{{{drain}}} = "
             f"{frac(1 / time)}$ of the {thing} per hour.",
             f"So filling takes $1 \\div {frac(1 / time)} = {frac(time)}$ hours."]
    return (prompt, time, steps,
            f"Work with rates in {thing}s per hour: the drain's rate counts against the pipe's.")


def _leaves_early(rng: random.Random) -> _Problem:
    """Two workers start together and one leaves early."""
    a, b = _names(rng, 2)
    while True:
        ta, tb, together = rng.randint(3, 20), rng.randint(3, 20), rng.randint(1, 6)
        left = 1 - together * (Fraction(1, ta) + Fraction(1, tb))
        if left > 0:
            break
    job = rng.choice(_JOBS)
    prompt = (f"{a} can {job} alone in ${ta}$ hours and {b} can do it alone in ${tb}$ hours. "
              f"They work together for ${together}$ hours, then {a} leaves. How many more hours "
              f"does {b} need to finish the job?")
    steps = [f"Together they do $\\frac{{1}}{{{ta}}} + \\frac{{1}}{{{tb}}}$ of the job per hour, "
             f"so after ${together}$ hours ${frac(left)}$ of the job is left.",
             f"{b} alone needs ${frac(left)} \\times {tb} = {frac(left * tb)}$ hours."]
    return (prompt, left * tb, steps,
            f"Find the part of the job done in the first ${together}$ hours together; {b} does "
            f"the rest alone.")


def _ratio_ages(rng: random.Random) -> _Problem:
    """Ages from their ratio now and their ratio some years later."""
    a, b = _names(rng, 2)
    while True:
        p, q = sorted(rng.sample(range(1, 10), 2))
        k, years = rng.randint(2, 12), rng.randint(2, 20)
        later = Fraction(p * k + years, q * k + years)
        if gcd(p, q) == 1 and Fraction(p, q) != later and later.denominator <= 20:
            break
    prompt = (f"The ratio of {a}'s age to {b}'s age is ${p}:{q}$. In ${years}$ years the ratio "
              f"will be ${later.numerator}:{later.denominator}$. How old is {a} now?")
    steps = [f"Let the ages be ${p}k$ and ${q}k$.",
             f"Then $\\frac{{{p}k + {years}}}{{{q}k + {years}}} = "
             f"\\frac{{{later.numerator}}}{{{later.denominator}}}$, which gives $k = {k}$.",
             f"{a} is ${p} \\times {k} = {p * k}$."]
    return (prompt, Fraction(p * k), steps,
            f"Write the ages now as ${p}k$ and ${q}k$, add ${years}$ to each, and set their "
            f"ratio equal to the later ratio.")


_LEVELS: dict[int, tuple[Callable[[random.Random], _Problem], ...]] = {
    1: (_distance, _total_cost, _sharing),
    2: (_travel_time, _unit_price, _change, _sum_difference_ages),
    3: (_future_ages, _together, _meeting),
    4: (_mixture, _catch_up, _tickets),
    5: (_round_trip, _pipe_and_drain, _leaves_early, _ratio_ages),
}


def generate(rng: random.Random, difficulty: int) -> Draft:
    """Generate one word problem at ``difficulty`` (1-5)."""
    maker = rng.choice(_LEVELS[difficulty])
    prompt, answer, steps, hint = maker(rng)
    return Draft(prompt=prompt, answer=frac(answer), steps=tuple(steps), hint=hint,
                 metadata={"kind": maker.__name__.lstrip("_")})


FAMILY = Family("word_problems", generate, "rate, work, age, mixture and money word problems")
