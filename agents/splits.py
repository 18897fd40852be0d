"""Held-out problems: :func:`held_out_plan` and :class:`IdSplit`.

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
from typing import Any, Literal

from agents.env_client import parse_env_kwargs

__all__ = ["TINY_ENV_KWARGS", "HeldOut", "IdSplit", "held_out_plan", "held_out_share"]

#: The task of the embedded default (``--model tiny`` without ``--env-kwargs``).
TINY_ENV_KWARGS = {"families": ["rewrite_chain"], "difficulty": [3], "template": "chain"}


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


@dataclass(frozen=True)
class HeldOut:
    """Where training and evaluation problems come from, kept apart.

    ``split`` is the held-out share of an :class:`~agents.splits.IdSplit` when both come from
    the same env (a dataset file has no other way to hold problems out), else None.
    """

    train_kwargs: dict[str, Any]
    eval_kwargs: dict[str, Any]
    split: float | None = None

    def train_filter(self) -> IdSplit | None:
        """The training client's ``keep``: every problem but the held-out ones."""
        return None if self.split is None else IdSplit(self.split, "train")

    def eval_filter(self) -> IdSplit | None:
        """The held-out client's ``keep``: only the held-out problems."""
        return None if self.split is None else IdSplit(self.split, "eval")


def held_out_plan(env: str, env_kwargs: str, eval_env_kwargs: str, *, model: str = "",
                  eval_split: float = 0.1) -> HeldOut:
    """Training and held-out env kwargs (see ``--env-kwargs``, ``--eval-env-kwargs``).

    Procedural guide-rl sources hold out by seed (the source seed plus one); any other env
    whose held-out kwargs equal the training ones (a dataset file, a third-party env) is split
    by problem id, ``eval_split`` of it held out.

    >>> held_out_plan("guide/Math-v0", '{"difficulty": 2}', "").eval_kwargs
    {'difficulty': 2, 'seed': 1}
    >>> held_out_plan("guide/Math-v0", '{"source": "gsm8k", "data_files": "t.jsonl"}', "").split
    0.1
    """
    train = parse_env_kwargs(env_kwargs)
    if not env_kwargs and model == "tiny" and env == "guide/Math-v0":
        train = dict(TINY_ENV_KWARGS)
    held_out = parse_env_kwargs(eval_env_kwargs) if eval_env_kwargs else dict(train)
    if held_out != train:
        return HeldOut(train, held_out)
    if env.startswith("guide/") and train.get("source", "procedural") == "procedural":
        return HeldOut(train, {**train, "seed": int(train.get("seed", 0)) + 1})
    return HeldOut(train, held_out, eval_split)
