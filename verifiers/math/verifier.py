"""The math verifier: :class:`MathVerifier` and :func:`verify_answer`."""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass
from typing import Any

from verifiers.base import DEFAULT_DEADLINE_S, TwoStage
from verifiers.math.compare import equivalent
from verifiers.math.extract import MAX_ANSWER_CHARS, extract_answer
from verifiers.verdict import Status, Verdict

__all__ = ["DEFAULT_DEADLINE_S", "MathVerifier", "verify_answer"]


@dataclass(frozen=True)
class _Gold:
    """The least a problem needs for the math verifier: a gold answer."""

    answer: str


class MathVerifier(TwoStage):
    """Grades math answers: the last ``\\boxed{}`` against ``problem.answer``.

    Example:
        >>> from types import SimpleNamespace
        >>> problem = SimpleNamespace(answer="4")  # any object with .answer, e.g. a Problem
        >>> MathVerifier().verify("\\\\boxed{4}", problem).correct
        True
    """

    name = "math"
    worker_preload = ("verifiers.math.warmup",)

    def extract(self, response: str, problem: Any) -> str | Verdict:
        """The last boxed answer outside any reasoning block."""
        extracted = extract_answer(response)
        if extracted is None:
            return Verdict.failed(Status.NO_ANSWER, "no \\boxed{} final answer found")
        if not extracted:
            return Verdict.failed(Status.NO_ANSWER, "the final \\boxed{} is empty", extracted)
        if len(extracted) > MAX_ANSWER_CHARS:
            return Verdict.failed(Status.UNPARSABLE,
                                  f"answer of {len(extracted)} characters is too long to be final",
                                  extracted[:100])
        return extracted

    def judge(self, extracted: str, problem: Any) -> Verdict:
        """Compare ``extracted`` with the gold answer."""
        gold = getattr(problem, "answer", None)
        if gold is None:
            return Verdict.failed(Status.ERROR, "problem has no gold answer", extracted)
        same, reason = equivalent(extracted, str(gold))
        if same:
            return Verdict.right(extracted, reason)
        if reason.startswith("could not parse"):
            return Verdict.failed(Status.UNPARSABLE, reason, extracted)
        return Verdict.incorrect(extracted, reason)

    def cache_key(self, problem: Any) -> Hashable:
        """The gold answer."""
        return str(getattr(problem, "answer", None))

    def portable(self, problem: Any) -> Any:
        """Only the gold answer travels to the judging worker."""
        gold = getattr(problem, "answer", None)
        return _Gold(str(gold)) if gold is not None else problem


def verify_answer(response: str, gold: str, *, deadline_s: float = DEFAULT_DEADLINE_S) -> Verdict:
    """Grade ``response`` against the gold final answer ``gold``.

    Never raises on model output and never runs past ``deadline_s`` (plus scheduling slack):
    anything wrong with the response becomes a :class:`~verifiers.Verdict`.

    Example:
        >>> v = verify_answer("... so the total is \\\\boxed{\\\\frac{6}{4}}.", "1.5")
        >>> v.correct, v.extracted
        (True, '\\\\frac{6}{4}')
        >>> verify_answer("I am not sure.", "1.5").status.value
        'no_answer'
    """
    return MathVerifier(deadline_s).verify(response, _Gold(str(gold)))
