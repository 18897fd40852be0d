"""pass@k and where RL gains come from: :func:`pass_at_k`, :func:`decompose`, and helpers.

:func:`pass_at_k` is the unbiased estimator of Chen et al. (2021, "Evaluating Large Language
Models Trained on Code"): with ``c`` of ``n`` samples correct, the chance that ``k`` samples drawn
from them without replacement hold at least one correct one. :func:`decompose` splits a
before/after comparison the way Nath et al. (2025, "Adaptive Guidance Accelerates Reinforcement
Learning of Reasoning Models") do: problems newly solved at pass@1 that the model before training
could already solve at pass@k (*self-distillation*: pass@k compressed into pass@1), newly solved
ones it could not (*capability gain*), and ones it no longer solves (*lost*).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

__all__ = ["Decomposition", "decompose", "mean_pass_at_k", "pass_at_k", "solved"]


def _check(n: int, c: int, k: int) -> None:
    if n < 1:
        raise ValueError(f"n (samples per problem) must be at least 1, got {n}")
    if not 0 <= c <= n:
        raise ValueError(f"the correct count c must be in [0, n={n}], got {c}")
    if not 1 <= k <= n:
        raise ValueError(f"k must be in [1, n={n}] (pass@k needs at least k samples), got {k}")


def pass_at_k(n: int, c: int, k: int) -> float:
    """The unbiased pass@k estimate ``1 - C(n-c, k) / C(n, k)`` from ``c`` correct of ``n``.

    Computed as ``1 - prod_{i=n-c+1..n} (1 - k/i)``, which never forms the (huge) binomial
    coefficients.

    >>> pass_at_k(4, 1, 1), pass_at_k(4, 1, 2), pass_at_k(4, 0, 4), pass_at_k(4, 1, 4)
    (0.25, 0.5, 0.0, 1.0)
    >>> round(pass_at_k(200, 3, 100), 6)  # C(200, 100) has 59 digits
    0.876884
    >>> pass_at_k(4, 1, 5)
    Traceback (most recent call last):
    ...
    ValueError: k must be in [1, n=4] (pass@k needs at least k samples), got 5
    """
    _check(n, c, k)
    if n - c < k:  # every k-subset holds a correct sample
        return 1.0
    if k == 1:  # exact, so that c/n == threshold compares as it reads
        return c / n
    return 1.0 - math.prod(1.0 - k / i for i in range(n - c + 1, n + 1))


def mean_pass_at_k(counts: Sequence[int], n: int, k: int) -> float:
    """The mean of :func:`pass_at_k` over problems, each with ``counts[i]`` correct of ``n``.

    >>> mean_pass_at_k([0, 1, 4], n=4, k=2)
    0.5
    """
    if not counts:
        raise ValueError("mean_pass_at_k needs at least one problem, got none")
    return sum(pass_at_k(n, c, k) for c in counts) / len(counts)


def solved(c: int, n: int, k: int = 1, threshold: float = 0.5) -> bool:
    """Whether a problem counts as solved at pass@k: its estimated pass@k is >= ``threshold``.

    At ``k = 1`` that is "at least ``threshold`` of the samples are correct"; at ``k = n`` (any
    threshold in (0, 1]) it is "at least one sample is correct".

    >>> solved(2, 4), solved(1, 4), solved(1, 4, k=4)
    (True, False, True)
    """
    if not 0 < threshold <= 1:
        raise ValueError(f"threshold must be in (0, 1], got {threshold}")
    return pass_at_k(n, c, k) >= threshold - _ROUNDING


#: Slack for the product's rounding error when an estimate equals the threshold exactly.
_ROUNDING = 1e-12


@dataclass
class Decomposition:
    """Problems sorted by how their pass@1 status changed from ``before`` to ``after``.

    Every problem is in exactly one list. ``self_distillation`` and ``capability_gain`` are the
    newly solved problems (not solved at pass@1 before, solved after), split by whether the
    model before could already solve them at pass@k; ``lost`` were solved before and not after;
    ``retained`` were solved at both; ``unsolved`` at neither. See :func:`decompose` for the
    exact definitions.
    """

    self_distillation: list[str]
    """Newly solved at pass@1, already solvable at pass@k before."""
    capability_gain: list[str]
    """Newly solved at pass@1, not solvable at pass@k before."""
    lost: list[str]
    """Solved at pass@1 before, not after."""
    retained: list[str] = field(default_factory=list)
    """Solved at pass@1 before and after."""
    unsolved: list[str] = field(default_factory=list)
    """Solved at pass@1 neither before nor after."""
    n: int = 1
    """Samples per problem behind the counts."""
    k: int = 1
    """The k of "solvable at pass@k before"."""
    threshold: float = 0.5
    """The estimated pass@1 (and pass@k) at or above which a problem counts as solved."""

    CATEGORIES = ("self_distillation", "capability_gain", "lost", "retained", "unsolved")

    @property
    def total(self) -> int:
        """The number of problems compared."""
        return sum(len(getattr(self, name)) for name in self.CATEGORIES)

    def counts(self) -> dict[str, int]:
        """The size of each category."""
        return {name: len(getattr(self, name)) for name in self.CATEGORIES}

    def fractions(self) -> dict[str, float]:
        """Each category's share of all problems (0 for an empty comparison)."""
        total = self.total
        return {name: (count / total if total else 0.0) for name, count in self.counts().items()}

    def newly_solved(self) -> int:
        """Problems solved at pass@1 after and not before (self-distillation + capability gain)."""
        return len(self.self_distillation) + len(self.capability_gain)


def decompose(before: Mapping[str, int], after: Mapping[str, int], n: int, k: int | None = None,
              *, threshold: float = 0.5) -> Decomposition:
    """Split the change from ``before`` to ``after`` (problem id -> correct count of ``n``).

    Definitions (c = a problem's correct count, :func:`pass_at_k` the unbiased estimate):

    - *solved at pass@1*: ``c / n >= threshold`` (by default a majority of samples correct);
    - *solvable at pass@k before*: estimated pass@k of the before counts ``>= threshold``; with
      the default ``k = n`` that is ``c_before >= 1``, "some sample of n was correct";
    - *self-distillation*: not solved at pass@1 before, solved after, solvable at pass@k before;
    - *capability gain*: not solved at pass@1 before, solved after, not solvable at pass@k before;
    - *lost*: solved at pass@1 before, not after.

    Both mappings must hold the same problem ids; lists keep the order of ``before``.

    Example:
        >>> before = {"a": 0, "b": 1, "c": 3, "d": 4, "e": 0, "f": 2}
        >>> after = {"a": 4, "b": 3, "c": 1, "d": 4, "e": 0, "f": 2}
        >>> d = decompose(before, after, n=4)
        >>> d.capability_gain, d.self_distillation, d.lost, d.retained, d.unsolved
        (['a'], ['b'], ['c'], ['d', 'f'], ['e'])
        >>> d.counts()["self_distillation"], d.fractions()["lost"]
        (1, 0.16666666666666666)
    """
    k = n if k is None else k
    _check(n, 0, k)
    if set(before) != set(after):
        missing = sorted(set(before) ^ set(after))
        raise ValueError(f"before and after must hold the same problems; {len(missing)} differ, "
                         f"e.g. {missing[:3]}")
    result = Decomposition([], [], [], n=n, k=k, threshold=threshold)
    for pid, c_before in before.items():
        c_after = after[pid]
        was, now = solved(c_before, n, 1, threshold), solved(c_after, n, 1, threshold)
        if was and now:
            result.retained.append(pid)
        elif was:
            result.lost.append(pid)
        elif not now:
            result.unsolved.append(pid)
        elif solved(c_before, n, k, threshold):
            result.self_distillation.append(pid)
        else:
            result.capability_gain.append(pid)
    return result
