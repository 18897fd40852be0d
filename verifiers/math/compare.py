"""Deciding whether two final answers are the same mathematical object: :func:`equivalent`.

This runs inside a :class:`~verifiers.deadline.DeadlineWorker`, which enforces the deadline, so
math-verify's own ``signal.alarm`` timeouts are switched off (they fail outside the main thread).
"""

from __future__ import annotations

import logging
from functools import lru_cache
from typing import Any

from math_verify import parse, verify

__all__ = ["equivalent"]

logging.getLogger("math_verify").setLevel(logging.ERROR)


@lru_cache(maxsize=4096)
def _parsed(answer: str) -> tuple[Any, ...]:
    # math-verify annotates parsing_timeout as int but documents None as "no timeout".
    return tuple(parse("\\boxed{" + answer + "}", parsing_timeout=None))  # type: ignore[arg-type]


def equivalent(answer: str, gold: str) -> tuple[bool, str]:
    """Whether ``answer`` equals ``gold``, and a one-line reason.

    >>> equivalent("0.5", "\\\\frac{1}{2}")
    (True, 'equivalent to the gold answer')
    >>> equivalent("3", "4")[0]
    False
    """
    gold_parsed = _parsed(gold)
    if not gold_parsed:
        return False, f"the gold answer {gold!r} could not be parsed"
    answer_parsed = _parsed(answer)
    if not answer_parsed:
        return False, f"could not parse the answer {answer!r}"
    if verify(list(gold_parsed), list(answer_parsed), timeout_seconds=None):
        return True, "equivalent to the gold answer"
    return False, f"{answer!r} is not equivalent to the gold answer"
