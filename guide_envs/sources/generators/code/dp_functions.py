"""Dynamic-programming function-writing tasks: ``Write a Python function climb_stairs(...)``.

Difficulty 1: climbing stairs one or two steps at a time, the best sum of non-adjacent items,
the maximum subarray sum. 2: stairs with any set of step sizes, counting the ways to pay an
amount with coins. 3: the fewest coins for an amount (or -1), the longest increasing subsequence,
the longest common subsequence. 4: edit distance, 0/1 knapsack, paths through a grid with
obstacles. 5: the same kinds on inputs large enough that plain recursion without memoisation
times out.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import Any

from guide_envs.sources.generators.base import Draft, Family
from guide_envs.sources.generators.code import FunctionTask, function_draft

__all__ = ["FAMILY"]


def _cases(difficulty: int) -> int:
    """How many calls the tests make (the first is the prompt's example)."""
    return 2 + difficulty


def _task(kind: str, name: str, signature: str, behaviour: str, source: str,
          cases: list[tuple[Any, ...]], explanation: str, hint: str) -> FunctionTask:
    return FunctionTask(kind, name, signature, behaviour, source.replace("{name}", name),
                        tuple(cases), explanation, hint)


def _big(difficulty: int, small: int, large: int) -> int:
    """An input size: ``small`` at low levels, ``large`` at level 5."""
    return large if difficulty >= 5 else small


_CLIMB = '''def {name}(n, steps):
    ways = [1] + [0] * n
    for i in range(1, n + 1):
        ways[i] = sum(ways[i - s] for s in steps if s <= i)
    return ways[n]
'''


def _climb_stairs(rng: random.Random, difficulty: int) -> FunctionTask:
    steps = [1, 2] if difficulty == 1 else [1, *sorted(rng.sample(range(2, 7), rng.randint(1, 2)))]
    top = _big(difficulty, 8 + 6 * difficulty, 300)
    cases = [(rng.randint(1, top), steps) for _ in range(_cases(difficulty))]
    cases[0] = (rng.randint(3, 7), steps)
    cases.append((0, steps))
    fixed = "1 or 2" if difficulty == 1 else "any size listed in `steps`"
    return _task(
        "climb_stairs", rng.choice(("climb_stairs", "count_step_ways")),
        "(n: int, steps: list[int]) -> int",
        f"returns in how many distinct ordered ways one can climb a staircase of `n` stairs "
        f"taking steps of {fixed} at a time (`steps` is {steps!r} in the tests). "
        f"There is one way to climb 0 stairs.",
        _CLIMB, cases,
        "ways[i] is the sum of ways[i - s] over the allowed steps s: the last step taken "
        "decides which smaller staircase came before.",
        "Think about the last step: the number of ways to reach stair i is the sum of the "
        "numbers of ways to reach the stairs from which one allowed step lands on i. Fill a "
        "table from the bottom up instead of recursing.")


_ROB = '''def {name}(values):
    take, skip = 0, 0
    for v in values:
        take, skip = skip + v, max(take, skip)
    return max(take, skip)
'''


def _max_non_adjacent(rng: random.Random, difficulty: int) -> FunctionTask:
    cases = [([rng.randint(0, 40) for _ in range(rng.randint(1, 4 + 2 * difficulty))],)
             for _ in range(_cases(difficulty))]
    cases.append(([],))
    return _task(
        "max_non_adjacent", rng.choice(("max_non_adjacent_sum", "rob_houses")),
        "(values: list[int]) -> int",
        "returns the largest sum of items of `values` (all >= 0) such that no two chosen "
        "items are next to each other (0 for an empty list).",
        _ROB, cases,
        "Track the best total when the current item is taken and when it is skipped.",
        "At each item you either take it (then the previous one must have been skipped) or skip "
        "it; two running totals are enough.")


_KADANE = '''def {name}(items):
    best = current = items[0]
    for x in items[1:]:
        current = max(x, current + x)
        best = max(best, current)
    return best
'''


def _max_subarray(rng: random.Random, difficulty: int) -> FunctionTask:
    cases = [([rng.randint(-20, 20) for _ in range(rng.randint(1, 5 + 3 * difficulty))],)
             for _ in range(_cases(difficulty))]
    cases.append(([-rng.randint(1, 9), -rng.randint(10, 20)],))
    return _task(
        "max_subarray", rng.choice(("max_subarray_sum", "best_slice_sum")),
        "(items: list[int]) -> int",
        "returns the largest sum of a non-empty run of consecutive items of `items` (which is "
        "non-empty and may hold negative numbers).",
        _KADANE, cases,
        "Kadane's algorithm: the best run ending here either extends the previous one or "
        "starts afresh.",
        "For every position, ask what the best run ending exactly there is; it depends only on "
        "the best run ending one position earlier. All-negative lists still need one item.")


_COIN_WAYS = '''def {name}(amount, coins):
    ways = [1] + [0] * amount
    for coin in coins:
        for value in range(coin, amount + 1):
            ways[value] += ways[value - coin]
    return ways[amount]
'''


def _coins(rng: random.Random) -> list[int]:
    return sorted(rng.sample((1, 2, 3, 5, 7, 10, 12, 20, 25, 50), rng.randint(2, 4)))


def _coin_ways(rng: random.Random, difficulty: int) -> FunctionTask:
    top = _big(difficulty, 20 * difficulty, 2000)
    cases = [(rng.randint(1, top), _coins(rng)) for _ in range(_cases(difficulty))]
    cases += [(0, [2, 5]), (3, [2, 4])]
    return _task(
        "coin_change_ways", rng.choice(("coin_change_ways", "count_coin_combinations")),
        "(amount: int, coins: list[int]) -> int",
        "returns in how many ways `amount` can be paid with unlimited coins of the values in "
        "`coins`, where the order of the coins does not matter (one way to pay 0).",
        _COIN_WAYS, cases,
        "Add the coins one value at a time: ways[v] += ways[v - coin] counts each combination "
        "once, in coin order.",
        "To avoid counting 2+1 and 1+2 separately, introduce the coin values one after the "
        "other and update a table of ways for every amount up to the target.")


_MIN_COINS = '''def {name}(amount, coins):
    best = [0] + [amount + 1] * amount
    for value in range(1, amount + 1):
        for coin in coins:
            if coin <= value and best[value - coin] + 1 < best[value]:
                best[value] = best[value - coin] + 1
    return best[amount] if best[amount] <= amount else -1
'''


def _min_coins(rng: random.Random, difficulty: int) -> FunctionTask:
    top = _big(difficulty, 25 * difficulty, 3000)
    cases = [(rng.randint(1, top), _coins(rng)) for _ in range(_cases(difficulty))]
    cases += [(rng.choice((7, 11, 13)), [2, 4]), (0, [3])]
    return _task(
        "min_coins", rng.choice(("min_coins", "fewest_coins")),
        "(amount: int, coins: list[int]) -> int",
        "returns the fewest coins, with unlimited coins of the values in `coins`, that add up "
        "to exactly `amount` (0 for amount 0), or -1 when it cannot be done.",
        _MIN_COINS, cases,
        "best[v] = 1 + min(best[v - coin]) over the coins that fit, filled for v = 1..amount.",
        "Greedy choices can fail (think of coins 1, 3, 4 and amount 6). Build a table of the "
        "fewest coins for every smaller amount, and use a value that means 'impossible'.")


_LIS = '''from bisect import bisect_left


def {name}(items):
    tails = []
    for x in items:
        i = bisect_left(tails, x)
        if i == len(tails):
            tails.append(x)
        else:
            tails[i] = x
    return len(tails)
'''


def _lis_length(rng: random.Random, difficulty: int) -> FunctionTask:
    size = _big(difficulty, 4 + 3 * difficulty, 400)
    cases = [([rng.randint(0, 50) for _ in range(rng.randint(1, size))],)
             for _ in range(_cases(difficulty))]
    cases[0] = ([rng.randint(0, 20) for _ in range(7)],)
    cases += [([],), ([3, 3, 3],)]
    return _task(
        "lis_length", rng.choice(("lis_length", "longest_increasing_subsequence")),
        "(items: list[int]) -> int",
        "returns the length of the longest strictly increasing subsequence of `items` (not "
        "necessarily contiguous).",
        _LIS, cases,
        "Patience sorting: tails[k] is the smallest tail of an increasing subsequence of "
        "length k + 1; each item replaces the first tail >= it (binary search).",
        "For each length, remember the smallest possible last value of an increasing "
        "subsequence of that length; that list stays sorted, so each item can find its place "
        "quickly. (A quadratic table over pairs of positions also works for short lists.)")


_LCS = '''def {name}(first, second):
    previous = [0] * (len(second) + 1)
    for a in first:
        current = [0]
        for j, b in enumerate(second):
            current.append(previous[j] + 1 if a == b else max(previous[j + 1], current[j]))
        previous = current
    return previous[-1]
'''


def _word(rng: random.Random, size: int, alphabet: str = "abcd") -> str:
    return "".join(rng.choice(alphabet) for _ in range(rng.randint(0, size)))


def _lcs_length(rng: random.Random, difficulty: int) -> FunctionTask:
    size = _big(difficulty, 3 + 2 * difficulty, 400)
    cases = [(_word(rng, size), _word(rng, size)) for _ in range(_cases(difficulty))]
    cases[0] = ("abcde", rng.choice(("ace", "bdx", "aec")))
    cases.append(("", "abc"))
    return _task(
        "lcs_length", rng.choice(("lcs_length", "longest_common_subsequence")),
        "(first: str, second: str) -> int",
        "returns the length of the longest common subsequence of the strings `first` and "
        "`second` (characters in order, not necessarily adjacent).",
        _LCS, cases,
        "Table over prefixes: equal last characters extend the diagonal, otherwise take the "
        "better of dropping one character; one row at a time suffices.",
        "Compare prefixes: if the last characters of two prefixes match, they can end the "
        "common subsequence; if not, one of them is not used. Fill a table over all prefix "
        "pairs.")


_EDIT = '''def {name}(source, target):
    previous = list(range(len(target) + 1))
    for i, a in enumerate(source, 1):
        current = [i]
        for j, b in enumerate(target, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1,
                               previous[j - 1] + (a != b)))
        previous = current
    return previous[-1]
'''


def _edit_distance(rng: random.Random, difficulty: int) -> FunctionTask:
    size = _big(difficulty, 8, 300)
    cases = [(_word(rng, size, "abcde"), _word(rng, size, "abcde"))
             for _ in range(_cases(difficulty))]
    cases[0] = (rng.choice(("kitten", "horse", "flaw")), rng.choice(("sitting", "ros", "lawn")))
    cases += [("", _word(rng, 5) or "ab"), ("same", "same")]
    return _task(
        "edit_distance", rng.choice(("edit_distance", "levenshtein")),
        "(source: str, target: str) -> int",
        "returns the fewest single-character insertions, deletions and substitutions that turn "
        "`source` into `target` (the Levenshtein distance).",
        _EDIT, cases,
        "The classic table d[i][j] over prefixes, kept one row at a time: delete, insert, or "
        "substitute (free when the characters match).",
        "Let d[i][j] be the distance between the first i characters of source and the first j "
        "of target; the last operation is a deletion, an insertion or a (possibly free) "
        "substitution, each leading to a smaller table entry.")


_KNAPSACK = '''def {name}(weights, values, capacity):
    best = [0] * (capacity + 1)
    for w, v in zip(weights, values):
        for c in range(capacity, w - 1, -1):
            best[c] = max(best[c], best[c - w] + v)
    return best[capacity]
'''


def _knapsack(rng: random.Random, difficulty: int) -> FunctionTask:
    items, cap = (60, 1000) if difficulty >= 5 else (6, 25)
    cases = []
    for _ in range(_cases(difficulty)):
        n = rng.randint(1, items)
        weights = [rng.randint(1, cap // 2) for _ in range(n)]
        cases.append((weights, [rng.randint(1, 60) for _ in range(n)], rng.randint(0, cap)))
    cases.append(([5, 6], [10, 12], 4))
    return _task(
        "knapsack", rng.choice(("knapsack", "best_knapsack_value")),
        "(weights: list[int], values: list[int], capacity: int) -> int",
        "returns the largest total value of a subset of the items (item i weighs `weights[i]` "
        "and is worth `values[i]`; each item is used at most once) whose total weight is at "
        "most `capacity`.",
        _KNAPSACK, cases,
        "0/1 knapsack over capacities, iterating capacities downwards so each item is used "
        "once.",
        "Keep, for every capacity up to the limit, the best value reachable with the items "
        "seen so far; when adding an item, update capacities from high to low so that the "
        "item is not counted twice.")


_GRID = '''def {name}(grid):
    cols = len(grid[0])
    ways = [0] * cols
    ways[0] = 1
    for row in grid:
        for j in range(cols):
            if row[j] == 1:
                ways[j] = 0
            elif j > 0:
                ways[j] += ways[j - 1]
    return ways[-1]
'''


def _grid(rng: random.Random, rows: int, cols: int, density: float) -> list[list[int]]:
    return [[1 if rng.random() < density else 0 for _ in range(cols)] for _ in range(rows)]


def _grid_paths(rng: random.Random, difficulty: int) -> FunctionTask:
    side = _big(difficulty, 5, 16)
    cases = [(_grid(rng, rng.randint(1, side), rng.randint(1, side), 0.15),)
             for _ in range(_cases(difficulty))]
    cases[0] = ([[0, 0, 0], [0, 1, 0], [0, 0, 0]],)
    cases += [([[0, 0], [0, 0]],), ([[1, 0], [0, 0]],)]
    return _task(
        "grid_paths", rng.choice(("grid_paths", "count_grid_paths")),
        "(grid: list[list[int]]) -> int",
        "returns how many paths lead from the top-left to the bottom-right cell of `grid` "
        "moving only right or down, never entering a cell that holds 1 (an obstacle). A "
        "blocked start or end gives 0.",
        _GRID, cases,
        "Paths into a free cell = paths into the cell above + paths into the cell to the left; "
        "one row of counts is enough.",
        "Every path into a cell arrives from above or from the left, so count paths cell by "
        "cell, row by row; obstacles hold zero paths.")


_Maker = Callable[[random.Random, int], FunctionTask]

#: The task kinds of each level.
_LEVELS: dict[int, tuple[_Maker, ...]] = {
    1: (_climb_stairs, _max_non_adjacent, _max_subarray),
    2: (_climb_stairs, _coin_ways, _max_non_adjacent),
    3: (_min_coins, _lis_length, _lcs_length),
    4: (_edit_distance, _knapsack, _grid_paths),
    5: (_climb_stairs, _coin_ways, _min_coins, _lis_length, _lcs_length, _edit_distance,
        _knapsack, _grid_paths),
}

def generate(rng: random.Random, difficulty: int) -> Draft:
    """Generate one dynamic-programming function-writing task at ``difficulty`` (1-5).

    >>> draft = generate(random.Random(0), 4)
    >>> draft.metadata["kind"] in {"edit_distance", "knapsack", "grid_paths"}
    True
    """
    return function_draft(rng.choice(_LEVELS[difficulty])(rng, difficulty))


FAMILY = Family("dp_functions", generate,
                "write dynamic programs: stairs, coins, subsequences, edit distance, knapsack",
                domain="code")
