"""Number function-writing tasks: ``Write a Python function digit_sum(n: int) -> int ...``.

Difficulty 1: digit sums, sums of multiples below a bound, counting divisors. 2: gcd, lcm,
Collatz steps, digital roots. 3: primes below a bound, prime factorisation, writing a number in
another base (zero and negatives among the tests). 4: Fibonacci numbers modulo m, lcm of a list,
reading a number written in another base. 5: Fibonacci modulo m for indices up to 10**15 (a loop
is too slow), counting primes below a million, and level-4 kinds on larger inputs.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import Any

from guide_envs.sources.generators.base import Draft, Family
from guide_envs.sources.generators.code import FunctionTask, function_draft, reference_function

__all__ = ["FAMILY"]

def _cases(difficulty: int) -> int:
    """How many calls the tests make (the first is the prompt's example)."""
    return 2 + difficulty


def _task(kind: str, name: str, signature: str, behaviour: str, source: str,
          cases: list[tuple[Any, ...]], explanation: str, hint: str) -> FunctionTask:
    return FunctionTask(kind, name, signature, behaviour, source.replace("{name}", name),
                        tuple(cases), explanation, hint)


_DIGIT_SUM = '''def {name}(n):
    n = abs(n)
    total = 0
    while n:
        total += n % 10
        n //= 10
    return total
'''


def _digit_sum(rng: random.Random, difficulty: int) -> FunctionTask:
    cases = [(rng.randint(10, 10 ** (2 + difficulty)),) for _ in range(_cases(difficulty))]
    cases.append((rng.choice((0, -rng.randint(10, 999))),))
    return _task(
        "digit_sum", rng.choice(("digit_sum", "sum_of_digits")), "(n: int) -> int",
        "returns the sum of the decimal digits of `n` (the sign of a negative `n` is ignored).",
        _DIGIT_SUM, cases,
        "Peel off the last digit with % 10 and drop it with // 10 until nothing is left.",
        "The last decimal digit of a number is its remainder modulo 10; integer division by 10 "
        "removes it. Work with the absolute value.")


_SUM_MULTIPLES = '''def {name}(limit, a, b):
    return sum(x for x in range(limit) if x % a == 0 or x % b == 0)
'''


def _sum_multiples(rng: random.Random, difficulty: int) -> FunctionTask:
    a, b = rng.sample((2, 3, 4, 5, 6, 7), 2)
    cases = [(rng.randint(5, 10 ** (1 + difficulty)), a, b) for _ in range(_cases(difficulty))]
    cases.append((1, a, b))
    return _task(
        "sum_multiples", rng.choice(("sum_multiples", "sum_of_multiples")),
        "(limit: int, a: int, b: int) -> int",
        "returns the sum of the non-negative integers below `limit` that are multiples of `a` or "
        "of `b` (each such number counted once).",
        _SUM_MULTIPLES, cases,
        "Test every number below the limit for divisibility by either factor.",
        "Numbers divisible by both a and b must be added only once; checking each number with "
        "an 'or' avoids double counting.")


_COUNT_DIVISORS = '''def {name}(n):
    count = 0
    d = 1
    while d * d <= n:
        if n % d == 0:
            count += 1 if d * d == n else 2
        d += 1
    return count
'''


def _count_divisors(rng: random.Random, difficulty: int) -> FunctionTask:
    cases = [(rng.randint(1, 10 ** (1 + difficulty)),) for _ in range(_cases(difficulty))]
    cases.append((rng.choice((36, 49, 64, 100)),))
    cases.append((1,))
    return _task(
        "count_divisors", rng.choice(("count_divisors", "divisor_count")), "(n: int) -> int",
        "returns how many positive integers divide `n` exactly (`n` >= 1).",
        _COUNT_DIVISORS, cases,
        "Divisors come in pairs d and n // d with d <= sqrt(n); a square root counts once.",
        "You only need to try divisors up to the square root of n: each one found there has a "
        "partner above it, except when both are the same number.")


_GCD = '''def {name}(a, b):
    a, b = abs(a), abs(b)
    while b:
        a, b = b, a % b
    return a
'''
_LCM = '''def {name}(a, b):
    if a == 0 or b == 0:
        return 0
    x, y = abs(a), abs(b)
    while y:
        x, y = y, x % y
    return abs(a * b) // x
'''


def _pair(rng: random.Random, difficulty: int) -> tuple[int, int]:
    common = rng.randint(1, 12)
    top = 10 ** (1 + difficulty // 2)
    return common * rng.randint(1, top), common * rng.randint(1, top)


def _gcd(rng: random.Random, difficulty: int) -> FunctionTask:
    cases = [_pair(rng, difficulty) for _ in range(_cases(difficulty))]
    cases.append((0, rng.randint(1, 50)))
    return _task(
        "gcd", rng.choice(("gcd", "greatest_common_divisor")), "(a: int, b: int) -> int",
        "returns the greatest common divisor of `a` and `b` (non-negative; `gcd(0, n)` is "
        "`abs(n)`), without using `math.gcd`.",
        _GCD, cases,
        "Euclid's algorithm: replace (a, b) by (b, a mod b) until b is zero.",
        "Any common divisor of a and b also divides a mod b, so the problem shrinks quickly if "
        "you keep replacing the larger number by a remainder.")


def _lcm(rng: random.Random, difficulty: int) -> FunctionTask:
    cases = [_pair(rng, difficulty) for _ in range(_cases(difficulty))]
    cases.append((rng.randint(1, 30), 0))
    return _task(
        "lcm", rng.choice(("lcm", "least_common_multiple")), "(a: int, b: int) -> int",
        "returns the least common multiple of `a` and `b` (non-negative; 0 when either is 0), "
        "without using `math.lcm`.",
        _LCM, cases,
        "lcm(a, b) = |a * b| / gcd(a, b), with the gcd from Euclid's algorithm.",
        "The product a * b is a common multiple; dividing it by the greatest common divisor "
        "gives the least one. Treat zero separately.")


_COLLATZ = '''def {name}(n):
    steps = 0
    while n != 1:
        n = n // 2 if n % 2 == 0 else 3 * n + 1
        steps += 1
    return steps
'''


def _collatz_steps(rng: random.Random, difficulty: int) -> FunctionTask:
    cases = [(rng.randint(2, 10 ** (1 + difficulty)),) for _ in range(_cases(difficulty))]
    cases.append((1,))
    return _task(
        "collatz_steps", rng.choice(("collatz_steps", "collatz_length")), "(n: int) -> int",
        "returns how many steps the Collatz process takes to reach 1 from `n` >= 1: an even "
        "number is halved, an odd number `x` becomes `3 * x + 1`.",
        _COLLATZ, cases,
        "Apply the rule in a loop and count the iterations until the value is 1.",
        "Simulate the process directly with a counter; starting from 1 takes no steps.")


_DIGITAL_ROOT = '''def {name}(n):
    while n >= 10:
        n = sum(int(d) for d in str(n))
    return n
'''


def _digital_root(rng: random.Random, difficulty: int) -> FunctionTask:
    cases = [(rng.randint(10, 10 ** (3 + difficulty)),) for _ in range(_cases(difficulty))]
    cases.append((rng.randint(0, 9),))
    return _task(
        "digital_root", rng.choice(("digital_root", "repeated_digit_sum")), "(n: int) -> int",
        "returns the digital root of `n` >= 0: replace the number by the sum of its digits "
        "until a single digit remains.",
        _DIGITAL_ROOT, cases,
        "Repeat the digit sum while the number has at least two digits.",
        "Loop while the number is 10 or more, replacing it by the sum of its digits each time.")


_PRIMES_BELOW = '''def {name}(n):
    if n < 3:
        return []
    sieve = [True] * n
    sieve[0] = sieve[1] = False
    for p in range(2, int(n ** 0.5) + 1):
        if sieve[p]:
            sieve[p * p::p] = [False] * len(range(p * p, n, p))
    return [i for i, is_prime in enumerate(sieve) if is_prime]
'''


def _primes_below(rng: random.Random, difficulty: int) -> FunctionTask:
    cases = [(rng.randint(3, 15 * difficulty),) for _ in range(_cases(difficulty))]
    cases.append((rng.choice((0, 1, 2)),))
    return _task(
        "primes_below", rng.choice(("primes_below", "list_primes")), "(n: int) -> list[int]",
        "returns the prime numbers smaller than `n`, in increasing order.",
        _PRIMES_BELOW, cases,
        "The sieve of Eratosthenes crosses out the multiples of each prime from its square on.",
        "Mark every number below n as possibly prime, then for each prime cross out its "
        "multiples; what stays marked is prime. Remember that 0 and 1 are not prime.")


_PRIME_FACTORS = '''def {name}(n):
    factors = []
    d = 2
    while d * d <= n:
        while n % d == 0:
            factors.append(d)
            n //= d
        d += 1
    if n > 1:
        factors.append(n)
    return factors
'''


def _prime_factors(rng: random.Random, difficulty: int) -> FunctionTask:
    cases = [(rng.randint(2, 10 ** (1 + difficulty)),) for _ in range(_cases(difficulty))]
    cases.append((rng.choice((97, 101, 1009)),))
    cases.append((1,))
    return _task(
        "prime_factors", rng.choice(("prime_factors", "factorize")), "(n: int) -> list[int]",
        "returns the prime factors of `n` >= 1 in non-decreasing order, each repeated as often "
        "as it divides `n` (`[]` for 1).",
        _PRIME_FACTORS, cases,
        "Trial division: divide out each d while it divides n; what is left above 1 is prime.",
        "Divide by 2 as long as you can, then by 3, and so on; you can stop trying once d * d "
        "exceeds what remains, because the remainder is then 1 or a prime.")


_TO_BASE = '''def {name}(n, base):
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    if n == 0:
        return "0"
    sign = "-" if n < 0 else ""
    n = abs(n)
    out = []
    while n:
        out.append(digits[n % base])
        n //= base
    return sign + "".join(reversed(out))
'''


def _to_base(rng: random.Random, difficulty: int) -> FunctionTask:
    bases = (2, 8, 16) if difficulty <= 3 else tuple(range(2, 37))
    cases = [(rng.randint(1, 10 ** (1 + difficulty)), rng.choice(bases))
             for _ in range(_cases(difficulty))]
    cases += [(0, rng.choice(bases)), (-rng.randint(2, 500), rng.choice(bases))]
    return _task(
        "to_base", rng.choice(("to_base", "convert_base")), "(n: int, base: int) -> str",
        "returns `n` written in `base` (2 to 36) with the digits 0-9 then lower-case a-z, a "
        "leading '-' for negative numbers and \"0\" for zero.",
        _TO_BASE, cases,
        "Collect remainders modulo the base (least significant first), then reverse them.",
        "Repeated division by the base yields the digits from the right; handle the sign and "
        "zero before the loop.")


_FROM_BASE = '''def {name}(text, base):
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    sign = -1 if text.startswith("-") else 1
    value = 0
    for ch in text.lstrip("-").lower():
        value = value * base + digits.index(ch)
    return sign * value
'''


def _from_base(rng: random.Random, difficulty: int) -> FunctionTask:
    write = reference_function(_TO_BASE.replace("{name}", "write"), "write")  # valid inputs
    cases = []
    for _ in range(_cases(difficulty)):
        base = rng.randint(2, 36)
        text = write(rng.randint(-10 ** (2 + difficulty), 10 ** (2 + difficulty)), base)
        cases.append((text.upper() if rng.random() < 0.3 else text, base))
    return _task(
        "from_base", rng.choice(("from_base", "parse_base")), "(text: str, base: int) -> int",
        "returns the integer that `text` writes in `base` (2 to 36): digits 0-9 then letters "
        "a-z in either case, optionally after a '-' sign; do not use `int(text, base)`.",
        _FROM_BASE, cases,
        "Horner's rule: for each digit from the left, multiply the value by the base and add "
        "the digit's value.",
        "Read the digits from left to right: each new digit shifts what you have one place up "
        "(a multiplication by the base) and adds its own value.")


_FIB_MOD = '''def {name}(n, m):
    def pair(k):
        if k == 0:
            return 0, 1
        a, b = pair(k // 2)
        c = a * ((2 * b - a) % m) % m
        d = (a * a + b * b) % m
        return (d, (c + d) % m) if k % 2 else (c, d)
    return pair(n)[0] % m
'''


def _fib_mod(rng: random.Random, difficulty: int) -> FunctionTask:
    top = 10 ** 4 if difficulty == 4 else 10 ** 15
    cases = [(rng.randint(2, top), rng.randint(2, 10 ** 6)) for _ in range(_cases(difficulty))]
    cases[0] = (rng.randint(5, 20), rng.randint(5, 100))
    cases += [(0, rng.randint(2, 99)), (1, 1)]
    speed = " `n` can be as large as 10**15." if difficulty >= 5 else ""
    return _task(
        "fib_mod", rng.choice(("fib_mod", "fibonacci_mod")), "(n: int, m: int) -> int",
        "returns the `n`-th Fibonacci number modulo `m` >= 1, where F(0) = 0 and F(1) = 1."
        + speed,
        _FIB_MOD, cases,
        "Fast doubling: F(2k) = F(k) * (2F(k+1) - F(k)) and F(2k+1) = F(k)^2 + F(k+1)^2, so "
        "only about log2(n) steps are needed, each reduced modulo m.",
        "Keep every number reduced modulo m. For huge n a step-by-step loop is far too slow: "
        "use identities that give F(2k) and F(2k+1) from F(k) and F(k+1) (or matrix powers).")


_LCM_LIST = '''def {name}(numbers):
    result = 1
    for x in numbers:
        a, b = result, x
        while b:
            a, b = b, a % b
        result = result * x // a
    return result
'''


def _lcm_list(rng: random.Random, difficulty: int) -> FunctionTask:
    cases = [([rng.randint(1, 6 * difficulty) for _ in range(rng.randint(2, 2 + difficulty))],)
             for _ in range(_cases(difficulty))]
    cases += [([],), ([rng.randint(2, 9)],)]
    return _task(
        "lcm_list", rng.choice(("lcm_list", "lcm_of_list")), "(numbers: list[int]) -> int",
        "returns the least common multiple of the positive integers in `numbers` (1 for an "
        "empty list).",
        _LCM_LIST, cases,
        "Fold the list with lcm(x, y) = x * y // gcd(x, y), starting from 1.",
        "The lcm of a list can be built two numbers at a time; the lcm of a pair needs their "
        "greatest common divisor.")


_COUNT_PRIMES = '''def {name}(n):
    if n < 3:
        return 0
    sieve = bytearray([1]) * n
    sieve[0] = sieve[1] = 0
    for p in range(2, int(n ** 0.5) + 1):
        if sieve[p]:
            sieve[p * p::p] = bytes(len(range(p * p, n, p)))
    return sum(sieve)
'''


def _count_primes(rng: random.Random, difficulty: int) -> FunctionTask:
    cases = [(rng.randint(10, 10 ** 6),) for _ in range(_cases(difficulty))]
    cases[0] = (rng.randint(10, 60),)
    cases.append((rng.choice((0, 1, 2)),))
    return _task(
        "count_primes", rng.choice(("count_primes", "prime_count")), "(n: int) -> int",
        "returns how many prime numbers are smaller than `n`; `n` can be up to a million, so "
        "testing each number by trial division is too slow.",
        _COUNT_PRIMES, cases,
        "A sieve of Eratosthenes in a bytearray, crossing out multiples with slice assignment, "
        "then counting what is left.",
        "Sieve instead of testing numbers one by one: cross out the multiples of each prime up "
        "to the square root of n, and store the marks compactly.")


_Maker = Callable[[random.Random, int], FunctionTask]

#: The task kinds of each level.
_LEVELS: dict[int, tuple[_Maker, ...]] = {
    1: (_digit_sum, _sum_multiples, _count_divisors),
    2: (_gcd, _lcm, _collatz_steps, _digital_root),
    3: (_primes_below, _prime_factors, _to_base, _count_divisors),
    4: (_fib_mod, _lcm_list, _from_base, _to_base),
    5: (_fib_mod, _count_primes, _from_base, _prime_factors),
}


def generate(rng: random.Random, difficulty: int) -> Draft:
    """Generate one number function-writing task at ``difficulty`` (1-5).

    >>> draft = generate(random.Random(0), 3)
    >>> draft.metadata["kind"] in {"primes_below", "prime_factors", "to_base", "count_divisors"}
    True
    """
    return function_draft(rng.choice(_LEVELS[difficulty])(rng, difficulty))


FAMILY = Family("math_functions", generate,
                "write number functions: gcd and lcm, primes, bases, digit sums, Fibonacci mod m",
                domain="code")
