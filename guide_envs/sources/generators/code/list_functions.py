"""List function-writing tasks: ``Write a Python function running_max(items: list[int]) ...``.

Difficulty 1: running maximum, sums of adjacent pairs, counting items above a threshold.
2: removing duplicates in order, rotating by less than the length, moving zeros to the end.
3: rotating by any amount (negative, longer than the list), chunking, the second largest
distinct value; empty lists among the tests. 4: merging sorted lists, flattening nested lists,
longest run of equal neighbours. 5: sliding-window maxima and the level-4 kinds on larger inputs.
Every level adds hidden tests.
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


def _numbers(rng: random.Random, difficulty: int, low: int = -9, high: int = 20,
             min_len: int = 1) -> list[int]:
    return [rng.randint(low, high) for _ in range(rng.randint(min_len, 3 + 2 * difficulty))]


def _with_empty(rng: random.Random, difficulty: int, cases: list[tuple[Any, ...]],
                empty: tuple[Any, ...]) -> tuple[tuple[Any, ...], ...]:
    """From level 3, put the empty-input case ``empty`` among the hidden tests."""
    if difficulty >= 3:
        cases.insert(rng.randint(1, len(cases)), empty)
    return tuple(cases)


def _task(kind: str, name: str, signature: str, behaviour: str, source: str,
          cases: tuple[tuple[Any, ...], ...], explanation: str, hint: str) -> FunctionTask:
    return FunctionTask(kind, name, signature, behaviour, source.replace("{name}", name), cases,
                        explanation, hint)


_RUNNING_MAX = '''def {name}(items):
    out = []
    for x in items:
        out.append(x if not out or x > out[-1] else out[-1])
    return out
'''


def _running_max(rng: random.Random, difficulty: int) -> FunctionTask:
    cases = [(_numbers(rng, difficulty),) for _ in range(_cases(difficulty))]
    return _task(
        "running_max", rng.choice(("running_max", "prefix_maxima")),
        "(items: list[int]) -> list[int]",
        "returns a list whose i-th element is the largest of `items[0]`, ..., `items[i]`.",
        _RUNNING_MAX, _with_empty(rng, difficulty, cases, ([],)),
        "Carry the maximum so far and append it after each item.",
        "Keep one variable with the largest value seen so far and update it at every step.")


_PAIRWISE = '''def {name}(items):
    return [items[i] + items[i + 1] for i in range(len(items) - 1)]
'''


def _pairwise_sums(rng: random.Random, difficulty: int) -> FunctionTask:
    cases = [(_numbers(rng, difficulty, min_len=2),) for _ in range(_cases(difficulty))]
    cases.append(([rng.randint(1, 9)],))
    return _task(
        "pairwise_sums", rng.choice(("pairwise_sums", "adjacent_sums")),
        "(items: list[int]) -> list[int]",
        "returns the sums of neighbouring items: `items[0] + items[1]`, `items[1] + items[2]`, "
        "and so on (one element shorter than `items`; empty for fewer than two items).",
        _PAIRWISE, _with_empty(rng, difficulty, cases, ([],)),
        "Index i pairs items i and i + 1, for i from 0 to len - 2.",
        "Loop over the positions that have a right neighbour and add each item to the next one.")


_COUNT_ABOVE = '''def {name}(items, threshold):
    return sum(1 for x in items if x > threshold)
'''


def _count_above(rng: random.Random, difficulty: int) -> FunctionTask:
    cases = [(_numbers(rng, difficulty), rng.randint(-3, 12)) for _ in range(_cases(difficulty))]
    items = cases[-1][0]
    cases[-1:] = [(items, max(items)), (items, min(items) - 1)]  # none, then all, count
    return _task(
        "count_above", rng.choice(("count_above", "count_greater")),
        "(items: list[int], threshold: int) -> int",
        "returns how many items of `items` are strictly greater than `threshold`.",
        _COUNT_ABOVE, _with_empty(rng, difficulty, cases, ([], 0)),
        "Count the items that pass the strict comparison.",
        "Go through the list once with a counter; be careful that items equal to the threshold "
        "do not count.")


_DEDUPE = '''def {name}(items):
    seen = set()
    out = []
    for x in items:
        if x not in seen:
            seen.add(x)
            out.append(x)
    return out
'''


def _dedupe(rng: random.Random, difficulty: int) -> FunctionTask:
    cases = [(_numbers(rng, difficulty, 0, 6, 2),) for _ in range(_cases(difficulty))]
    return _task(
        "dedupe", rng.choice(("dedupe", "unique_in_order")), "(items: list[int]) -> list[int]",
        "returns `items` without repeated values, keeping the first occurrence of each value "
        "in its original order.",
        _DEDUPE, _with_empty(rng, difficulty, cases, ([],)),
        "Remember the values already emitted in a set and skip them.",
        "A set tells you quickly whether a value was seen before, but it does not keep order, "
        "so build the output list separately.")


_ROTATE = '''def {name}(items, k):
    if not items:
        return []
    k %= len(items)
    return items[-k:] + items[:-k] if k else list(items)
'''


def _rotate(rng: random.Random, difficulty: int) -> FunctionTask:
    cases = []
    for _ in range(_cases(difficulty)):
        items = _numbers(rng, difficulty, 0, 30, 2)
        k = rng.randint(1, len(items) - 1) if difficulty <= 2 else rng.randint(-25, 25)
        cases.append((items, k))
    if difficulty >= 3:
        cases.append((list(range(1, 5)), 4 * rng.randint(1, 3)))
    return _task(
        "rotate", rng.choice(("rotate_right", "rotate_list")),
        "(items: list[int], k: int) -> list[int]",
        "returns `items` rotated `k` places to the right: the last `k` items move to the front "
        "in order. A negative `k` rotates to the left, `k` may exceed the length, and an empty "
        "list stays empty.",
        _ROTATE, _with_empty(rng, difficulty, cases, ([], 3)),
        "Reduce k modulo the length (Python's % is never negative) and join the two slices.",
        "Rotating by the length gives the same list back, so only k modulo the length matters; "
        "then the answer is two slices of the list in the other order. Mind the empty list.")


_MOVE_ZEROS = '''def {name}(items):
    return [x for x in items if x != 0] + [x for x in items if x == 0]
'''


def _move_zeros(rng: random.Random, difficulty: int) -> FunctionTask:
    size = 4 + difficulty
    cases = [([rng.choice((0, 0, rng.randint(-9, 9))) for _ in range(rng.randint(2, size))],)
             for _ in range(_cases(difficulty))]
    cases[0] = ([0, rng.randint(1, 9), 0, rng.randint(-9, -1), rng.randint(1, 9)],)
    return _task(
        "move_zeros", rng.choice(("move_zeros", "zeros_to_end")), "(items: list[int]) -> list[int]",
        "returns a list with the non-zero items of `items` in their original order, followed by "
        "all its zeros.",
        _MOVE_ZEROS, _with_empty(rng, difficulty, cases, ([],)),
        "Take the non-zero items in order, then as many zeros as there were.",
        "Split the work in two: collect the items that are not zero, then count the zeros.")


_CHUNK = '''def {name}(items, size):
    return [items[i:i + size] for i in range(0, len(items), size)]
'''


def _chunk(rng: random.Random, difficulty: int) -> FunctionTask:
    cases = [(_numbers(rng, difficulty, 0, 50), rng.randint(1, 4))
             for _ in range(_cases(difficulty))]
    return _task(
        "chunk", rng.choice(("chunk", "split_into_chunks")),
        "(items: list[int], size: int) -> list[list[int]]",
        "splits `items` into consecutive pieces of `size` items (`size` >= 1); the last piece "
        "may be shorter. An empty list gives an empty list.",
        _CHUNK, _with_empty(rng, difficulty, cases, ([], 2)),
        "Slice from every multiple of size.",
        "Step through the start positions 0, size, 2 * size, ... and cut a slice at each.")


_SECOND_LARGEST = '''def {name}(items):
    distinct = sorted(set(items))
    return distinct[-2] if len(distinct) >= 2 else None
'''


def _second_largest(rng: random.Random, difficulty: int) -> FunctionTask:
    cases = [(_numbers(rng, difficulty, -20, 20, 2),) for _ in range(_cases(difficulty))]
    cases.append(([rng.randint(1, 9)] * rng.randint(1, 3),))
    return _task(
        "second_largest", rng.choice(("second_largest", "runner_up")),
        "(items: list[int]) -> int | None",
        "returns the second largest distinct value in `items`, or None when there are fewer "
        "than two distinct values.",
        _SECOND_LARGEST, _with_empty(rng, difficulty, cases, ([],)),
        "Sort the distinct values and take the one before the last.",
        "Duplicates of the maximum do not count as the second largest; remove repeats before "
        "choosing, and handle lists with fewer than two distinct values.")


_MERGE = '''def {name}(first, second):
    out = []
    i = j = 0
    while i < len(first) and j < len(second):
        if first[i] <= second[j]:
            out.append(first[i])
            i += 1
        else:
            out.append(second[j])
            j += 1
    return out + first[i:] + second[j:]
'''


def _merge_sorted(rng: random.Random, difficulty: int) -> FunctionTask:
    cases = [(sorted(_numbers(rng, difficulty, -30, 30)),
              sorted(_numbers(rng, difficulty, -30, 30))) for _ in range(_cases(difficulty))]
    return _task(
        "merge_sorted", rng.choice(("merge_sorted", "merge_two_sorted")),
        "(first: list[int], second: list[int]) -> list[int]",
        "merges two lists sorted in ascending order into one ascending list holding every item "
        "of both (duplicates kept).",
        _MERGE, _with_empty(rng, difficulty, cases, ([], [rng.randint(0, 9)])),
        "Two pointers: always take the smaller head, then append what is left of either list.",
        "Both inputs are already sorted, so compare only their current front items and advance "
        "in the list you took from; one list may run out first.")


_FLATTEN = '''def {name}(items):
    out = []
    for x in items:
        if isinstance(x, list):
            out.extend({name}(x))
        else:
            out.append(x)
    return out
'''


def _nested(rng: random.Random, depth: int) -> list[Any]:
    out: list[Any] = []
    for _ in range(rng.randint(1, 4)):
        out.append(_nested(rng, depth - 1) if depth > 0 and rng.random() < 0.4
                   else rng.randint(0, 9))
    return out


def _flatten(rng: random.Random, difficulty: int) -> FunctionTask:
    cases = [(_nested(rng, difficulty),) for _ in range(_cases(difficulty))]
    cases[0] = ([1, [2, [3, rng.randint(4, 9)]], []],)
    return _task(
        "flatten", rng.choice(("flatten", "flatten_nested")), "(items: list) -> list[int]",
        "returns the integers of an arbitrarily nested list `items`, left to right, as one flat "
        "list.",
        _FLATTEN, _with_empty(rng, difficulty, cases, ([[], [[]]],)),
        "Recurse into every sub-list and extend the output with its flattened items.",
        "A nested list is a list whose items are either integers or lists of the same kind, so "
        "a function that calls itself on the sub-lists fits well.")


_LONGEST_RUN = '''def {name}(items):
    best = current = 0
    for i, x in enumerate(items):
        current = current + 1 if i and x == items[i - 1] else 1
        best = max(best, current)
    return best
'''


def _longest_run(rng: random.Random, difficulty: int) -> FunctionTask:
    cases = [([rng.randint(0, 2) for _ in range(rng.randint(1, 4 + 3 * difficulty))],)
             for _ in range(_cases(difficulty))]
    cases.append(([5, 6, 7],))
    return _task(
        "longest_run", rng.choice(("longest_run", "longest_streak")), "(items: list[int]) -> int",
        "returns the length of the longest stretch of consecutive equal items in `items` "
        "(0 for an empty list).",
        _LONGEST_RUN, _with_empty(rng, difficulty, cases, ([],)),
        "Extend the current run while an item equals its predecessor, restart it otherwise, "
        "and keep the best length.",
        "Track two numbers as you scan: the length of the run ending at the current item and "
        "the best length so far.")


_WINDOW_MAX = '''from collections import deque


def {name}(items, k):
    out = []
    window = deque()
    for i, x in enumerate(items):
        while window and items[window[-1]] <= x:
            window.pop()
        window.append(i)
        if window[0] <= i - k:
            window.popleft()
        if i >= k - 1:
            out.append(items[window[0]])
    return out
'''


def _window_max(rng: random.Random, difficulty: int) -> FunctionTask:
    cases = []
    for _ in range(_cases(difficulty)):
        items = _numbers(rng, difficulty + 2, -50, 50)
        cases.append((items, rng.randint(1, len(items))))
    cases.append(([3, 1, 2], 3))
    return _task(
        "window_max", rng.choice(("window_max", "sliding_window_max")),
        "(items: list[int], k: int) -> list[int]",
        "returns the maximum of every window of `k` consecutive items of `items`, from left to "
        "right (1 <= k <= len(items)), ideally in time linear in the length of `items`.",
        _WINDOW_MAX, tuple(cases),
        "Keep a deque of indices whose values decrease; its front is the window's maximum, and "
        "each index enters and leaves once, so the whole pass is linear.",
        "Recomputing the maximum of every window costs k steps per window. Keep the "
        "candidates for the maximum in a double-ended queue, dropping those that can never win "
        "again and those that slid out of the window.")


_Maker = Callable[[random.Random, int], FunctionTask]

#: The task kinds of each level.
_LEVELS: dict[int, tuple[_Maker, ...]] = {
    1: (_running_max, _pairwise_sums, _count_above),
    2: (_dedupe, _rotate, _move_zeros, _running_max),
    3: (_rotate, _chunk, _second_largest, _dedupe),
    4: (_merge_sorted, _flatten, _longest_run),
    5: (_window_max, _merge_sorted, _flatten, _longest_run),
}


def generate(rng: random.Random, difficulty: int) -> Draft:
    """Generate one list function-writing task at ``difficulty`` (1-5).

    >>> draft = generate(random.Random(0), 2)
    >>> draft.metadata["entry_point"] in draft.prompt
    True
    """
    return function_draft(rng.choice(_LEVELS[difficulty])(rng, difficulty))


FAMILY = Family("list_functions", generate,
                "write list functions: rotating, deduplicating, chunking, merging, sliding windows",
                domain="code")
