"""Verifiers in two stages, so that a pool can cache and parallelise them: :class:`TwoStage`.

``extract`` reads the answer out of a response (cheap, linear time, runs in the caller);
``judge`` decides whether that answer matches the problem (may be slow, runs under the deadline
in a worker process); ``cache_key`` names everything about the problem that ``judge`` reads, so
``(verifier, cache_key, extracted)`` identifies a judgement.
"""

from __future__ import annotations

import time
from collections.abc import Hashable
from typing import Any

from verifiers.deadline import DeadlineExceeded, WorkerCrashed, run_with_deadline
from verifiers.verdict import Status, Verdict

__all__ = ["DEFAULT_DEADLINE_S", "TwoStage", "failure_verdict", "judge_guarded", "too_long"]

#: Seconds one verification may take, extraction and judgement together.
DEFAULT_DEADLINE_S = 5.0


def too_long(extracted: str, limit: int) -> Verdict | None:
    """An ``unparsable`` Verdict when an extracted answer is too long to be a final answer."""
    if len(extracted) <= limit:
        return None
    return Verdict.failed(Status.UNPARSABLE,
                          f"answer of {len(extracted)} characters is too long to be final",
                          extracted[:100])


def failure_verdict(exc: BaseException, deadline_s: float,
                    extracted: str | None = None) -> Verdict:
    """The Verdict of a judgement that gave none: it overran, its worker died, or it failed.

    >>> failure_verdict(DeadlineExceeded("late"), 2.0).reason
    'verification exceeded the 2 s deadline'
    """
    if isinstance(exc, DeadlineExceeded):
        reason = f"verification exceeded the {deadline_s:g} s deadline"
        return Verdict.failed(Status.TIMEOUT, reason, extracted)
    if isinstance(exc, WorkerCrashed):
        return Verdict.failed(Status.ERROR, str(exc), extracted)
    # e.g. a problem that cannot be pickled, a bug in the verifier
    return Verdict.failed(Status.ERROR, f"could not verify: {exc!r}"[:300], extracted)


def judge_guarded(verifier: TwoStage, extracted: str, problem: Any) -> Verdict:
    """``verifier.judge`` with every exception turned into an ``error`` Verdict."""
    try:
        return verifier.judge(extracted, problem)
    except Exception as exc:  # noqa: BLE001 - a parser bug must not crash the trainer
        return Verdict.failed(Status.ERROR, f"{type(exc).__name__}: {exc}"[:300], extracted)


class TwoStage:
    """Base class: ``verify`` = ``extract`` in the caller, then ``judge`` under the deadline.

    Subclasses set ``name`` and implement :meth:`extract`, :meth:`judge`, :meth:`cache_key`;
    :attr:`worker_preload` names modules the judging worker imports once at start.
    """

    name = "two-stage"
    worker_preload: tuple[str, ...] = ()

    def __init__(self, deadline_s: float = DEFAULT_DEADLINE_S) -> None:
        if not deadline_s > 0:
            raise ValueError(f"deadline_s must be positive, got {deadline_s!r}")
        self.deadline_s = deadline_s

    def extract(self, response: str, problem: Any) -> str | Verdict:
        """The answer to judge, or a final Verdict when there is nothing to judge."""
        raise NotImplementedError

    def judge(self, extracted: str, problem: Any) -> Verdict:
        """Whether ``extracted`` answers ``problem`` (no timing; may be slow)."""
        raise NotImplementedError

    def cache_key(self, problem: Any) -> Hashable:
        """Everything about ``problem`` that :meth:`judge` reads."""
        raise NotImplementedError

    def portable(self, problem: Any) -> Any:
        """What :meth:`judge` is sent instead of ``problem``: small and picklable."""
        return problem

    def verify(self, response: str, problem: Any) -> Verdict:
        """Grade ``response``; never raises on model output, never overruns the deadline."""
        started = time.perf_counter()
        verdict = self._verify(response, problem, started)
        return verdict.with_elapsed(time.perf_counter() - started)

    def _verify(self, response: str, problem: Any, started: float) -> Verdict:
        if not isinstance(response, str):
            return Verdict.failed(Status.ERROR,
                                  f"response must be str, got {type(response).__name__}")
        extracted = self.extract(response, problem)
        if isinstance(extracted, Verdict):
            return extracted
        remaining = max(self.deadline_s - (time.perf_counter() - started), 0.01)
        try:
            verdict: Verdict = run_with_deadline(
                judge_guarded, self, extracted, self.portable(problem), timeout=remaining,
                preload=self.worker_preload)
        except Exception as exc:  # noqa: BLE001 - an overrun or a dead worker is a Verdict
            return failure_verdict(exc, self.deadline_s, extracted)
        return verdict
