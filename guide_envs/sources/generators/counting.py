r"""Counting with binomial coefficients and permutations: committees, arrangements, grid paths.

Difficulty 1: one committee ``\binom{n}{k}``, ordered roles ``P(n, k)``, a line of people ``n!``
or outfits by the product rule. 2: rearrangements of letters with repeats, lattice paths on a
grid, larger committees. 3: committees drawn from two groups, two people who must stand together,
paths through a given point. 4: "at least one" by the complement, longer words with repeats,
paths avoiding a point. 5: "at least two" by the complement, two people kept apart, a chair and
a committee, identical items shared out with at least one each (stars and bars).
"""

from __future__ import annotations

import math
import random
from collections import Counter
from collections.abc import Callable
from typing import NamedTuple

from guide_envs.sources.generators.base import Draft, Family

__all__ = ["FAMILY"]

_NAMES = ("Ana", "Ben", "Chloe", "Dev", "Elena", "Farid", "Grace", "Hugo", "Ines", "Jonas",
          "Kira", "Liam", "Maya", "Noah", "Olga", "Priya", "Quinn", "Rosa", "Sami", "Tariq",
          "Uma", "Victor", "Wen", "Ximena", "Yusuf", "Zoe", "Amir", "Bea", "Carlos", "Dana",
          "Emil", "Fatima", "Goran", "Hana", "Ivan", "Julia", "Kofi", "Lena", "Mateo", "Nadia")
_THINGS = ("books", "trophies", "plants", "photos", "vases", "model cars")
_WALKERS = ("robot", "toy car", "ant", "delivery drone")
_GROUPS = (("club", "members"), ("class", "students"), ("team", "players"),
           ("choir", "singers"), ("lab", "researchers"), ("office", "employees"))
_LETTERS = "ABCDEFGHKLMNPRST"


class _Item(NamedTuple):
    """Hold one problem before it becomes a draft."""

    prompt: str
    answer: int
    steps: list[str]
    hint: str
    kind: str


def _binom(n: int, k: int) -> str:
    """Write ``C(n, k)`` and its value in LaTeX."""
    return f"\\binom{{{n}}}{{{k}}} = {math.comb(n, k)}"


def _group(rng: random.Random) -> tuple[str, str, str]:
    """Pick an owner's name, a group and what its members are called."""
    return (rng.choice(_NAMES), *rng.choice(_GROUPS))


def _committee(rng: random.Random, level: int) -> _Item:
    n, k = rng.randint(6, 12 + 6 * level), rng.randint(2, 2 + level)
    name, group, members = _group(rng)
    prompt = rng.choice([
        f"{name}'s {group} has {n} {members}. In how many ways can a committee of {k} be chosen "
        "from them?",
        f"{name} must pick {k} of the {n} {members} in the {group} for a trip. How many "
        "different groups are possible?"])
    steps = ["The order of the committee does not matter, so count combinations.",
             f"${_binom(n, k)}$."]
    hint = f"Order does not matter: count the ways to choose {k} of the {n} {members}."
    return _Item(prompt, math.comb(n, k), steps, hint, "committee")


def _roles(rng: random.Random, level: int) -> _Item:
    n, k = rng.randint(5, 30), rng.randint(2, 4)
    name, group, members = _group(rng)
    roles = ("a president", "a vice-president", "a treasurer", "a secretary")[:k]
    listed = ", ".join(roles[:-1]) + f" and {roles[-1]}"
    prompt = (f"{name}'s {group} has {n} {members}. In how many ways can they pick {listed}, "
              f"if nobody holds two roles?")
    factors = " \\cdot ".join(str(n - i) for i in range(k))
    steps = ["The roles are different, so order matters: count permutations.",
             f"$P({n}, {k}) = {factors} = {math.perm(n, k)}$."]
    hint = ("Fill the roles one at a time: count the choices for the first role, then for the "
            "next from the people left, and multiply.")
    return _Item(prompt, math.perm(n, k), steps, hint, "roles")


def _line(rng: random.Random, level: int) -> _Item:
    n = rng.randint(4, 10)
    name, group, members = _group(rng)
    prompt = rng.choice([
        f"In how many different orders can the {n} {members} of {name}'s {group} stand in a "
        "line for a photo?",
        f"In how many ways can the {n} {members} of {name}'s {group} sit in a row of {n} chairs?",
        f"{name} has {n} different {rng.choice(_THINGS)}. In how many ways can they be arranged "
        "in a row on a shelf?"])
    steps = [f"Each order is a permutation of all {n} items.",
             f"${n}! = {math.factorial(n)}$."]
    hint = ("Count the choices for the first place in line, then for the second, and so on, "
            "and multiply them.")
    return _Item(prompt, math.factorial(n), steps, hint, "line")


def _outfits(rng: random.Random, level: int) -> _Item:
    shirts, trousers, hats = rng.randint(2, 15), rng.randint(2, 12), rng.randint(2, 9)
    name = rng.choice(_NAMES)
    prompt = (f"{name} owns {shirts} shirts, {trousers} pairs of trousers and {hats} hats. How "
              f"many outfits of one shirt, one pair of trousers and one hat are possible?")
    total = shirts * trousers * hats
    steps = ["Each choice is independent, so multiply (the product rule).",
             f"${shirts} \\cdot {trousers} \\cdot {hats} = {total}$."]
    hint = "Every shirt can be worn with every pair of trousers and every hat."
    return _Item(prompt, total, steps, hint, "outfits")


def _letters(rng: random.Random, level: int) -> _Item:
    distinct = rng.randint(3, 4) if level == 2 else rng.randint(4, 5)
    counts = [rng.randint(1, 3) for _ in range(distinct)]
    counts[0] = max(counts[0], 2)
    pool = [c for c, n in zip(rng.sample(_LETTERS, distinct), counts, strict=True)
            for _ in range(n)]
    rng.shuffle(pool)
    word = "".join(pool)
    repeats = {c: n for c, n in sorted(Counter(word).items()) if n > 1}
    total = math.factorial(len(word)) // math.prod(math.factorial(n) for n in repeats.values())
    prompt = (f"How many distinct strings can be made by rearranging all the letters of "
              f"{word}?")
    denominator = " \\, ".join(f"{n}!" for n in repeats.values())
    steps = [f"The word has {len(word)} letters; "
             + ", ".join(f"{c} appears {n} times" for c, n in repeats.items()) + ".",
             "Swapping equal letters gives the same string, so divide by their orders.",
             f"$\\frac{{{len(word)}!}}{{{denominator}}} = {total}$."]
    hint = ("Count the orders of all the letters as if they were different, then divide by the "
            "number of ways to reorder each group of repeated letters.")
    return _Item(prompt, total, steps, hint, "letters")


def _grid_ask(rng: random.Random, width: int, height: int) -> str:
    """Describe shortest lattice paths from the origin to ``(width, height)``."""
    return (f"{rng.choice(_NAMES)}'s {rng.choice(_WALKERS)} moves on a grid from $(0, 0)$ to "
            f"$({width}, {height})$ using unit steps right or up.")


def _grid(rng: random.Random, level: int) -> _Item:
    width, height = rng.randint(2, 14), rng.randint(2, 14)
    prompt = _grid_ask(rng, width, height) + " How many different paths can it take?"
    steps = [f"Each path is {width + height} steps, {width} of them right; choose which.",
             f"${_binom(width + height, width)}$."]
    hint = ("Every path has the same number of steps; a path is fixed by choosing which of "
            "them go right.")
    return _Item(prompt, math.comb(width + height, width), steps, hint, "grid")


def _grid_point(rng: random.Random, level: int) -> _Item:
    width, height = rng.randint(4, 12), rng.randint(4, 12)
    a, b = rng.randint(1, width - 1), rng.randint(1, height - 1)
    first, second = math.comb(a + b, a), math.comb(width - a + height - b, width - a)
    through = first * second
    total = math.comb(width + height, width)
    avoid = level >= 4
    ask = "do not pass through" if avoid else "pass through"
    prompt = _grid_ask(rng, width, height) + f" How many of its paths {ask} $({a}, {b})$?"
    steps = [f"Paths to $({a}, {b})$: ${_binom(a + b, a)}$.",
             f"Paths from $({a}, {b})$ to $({width}, {height})$: "
             f"${_binom(width - a + height - b, width - a)}$.",
             f"Paths through $({a}, {b})$: ${first} \\cdot {second} = {through}$."]
    if avoid:
        steps += [f"All paths: ${_binom(width + height, width)}$.",
                  f"Paths avoiding the point: ${total} - {through} = {total - through}$."]
    hint = (f"Split each path at $({a}, {b})$ and count both legs"
            + (", then subtract these paths from all paths." if avoid else "."))
    return _Item(prompt, total - through if avoid else through, steps, hint, "grid_point")


def _two_groups(rng: random.Random, level: int) -> _Item:
    men, women = rng.randint(4, 14), rng.randint(4, 14)
    a, b = rng.randint(1, 4), rng.randint(1, 4)
    name, group, _ = _group(rng)
    total = math.comb(men, a) * math.comb(women, b)
    prompt = (f"{name}'s {group} has {men} men and {women} women. In how many ways can a "
              f"committee of {a} men and {b} women be formed?")
    steps = [f"Choose the men: ${_binom(men, a)}$; choose the women: ${_binom(women, b)}$.",
             f"The choices are independent: ${math.comb(men, a)} \\cdot "
             f"{math.comb(women, b)} = {total}$."]
    hint = "Choose the men and the women separately, then use the product rule."
    return _Item(prompt, total, steps, hint, "two_groups")


def _at_least(rng: random.Random, level: int) -> _Item:
    men, women = rng.randint(4, 15), rng.randint(3, 12)
    k = rng.randint(3, min(6, men))
    name, group, _ = _group(rng)
    least = 1 if level == 4 else 2
    total = math.comb(men + women, k)
    bad = [math.comb(men, k - j) * math.comb(women, j) for j in range(least)]
    word = "one woman" if least == 1 else "two women"
    prompt = (f"{name}'s {group} has {men} men and {women} women. How many committees of {k} "
              f"include at least {word}?")
    steps = [f"All committees: ${_binom(men + women, k)}$.",
             f"Committees with no women: ${_binom(men, k)}$."]
    if least == 2:
        steps.append(f"Committees with exactly one woman: ${women} \\cdot "
                     f"\\binom{{{men}}}{{{k - 1}}} = {bad[1]}$.")
    steps.append(f"Subtract: ${total} - " + " - ".join(map(str, bad))
                 + f" = {total - sum(bad)}$.")
    fewer = "no women" if least == 1 else "fewer than two women"
    hint = f"Count the complement: all committees minus those with {fewer}."
    return _Item(prompt, total - sum(bad), steps, hint, "at_least")


def _adjacent(rng: random.Random, level: int) -> _Item:
    n = rng.randint(5, 10)
    first, second = rng.sample(_NAMES, 2)
    apart = level == 5
    together = 2 * math.factorial(n - 1)
    answer = math.factorial(n) - together if apart else together
    rule = (f"are {first} and {second} not next to each other" if apart
            else f"do {first} and {second} stand next to each other")
    prompt = (f"{n} friends, including {first} and {second}, line up for a photo. In how many "
              f"orders {rule}?")
    steps = [f"Glue {first} and {second} into one block: ${n - 1}$ units in ${n - 1}!$ orders.",
             f"The block has $2$ inner orders: $2 \\cdot {n - 1}! = {together}$."]
    if apart:
        steps.append(f"Subtract from all ${n}! = {math.factorial(n)}$ orders: "
                     f"${math.factorial(n)} - {together} = {answer}$.")
    hint = (f"Treat {first} and {second} as a single block and remember they can swap inside it"
            + ("; then subtract those orders from all orders." if apart else "."))
    return _Item(prompt, answer, steps, hint, "adjacent")


def _chair(rng: random.Random, level: int) -> _Item:
    n, k = rng.randint(8, 25), rng.randint(3, 6)
    name, group, members = _group(rng)
    total = n * math.comb(n - 1, k - 1)
    prompt = (f"{name}'s {group} has {n} {members}. In how many ways can it choose a committee "
              f"of {k} with one of them as chair?")
    steps = [f"Choose the chair: ${n}$ ways.",
             f"Choose the other ${k - 1}$ members from the remaining ${n - 1}$: "
             f"${_binom(n - 1, k - 1)}$.",
             f"Multiply: ${n} \\cdot {math.comb(n - 1, k - 1)} = {total}$."]
    hint = "Pick the chair first, then the rest of the committee from the others."
    return _Item(prompt, total, steps, hint, "chair")


def _stars(rng: random.Random, level: int) -> _Item:
    items, kids = rng.randint(8, 30), rng.randint(3, 6)
    names = rng.sample(_NAMES, kids)
    listed = ", ".join(names[:-1]) + f" and {names[-1]}"
    thing = rng.choice(("identical candies", "identical marbles", "identical stickers"))
    total = math.comb(items - 1, kids - 1)
    prompt = (f"In how many ways can {items} {thing} be shared among {listed} so that each "
              f"gets at least one?")
    steps = [f"Line up the {items} items; a sharing is a choice of ${kids - 1}$ of the "
             f"${items - 1}$ gaps between them (stars and bars).",
             f"${_binom(items - 1, kids - 1)}$."]
    hint = ("Line the items up in a row and place dividers in the gaps between them, at most "
            "one per gap.")
    return _Item(prompt, total, steps, hint, "stars_and_bars")


_KINDS: dict[int, tuple[Callable[[random.Random, int], _Item], ...]] = {
    1: (_committee, _roles, _line, _outfits),
    2: (_letters, _grid, _committee, _roles),
    3: (_two_groups, _adjacent, _grid_point, _committee),
    4: (_at_least, _letters, _grid_point, _two_groups),
    5: (_at_least, _adjacent, _chair, _stars),
}


def generate(rng: random.Random, difficulty: int) -> Draft:
    """Generate one counting problem at ``difficulty`` (1-5)."""
    item = rng.choice(_KINDS[difficulty])(rng, difficulty)
    return Draft(item.prompt, str(item.answer), tuple(item.steps), item.hint,
                 metadata={"kind": item.kind})


FAMILY = Family("counting", generate,
                "combinatorics: committees, permutations, repeated letters and grid paths")
