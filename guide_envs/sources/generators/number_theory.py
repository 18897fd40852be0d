r"""Elementary number theory with integer answers: ``Find $\gcd(84, 60)$`` gives ``12``.

Difficulty 1: gcd or lcm of two numbers up to a few hundred, the remainder of a number up to 2000.
2: gcd and lcm of three-digit numbers, remainders of numbers up to 20000, the number of divisors
of a number up to 5000. 3: gcd and lcm of three numbers, the remainder of a product, divisors
of numbers up to 100000. 4: powers ``a^{b} \bmod m`` with ``b`` up to 100, divisors of numbers
up to two million. 5: powers with exponents in the thousands (repeated squaring), the number of
divisors of a power ``n^{k}``, lcm of three larger numbers.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable
from typing import NamedTuple

from guide_envs.sources.generators.base import Draft, Family

__all__ = ["FAMILY"]

_PRIMES = (2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37, 41, 43, 47)


class _Item(NamedTuple):
    """Hold one problem before it becomes a draft."""

    prompt: str
    answer: int
    steps: list[str]
    hint: str
    kind: str
    args: tuple[int, ...]


def _euclid(a: int, b: int) -> list[str]:
    """Run the Euclidean algorithm on ``a, b``, one division per step."""
    steps = []
    while b:
        steps.append(f"${a} = {a // b} \\cdot {b} + {a % b}$")
        a, b = b, a % b
    return steps


def _gcd_steps(numbers: list[int]) -> list[str]:
    """Compute the gcd of ``numbers`` pairwise with the Euclidean algorithm."""
    steps: list[str] = []
    g = numbers[0]
    for n in numbers[1:]:
        big, small = max(g, n), min(g, n)
        steps += _euclid(big, small)
        g = math.gcd(g, n)
        steps.append(f"The last nonzero remainder gives $\\gcd({big}, {small}) = {g}$.")
    return steps


def _with_common_factor(rng: random.Random, count: int, factor: int, cofactor: int) -> list[int]:
    """Draw ``count`` distinct numbers sharing a random factor up to ``factor``."""
    g = rng.randint(2, factor)
    while True:
        numbers = [g * rng.randint(2, cofactor) for _ in range(count)]
        if len(set(numbers)) == count:
            return numbers


def _gcd(rng: random.Random, level: int) -> _Item:
    count, factor, cofactor = {1: (2, 25, 15), 2: (2, 40, 30), 3: (3, 30, 30),
                               4: (3, 60, 40), 5: (3, 90, 60)}[level]
    numbers = _with_common_factor(rng, count, factor, cofactor)
    args = ", ".join(map(str, numbers))
    prompt = rng.choice([f"Find $\\gcd({args})$.",
                         f"Find the largest integer that divides each of ${args}$.",
                         f"What is the greatest common factor of ${args}$?",
                         f"What is the greatest common divisor of ${args}$?",
                         f"Compute the greatest common divisor of the numbers ${args}$."])
    big, small = max(numbers[:2]), min(numbers[:2])
    first = f"$\\gcd({big}, {small}) = \\gcd({small}, {big} \\bmod {small})$"
    hint = (f"Use the Euclidean algorithm: {first}; keep replacing the larger number by its "
            "remainder until the remainder is zero."
            + (" With three numbers, take the gcd of the first two, then with the third."
               if count == 3 else ""))
    return _Item(prompt, math.gcd(*numbers), _gcd_steps(numbers), hint, "gcd", tuple(numbers))


def _lcm(rng: random.Random, level: int) -> _Item:
    count, factor, cofactor = {1: (2, 15, 12), 2: (2, 20, 25), 3: (3, 8, 12),
                               4: (3, 15, 20), 5: (3, 30, 30)}[level]
    numbers = _with_common_factor(rng, count, factor, cofactor)
    args = ", ".join(map(str, numbers))
    prompt = rng.choice([f"Find $\\operatorname{{lcm}}({args})$.",
                         f"Find the smallest positive integer divisible by each of ${args}$.",
                         f"What is the lowest common multiple of ${args}$?",
                         f"What is the least common multiple of ${args}$?",
                         f"Compute the least common multiple of the numbers ${args}$."])
    steps: list[str] = []
    running = numbers[0]
    for n in numbers[1:]:
        g = math.gcd(running, n)
        lcm = running * n // g
        steps.append(f"$\\gcd({running}, {n}) = {g}$, so $\\operatorname{{lcm}}({running}, {n}) = "
                     f"\\frac{{{running} \\cdot {n}}}{{{g}}} = {lcm}$.")
        running = lcm
    hint = ("Use $\\operatorname{lcm}(a, b) = \\frac{a \\cdot b}{\\gcd(a, b)}$, finding the gcd "
            "with the Euclidean algorithm."
            + (" With three numbers, take the lcm of the first two, then with the third."
               if count == 3 else ""))
    return _Item(prompt, running, steps, hint, "lcm", tuple(numbers))


def _remainder(rng: random.Random, level: int) -> _Item:
    high, modulus = {1: (2000, 15), 2: (20000, 40)}[level]
    a, m = rng.randint(100, high), rng.randint(3, modulus)
    q, r = divmod(a, m)
    prompt = rng.choice([f"Find the remainder when ${a}$ is divided by ${m}$.",
                         f"Compute ${a} \\bmod {m}$.",
                         f"What is the remainder of ${a}$ upon division by ${m}$?"])
    steps = [f"The largest multiple of ${m}$ not exceeding ${a}$ is ${m} \\cdot {q} = {m * q}$.",
             f"${a} - {m * q} = {r}$, so ${a} = {q} \\cdot {m} + {r}$."]
    hint = (f"Find the largest multiple of ${m}$ that is at most ${a}$; the remainder is what is "
            "left over.")
    return _Item(prompt, r, steps, hint, "remainder", (a, m))


def _product_remainder(rng: random.Random, level: int) -> _Item:
    a, b = rng.randint(100, 10**level), rng.randint(100, 10**level)
    m = rng.randint(3, 15 * level)
    ra, rb = a % m, b % m
    prompt = rng.choice([f"Find the remainder when ${a} \\times {b}$ is divided by ${m}$.",
                         f"Compute $({a} \\cdot {b}) \\bmod {m}$ without multiplying out."])
    steps = [f"${a} \\equiv {ra} \\pmod{{{m}}}$ and ${b} \\equiv {rb} \\pmod{{{m}}}$.",
             f"So the product is congruent to ${ra} \\cdot {rb} = {ra * rb} \\equiv "
             f"{ra * rb % m} \\pmod{{{m}}}$."]
    hint = (f"Reduce each factor modulo ${m}$ first, multiply the remainders, then reduce "
            "again.")
    return _Item(prompt, a * b % m, steps, hint, "product_remainder", (a, b, m))


def _factor(n: int) -> dict[int, int]:
    """Factor ``n`` into primes by trial division."""
    factors: dict[int, int] = {}
    p = 2
    while p * p <= n:
        while n % p == 0:
            factors[p] = factors.get(p, 0) + 1
            n //= p
        p += 1
    if n > 1:
        factors[n] = factors.get(n, 0) + 1
    return factors


def _factorization(factors: dict[int, int]) -> str:
    """Write a prime factorization in LaTeX."""
    return " \\cdot ".join(f"{p}^{{{e}}}" if e > 1 else str(p) for p, e in sorted(factors.items()))


def _smooth(rng: random.Random, low: int, high: int) -> tuple[int, dict[int, int]]:
    """Draw ``n`` in ``[low, high]`` with at least three prime factors, all below 100."""
    while True:
        n = rng.randint(low, high)
        factors = _factor(n)
        if max(factors) < 100 and sum(factors.values()) >= 3:
            return n, factors


def _divisors(rng: random.Random, level: int) -> _Item:
    low, high = {2: (100, 5000), 3: (5000, 10**5), 4: (10**5, 2 * 10**6), 5: (30, 5000)}[level]
    n, factors = _smooth(rng, low, high)
    power = rng.randint(2, 4) if level == 5 else 1
    factors = {p: e * power for p, e in factors.items()}
    count = math.prod(e + 1 for e in factors.values())
    shown = f"{n}^{{{power}}}" if power > 1 else str(n)
    prompt = rng.choice([f"How many positive divisors does ${shown}$ have?",
                         f"Find the number of positive integer divisors of ${shown}$.",
                         f"How many positive integers divide ${shown}$ exactly?",
                         f"Count the positive divisors of ${shown}$, including $1$ and itself.",
                         f"How many different factors does the number ${shown}$ have?"])
    product = "".join(f"({e} + 1)" for e in factors.values())
    steps = [f"Factor: ${shown} = {_factorization(factors)}$.",
             "Each divisor picks an exponent from $0$ up to the full exponent of every prime.",
             f"So there are ${product} = {count}$ divisors."]
    hint = ("Write the prime factorization; a number $p_1^{a} p_2^{b} \\cdots$ has "
            "$(a + 1)(b + 1) \\cdots$ positive divisors.")
    return _Item(prompt, count, steps, hint, "divisors", (n, power))


def _square_chain(a: int, b: int, m: int) -> tuple[list[str], int]:
    """Compute ``a^b mod m`` by repeated squaring, one step per square and per product."""
    base = a % m
    bits = [k for k in range(b.bit_length()) if b >> k & 1]
    steps = [f"${a} \\equiv {base} \\pmod{{{m}}}$ and ${b} = "
             + " + ".join(f"2^{{{k}}}" for k in reversed(bits)) + "$."]
    squares = [base]
    for k in range(1, b.bit_length()):
        squares.append(squares[-1] ** 2 % m)
        steps.append(f"${a}^{{{2**k}}} \\equiv {squares[-2]}^{{2}} \\equiv {squares[-1]} "
                     f"\\pmod{{{m}}}$")
    result = 1
    for k in bits:
        result = result * squares[k] % m
    picked = " \\cdot ".join(str(squares[k]) for k in bits)
    steps.append(f"Multiply the squares for the binary digits of ${b}$: ${picked} \\equiv "
                 f"{result} \\pmod{{{m}}}$.")
    return steps, result


def _power(rng: random.Random, level: int) -> _Item:
    exponent, modulus = (100, 30) if level == 4 else (5000, 300)
    a, b, m = rng.randint(2, 60), rng.randint(10, exponent), rng.randint(5, modulus)
    prompt = rng.choice([f"Find the remainder when ${a}^{{{b}}}$ is divided by ${m}$.",
                         f"Compute ${a}^{{{b}}} \\bmod {m}$.",
                         f"What is ${a}^{{{b}}}$ modulo ${m}$?"])
    steps, result = _square_chain(a, b, m)
    hint = (f"Reduce ${a}$ modulo ${m}$, then square repeatedly, reducing modulo ${m}$ each "
            f"time, and multiply the squares that match the binary digits of ${b}$.")
    return _Item(prompt, result, steps, hint, "power", (a, b, m))


_KINDS: dict[int, tuple[Callable[[random.Random, int], _Item], ...]] = {
    1: (_gcd, _lcm, _remainder),
    2: (_gcd, _lcm, _remainder, _divisors),
    3: (_gcd, _lcm, _product_remainder, _divisors),
    4: (_gcd, _power, _product_remainder, _divisors),
    5: (_lcm, _power, _power, _divisors),
}


def generate(rng: random.Random, difficulty: int) -> Draft:
    """Generate one number theory problem at ``difficulty`` (1-5)."""
    item = rng.choice(_KINDS[difficulty])(rng, difficulty)
    return Draft(item.prompt, str(item.answer), tuple(item.steps), item.hint,
                 metadata={"kind": item.kind, "args": item.args})


FAMILY = Family("number_theory", generate,
                "gcd, lcm, remainders, modular powers and divisor counts")
