"""The math verifier: :class:`MathVerifier` and :func:`verify_answer`."""

from __future__ import annotations

import time

from verifiers.deadline import DeadlineExceeded, WorkerCrashed, shared_worker
from verifiers.math.compare import equivalent
from verifiers.math.extract import MAX_ANSWER_CHARS, extract_answer
from verifiers.verdict import Status, Verdict

__all__ = ["DEFAULT_DEADLINE_S", "MathVerifier", "verify_answer"]

#: Seconds one verification may take, extraction and comparison together.
DEFAULT_DEADLINE_S = 5.0
_WORKER_PRELOAD = ("verifiers.math.compare",)


def _grade(response: str, gold: str, deadline_s: float) -> Verdict:
    if not isinstance(response, str):
        return Verdict.failed(Status.ERROR, f"response must be str, got {type(response).__name__}")
    started = time.perf_counter()
    extracted = extract_answer(response)
    if extracted is None:
        return Verdict.failed(Status.NO_ANSWER, "no \\boxed{} final answer found")
    if not extracted:
        return Verdict.failed(Status.NO_ANSWER, "the final \\boxed{} is empty", extracted)
    if len(extracted) > MAX_ANSWER_CHARS:
        return Verdict.failed(Status.UNPARSABLE,
                              f"answer of {len(extracted)} characters is too long to be final",
                              extracted[:100])
    remaining = deadline_s - (time.perf_counter() - started)
    try:
        same, reason = shared_worker(_WORKER_PRELOAD).call(equivalent, extracted, gold,
                                                           timeout=max(remaining, 0.01))
    except DeadlineExceeded:
        return Verdict.failed(Status.TIMEOUT, f"comparison exceeded the {deadline_s:g} s deadline",
                              extracted)
    except WorkerCrashed as exc:
        return Verdict.failed(Status.ERROR, str(exc), extracted)
    except Exception as exc:  # noqa: BLE001 - a parser bug must not crash the trainer
        return Verdict.failed(Status.ERROR, f"comparison failed: {exc!r}"[:300], extracted)
    if same:
        return Verdict.right(extracted, reason)
    if reason.startswith("could not parse"):
        return Verdict.failed(Status.UNPARSABLE, reason, extracted)
    return Verdict.incorrect(extracted, reason)


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
    started = time.perf_counter()
    verdict = _grade(response, gold, deadline_s)
    return verdict.with_elapsed(time.perf_counter() - started)


class MathVerifier:
    """Grades math answers: the last ``\\boxed{}`` against ``problem.answer``.

    Example:
        >>> from types import SimpleNamespace
        >>> problem = SimpleNamespace(answer="4")  # any object with .answer, e.g. a Problem
        >>> MathVerifier().verify("\\\\boxed{4}", problem).correct
        True
    """

    name = "math"

    def __init__(self, deadline_s: float = DEFAULT_DEADLINE_S) -> None:
        if deadline_s <= 0:
            raise ValueError(f"deadline_s must be positive, got {deadline_s!r}")
        self.deadline_s = deadline_s

    def verify(self, response: str, problem: object) -> Verdict:
        """Grade ``response`` against ``problem.answer``."""
        gold = getattr(problem, "answer", None)
        if gold is None:
            return Verdict.failed(Status.ERROR, "problem has no gold answer")
        return verify_answer(response, str(gold), deadline_s=self.deadline_s)
