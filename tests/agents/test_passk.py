"""pass@k (agents/passk.py) against brute force, and the gain decomposition."""

from __future__ import annotations

import itertools
import math

import pytest

from agents.passk import decompose, mean_pass_at_k, pass_at_k, solved

# pass@k


def _brute_force(n: int, c: int, k: int) -> float:
    """The share of k-subsets of n samples (the first c correct) holding a correct one."""
    subsets = list(itertools.combinations(range(n), k))
    return sum(any(i < c for i in s) for s in subsets) / len(subsets)


@pytest.mark.parametrize("n", range(1, 11))
def test_pass_at_k_matches_enumerating_every_subset(n: int) -> None:
    for c in range(n + 1):
        for k in range(1, n + 1):
            assert pass_at_k(n, c, k) == pytest.approx(_brute_force(n, c, k), abs=1e-12)


def test_pass_at_k_edge_cases_and_large_n() -> None:
    assert pass_at_k(1, 0, 1) == 0.0 and pass_at_k(1, 1, 1) == 1.0
    assert pass_at_k(16, 16, 1) == 1.0 and pass_at_k(16, 0, 16) == 0.0
    assert pass_at_k(16, 1, 16) == 1.0  # pass@n: any correct sample
    assert pass_at_k(16, 5, 1) == 5 / 16 and pass_at_k(8, 4, 1) == 0.5  # pass@1 is c/n
    exact = 1 - math.comb(1000 - 7, 300) / math.comb(1000, 300)
    assert pass_at_k(1000, 7, 300) == pytest.approx(exact, rel=1e-12)
    assert mean_pass_at_k([0, 4], n=4, k=1) == 0.5


@pytest.mark.parametrize(("n", "c", "k", "message"), [
    (0, 0, 1, "n (samples per problem) must be at least 1"),
    (4, 5, 1, "c must be in [0, n=4]"),
    (4, -1, 1, "c must be in [0, n=4]"),
    (4, 1, 0, "k must be in [1, n=4]"),
    (4, 1, 5, "k must be in [1, n=4]"),
])
def test_pass_at_k_rejects_impossible_input(n: int, c: int, k: int, message: str) -> None:
    with pytest.raises(ValueError, match=message.replace("[", r"\[").replace("(", r"\(")
                       .replace(")", r"\)")):
        pass_at_k(n, c, k)


def test_mean_pass_at_k_of_nothing_is_an_error() -> None:
    with pytest.raises(ValueError, match="at least one problem"):
        mean_pass_at_k([], n=4, k=1)


# decomposition


def test_decompose_sorts_every_problem_into_one_category() -> None:
    n = 8
    before = {"gain": 0, "distil": 1, "distil_edge": 3, "lost": 6, "kept": 8, "never": 0,
              "half": 4}
    after = {"gain": 5, "distil": 8, "distil_edge": 4, "lost": 3, "kept": 7, "never": 2,
             "half": 4}
    d = decompose(before, after, n)
    assert d.capability_gain == ["gain"]
    assert d.self_distillation == ["distil", "distil_edge"]  # 4/8 is solved at threshold 0.5
    assert d.lost == ["lost"]
    assert d.retained == ["kept", "half"]
    assert d.unsolved == ["never"]
    assert d.total == 7 and sum(d.counts().values()) == 7
    assert d.fractions()["self_distillation"] == pytest.approx(2 / 7)
    assert d.newly_solved() == 3 and (d.n, d.k, d.threshold) == (8, 8, 0.5)


def test_decompose_with_a_smaller_k_and_threshold() -> None:
    before, after = {"a": 1, "b": 3}, {"a": 8, "b": 8}
    # pass@2 from 1 of 8 correct is 0.25 (< 0.5): capability gain; from 3 of 8 it is 0.64.
    d = decompose(before, after, n=8, k=2)
    assert d.capability_gain == ["a"] and d.self_distillation == ["b"]
    # With threshold 0.25, 3/8 counts as solved before already.
    d = decompose(before, after, n=8, k=2, threshold=0.25)
    assert d.self_distillation == ["a"] and d.retained == ["b"]
    assert solved(1, 8, k=2, threshold=0.25) and not solved(1, 8, k=2)


def test_decompose_rejects_mismatched_problems_and_bad_k() -> None:
    with pytest.raises(ValueError, match="same problems"):
        decompose({"a": 1}, {"b": 1}, n=4)
    with pytest.raises(ValueError, match="k must be in"):
        decompose({"a": 1}, {"a": 1}, n=4, k=8)
    with pytest.raises(ValueError, match="threshold must be in"):
        decompose({"a": 1}, {"a": 1}, n=4, threshold=0)
