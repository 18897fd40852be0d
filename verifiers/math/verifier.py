"""The math verifier: :class:`MathVerifier` and :func:`verify_answer`."""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass
from typing import Any

from verifiers.base import DEFAULT_DEADLINE_S, TwoStage, too_long
from verifiers.math.compare import DEFAULT_REL_TOL, Tolerance, equivalent
from verifiers.math.extract import MAX_ANSWER_CHARS, read_answer
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

    def __init__(self, deadline_s: float = DEFAULT_DEADLINE_S, *,
                 rel_tol: float = DEFAULT_REL_TOL, bare_numbers: bool = False) -> None:
        """Configure the verifier.

        Args:
            deadline_s: Seconds one verification may take.
            rel_tol: Relative tolerance for a decimal approximation of an irrational answer
                (decimals against rationals must round to the shown precision instead).
            bare_numbers: Also read the last number in the text when there is no box and no
                final-answer line (off: a number in passing is not an answer).
        """
        super().__init__(deadline_s)
        if not rel_tol >= 0:
            raise ValueError(f"rel_tol must be >= 0, got {rel_tol!r}")
        self.rel_tol = rel_tol
        self.bare_numbers = bare_numbers

    def extract(self, response: str, problem: Any) -> str | Verdict:
        """The answer the response commits to (:func:`~verifiers.math.extract.extract_answer`).

        Invisible content is not read, boxes their own sentence rejects are no answer, an
        explicit correction replaces earlier boxes, and with no box and no final-answer line a
        concluding last sentence ("Hence the maximum value is 8.") is read.
        """
        reading = read_answer(response, bare_numbers=self.bare_numbers)
        extracted = reading.answer
        if extracted is None:
            return Verdict.failed(Status.NO_ANSWER, reading.reason)
        if not extracted:
            return Verdict.failed(Status.NO_ANSWER, "the final \\boxed{} is empty", extracted)
        return too_long(extracted, MAX_ANSWER_CHARS) or extracted

    def judge(self, extracted: str, problem: Any) -> Verdict:
        """Compare ``extracted`` with the gold answer."""
        gold = getattr(problem, "answer", None)
        if gold is None:
            return Verdict.failed(Status.ERROR, "problem has no gold answer", extracted)
        same, reason = equivalent(extracted, str(gold), Tolerance(self.rel_tol))
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
