"""Held-out problems by a stable hash of their id: :class:`IdSplit`.

A learner evaluates on problems it never trains on. Procedural sources get that from a different
seed; a single dataset file has one fixed set of problems, so the learner splits it: a problem is
held out when the hash of its id falls below ``fraction``. The rule needs nothing but the id, so
it works for any env that follows the env protocol, is the same on every machine and run, and
does not move when the file grows (a new row never moves an old one across the split).

Example:
    >>> train, held_out = IdSplit(0.2, "train"), IdSplit(0.2, "eval")
    >>> ids = [f"gsm8k/{i}" for i in range(1000)]
    >>> evaluated = [i for i in ids if held_out(i)]
    >>> 150 < len(evaluated) < 250, any(train(i) for i in evaluated)  # about 20% held out
    (True, False)
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Literal

__all__ = ["IdSplit", "held_out_share"]


def held_out_share(problem_id: str) -> float:
    """Where ``problem_id`` falls in [0, 1): the first 8 bytes of its SHA-256, scaled.

    >>> held_out_share("gsm8k/0") == held_out_share("gsm8k/0")
    True
    """
    digest = hashlib.sha256(problem_id.encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


@dataclass(frozen=True)
class IdSplit:
    """``split(problem_id)``: whether the problem belongs to ``part`` of the split.

    Args:
        fraction: The share of problems held out for evaluation, in (0, 1).
        part: ``"train"`` keeps the others, ``"eval"`` the held-out ones.
    """

    fraction: float
    part: Literal["train", "eval"]

    def __post_init__(self) -> None:
        if not 0.0 < self.fraction < 1.0:
            raise ValueError(f"the held-out fraction must be in (0, 1), got {self.fraction!r}")
        if self.part not in ("train", "eval"):
            raise ValueError(f"part must be 'train' or 'eval', got {self.part!r}")

    def __call__(self, problem_id: str) -> bool:
        """Whether ``problem_id`` belongs to this part."""
        held_out = held_out_share(problem_id) < self.fraction
        return held_out if self.part == "eval" else not held_out
