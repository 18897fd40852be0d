"""The verifier of the compact chain-of-rewrites format: :class:`ChainVerifier`, :func:`evaluate`.

A response such as ``90-3*1*9=90-3*9=90-27=63;A:63`` (the ``rewrite_chain`` family of
``guide/Math-v0``, the ``tiny`` preset) states its final answer after the last ``A:``. Grading
compares that integer with the gold answer exactly; optionally every ``=``-separated state of the
chain must also keep the value of the expression. Everything is linear-time string work on an
input of bounded length, so it runs in the caller (no deadline worker is needed).
"""

from __future__ import annotations

import re
import time
from typing import Any

from verifiers.base import DEFAULT_DEADLINE_S
from verifiers.verdict import Status, Verdict

__all__ = ["MAX_RESPONSE_CHARS", "ChainVerifier", "evaluate"]

#: Longer responses are not read (a chain of the tiny preset is about 40 characters).
MAX_RESPONSE_CHARS = 10_000
#: Longest integer literal read, as an answer or inside a state.
MAX_DIGITS = 100

_INTEGER = re.compile(r"[+-]?\d+")
_TOKEN = re.compile(r"\d+|[+*-]")
_ANSWER_END = re.compile(r"[;\s]")


def evaluate(expression: str) -> int | None:
    """The value of an integer expression over ``+ - *`` (no parentheses), or None if malformed.

    Multiplication binds tighter than addition and subtraction; a number may carry a leading
    ``-`` (a negative state). Nothing is ever passed to ``eval``.

    >>> evaluate("90-3*1*9"), evaluate("-2+10"), evaluate("7")
    (63, 8, 7)
    >>> evaluate("2**3"), evaluate("1+"), evaluate("x")
    (None, None, None)
    """
    text = expression.strip()
    if not text or _TOKEN.sub("", text):
        return None
    tokens = _TOKEN.findall(text)
    total, term, sign, pos = 0, 1, 1, 0
    while True:
        negative = pos < len(tokens) and tokens[pos] == "-"
        pos += negative
        if pos >= len(tokens) or not tokens[pos].isdigit() or len(tokens[pos]) > MAX_DIGITS:
            return None
        term *= -int(tokens[pos]) if negative else int(tokens[pos])
        pos += 1
        if pos == len(tokens):
            return total + sign * term
        op = tokens[pos]
        pos += 1
        if op in "+-":
            total, term, sign = total + sign * term, 1, 1 if op == "+" else -1
        elif op != "*":
            return None


class ChainVerifier:
    """Grades the integer after the last ``A:`` of a response against ``problem.answer``.

    The answer runs from ``A:`` to the next ``;``, whitespace or the end. No ``A:`` gives
    ``no_answer``; anything but an integer there gives ``unparsable``. With ``check_chain`` the
    text before that ``A:`` (a trailing ``;`` dropped) must also be a chain of states joined by
    ``=`` in which every state evaluates (:func:`evaluate`) to the value of the one before, the
    first to the value of ``problem.prompt`` when that is an expression, and the last to the
    answer; a broken chain is ``incorrect`` even with the right answer.

    Args:
        check_chain: Also require a value-preserving chain (see above).
        max_chars: Longer responses are ``unparsable`` without being read.
        deadline_s: Kept for pools (:class:`~verifiers.VerifierPool`); the work is linear-time.

    Example:
        >>> from types import SimpleNamespace
        >>> problem = SimpleNamespace(prompt="5*18-3*1*9", answer="63")
        >>> ChainVerifier().verify("90-3*1*9=90-3*9=90-27=63;A:63", problem).correct
        True
        >>> ChainVerifier().verify("90-27=62;A:62", problem).status.value
        'incorrect'
        >>> ChainVerifier(check_chain=True).verify("90-3*9=90-20=63;A:63", problem).reason
        "state 2 '90-20' is 70, not 63"
        >>> ChainVerifier().verify("63", problem).status.value
        'no_answer'
    """

    name = "chain"

    def __init__(self, check_chain: bool = False, max_chars: int = MAX_RESPONSE_CHARS,
                 deadline_s: float = DEFAULT_DEADLINE_S) -> None:
        if max_chars < 1:
            raise ValueError(f"max_chars must be positive, got {max_chars!r}")
        if not deadline_s > 0:
            raise ValueError(f"deadline_s must be positive, got {deadline_s!r}")
        self.check_chain = check_chain
        self.max_chars = max_chars
        self.deadline_s = deadline_s

    def verify(self, response: str, problem: Any) -> Verdict:
        """Grade ``response``; never raises on model output."""
        started = time.perf_counter()
        try:
            verdict = self._verify(response, problem)
        except Exception as exc:  # noqa: BLE001 - a verifier bug must not crash the trainer
            verdict = Verdict.failed(Status.ERROR, f"{type(exc).__name__}: {exc}"[:300])
        return verdict.with_elapsed(time.perf_counter() - started)

    def _verify(self, response: str, problem: Any) -> Verdict:
        if not isinstance(response, str):
            return Verdict.failed(Status.ERROR,
                                  f"response must be str, got {type(response).__name__}")
        gold = _gold(problem)
        if isinstance(gold, Verdict):
            return gold
        if len(response) > self.max_chars:
            return Verdict.failed(Status.UNPARSABLE, f"response of {len(response)} characters "
                                  f"exceeds max_chars={self.max_chars}")
        start = response.rfind("A:")
        if start < 0:
            return Verdict.failed(Status.NO_ANSWER, "no A:<integer> final answer found")
        tail = response[start + 2:]
        end = _ANSWER_END.search(tail)
        extracted = tail[:end.start()] if end else tail
        if not _INTEGER.fullmatch(extracted) or len(extracted) > MAX_DIGITS + 1:
            return Verdict.failed(Status.UNPARSABLE, f"A:{extracted[:50]!r} is not an integer",
                                  extracted[:100])
        value = int(extracted)
        if value != gold:
            return Verdict.incorrect(extracted, f"answer {value} != gold {gold}")
        if self.check_chain:
            broken = _broken_chain(response[:start], getattr(problem, "prompt", ""), value)
            if broken:
                return Verdict.incorrect(extracted, broken)
        return Verdict.right(extracted, f"answer {value} == gold")

    def __repr__(self) -> str:
        return (f"ChainVerifier(check_chain={self.check_chain}, max_chars={self.max_chars}, "
                f"deadline_s={self.deadline_s})")


def _gold(problem: Any) -> int | Verdict:
    """The gold answer as an integer, or an ``error`` Verdict saying why there is none."""
    answer = getattr(problem, "answer", None)
    text = str(answer).strip() if answer is not None else ""
    if not _INTEGER.fullmatch(text) or len(text) > MAX_DIGITS + 1:
        return Verdict.failed(Status.ERROR, f"gold answer {answer!r} is not an integer")
    return int(text)


def _broken_chain(chain: str, prompt: Any, answer: int) -> str | None:
    """Why ``chain`` does not carry the value of ``prompt`` down to ``answer``; None if it does."""
    states = chain.strip().removesuffix(";").split("=")
    expected = evaluate(prompt) if isinstance(prompt, str) else None
    for k, state in enumerate(states, 1):
        value = evaluate(state)
        if value is None:
            return f"state {k} {state[:50]!r} is not an integer expression"
        if expected is not None and value != expected:
            return f"state {k} {state[:50]!r} is {value}, not {expected}"
        expected = value
    if expected != answer:
        return f"the last state is {expected}, not the answer {answer}"
    return None
