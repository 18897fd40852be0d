r"""Percentages and percentage word problems with exact answers: ``What is $35\%$ of $240$?``.

Difficulty 1: a round percent of a number, integer answer. 2: any percent of a number, what
percent one number is of another, percent increase or decrease. 3: word problems: a discount
followed by sales tax, simple interest, percent change. 4: two successive changes, and reverse
percentages (the original before a change). 5: three successive changes, compound interest,
reversing two changes, and the increase that undoes a decrease.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from decimal import Decimal
from fractions import Fraction

from guide_envs.sources.generators.base import Draft, Family
from guide_envs.sources.generators.latex import frac

__all__ = ["FAMILY"]

_ITEMS = ("jacket", "bicycle", "laptop", "pair of shoes", "lamp", "backpack", "camera",
          "watch", "tent", "guitar", "sofa", "printer", "blender", "scooter", "desk chair")
_GROUPS = (  # (whole, part, what the part does)
    ("a school has {n} students", "students", "walk to school"),
    ("a library has {n} books", "books", "are novels"),
    ("a farm has {n} animals", "animals", "are sheep"),
    ("a survey asked {n} people", "people", "prefer tea"),
    ("a factory made {n} parts", "parts", "were defective"),
    ("an orchard has {n} trees", "trees", "are apple trees"),
    ("a stadium holds {n} fans", "fans", "support the home team"),
    ("a box holds {n} marbles", "marbles", "are red"),
)
_NAMES = ("Ana", "Ben", "Chloe", "Diego", "Emma", "Farid", "Grace", "Hiro", "Isla", "Jamal",
          "Kenji", "Lena", "Maya", "Noah", "Omar", "Priya", "Quinn", "Rosa", "Sam", "Tara")

_Problem = tuple[str, Fraction, list[str], str]  # prompt, answer, steps, hint


def _exact(value: Fraction) -> str:
    """Write ``value`` as an exact decimal when it terminates, else as a fraction."""
    den = value.denominator
    while den % 2 == 0:
        den //= 2
    while den % 5 == 0:
        den //= 5
    if den != 1:
        return frac(value)
    return format((Decimal(value.numerator) / Decimal(value.denominator)).normalize(), "f")


def _pct(p: Fraction | int) -> str:
    """Write ``p`` percent in LaTeX."""
    return f"{_exact(Fraction(p))}\\%"


def _capital(text: str) -> str:
    return text[0].upper() + text[1:]


def _percent_of(rng: random.Random, difficulty: int) -> _Problem:
    """Take ``p%`` of ``n``: a round percent at level 1, any at level 2."""
    if difficulty == 1:
        p, n = rng.choice(((5 * rng.randint(1, 19), 20 * rng.randint(1, 500)),
                           (rng.randint(1, 99), 100 * rng.randint(1, 100))))
    else:
        p, n = rng.randint(1, 199), rng.randint(11, 999)
    answer = Fraction(p * n, 100)
    whole, part, does = rng.choice(_GROUPS)
    prompt = rng.choice((
        f"What is ${_pct(p)}$ of ${n}$?",
        f"Find ${_pct(p)}$ of ${n}$.",
        f"{_capital(whole.format(n=f'${n}$'))}, and ${_pct(p)}$ of the {part} {does}. "
        f"How many {part} {does}?" if difficulty == 1 else f"Compute ${_pct(p)}$ of ${n}$.",
    ))
    steps = [f"${_pct(p)}$ of ${n}$ is $\\frac{{{p}}}{{100}} \\times {n} = "
             f"\\frac{{{p * n}}}{{100}} = {_exact(answer)}$."]
    return prompt, answer, steps, (f"A percent is a number of hundredths: multiply ${n}$ by "
                                   f"${p}$, then divide by a hundred.")


def _multiple(rng: random.Random, p: Fraction, limit: int) -> int:
    """Draw a number up to about ``limit`` whose ``p`` percent is a whole number."""
    step = (p / 100).denominator
    return step * rng.randint(1, max(2, limit // step))


def _what_percent(rng: random.Random) -> _Problem:
    """Find what percent ``b`` is of ``a``."""
    p = Fraction(rng.randint(1, 300), 2)
    a = _multiple(rng, p, 10000)
    b = a * p / 100
    prompt = rng.choice((f"What percent of ${a}$ is ${b}$?", f"${b}$ is what percent of ${a}$?"))
    steps = [f"The fraction is $\\frac{{{b}}}{{{a}}}$; as a percent, "
             f"$\\frac{{{b}}}{{{a}}} \\times 100 = {_exact(p)}$."]
    hint = f"Divide ${b}$ by ${a}$, then multiply by a hundred to turn the fraction into a percent."
    return f"{prompt} Give the number of percent.", p, steps, hint


def _percent_change(rng: random.Random) -> _Problem:
    """Find the percent increase or decrease from an old value to a new one."""
    p = Fraction(rng.randint(1, 99))
    old = _multiple(rng, p, 5000)
    up = rng.random() < 0.5
    change = old * p / 100
    new = old + change if up else old - change
    word = "increase" if up else "decrease"
    subject = rng.choice((f"The price of a {rng.choice(_ITEMS)}", "The rent for a flat",
                          "A town's population", "The number of visitors to a museum",
                          "A company's revenue", "The length of a queue"))
    prompt = f"{subject} changed from ${old}$ to ${new}$. What is the percent {word}?"
    steps = [f"The {word} is ${change}$.",
             f"As a percent of the original: $\\frac{{{change}}}{{{old}}} \\times 100 = "
             f"{_exact(p)}$."]
    return prompt, p, steps, (f"Find the amount of the {word}, then divide it by the original "
                              f"value ${old}$, not the new one.")


def _discount_tax(rng: random.Random) -> _Problem:
    """Discount a price, then add sales tax."""
    price = rng.randint(8, 400) * 5
    d, t = 5 * rng.randint(1, 14), rng.choice((4, 5, 6, 7, 8, 9, 10, 12, 15))
    sale = Fraction(price * (100 - d), 100)
    final = sale * Fraction(100 + t, 100)
    item = rng.choice(_ITEMS)
    prompt = (f"A {item} is priced at ${price}$ dollars. It is on sale for ${_pct(d)}$ off, and "
              f"then a sales tax of ${_pct(t)}$ is added to the sale price. What is the final "
              f"price, in dollars?")
    steps = [f"The sale price is ${price} \\times \\frac{{{100 - d}}}{{100}} = {_exact(sale)}$.",
             f"With tax: ${_exact(sale)} \\times \\frac{{{100 + t}}}{{100}} = {_exact(final)}$."]
    return prompt, final, steps, (f"Apply the changes one after the other: first take ${_pct(d)}$ "
                                  f"off ${price}$, then add ${_pct(t)}$ of that sale price.")


def _simple_interest(rng: random.Random) -> _Problem:
    """Find the simple interest on a principal."""
    principal, rate, years = 50 * rng.randint(4, 400), rng.randint(1, 12), rng.randint(2, 10)
    interest = Fraction(principal * rate * years, 100)
    name = rng.choice(_NAMES)
    prompt = (f"{name} deposits ${principal}$ dollars in an account paying simple interest of "
              f"${_pct(rate)}$ per year. How much interest, in dollars, does the account earn "
              f"in ${years}$ years?")
    steps = [f"One year's interest is ${principal} \\times \\frac{{{rate}}}{{100}} = "
             f"{_exact(Fraction(principal * rate, 100))}$.",
             f"Over ${years}$ years: ${_exact(interest)}$."]
    return prompt, interest, steps, (f"Simple interest is the same every year: find ${_pct(rate)}$ "
                                     f"of ${principal}$ and multiply by the number of years.")


def _changes(rng: random.Random, count: int) -> list[int]:
    """Draw ``count`` percent changes (positive: increase, negative: decrease)."""
    return [rng.choice((-1, 1)) * 5 * rng.randint(1, 12) for _ in range(count)]


def _describe(changes: list[int]) -> str:
    """Put the changes in words, in order."""
    words = [f"{'increases' if c > 0 else 'decreases'} by ${_pct(abs(c))}$" for c in changes]
    return ", then ".join(words)


def _apply_changes(start: Fraction, changes: list[int]) -> tuple[Fraction, list[str]]:
    """Apply the changes in turn; return the final value and one step per change."""
    value, steps = start, []
    for c in changes:
        after = value * Fraction(100 + c, 100)
        steps.append(f"${_exact(value)} \\times \\frac{{{100 + c}}}{{100}} = {_exact(after)}$.")
        value = after
    return value, steps


def _successive(rng: random.Random, count: int) -> _Problem:
    """Find a value after ``count`` successive percent changes."""
    start = 20 * rng.randint(5, 500)
    changes = _changes(rng, count)
    final, steps = _apply_changes(Fraction(start), changes)
    subject = rng.choice((f"The price of a {rng.choice(_ITEMS)}", "A town's population",
                          "A stock's value", "The monthly rent of a shop"))
    prompt = (f"{subject} is ${start}$. It {_describe(changes)}. What is its final value?")
    return prompt, final, steps, ("Each change applies to the value left by the previous one, "
                                  "so multiply by one factor per change instead of adding the "
                                  "percents.")


def _reverse(rng: random.Random, count: int) -> _Problem:
    """Find the original price, given the price after ``count`` percent changes."""
    changes = _changes(rng, count)
    factor, _ = _apply_changes(Fraction(1), changes)
    original = Fraction(rng.randint(5, 600) * 4)
    final = original * factor
    item = rng.choice(_ITEMS)
    prompt = (f"The price of a {item} {_describe(changes)}, and it now costs ${_exact(final)}$ "
              f"dollars. What was the original price, in dollars?")
    factors = " \\times ".join(f"\\frac{{{100 + c}}}{{100}}" for c in changes)
    steps = [f"The changes multiply the original price by ${factors} = {frac(factor)}$.",
             f"So the original price is ${_exact(final)} \\div {frac(factor)} = "
             f"{_exact(original)}$."]
    return prompt, original, steps, ("Write the current price as the original price times the "
                                     "change factors, then divide instead of subtracting the "
                                     "percents.")


def _compound(rng: random.Random) -> _Problem:
    """Compound interest once a year."""
    principal, rate, years = 100 * rng.randint(5, 200), rng.randint(1, 12), rng.randint(2, 3)
    final, steps = _apply_changes(Fraction(principal), [rate] * years)
    name = rng.choice(_NAMES)
    prompt = (f"{name} invests ${principal}$ dollars at ${_pct(rate)}$ interest compounded "
              f"annually. How much is the investment worth, in dollars, after ${years}$ years?")
    return prompt, final, steps, ("Compound interest earns interest on interest: multiply the "
                                  "balance by the same growth factor once for every year.")


def _undo(rng: random.Random) -> _Problem:
    """Find the percent increase that undoes a given decrease."""
    d, price = rng.randint(1, 90), rng.randint(4, 400) * 5
    item = rng.choice(_ITEMS)
    raise_by = Fraction(100 * d, 100 - d)
    prompt = (f"A {item} that cost ${price}$ dollars is marked down by ${_pct(d)}$. By what "
              f"percent must the reduced price be raised to bring it back to ${price}$ dollars?")
    steps = [f"The reduced price is ${frac(Fraction(100 - d, 100))}$ of the original.",
             f"To return to the original, multiply by $\\frac{{100}}{{{100 - d}}}$, an increase "
             f"of $\\frac{{{d}}}{{{100 - d}}} \\times 100 = {_exact(raise_by)}$ percent."]
    return prompt, raise_by, steps, ("The increase is a percent of the reduced price, which is "
                                     "smaller than the original, so it is more than the "
                                     f"${_pct(d)}$ decrease.")


#: The problem makers of each level, with the extra arguments each takes after ``rng``.
_LEVELS: dict[int, tuple[tuple[Callable[..., _Problem], tuple[int, ...]], ...]] = {
    1: ((_percent_of, (1,)),),
    2: ((_percent_of, (2,)), (_what_percent, ()), (_percent_change, ())),
    3: ((_discount_tax, ()), (_simple_interest, ()), (_percent_change, ())),
    4: ((_successive, (2,)), (_reverse, (1,))),
    5: ((_successive, (3,)), (_reverse, (2,)), (_compound, ()), (_undo, ())),
}


def generate(rng: random.Random, difficulty: int) -> Draft:
    """Generate one percentage problem at ``difficulty`` (1-5)."""
    maker, args = rng.choice(_LEVELS[difficulty])
    prompt, answer, steps, hint = maker(rng, *args)
    return Draft(prompt=prompt, answer=_exact(answer), steps=tuple(steps), hint=hint,
                 metadata={"kind": maker.__name__.lstrip("_")})


FAMILY = Family("percentages", generate, "percentages, percent change and percentage word problems")
